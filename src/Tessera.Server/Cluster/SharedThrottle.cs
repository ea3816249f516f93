using System.Text.Json;
using StackExchange.Redis;
using Tessera.Auth.Throttling;

namespace Tessera.Server.Cluster;

/// <summary>
/// Password failures counted by one node count on every node: each is published on a Redis
/// channel and every other node adds it to its own <see cref="LoginThrottle"/>. Checks stay local
/// (no round trip per login); only failures, which an attacker makes and a user rarely does, cost
/// a message. Delivery is at most once: a failure lost while Redis restarts is counted only where
/// it happened.
/// </summary>
public sealed class SharedThrottle(RedisCluster cluster)
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(ClusterKeys.Prefix + "throttle");

    private sealed record Wire(string Node, string User, string Address);

    /// <summary>Publishes a failure counted here (fire and forget: the login path never waits for Redis).</summary>
    public void Publish(SharedFailure failure) =>
        cluster.Subscriber.Publish(Channel, JsonSerializer.Serialize(new Wire(cluster.NodeId, failure.UserKey, failure.AddressKey)),
                                   CommandFlags.FireAndForget);

    /// <summary>Counts, in <paramref name="throttle"/>, the failures the other nodes publish.</summary>
    public void Receive(LoginThrottle throttle) =>
        cluster.Subscriber.Subscribe(Channel, (_, message) =>
        {
            Wire? wire;
            try
            {
                wire = JsonSerializer.Deserialize<Wire>((string)message!);
            }
            catch (JsonException)
            {
                return; // not ours; nothing to count
            }
            if (wire is null || wire.Node == cluster.NodeId || wire.User is null || wire.Address is null) return;
            throttle.CountShared(new SharedFailure(wire.User, wire.Address));
        });
}
