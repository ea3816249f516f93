using System.Text.Json.Nodes;
using Tessera.Media.Sfu;

namespace Tessera.Server.Media;

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
        if (words.Contains("audio") && tracks.FirstOrDefault(t => t.Kind == "audio") is { } audio)
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
    /// Video tracks in arrival order, except that the encodings of one simulcast section follow the
    /// publisher's RID order (highest quality first), whichever layer's packet happened to arrive first.
    /// </summary>
    private static List<IncomingTrack> VideoInLayerOrder(IReadOnlyList<IncomingTrack> tracks)
    {
        var video = tracks.Where(t => t.Kind == "video").ToList();
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
