using System.DirectoryServices.Protocols;
using System.Net;

namespace Tessera.AuthServer.Backends.Ldap;

/// <summary>One directory connection and the identity it is currently bound as.</summary>
internal sealed class PooledLdapConnection : IDisposable
{
    public PooledLdapConnection(LdapEndpoint endpoint, TimeSpan timeout)
    {
        Connection = new LdapConnection(new LdapDirectoryIdentifier(endpoint.Host, endpoint.Port))
        {
            AuthType = AuthType.Basic,
            AutoBind = false,
            Timeout = timeout,
        };
        var options = Connection.SessionOptions;
        options.ProtocolVersion = 3;
        options.ReferralChasing = ReferralChasingOptions.None;
        if (endpoint.TrustedCaDirectory is not null && (endpoint.Ldaps || endpoint.StartTls))
        {
#pragma warning disable CA1416 // OpenLDAP-only options; tessera-auth targets Linux (libldap, PAM).
            options.TrustedCertificatesDirectory = endpoint.TrustedCaDirectory;
            // Makes libldap build a TLS context for this connection with the folder above.
            options.StartNewTlsSessionContext();
#pragma warning restore CA1416
        }
        if (endpoint.Ldaps) options.SecureSocketLayer = true;
        if (endpoint.StartTls)
        {
            // On Linux the connection is only opened by a first operation, and StartTLS needs it
            // open: read the root DSE (anonymous, nothing sensitive travels), then upgrade.
            Connection.SendRequest(new SearchRequest("", "(objectClass=*)", SearchScope.Base, "1.1"));
            options.StartTransportLayerSecurity(null);
        }
    }

    public LdapConnection Connection { get; }

    /// <summary>The DN of the last successful bind; null when anonymous or unknown.</summary>
    public string? BoundAs { get; private set; }

    /// <summary>Set when an operation failed in a way that leaves the connection unusable.</summary>
    public bool Broken { get; set; }

    /// <exception cref="LdapException">Error 49 for wrong credentials; others for transport trouble.</exception>
    public void Bind(string dn, string password)
    {
        BoundAs = null;
        Connection.Bind(new NetworkCredential(dn, password));
        BoundAs = dn;
    }

    public void Dispose() => Connection.Dispose();
}
