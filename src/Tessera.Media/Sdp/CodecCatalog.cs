namespace Tessera.Media.Sdp;

/// <summary>A codec we may negotiate: its name in group configuration and its SDP encoding.</summary>
public sealed record CodecInfo(string Name, string Kind, string EncodingName, int ClockRate, int Channels)
{
    public bool IsVideo => Kind == "video";
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
        new("vp8", "video", "VP8", 90000, 0),
        new("vp9", "video", "VP9", 90000, 0),
        new("av1", "video", "AV1", 90000, 0),
        new("h264", "video", "H264", 90000, 0),
        new("opus", "audio", "opus", 48000, 2),
        new("g722", "audio", "G722", 8000, 0),
        new("pcmu", "audio", "PCMU", 8000, 0),
        new("pcma", "audio", "PCMA", 8000, 0),
    ];

    /// <summary>Used when a group lists no codecs.</summary>
    public static readonly IReadOnlyList<string> DefaultNames = ["vp8", "opus"];

    /// <summary>RTCP feedback offered/accepted for video (protocol.md §12.11); audio gets none.</summary>
    public static readonly IReadOnlyList<string> VideoFeedback = ["goog-remb", "nack", "nack pli", "ccm fir"];

    public static CodecInfo? ByName(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Maps an rtpmap encoding (e.g. "VP8/90000") to a known codec, or null (rtx, red, telephone-event…).</summary>
    public static CodecInfo? ByEncoding(string encodingName, int clockRate) =>
        All.FirstOrDefault(c => string.Equals(c.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase) && c.ClockRate == clockRate);

    /// <summary>Payload types and fmtp used in our own offers.</summary>
    public static IReadOnlyList<OfferedFormat> OfferFormats(string name) => name.ToLowerInvariant() switch
    {
        "vp8" => [new(96, "")],
        "vp9" => [new(98, "profile-id=0"), new(100, "profile-id=2")],
        "av1" => [new(35, "")],
        "h264" =>
        [
            new(102, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"),
            new(108, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
        ],
        "opus" => [new(111, "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1")],
        "g722" => [new(9, "")],
        "pcmu" => [new(0, "")],
        "pcma" => [new(8, "")],
        _ => [],
    };
}
