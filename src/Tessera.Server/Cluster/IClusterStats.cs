using System.Text.Json.Nodes;

namespace Tessera.Server.Cluster;

/// <summary>The administrative <c>.stats</c> of every node, gathered by the node that is asked (no Redis type here).</summary>
public interface IClusterStats
{
    /// <summary>
    /// Every live node's groups, each entry marked with its <c>node</c>; a node that does not
    /// answer in time is left out and named in the log.
    /// </summary>
    Task<JsonArray> GatherAsync(CancellationToken cancellationToken);
}
