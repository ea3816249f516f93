using System.Text;
using System.Text.Json;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;
using Tessera.Media.Rtcp;
using Tessera.Media.Rtp;
using Tessera.Media.Sdp;
using Tessera.Media.Stun;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;

namespace Tessera.Fuzz;

/// <summary>
/// One entry per parser: it feeds the input to the parser and swallows only the parser's own,
/// documented refusal. Anything else escapes, and AFL records the input as a crash.
/// </summary>
public static class Targets
{
    private static readonly byte[] IceKey = Encoding.UTF8.GetBytes("fuzzing-password-0123456789");
    // Built on first use: instrumented code must not run before SharpFuzz has set up the
    // coverage map (a static initializer would, and crash the fork server).
    private static JsonWebKey? _hmacKey;
    private static JsonWebKey HmacKey => _hmacKey ??= JsonWebKeyParser.Parse(
        """{"kty":"oct","alg":"HS256","k":"ZnV6emluZy1rZXktZm9yLXRlc3NlcmEtMDEyMzQ1Njc"}""");

    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["stun"] = data =>
        {
            if (!StunMessage.TryParse(data, out var m)) return;
            _ = (m!.Username, m.Priority, m.UseCandidate, m.IceControlling, m.IceControlled, m.XorMappedAddress, m.ErrorCode);
            _ = m.UnknownRequiredAttributes();
            _ = m.CheckRequest(IceKey);
        },
        ["rtp"] = data =>
        {
            if (!RtpPacket.TryParse(data, out var p)) return;
            foreach (var e in p.GetExtensions(data))
                if (e.DataOffset + e.DataLength > data.Length) throw new InvalidOperationException("extension outside the packet");
            if (p.PayloadOffset + p.PayloadLength + p.PaddingLength > data.Length) throw new InvalidOperationException("payload outside the packet");
        },
        ["rtcp"] = data =>
        {
            if (RtcpCompound.TryParse(data, out var packets)) RtcpCompound.Serialize(packets);
        },
        ["sdp"] = data =>
        {
            try
            {
                var sdp = SessionDescription.Parse(Encoding.UTF8.GetString(data));
                _ = RemoteTransport.From(sdp);
            }
            catch (SdpFormatException)
            {
            }
        },
        ["protocol"] = data =>
        {
            try
            {
                MessageJson.Encode(MessageJson.Decode(data));
            }
            catch (MessageFormatException)
            {
            }
        },
        ["group"] = data =>
        {
            try
            {
                GroupDescriptionReader.Parse(data);
            }
            catch (InvalidDataException)
            {
            }
        },
        ["config"] = data =>
        {
            try
            {
                ServerConfig.Parse(data);
            }
            catch (InvalidDataException)
            {
            }
        },
        ["jwt"] = data => JwtVerifier.Verify(Encoding.Latin1.GetString(data), [HmacKey], "lab", null, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)),
        ["jwk"] = data =>
        {
            try
            {
                JsonWebKeyParser.Parse(Encoding.UTF8.GetString(data));
            }
            catch (JwkFormatException)
            {
            }
        },
    };
}
