using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Server.WebSockets;

namespace Tessera.Server.Tests.WebSockets;

public sealed class SharedMessageEncoderTests
{
    [Fact]
    public void A_message_sent_to_many_is_encoded_once_and_a_changed_copy_afresh()
    {
        var encoder = new SharedMessageEncoder();
        var chat = new Message { Type = MessageTypes.Chat, Source = "a", Value = JsonValue.Create("hello") };

        var first = encoder.Encode(chat);
        Assert.Same(first, encoder.Encode(chat));
        Assert.Equal(MessageJson.Encode(chat), first);

        var edited = chat with { Value = JsonValue.Create("bye") };
        var second = encoder.Encode(edited);
        Assert.NotSame(first, second);
        Assert.Equal("bye", (string?)JsonNode.Parse(second)!["value"]);
    }

    [Fact]
    public void Messages_sent_in_turn_are_each_encoded_right()
    {
        var encoder = new SharedMessageEncoder();
        var a = new Message { Type = MessageTypes.Chat, Source = "a", Value = JsonValue.Create("one") };
        var b = new Message { Type = MessageTypes.Chat, Source = "b", Value = JsonValue.Create("two") };

        Assert.Equal(MessageJson.Encode(a), encoder.Encode(a));
        Assert.Equal(MessageJson.Encode(b), encoder.Encode(b));
        Assert.Equal(MessageJson.Encode(a), encoder.Encode(a));
    }
}
