namespace Tessera.Media.Sdp;

/// <summary>The answer to a publisher's offer and what it agreed to.</summary>
public sealed record PublishAnswer(SessionDescription Answer, RemoteTransport Remote, IReadOnlyList<NegotiatedMedia> Media)
{
    public string Sdp => Answer.ToString();
}
