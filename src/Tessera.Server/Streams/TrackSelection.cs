using System.Text.Json.Nodes;
using Tessera.Media.Codecs;
using Tessera.Media.Sfu;

namespace Tessera.Server.Streams;

/// <summary>Which of a publisher's tracks a receiver gets (protocol.md §12.4).</summary>
public static class TrackSelection
{
    /// <summary>The receiver's words for a label: its list for the label, else the <c>""</c> list, else nothing.</summary>
    public static IReadOnlyList<string> WordsFor(JsonObject? requests, string label)
    {
        if (requests is null)
            return [];
        var list = requests[label] as JsonArray ?? requests[""] as JsonArray;
        return list is null ? [] : list.Select(n => n?.GetValue<string>()).OfType<string>().ToList();
    }

    /// <summary>
    /// <c>audio</c>: the first audio track; <c>video</c>: the first video track (the highest simulcast
    /// layer); <c>video-low</c>, unless <c>video</c> is also asked for: the last video track (the lowest
    /// layer). Unknown words are ignored.
    /// </summary>
    public static IReadOnlyList<IncomingTrack> Select(IReadOnlyList<IncomingTrack> tracks, IReadOnlyList<string> words)
    {
        var selected = new List<IncomingTrack>();
        if (words.Contains("audio") && tracks.FirstOrDefault(t => t.Kind == MediaKind.Audio) is { } audio)
            selected.Add(audio);
        var video = VideoInLayerOrder(tracks);
        if (video.Count > 0)
        {
            if (words.Contains("video"))
                selected.Add(video[0]);
            else if (words.Contains("video-low"))
                selected.Add(video[^1]);
        }
        return selected;
    }

    /// <summary>
    /// §12.4: <c>video-low</c> (without <c>video</c>) on a stream with a single video track restricts
    /// a scalable codec to its lowest spatial layer.
    /// </summary>
    public static bool LowestSpatialLayerOnly(IReadOnlyList<IncomingTrack> tracks, IReadOnlyList<string> words) =>
        words.Contains("video-low") && !words.Contains("video") && tracks.Count(t => t.Kind == MediaKind.Video) == 1;

    /// <summary>
    /// The simulcast encodings a receiver of <paramref name="track"/> may be moved between by its
    /// layer selector, lowest first: for the highest encoding of a section, [lowest, highest] (only the
    /// first and last matter, §12.5); for anything else none, so a <c>video-low</c> receiver stays low.
    /// </summary>
    public static IReadOnlyList<IncomingTrack> AdaptiveEncodings(IReadOnlyList<IncomingTrack> tracks, IncomingTrack track)
    {
        if (track.Rid is null)
            return [];
        var siblings = VideoInLayerOrder(tracks)
            .Where(t => t.Rid is not null && t.Media.Mid == track.Media.Mid && t.Codec.Id == track.Codec.Id)
            .ToList();
        if (siblings.Count < 2 || siblings[0] != track)
            return [];
        return [siblings[^1], siblings[0]];
    }

    /// <summary>
    /// Video tracks in arrival order, except that the encodings of one simulcast section follow the
    /// publisher's RID order (highest quality first), whichever layer's packet happened to arrive first.
    /// </summary>
    private static List<IncomingTrack> VideoInLayerOrder(IReadOnlyList<IncomingTrack> tracks)
    {
        var video = tracks.Where(t => t.Kind == MediaKind.Video).ToList();
        var sections = video.Select(t => t.Media.Mid).Distinct().ToList();
        return video
            .OrderBy(t => sections.IndexOf(t.Media.Mid))
            .ThenBy(t => t.Rid is null ? 0 : IndexOf(t.Media.SimulcastRids, t.Rid))
            .ToList();
    }

    private static int IndexOf(IReadOnlyList<string> rids, string rid)
    {
        for (int i = 0; i < rids.Count; i++)
            if (rids[i] == rid)
                return i;
        return int.MaxValue;
    }
}
