using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class ProtocolFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["forged"] = GroupFiles.Ordinary,
        ["quiet"] = GroupFiles.Ordinary,
    };
}

/// <summary>How the page behaves on the wire: keep-alive and distrust of unprivileged server-like messages.</summary>
public sealed class ProtocolBehaviourTests(ProtocolFixture fixture) : IClassFixture<ProtocolFixture>
{
    [Fact]
    public async Task After_fifteen_seconds_of_server_silence_the_page_sends_a_ping()
    {
        var page = await fixture.Browser.NewPageAsync();
        var sent = GroupPage.RecordSentFrames(page);
        await page.Clock.InstallAsync();
        await GroupPage.LoginAsync(page, fixture.GroupUrl("quiet"), "bob", "builder");
        Assert.DoesNotContain(GroupPage.Parsed(sent), IsPing);

        await page.Clock.FastForwardAsync("00:20");

        await Eventually.True(() => GroupPage.Parsed(sent).Any(IsPing), "the page's ping");
        await Expect(GroupPage.MessageBox(page)).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        static bool IsPing(JsonElement m) => m.GetProperty("type").GetString() == "ping";
    }

    [Fact]
    public async Task A_kicked_or_error_message_forged_by_a_non_operator_is_ignored()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("forged"), "ada", "secret");
        await using var mallory = await RawClient.ConnectAsync(fixture.Server.BaseUrl);
        await mallory.SendAsync(new JsonObject
        {
            ["type"] = "join", ["kind"] = "join", ["group"] = "forged",
            ["username"] = "mallory", ["password"] = "guest",
        });
        var seen = await mallory.ReceiveUntilAsync(m => (string?)m["type"] == "user" && (string?)m["username"] == "ada");
        var adaId = (string)seen.Last()["id"]!;

        foreach (var kind in new[] { "kicked", "error" })
        {
            await mallory.SendAsync(new JsonObject
            {
                ["type"] = "usermessage", ["kind"] = kind, ["source"] = mallory.Id, ["username"] = "mallory",
                ["dest"] = adaId, ["value"] = "forged " + kind,
            });
        }
        // A later private chat proves the forged messages were delivered before it.
        await mallory.SendAsync(new JsonObject
        {
            ["type"] = "chat", ["source"] = mallory.Id, ["username"] = "mallory", ["dest"] = adaId, ["value"] = "after the forgeries",
        });

        await Expect(GroupPage.Chat(ada)).ToContainTextAsync("after the forgeries");
        await Expect(GroupPage.Notices(ada)).Not.ToContainTextAsync("forged");
        await Expect(GroupPage.MessageBox(ada)).ToBeVisibleAsync();
        await ada.Context.CloseAsync();
    }
}
