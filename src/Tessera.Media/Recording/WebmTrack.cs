using Tessera.Media.Codecs;

namespace Tessera.Media.Recording;

/// <summary>
/// One track of a recording file: its number in the file, codec, for video its first picture size,
/// and the codec's private data when its mapping needs some (AV1's <c>av1C</c>, H.264's <c>avcC</c>).
/// </summary>
public sealed record WebmTrack(int Number, Codec Codec, int Width = 0, int Height = 0, byte[]? CodecPrivate = null)
{
    public MediaKind Kind => Codec == Codec.Opus ? MediaKind.Audio : MediaKind.Video;

    /// <summary>The codecs recorded: VP8, VP9, AV1, H.264 and Opus (not the telephony codecs).</summary>
    public static bool CanHold(Codec codec) => codec is Codec.Vp8 or Codec.Vp9 or Codec.Av1 or Codec.H264 or Codec.Opus;

    /// <summary>WebM holds VP8, VP9, AV1 and Opus; H.264 needs Matroska proper (DocType "matroska", a .mkv file).</summary>
    public bool FitsWebm => Codec != Codec.H264;

    /// <summary>The Matroska codec ID (RFC 9559 codec mappings).</summary>
    public string CodecId => Codec switch
    {
        Codec.Vp8 => "V_VP8",
        Codec.Vp9 => "V_VP9",
        Codec.Av1 => "V_AV1",
        Codec.H264 => "V_MPEG4/ISO/AVC",
        Codec.Opus => "A_OPUS",
        _ => throw new NotSupportedException($"{Codec} cannot be recorded"),
    };
}
