using Prometheus;
using Tessera.Auth.Login;
using Tessera.Media.Transport;
using Tessera.Protocol;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Monitoring;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (not prometheus-net's static default,
/// so several servers in one process never mix their numbers). Counters move as things happen;
/// gauges and the media plane's totals are read when someone scrapes.
/// </summary>
public sealed class ServerMetrics
{
    private readonly Counter _joins, _refusals, _verifications, _throttled;

    /// <param name="node">In cluster mode, this node's name: every series carries it as the label <c>node</c>.</param>
    public ServerMetrics(GroupRegistry groups, MediaCounters media, string? node = null)
    {
        Registry = Metrics.NewCustomRegistry();
        if (node is not null) Registry.SetStaticLabels(new Dictionary<string, string> { ["node"] = node });
        var factory = Metrics.WithCustomRegistry(Registry);
        _joins = factory.CreateCounter("tessera_joins_total", "Successful joins, by kind of credential.", "credential");
        _refusals = factory.CreateCounter("tessera_join_refusals_total", "Refused joins, by reason.", "reason");
        _verifications = factory.CreateCounter("tessera_token_verifications_total",
            "Tokens checked at join, by kind (jwt or stateful), JWT algorithm and result.", "kind", "algorithm", "result");
        _throttled = factory.CreateCounter("tessera_throttled_attempts_total",
            "Login attempts refused unchecked because of earlier failures, by where (join or api).", "where");

        var groupCount = factory.CreateGauge("tessera_groups", "Groups in memory.");
        var clientCount = factory.CreateGauge("tessera_clients", "Clients joined to a group.");
        var forwardedPackets = factory.CreateCounter("tessera_media_forwarded_packets_total", "RTP packets sent to receivers.");
        var forwardedBytes = factory.CreateCounter("tessera_media_forwarded_bytes_total", "RTP bytes sent to receivers (before SRTP).");
        var nacks = factory.CreateCounter("tessera_media_nacks_total", "NACKs received from receivers.");
        var keyframes = factory.CreateCounter("tessera_media_keyframe_requests_total", "PLIs and FIRs received from receivers.");
        var ice = factory.CreateCounter("tessera_media_ice_failures_total", "Peer connections that lost ICE consent.");
        var dtls = factory.CreateCounter("tessera_media_dtls_failures_total", "DTLS handshakes or sessions that failed.");
        Registry.AddBeforeCollectCallback(() =>
        {
            var inMemory = groups.InMemory();
            groupCount.Set(inMemory.Count);
            clientCount.Set(inMemory.Sum(g => g.Count));
            forwardedPackets.IncTo(media.ForwardedPackets);
            forwardedBytes.IncTo(media.ForwardedBytes);
            nacks.IncTo(media.Nacks);
            keyframes.IncTo(media.KeyframeRequests);
            ice.IncTo(media.IceFailures);
            dtls.IncTo(media.DtlsFailures);
        });
        // process_cpu_seconds_total, process_resident_memory_bytes, GC and thread-pool figures.
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    public void Joined(CredentialCheckResult credentials)
    {
        _joins.WithLabels(credentials.Method ?? "unknown").Inc();
        Verified(credentials, "granted");
    }

    public void Refused(string reason, CredentialCheckResult? credentials)
    {
        var label = RefusalLabel(reason);
        _refusals.WithLabels(label).Inc();
        if (label == "throttled") _throttled.WithLabels("join").Inc();
        if (credentials is { IsGranted: false }) Verified(credentials, "refused");
    }

    public void ApiThrottled() => _throttled.WithLabels("api").Inc();

    private void Verified(CredentialCheckResult credentials, string result)
    {
        if (credentials.Method == "jwt") _verifications.WithLabels("jwt", credentials.Algorithm ?? "unknown", result).Inc();
        else if (credentials.Method == "token") _verifications.WithLabels("stateful", "", result).Inc();
    }

    /// <summary>A bounded set of label values: a lock message chosen by an operator is free text, so it becomes "locked".</summary>
    private static string RefusalLabel(string reason) => reason switch
    {
        Texts.TooManyAttemptsError => "throttled",
        Texts.NeedUsernameError => "need-username",
        Texts.DuplicateUsernameError => "duplicate-username",
        Texts.NotAuthorised => "not-authorised",
        Texts.NoSuchGroup => "no-such-group",
        Texts.IllegalGroupName => "illegal-group-name",
        Texts.UsernameTooLong => "username-too-long",
        Texts.NotOpenYet => "not-open-yet",
        Texts.Closed => "closed",
        Texts.NoOperators => "no-operators",
        Texts.TooManyUsers => "full",
        Texts.InternalError => "internal-error",
        _ => "locked",
    };
}
