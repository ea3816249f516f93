namespace Tessera.Media.Codecs;

/// <summary>The codecs Tessera forwards; their names in group files are the lower-case enum names.</summary>
public enum Codec
{
    Vp8,
    Vp9,
    Av1,
    H264,
    Opus,
    G722,
    Pcmu,
    Pcma,
}

/// <summary>Whether a track carries sound or pictures.</summary>
public enum MediaKind
{
    Audio,
    Video,
}

public static class MediaKinds
{
    /// <summary>The media type of an SDP m= line ("audio", "video").</summary>
    public static string ToSdp(this MediaKind kind) => kind == MediaKind.Audio ? "audio" : "video";

    /// <summary>The kind of an SDP media type; null for any other (application, text…).</summary>
    public static MediaKind? FromSdp(string media) => media switch
    {
        "audio" => MediaKind.Audio,
        "video" => MediaKind.Video,
        _ => null,
    };
}
