namespace Tessera.AuthServer.Backends.Ldap;

/// <summary>Where the directory is and how to reach it securely, parsed from the <c>url</c> setting.</summary>
public sealed record LdapEndpoint(string Host, int Port, bool Ldaps, bool StartTls, string? TrustedCaDirectory = null)
{
    /// <exception cref="Configuration.ConfigException">Not an ldap:// or ldaps:// URL, or LDAPS with StartTLS.</exception>
    public static LdapEndpoint Parse(string url, bool startTls, string? trustedCaDirectory = null)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps") || uri.Host.Length == 0)
            throw new Configuration.ConfigException($"ldap back end: 'url' must be ldap://host[:port] or ldaps://host[:port], not '{url}'");
        var ldaps = uri.Scheme == "ldaps";
        if (ldaps && startTls)
            throw new Configuration.ConfigException("ldap back end: 'startTls' makes no sense with ldaps://");
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (ldaps ? 636 : 389) : uri.Port;
        return new LdapEndpoint(uri.IdnHost, port, ldaps, startTls, trustedCaDirectory);
    }
}
