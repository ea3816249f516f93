using Tessera.Media.Rtcp;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Transport;

/// <summary>Keeps copies of what the multiplexer hands an agent's receiver.</summary>
internal sealed class DatagramRecorder : IPeerDatagramReceiver
{
    private readonly List<byte[]> _dtls = new();
    private readonly List<byte[]> _media = new();

    public IReadOnlyList<byte[]> Dtls { get { lock (_dtls) return _dtls.ToList(); } }
    public IReadOnlyList<byte[]> Media { get { lock (_media) return _media.ToList(); } }

    public void DtlsReceived(Span<byte> datagram)
    {
        lock (_dtls) _dtls.Add(datagram.ToArray());
    }

    public void MediaReceived(Span<byte> datagram)
    {
        lock (_media) _media.Add(datagram.ToArray());
    }
}

/// <summary>A transport's owner that ignores the media (tests about the transport itself).</summary>
internal sealed class IgnoredMedia : IMediaReceiver
{
    public static readonly IgnoredMedia Instance = new();

    public void RtpReceived(Span<byte> packet) { }

    public void RtcpReceived(IReadOnlyList<RtcpPacket> packets) { }
}
