using Prometheus;

namespace Tessera.AuthServer.Monitoring;

/// <summary>
/// tessera-auth's Prometheus metrics, in a registry of its own: tokens issued and logins refused
/// by back end and reason, and how long each back end takes to answer.
/// </summary>
public sealed class AuthMetrics
{
    private readonly Counter _issued, _refused;
    private readonly Histogram _backendSeconds;

    public AuthMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _issued = factory.CreateCounter("tessera_auth_tokens_issued_total", "Tokens issued, by the back end that knew the user.", "backend");
        _refused = factory.CreateCounter("tessera_auth_logins_refused_total",
            "Logins refused, by back end (\"\" when none decided) and reason.", "backend", "reason");
        _backendSeconds = factory.CreateHistogram("tessera_auth_backend_seconds", "Time a back end took to answer one login.",
            new HistogramConfiguration
            {
                LabelNames = ["backend"],
                Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            });
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    public void Issued(string backend) => _issued.WithLabels(backend).Inc();

    /// <param name="reason">One of: throttled, invalid-name, wrong-password, unknown-user, denied, backend-failed; for single
    /// sign-on also rejected (a state, code, ID token or userinfo answer refused, or the person declined at the provider).</param>
    public void Refused(string backend, string reason) => _refused.WithLabels(backend, reason).Inc();

    public void BackendAnswered(string backend, TimeSpan elapsed) => _backendSeconds.WithLabels(backend).Observe(elapsed.TotalSeconds);
}
