namespace Tessera.Protocol.Groups;

/// <summary>
/// Where a group is served. A single server serves every group itself; in cluster mode a group
/// lives on exactly one node, and a join that reaches another node is sent to the group's page,
/// whose <c>.status</c> names the right node.
/// </summary>
public interface IGroupPlacement
{
    /// <summary>Decides, before any credential is looked at, whether this server may admit a join to <paramref name="group"/>.</summary>
    ValueTask<Placement> PlaceAsync(string group, CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="IGroupPlacement"/>.</summary>
/// <param name="RedirectTo">Null: serve the group here. Otherwise the URL the client is redirected to.</param>
/// <param name="Unavailable">Nobody can say where the group lives now (the shared store is unreachable).</param>
public readonly record struct Placement(string? RedirectTo, bool Unavailable = false)
{
    public static Placement Here => default;
}

/// <summary>One server, every group here.</summary>
public sealed class LocalPlacement : IGroupPlacement
{
    public static LocalPlacement Instance { get; } = new();

    public ValueTask<Placement> PlaceAsync(string group, CancellationToken cancellationToken) => ValueTask.FromResult(Placement.Here);
}
