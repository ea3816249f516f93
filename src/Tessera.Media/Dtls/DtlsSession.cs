using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Tessera.Media.Dtls;

/// <summary>
/// The DTLS side of one peer connection, as server or as client (<see cref="DtlsRole"/>). Feed it every datagram whose first byte is 20–63
/// (RFC 7983) with <see cref="Deliver"/>; <see cref="HandshakeAsync"/> completes with the SRTP keys,
/// or fails with <see cref="DtlsHandshakeException"/>. BouncyCastle's DTLS API is blocking, so the
/// handshake runs on a thread of its own. That thread ends with the handshake: the few records that
/// come later (close_notify, alerts, a retransmitted final flight) are processed on the thread pool as
/// they arrive, so an established session costs no thread and no periodic wake-up.
/// </summary>
public sealed class DtlsSession : IDisposable
{
    private readonly QueuedDatagramTransport _transport;
    private readonly IDtlsSrtpEndpoint _peer;
    private readonly Func<DtlsTransport> _handshakeSteps;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DtlsTransport? _dtls;
    private int _started;
    private volatile bool _established;
    private int _draining;
    private readonly byte[] _drainBuffer = new byte[2048];

    /// <param name="expectedPeerFingerprint">From the peer's SDP: its certificate must hash to it, in either role.</param>
    public DtlsSession(DtlsCertificate certificate, DtlsFingerprint expectedPeerFingerprint,
        Action<ReadOnlyMemory<byte>> send, DtlsRole role = DtlsRole.Server, int handshakeTimeoutMillis = 30_000)
    {
        Role = role;
        _transport = new QueuedDatagramTransport(send);
        var crypto = new BcTlsCrypto(new SecureRandom());
        if (role == DtlsRole.Server)
        {
            var server = new DtlsSrtpServer(crypto, certificate, expectedPeerFingerprint, handshakeTimeoutMillis);
            _peer = server;
            _handshakeSteps = () => new DtlsServerProtocol().Accept(server, _transport);
        }
        else
        {
            var client = new DtlsSrtpClient(crypto, certificate, expectedPeerFingerprint, handshakeTimeoutMillis);
            _peer = client;
            _handshakeSteps = () => new DtlsClientProtocol().Connect(client, _transport);
        }
    }

    public DtlsRole Role { get; }

    /// <summary>Completes when the peer closes DTLS (close_notify or fatal alert) or the session is disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>What ended an established session, when it ended with an error (a fatal alert, a broken record).</summary>
    public Exception? CloseCause { get; private set; }

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
            var thread = new Thread(Run) { IsBackground = true, Name = Role == DtlsRole.Server ? "dtls-server" : "dtls-client" };
            thread.Start();
        }
        return _handshake.Task;
    }

    private void Run()
    {
        try
        {
            _dtls = _handshakeSteps();
            _handshake.TrySetResult(_peer.Keys ?? throw new DtlsHandshakeException("no SRTP keys were exported"));
        }
        catch (Exception e)
        {
            _handshake.TrySetException(new DtlsHandshakeException(
                _peer.RefusalReason ?? (e is ObjectDisposedException ? "DTLS session closed" : "DTLS handshake failed: " + e.Message), e));
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
                while (_transport.HasQueued && !_transport.IsClosed && !_peer.ConnectionClosed)
                    _dtls!.Receive(_drainBuffer, 0, _drainBuffer.Length, 1);
            }
            catch (Exception e)
            {
                // close_notify, a fatal alert or our own Dispose all end the session
                CloseCause ??= e;
                _transport.Close();
            }
            if (_transport.IsClosed || _peer.ConnectionClosed)
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
