namespace Tessera.Media.Sdp;

/// <summary>A payload type with its encoding (a=rtpmap), format parameters (a=fmtp) and feedback (a=rtcp-fb).</summary>
public sealed record RtpMap(int PayloadType, string EncodingName, int ClockRate, int Channels, string Fmtp, IReadOnlyList<string> Feedback)
{
    /// <summary>Parses "key=value;key=value" fmtp parameters (keys lower-cased).</summary>
    public Dictionary<string, string> FmtpParameters() =>
        Fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(kv => kv[0].ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.First().Length > 1 ? g.First()[1] : "");
}
