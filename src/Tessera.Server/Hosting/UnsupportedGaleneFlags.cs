using Microsoft.Extensions.Logging;

namespace Tessera.Server.Hosting;

/// <summary>
/// Galène flags that Tessera accepts so that an existing command line or service unit starts
/// unchanged, but whose feature it does not have. Each one given says so in the log at start.
/// </summary>
public sealed record UnsupportedGaleneFlags(string? Turn, bool Mdns)
{
    /// <summary>Galène's default: run its TURN server only when <c>ice-servers.json</c> is absent.</summary>
    public const string AutoTurn = "auto";

    public void Report(ILogger logger, string dataDirectory)
    {
        bool iceServersConfigured = File.Exists(Path.Combine(dataDirectory, "ice-servers.json"));
        if (Turn is AutoTurn && !iceServersConfigured)
            logger.LogInformation("no TURN server: Tessera has no built-in one, and data/ice-servers.json is absent; browsers that cannot reach the media UDP port directly will get no media");
        else if (Turn is not (AutoTurn or "" or null))
            logger.LogWarning("-turn {Address} ignored: Tessera has no built-in TURN server; list an external one (e.g. coturn) in data/ice-servers.json", Turn);
        if (Mdns)
            logger.LogInformation("-mdns ignored: as an ICE-lite server Tessera learns each browser's address from its checks, so .local candidates need no resolving");
    }
}
