using Tessera.Media.Codecs;

namespace Tessera.Media.Sdp;

/// <summary>A codec we may negotiate: what it is, its name in group configuration and its SDP encoding.</summary>
public sealed record CodecInfo(Codec Id, MediaKind Kind, string EncodingName, int ClockRate, int Channels)
{
    /// <summary>The name group files use ("vp8", "opus").</summary>
    public string Name { get; } = Id.ToString().ToLowerInvariant();

    public bool IsVideo => Kind == MediaKind.Video;
}

/// <summary>The payload type and fmtp we put in our own offers for a codec (files.md §4.6).</summary>
public sealed record OfferedFormat(int PayloadType, string Fmtp);

/// <summary>
/// The codecs Tessera can forward (files.md §4.6). Answers take payload types from the remote offer;
/// only our own offers use <see cref="OfferFormats"/>.
/// </summary>
public static class CodecCatalog
{
    public static readonly IReadOnlyList<CodecInfo> All =
    [
        new(Codec.Vp8, MediaKind.Video, "VP8", 90000, 0),
        new(Codec.Vp9, MediaKind.Video, "VP9", 90000, 0),
        new(Codec.Av1, MediaKind.Video, "AV1", 90000, 0),
        new(Codec.H264, MediaKind.Video, "H264", 90000, 0),
        new(Codec.Opus, MediaKind.Audio, "opus", 48000, 2),
        new(Codec.G722, MediaKind.Audio, "G722", 8000, 0),
        new(Codec.Pcmu, MediaKind.Audio, "PCMU", 8000, 0),
        new(Codec.Pcma, MediaKind.Audio, "PCMA", 8000, 0),
    ];

    /// <summary>Used when a group lists no codecs.</summary>
    public static readonly IReadOnlyList<string> DefaultNames = ["vp8", "opus"];

    /// <summary>RTCP feedback offered/accepted for video (protocol.md §12.11); audio gets none.</summary>
    public static readonly IReadOnlyList<string> VideoFeedback = ["goog-remb", "nack", "nack pli", "ccm fir"];

    public static CodecInfo? ByName(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public static CodecInfo ById(Codec id) => All.First(c => c.Id == id);

    /// <summary>Maps an rtpmap encoding (e.g. "VP8/90000") to a known codec, or null (rtx, red, telephone-event…).</summary>
    public static CodecInfo? ByEncoding(string encodingName, int clockRate) =>
        All.FirstOrDefault(c => string.Equals(c.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase) && c.ClockRate == clockRate);

    /// <summary>Payload types and fmtp used in our own offers.</summary>
    public static IReadOnlyList<OfferedFormat> OfferFormats(Codec codec) => codec switch
    {
        Codec.Vp8 => [new(96, "")],
        Codec.Vp9 => [new(98, "profile-id=0"), new(100, "profile-id=2")],
        Codec.Av1 => [new(35, "")],
        Codec.H264 =>
        [
            new(102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"),
            new(108, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
        ],
        Codec.Opus => [new(111, "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1")],
        Codec.G722 => [new(9, "")],
        Codec.Pcmu => [new(0, "")],
        Codec.Pcma => [new(8, "")],
        _ => [],
    };
}
