using Tessera.Media.Codecs;

namespace Tessera.Media.Sdp;

/// <summary>What was agreed for one m= section: the codecs kept (with the offer's payload types) and the extensions.</summary>
public sealed record NegotiatedMedia(
    string Mid,
    string Kind,
    IReadOnlyList<NegotiatedCodec> Codecs,
    IReadOnlyDictionary<int, string> Extensions,
    IReadOnlyList<string> SimulcastRids,
    IReadOnlyList<uint> Ssrcs,
    string? StreamId,
    string? TrackId)
{
    public NegotiatedCodec? CodecFor(int payloadType) => Codecs.FirstOrDefault(c => c.PayloadType == payloadType);

    public bool HasFeedback(string feedback) => Codecs.Any(c => c.Feedback.Contains(feedback));

    /// <summary>The extension id negotiated for a URI, or 0.</summary>
    public int ExtensionId(string uri) => Extensions.FirstOrDefault(e => e.Value == uri).Key;
}

public sealed record NegotiatedCodec(int PayloadType, CodecInfo Codec, string Fmtp, IReadOnlyList<string> Feedback)
{
    public Codec Id => Codec.Id;
    public MediaKind Kind => Codec.Kind;
}
