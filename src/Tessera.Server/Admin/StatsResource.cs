using System.Text.Json.Nodes;
using Tessera.Media.Sfu;
using Tessera.Protocol;
using Tessera.Protocol.Groups;
using Tessera.Server.Streams;

namespace Tessera.Server.Admin;

/// <summary>
/// <c>.stats</c> (http.md §10.10): per in-memory group, per client, its up and down streams and per
/// track the bitrate (bit/s), loss (fraction), round-trip time and jitter (ms) and the layers seen
/// and chosen. The format is Galène's, explicitly unstable; <c>/stats.html</c> reads it.
/// </summary>
/// <remarks>In cluster mode the answer covers every node: each group once, from the node that serves it, marked with <c>node</c>.</remarks>
public sealed class StatsResource(GroupRegistry registry, IStreamSignalling signalling, Cluster.IClusterStats? cluster = null)
{
    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-cache";
        JsonArray body;
        try
        {
            body = cluster is null ? Snapshot() : await cluster.GatherAsync(context.RequestAborted);
        }
        catch (Cluster.ClusterUnavailableException e)
        {
            throw new AdminRequestException(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
        await AdminHttp.WriteJsonAsync(context, body);
    }

    public JsonArray Snapshot()
    {
        var groups = new JsonArray();
        foreach (var group in registry.InMemory().OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            IReadOnlyList<IGroupMember> members;
            lock (group.Gate) members = group.Members();
            var media = signalling is SfuSignalling sfu ? sfu.For(group) : null;
            var up = media?.PublishedStreams ?? [];
            var down = media?.DeliveredStreams ?? [];
            var clients = new JsonArray();
            foreach (var member in members.OrderBy(m => m.Id, StringComparer.Ordinal))
            {
                var client = new JsonObject { ["id"] = member.Id, ["username"] = member.Username };
                var ups = new JsonArray([.. up.Where(s => ReferenceEquals(s.Publisher, member)).Select(Up)]);
                var downs = new JsonArray([.. down.Where(s => ReferenceEquals(s.Receiver, member)).Select(Down)]);
                if (ups.Count > 0) client["up"] = ups;
                if (downs.Count > 0) client["down"] = downs;
                clients.Add(client);
            }
            var entry = new JsonObject { ["name"] = group.Name };
            if (clients.Count > 0) entry["clients"] = clients;
            groups.Add(entry);
        }
        return groups;
    }

    private static JsonNode Up(PublishedStream stream)
    {
        var tracks = new JsonArray();
        foreach (var track in stream.Tracks)
        {
            var rates = track.Bitrates.Snapshot();
            var t = new JsonObject
            {
                ["kind"] = track.Media.Kind,
                ["bitrate"] = rates.UpTo(LayerCap, LayerCap),
                // What the server's own receiver reports to the publisher said last.
                ["loss"] = Math.Round(track.Statistics.LastFractionLost / 256.0, 3),
                ["jitter"] = Math.Round(track.Statistics.JitterMilliseconds, 1),
            };
            if (track.Rid is { } rid) t["rid"] = rid;
            if (rates.SpatialLayers > 1) t["maxSid"] = rates.SpatialLayers - 1;
            if (rates.TemporalLayers > 1) t["maxTid"] = rates.TemporalLayers - 1;
            tracks.Add(t);
        }
        return new JsonObject { ["id"] = stream.Id, ["label"] = stream.Label, ["tracks"] = tracks };
    }

    private static JsonNode Down(DeliveredStream stream)
    {
        var tracks = new JsonArray();
        foreach (var forwarder in stream.Connection.Forwarders)
        {
            var source = forwarder.Source;
            var rates = source.Bitrates.Snapshot();
            var t = new JsonObject
            {
                ["kind"] = source.Media.Kind,
                ["bitrate"] = rates.UpTo(LayerCap, LayerCap),
                ["loss"] = forwarder.LastReport is { } report ? Math.Round(report.FractionLost / 256.0, 3) : 0,
            };
            if (forwarder.ReceiverBitrate is { } estimate) t["maxBitrate"] = estimate;
            if (forwarder.RoundTripTime is { } rtt) t["rtt"] = Math.Round(rtt.TotalMilliseconds, 1);
            if (forwarder.LastReport is { } r)
                t["jitter"] = Math.Round(r.Jitter * 1000.0 / (source.Media.Kind == "audio" ? 48000 : 90000), 1);
            if (source.Rid is { } rid) t["rid"] = rid;
            // The layers this receiver is given now (sid/tid) out of those the source sends (maxSid/maxTid).
            if (rates.SpatialLayers > 1)
            {
                int top = rates.SpatialLayers - 1;
                t["sid"] = Math.Min(forwarder.MaxSpatialLayer ?? top, top);
                t["maxSid"] = top;
            }
            if (rates.TemporalLayers > 1)
            {
                int top = rates.TemporalLayers - 1;
                t["tid"] = Math.Min(forwarder.MaxTemporalLayer ?? top, top);
                t["maxTid"] = top;
            }
            tracks.Add(t);
        }
        return new JsonObject { ["id"] = stream.Id, ["tracks"] = tracks };
    }

    private const int LayerCap = 7;
}
