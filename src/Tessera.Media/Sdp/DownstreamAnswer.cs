namespace Tessera.Media.Sdp;

/// <summary>A browser's answer to our down-stream offer: its transport and, per mid, the payload types it accepted.</summary>
public sealed record DownstreamAnswer(RemoteTransport Remote, IReadOnlyDictionary<string, IReadOnlyList<int>> AcceptedPayloadTypes)
{
    public static DownstreamAnswer Parse(SessionDescription answer, IReadOnlyList<OutgoingTrack> offered)
    {
        var remote = RemoteTransport.From(answer);
        // RFC 8842 §5.3: the answerer picks a role; actpass is for offers only.
        if (remote.Setup is not ("active" or "passive"))
            throw new SdpFormatException($"a=setup:{remote.Setup} is not a valid answer to our actpass offer: it must be active or passive");
        var accepted = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var m in answer.Media)
        {
            if (m.IsRejected || m.Mid is not { } mid || !offered.Any(t => t.Mid == mid))
                continue;
            if (m.Direction is not ("recvonly" or "sendrecv"))
                continue;
            accepted[mid] = m.Formats.Select(f => int.TryParse(f, out int pt) ? pt : -1).Where(pt => pt >= 0).ToList();
        }
        return new DownstreamAnswer(remote, accepted);
    }
}
