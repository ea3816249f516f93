using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Tessera.Media.Dtls;

/// <summary>
/// The DTLS server side of one peer connection. Feed it every datagram whose first byte is 20–63
/// (RFC 7983) with <see cref="Deliver"/>; <see cref="HandshakeAsync"/> completes with the SRTP keys,
/// or fails with <see cref="DtlsHandshakeException"/>. BouncyCastle's DTLS API is blocking, so the
/// handshake and the later record processing (alerts, retransmitted flights) run on a dedicated thread.
/// </summary>
public sealed class DtlsServerSession : IDisposable
{
    private readonly QueuedDatagramTransport _transport;
    private readonly DtlsSrtpServer _server;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DtlsTransport? _dtls;
    private int _started;

    public DtlsServerSession(DtlsCertificate certificate, DtlsFingerprint expectedClientFingerprint,
        Action<ReadOnlyMemory<byte>> send, int handshakeTimeoutMillis = 30_000)
    {
        _transport = new QueuedDatagramTransport(send);
        _server = new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), certificate, expectedClientFingerprint, handshakeTimeoutMillis);
    }

    /// <summary>Completes when the peer closes DTLS (close_notify or fatal alert) or the session is disposed.</summary>
    public Task Closed => _closed.Task;

    public void Deliver(ReadOnlySpan<byte> datagram) => _transport.Deliver(datagram);

    /// <summary>Starts the handshake on its own thread (once) and returns its outcome.</summary>
    public Task<DtlsSrtpKeys> HandshakeAsync()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            var thread = new Thread(Run) { IsBackground = true, Name = "dtls-server" };
            thread.Start();
        }
        return _handshake.Task;
    }

    private void Run()
    {
        try
        {
            var protocol = new DtlsServerProtocol();
            _dtls = protocol.Accept(_server, _transport);
            _handshake.TrySetResult(_server.Keys ?? throw new DtlsHandshakeException("no SRTP keys were exported"));
        }
        catch (Exception e)
        {
            _handshake.TrySetException(new DtlsHandshakeException(
                _server.RefusalReason ?? (e is ObjectDisposedException ? "DTLS session closed" : "DTLS handshake failed: " + e.Message), e));
            _transport.Close();
            _closed.TrySetResult();
            return;
        }
        // After the handshake DTLS carries no application data for us, but reading keeps BouncyCastle
        // answering retransmitted client flights and lets us notice close_notify.
        var buffer = new byte[2048];
        try
        {
            while (!_transport.IsClosed && !_server.ConnectionClosed)
            {
                if (_dtls.Receive(buffer, 0, buffer.Length, 1000) < 0 && _transport.IsClosed)
                    break;
            }
        }
        catch (Exception)
        {
            // close_notify, fatal alert or our own Dispose all end the session
        }
        _transport.Close();
        _closed.TrySetResult();
    }

    public void Dispose()
    {
        try
        {
            _dtls?.Close();
        }
        catch (Exception)
        {
            // closing a broken session must not throw
        }
        _transport.Close();
        if (Volatile.Read(ref _started) == 0)
            _closed.TrySetResult();
        _handshake.TrySetException(new DtlsHandshakeException("DTLS session closed"));
    }
}
