using System.Text;
using CsCheck;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Tests.Shared;

namespace Tessera.Protocol.Tests.Fuzz;

/// <summary>
/// The protocol's JSON (what every WebSocket message goes through), group files and config.json,
/// fed random and damaged samples: each parser accepts or refuses through its one documented
/// exception, never anything else. Long runs of the same targets: fuzz/README.md.
/// </summary>
public class GroupParserProperties
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static readonly byte[][] Messages =
    [
        Utf8("""{"type":"handshake","version":["2"],"id":"abc"}"""),
        Utf8("""{"type":"join","kind":"join","group":"lab/r1","username":"ann","password":"pw","data":{"x":[1,2,{"y":null}]}}"""),
        Utf8("""{"type":"chat","kind":"","dest":"id2","value":"héllo 👋","noecho":true,"privileged":false}"""),
        Utf8("""{"type":"offer","id":"s1","label":"camera","replace":"s0","sdp":"v=0\r\n","candidate":{"candidate":"x","sdpMLineIndex":0}}"""),
        Utf8("""{"type":"requestStream","id":"s1","request":["audio","video-low"]}"""),
        Utf8("""{"type":"groupaction","kind":"maketoken","value":{"username":"g","expires":"2030-01-01T00:00:00Z","permissions":["present"]}}"""),
    ];

    private static readonly byte[][] GroupFiles =
    [
        Utf8("""{"users":{"ann":{"password":"pw","permissions":"op"},"bob":{"password":{"type":"pbkdf2","hash":"sha-256","key":"aa","salt":"bb","iterations":4096},"permissions":["present"]}},"wildcard-user":{"password":{"type":"wildcard"},"permissions":"observe"}}"""),
        Utf8("""{"public":true,"displayName":"Lab","description":"d","max-clients":10,"max-history-age":3600,"allow-recording":true,"codecs":["vp8","opus"],"not-before":"2020-01-01T00:00:00Z","expires":"2099-01-01T00:00:00+01:00","authKeys":[{"kty":"oct","alg":"HS256","k":"c2VjcmV0"}],"authServer":"https://a.example/","autolock":true}"""),
        Utf8("""{"op":[{"username":"admin","password":"x"}],"presenter":[{}],"other":[{"username":"u"}]}"""),
    ];

    private static readonly byte[][] Configs =
    [
        Utf8("""{"users":{"root":{"password":"pw","permissions":"admin"}},"writableGroups":true,"proxyURL":"https://m.example/","canonicalHost":"m.example"}"""),
        Utf8("""{"loginThrottle":{"attemptBurst":60,"attemptsPerSecond":1,"pairFreeFailures":5},"limits":{"maxChatBytes":16384,"chatBurst":20,"historyBytes":262144}}"""),
    ];

    [Fact]
    public void Protocol_messages_decode_or_fail_with_a_format_error() =>
        Mutations.OrRandom(400, Messages).Sample(bytes =>
        {
            try
            {
                var message = MessageJson.Decode(bytes);
                _ = MessageJson.Encode(message); // what was read can always be written back
            }
            catch (MessageFormatException)
            {
            }
        }, iter: 4000);

    [Fact]
    public void Group_files_load_or_fail_with_a_described_error() =>
        Mutations.OrRandom(400, GroupFiles).Sample(bytes =>
        {
            try
            {
                GroupDescriptionReader.Parse(bytes);
            }
            catch (InvalidDataException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Message));
            }
        }, iter: 3000);

    [Fact]
    public void Config_files_load_or_fail_with_a_described_error() =>
        Mutations.OrRandom(300, Configs).Sample(bytes =>
        {
            try
            {
                ServerConfig.Parse(bytes);
            }
            catch (InvalidDataException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Message));
            }
        }, iter: 3000);
}
