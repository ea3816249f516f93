using System.Net;
using Tessera.Media.Transport;
using Tessera.Protocol;
using Tessera.Server.Streams;

namespace Tessera.Server.Whip;

/// <summary>
/// The WHIP sessions of the server, by resource id. Bounded per group and per address, so no
/// client can make the server hold sessions without limit; a session whose media never connected
/// ends after <see cref="ConnectTimeout"/>.
/// </summary>
public sealed class WhipSessions(ProtocolServices services, IStreamSignalling signalling, TimeProvider time, ILogger<WhipSessions> logger)
{
    public const int MaxPerAddress = 4;
    public const int MaxPerGroup = 16;

    /// <summary>Across the server, whatever the addresses (an IPv6 client may have many).</summary>
    public const int MaxTotal = 512;
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly Dictionary<string, WhipSession> _byResource = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_gate) return _byResource.Count; }
    }

    /// <summary>The session named by a resource id in group <paramref name="group"/>, or null.</summary>
    public WhipSession? Find(string group, string resourceId)
    {
        lock (_gate)
            return _byResource.TryGetValue(resourceId, out var s) && s.GroupName == group ? s : null;
    }

    /// <summary>
    /// Reserves a place for a new session, or says why there is none. The session counts against
    /// the limits from here on, while it authenticates and negotiates.
    /// </summary>
    public WhipSession? TryCreate(string group, string? token, IPAddress address, string remoteAddress, out string? refusal)
    {
        WhipSession? session = null;
        // The transport reports the session's end; the session is set before it can (it needs a join first).
        var transport = new WhipTransport(address, remoteAddress, why => Ended(session!, why));
        session = new WhipSession(group, token, transport, services);
        lock (_gate)
        {
            if (_byResource.Count >= MaxTotal)
            {
                refusal = $"too many WHIP sessions on this server (at most {MaxTotal}); try again later";
                return null;
            }
            if (_byResource.Values.Count(s => s.Member.RemoteIp.Equals(address)) >= MaxPerAddress)
            {
                refusal = $"too many WHIP sessions from your address (at most {MaxPerAddress}); end one with DELETE first";
                return null;
            }
            if (_byResource.Values.Count(s => s.GroupName == group) >= MaxPerGroup)
            {
                refusal = $"too many WHIP sessions in group {group} (at most {MaxPerGroup})";
                return null;
            }
            _byResource[session.ResourceId] = session;
        }
        refusal = null;
        return session;
    }

    /// <summary>The session is answered: from now on it must connect within <see cref="ConnectTimeout"/>.</summary>
    public void Started(WhipSession session)
    {
        // Held by the session (itself held by this registry): an unreferenced timer may be collected unfired.
        session.ConnectTimer = time.CreateTimer(_ =>
        {
            if (!IsConnected(session))
            {
                logger.LogInformation("WHIP session in {Group} from {Address} never connected; ended", session.GroupName, session.RemoteAddress);
                End(session);
            }
        }, null, ConnectTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends a session: it leaves its group and its stream goes. Safe to call twice.</summary>
    public void End(WhipSession session)
    {
        lock (_gate)
        {
            if (!_byResource.TryGetValue(session.ResourceId, out var present) || present != session) return;
            _byResource.Remove(session.ResourceId);
        }
        session.Leave();
    }

    private void Ended(WhipSession session, WhipEnd why)
    {
        if (why == WhipEnd.TransportFailed)
            logger.LogInformation("WHIP session in {Group} from {Address}: media transport failed; ended", session.GroupName, session.RemoteAddress);
        End(session);
    }

    private bool IsConnected(WhipSession session) =>
        session.Group is { } group && signalling is SfuSignalling sfu
        && sfu.For(group).PublishedStreams.Any(s => s.Id == session.ClientId && s.Connection.Transport.State == PeerTransportState.Connected);
}
