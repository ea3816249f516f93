using Tessera.Media.Sdp;

namespace Tessera.Server.Whip;

/// <summary>
/// An <c>application/trickle-ice-sdpfrag</c> body (RFC 8840) as a WHIP PATCH carries it: candidates,
/// and for an ICE restart the new ICE username fragment and password.
/// </summary>
public sealed record TrickleFragment(string? IceUfrag, string? IcePassword, IReadOnlyList<string> Candidates)
{
    public const string MediaType = "application/trickle-ice-sdpfrag";

    public bool IsRestart(string currentUfrag) => IceUfrag is not null && IceUfrag != currentUfrag;

    /// <summary>Reads a fragment; throws <see cref="SdpFormatException"/> saying what is wrong.</summary>
    public static TrickleFragment Parse(string text)
    {
        string? ufrag = null, pwd = null;
        var candidates = new List<string>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line == "") continue;
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]))
                throw new SdpFormatException($"line {number} is not an SDP line (type=value)");
            if (line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal)) ufrag = Value(line, number);
            else if (line.StartsWith("a=ice-pwd:", StringComparison.Ordinal)) pwd = Value(line, number);
            else if (line.StartsWith("a=candidate:", StringComparison.Ordinal))
            {
                // foundation component transport priority address port "typ" type …
                var fields = line["a=candidate:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 8 || fields[6] != "typ" || !int.TryParse(fields[1], out _) || !int.TryParse(fields[5], out _))
                    throw new SdpFormatException($"line {number} is not a valid ICE candidate");
                candidates.Add(line[2..]);
            }
        }
        if ((ufrag is null) != (pwd is null))
            throw new SdpFormatException("an ICE restart needs both a=ice-ufrag and a=ice-pwd");
        return new TrickleFragment(ufrag, pwd, candidates);
    }

    private static string Value(string line, int number)
    {
        var value = line[(line.IndexOf(':') + 1)..].Trim();
        if (value == "") throw new SdpFormatException($"line {number} has an empty value");
        return value;
    }

    /// <summary>
    /// Our answer to an ICE restart: the new credentials and candidates of <paramref name="answerSdp"/>,
    /// under its first (bundle) media section.
    /// </summary>
    public static string AnswerFrom(string answerSdp)
    {
        var answer = SessionDescription.Parse(answerSdp);
        var media = answer.Media.FirstOrDefault(m => !m.IsRejected) ?? throw new SdpFormatException("the answer has no media");
        var lines = new List<string>();
        if (answer.HasAttribute("ice-lite")) lines.Add("a=ice-lite");
        lines.Add("a=ice-ufrag:" + answer.MediaOrSession(media, "ice-ufrag"));
        lines.Add("a=ice-pwd:" + answer.MediaOrSession(media, "ice-pwd"));
        if (answer.Attribute("group") is { } group) lines.Add("a=group:" + group);
        lines.Add($"m={media.Media} {media.Port} {media.Protocol} {string.Join(' ', media.Formats)}");
        if (media.Mid is { } mid) lines.Add("a=mid:" + mid);
        foreach (var candidate in media.AttributeValues("candidate")) lines.Add("a=candidate:" + candidate);
        lines.Add("a=end-of-candidates");
        return string.Join("\r\n", lines) + "\r\n";
    }

    /// <summary>The offer <paramref name="offerSdp"/> with the remote ICE credentials replaced (what a restart offer would carry).</summary>
    public static string WithCredentials(string offerSdp, string ufrag, string pwd)
    {
        var lines = offerSdp.Split('\n').Select(l => l.TrimEnd('\r')).Select(l =>
            l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal) ? "a=ice-ufrag:" + ufrag
            : l.StartsWith("a=ice-pwd:", StringComparison.Ordinal) ? "a=ice-pwd:" + pwd
            : l);
        return string.Join("\r\n", lines);
    }
}
