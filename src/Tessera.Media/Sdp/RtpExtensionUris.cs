namespace Tessera.Media.Sdp;

/// <summary>Header extensions we accept from publishers; others are declined in the answer and stripped.</summary>
public static class RtpExtensionUris
{
    public const string Mid = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string RtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public const string RepairedRtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public const string AudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    public static readonly IReadOnlyList<string> AcceptedFromPublishers = [Mid, RtpStreamId, RepairedRtpStreamId, AudioLevel];
}
