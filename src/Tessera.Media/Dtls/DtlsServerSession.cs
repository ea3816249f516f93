using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Tessera.Media.Dtls;

/// <summary>
/// The DTLS server side of one peer connection. Feed it every datagram whose first byte is 20–63
/// (RFC 7983) with <see cref="Deliver"/>; <see cref="HandshakeAsync"/> completes with the SRTP keys,
/// or fails with <see cref="DtlsHandshakeException"/>. BouncyCastle's DTLS API is blocking, so the
/// handshake runs on a thread of its own. That thread ends with the handshake: the few records that
/// come later (close_notify, alerts, a retransmitted final flight) are processed on the thread pool as
/// they arrive, so an established session costs no thread and no periodic wake-up.
/// </summary>
public sealed class DtlsServerSession : IDisposable
{
    private readonly QueuedDatagramTransport _transport;
    private readonly DtlsSrtpServer _server;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DtlsTransport? _dtls;
    private int _started;
    private volatile bool _established;
    private int _draining;
    private readonly byte[] _drainBuffer = new byte[2048];

    public DtlsServerSession(DtlsCertificate certificate, DtlsFingerprint expectedClientFingerprint,
        Action<ReadOnlyMemory<byte>> send, int handshakeTimeoutMillis = 30_000)
    {
        _transport = new QueuedDatagramTransport(send);
        _server = new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), certificate, expectedClientFingerprint, handshakeTimeoutMillis);
    }

    /// <summary>Completes when the peer closes DTLS (close_notify or fatal alert) or the session is disposed.</summary>
    public Task Closed => _closed.Task;

    public void Deliver(ReadOnlySpan<byte> datagram)
    {
        _transport.Deliver(datagram);
        if (_established)
            ScheduleDrain();
    }

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
        _established = true;
        if (_transport.HasQueued)
            ScheduleDrain(); // a record that came while the handshake was finishing
    }

    private void ScheduleDrain()
    {
        if (Interlocked.Exchange(ref _draining, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(_ => Drain(), null);
    }

    // After the handshake DTLS carries no application data for us; reading what comes keeps
    // BouncyCastle answering retransmitted client flights and lets us notice close_notify.
    private void Drain()
    {
        while (true)
        {
            try
            {
                while (_transport.HasQueued && !_transport.IsClosed && !_server.ConnectionClosed)
                    _dtls!.Receive(_drainBuffer, 0, _drainBuffer.Length, 1);
            }
            catch (Exception)
            {
                // close_notify, a fatal alert or our own Dispose all end the session
                _transport.Close();
            }
            if (_transport.IsClosed || _server.ConnectionClosed)
            {
                _transport.Close();
                _closed.TrySetResult();
                return;
            }
            Volatile.Write(ref _draining, 0);
            // A datagram queued after the loop's last look but before the flag was cleared.
            if (!_transport.HasQueued || Interlocked.Exchange(ref _draining, 1) != 0)
                return;
        }
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
        if (Volatile.Read(ref _started) == 0 || _established)
            _closed.TrySetResult();
        _handshake.TrySetException(new DtlsHandshakeException("DTLS session closed"));
    }
}
