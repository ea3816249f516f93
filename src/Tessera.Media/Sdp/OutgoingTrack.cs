using Tessera.Media.Codecs;

namespace Tessera.Media.Sdp;

/// <summary>A track the server sends on a down stream, described in its offer.</summary>
public sealed record OutgoingTrack(string Mid, MediaKind Kind, uint Ssrc, string StreamId, string TrackId, string Cname,
    IReadOnlyList<Codec> Codecs)
{
    /// <summary>False once the track was removed: its section stays in later offers, rejected (JSEP never deletes m-lines).</summary>
    public bool Active { get; init; } = true;
}
