using Microsoft.Extensions.Logging;

namespace Tessera.Server.Hosting;

/// <summary>
/// Galène flags that Tessera accepts so that an existing command line or service unit starts
/// unchanged, but whose feature it does not have. Each one given says so in the log at start.
/// </summary>
public sealed record UnsupportedGaleneFlags(bool Mdns)
{
    public void Report(ILogger logger)
    {
        if (Mdns)
            logger.LogInformation("-mdns ignored: as an ICE-lite server Tessera learns each browser's address from its checks, so .local candidates need no resolving");
    }
}
