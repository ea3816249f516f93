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
        if (endpoint.Ldaps) options.SecureSocketLayer = true;
        if (endpoint.StartTls) options.StartTransportLayerSecurity(null);
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
