using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Http;
using Tessera.AuthServer.Issuing;
using Tessera.AuthServer.Oidc;
using Tessera.AuthServer.Portal;

namespace Tessera.AuthServer;

/// <summary>
/// Everything a request uses that comes from the configuration file and may change while the
/// server runs: the endpoints with their back ends, rules, keys and conferences. Replaced whole
/// when the file changes, so a request sees one configuration from start to end.
/// </summary>
public sealed class AuthServerState(
    SigningKeys keys, AuthorisationEndpoint authorisation, PortalEndpoints? portal, OidcEndpoints? oidc,
    IReadOnlyList<IUserBackend> backends) : IDisposable
{
    public SigningKeys Keys { get; } = keys;
    public AuthorisationEndpoint Authorisation { get; } = authorisation;

    /// <summary>Null when the portal is off.</summary>
    public PortalEndpoints? Portal { get; } = portal;

    /// <summary>Null when no OpenID Connect back end is configured.</summary>
    public OidcEndpoints? Oidc { get; } = oidc;

    public void Dispose()
    {
        foreach (var backend in backends) backend.Dispose();
    }
}
