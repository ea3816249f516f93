using Tessera.Protocol;

namespace Tessera.Server.WebSockets;

/// <summary>
/// What the keep-alive needs to know of one connection: when the client was last heard from and
/// when the current silence was first answered with a ping. The reading loop notes each message;
/// <see cref="ConnectionTracker"/>'s one server-wide timer checks every connection (a timer per
/// connection was a timer-queue insertion and removal, and a wake-up, per join).
/// </summary>
public sealed class Liveness(long connectedAt)
{
    private static readonly Message Ping = new() { Type = MessageTypes.Ping };

    private long _lastHeard = connectedAt;
    /// <summary>When the current silence was first answered with a ping; 0: not yet.</summary>
    private long _firstPing;
    private bool _gotFirst;

    /// <summary>A message arrived at <paramref name="now"/>.</summary>
    public void Heard(long now)
    {
        Volatile.Write(ref _lastHeard, now);
        Volatile.Write(ref _firstPing, 0);
        Volatile.Write(ref _gotFirst, true);
    }

    /// <summary>Pings a silent client, or closes one that did not answer in time or never said anything.</summary>
    public void Check(TimeProvider time, Hosting.KeepAliveTimings timings, IClientTransport transport)
    {
        var silence = time.GetElapsedTime(Volatile.Read(ref _lastHeard));
        var pinged = Volatile.Read(ref _firstPing);
        if (!Volatile.Read(ref _gotFirst) && silence > timings.Handshake) transport.Close(CloseReason.Internal);
        // A client is dropped only once it has had its full time to answer a ping: on a busy
        // host the timer can fire late, and a late tick must not skip the ping.
        else if (silence > timings.DropAfter && pinged != 0 && time.GetElapsedTime(pinged) >= timings.DropAfter - timings.PingAfter)
            transport.Close(CloseReason.Internal);
        else if (silence > timings.PingAfter)
        {
            if (pinged == 0) Volatile.Write(ref _firstPing, time.GetTimestamp());
            transport.Send(Ping);
        }
    }
}
