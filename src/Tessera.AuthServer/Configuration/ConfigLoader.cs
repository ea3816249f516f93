using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Auth.Files;

namespace Tessera.AuthServer.Configuration;

/// <summary>Reads the configuration file and checks what can be checked before anything starts.</summary>
public static class ConfigLoader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <exception cref="ConfigException">Unreadable, malformed or inconsistent configuration.</exception>
    public static AuthServerConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read {path}: {e.Message}", e);
        }
        try
        {
            return Parse(text, Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"{path}: {e.Message}", e); // which file, when several are in play
        }
    }

    /// <summary>Parses and validates; relative file paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static AuthServerConfig Parse(string json, string baseDirectory)
    {
        AuthServerConfig config;
        try
        {
            config = JsonSerializer.Deserialize<AuthServerConfig>(json, JsonOptions)
                     ?? throw new ConfigException("the configuration is null");
        }
        catch (JsonException e)
        {
            throw new ConfigException(JsonErrors.Describe(e, typeof(AuthServerConfig), JsonOptions), e);
        }
        catch (NotSupportedException e)
        {
            throw new ConfigException($"malformed configuration: {e.Message}", e);
        }
        Validate(config);
        return Resolve(config, baseDirectory);
    }

    private static void Validate(AuthServerConfig c)
    {
        ParseListen(c.Listen);
        if (!c.Insecure && (string.IsNullOrEmpty(c.Cert) || string.IsNullOrEmpty(c.Key)))
            throw new ConfigException("HTTPS needs 'cert' and 'key' (PEM files); set \"insecure\": true for plain HTTP behind a proxy");
        if (c.Backends.Count == 0) throw new ConfigException("'backends' is empty: configure at least one (file, ldap or pam)");
        if (c.Backends.Any(b => b is null)) throw new ConfigException("'backends' holds null");
        if (!(c.RefusalDelay is >= 0 and <= 10)) throw new ConfigException("'refusalDelay' must be between 0 and 10 seconds");
        if (c.Throttle?.Problem() is { } throttle) throw new ConfigException($"'throttle': {throttle}");
        if (c.TokenLifetime <= 0) throw new ConfigException("'tokenLifetime' must be a positive number of seconds");
        if (c.PortalTokenLifetime <= 0) throw new ConfigException("'portalTokenLifetime' must be a positive number of seconds");
        if (c.PortalTokenIn is not ("query" or "fragment")) throw new ConfigException("'portalTokenIn' must be \"query\" or \"fragment\"");
        if (c.Metrics?.AllowFrom?.FirstOrDefault(e => Tessera.Web.MetricsAccess.ParseEntry(e) is null) is { } bad)
            throw new ConfigException($"'metrics': allowFrom entry '{bad}' is neither an address nor an address/prefix range");
        foreach (var f in c.Backends.OfType<FileBackendConfig>())
            if (string.IsNullOrEmpty(f.Path)) throw new ConfigException("file back end: 'path' is missing");
        var providers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in c.Backends.OfType<OidcBackendConfig>())
        {
            ValidateOidc(o);
            if (!providers.Add(o.Name)) throw new ConfigException($"oidc back end '{o.Name}': two back ends have this name");
        }
        if (providers.Count > 0 && !c.Portal)
            throw new ConfigException("oidc back ends sign people in on the portal: set \"portal\": true");
        for (var i = 0; i < c.Rules.Count; i++)
            foreach (var p in c.Rules[i]?.Providers ?? [])
                if (!providers.Contains(p)) throw new ConfigException($"rules[{i}]: 'providers' names '{p}', which is no oidc back end's name");
    }

    private static void ValidateOidc(OidcBackendConfig o)
    {
        if (o.Name.Length is 0 or > 64 || !o.Name.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            throw new ConfigException($"oidc back end: 'name' must be 1 to 64 of a-z, 0-9, '-' and '_' (it goes into URLs), not '{o.Name}'");
        var where = $"oidc back end '{o.Name}'";
        if (!IsProviderUrl(o.Issuer))
            throw new ConfigException($"{where}: 'issuer' must be an https URL (http only on a loopback address), not '{o.Issuer}'");
        if (string.IsNullOrEmpty(o.ClientId)) throw new ConfigException($"{where}: 'clientId' is missing");
        if (string.IsNullOrEmpty(o.ClientSecret) == o.ClientKey is null)
            throw new ConfigException($"{where}: give either 'clientSecret' or 'clientKey' (a private JWK, for private_key_jwt)");
        if (o.RedirectUri is not null && !(Uri.TryCreate(o.RedirectUri, UriKind.Absolute, out var r) && r.Scheme is "https" or "http" && r.Query.Length == 0 && r.Fragment.Length == 0))
            throw new ConfigException($"{where}: 'redirectUri' must be an absolute http(s) URL without query or fragment");
        if (!o.Scopes.Contains("openid")) throw new ConfigException($"{where}: 'scopes' must include \"openid\"");
        if (string.IsNullOrEmpty(o.UsernameClaim)) throw new ConfigException($"{where}: 'usernameClaim' is empty");
        if (o.GroupsClaim.Any(string.IsNullOrEmpty)) throw new ConfigException($"{where}: 'groupsClaim' holds an empty path");
        if (!(o.Leeway is >= 0 and <= 600)) throw new ConfigException($"{where}: 'leeway' must be between 0 and 600 seconds");
        if (!(o.LoginTimeout is >= 30 and <= 3600)) throw new ConfigException($"{where}: 'loginTimeout' must be between 30 and 3600 seconds");
    }

    /// <summary>https, or plain http to a provider on this machine (tests, a provider next door): a token endpoint's answer must not cross a network in clear.</summary>
    private static bool IsProviderUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
        && (uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback));

    private static AuthServerConfig Resolve(AuthServerConfig c, string baseDirectory)
    {
        string? Full(string? p) => p is null ? null : Path.GetFullPath(p, baseDirectory);
        return c with
        {
            Cert = Full(c.Cert),
            Key = Full(c.Key),
            Backends = c.Backends.Select(b => b switch
            {
                FileBackendConfig f => f with { Path = Full(f.Path)! },
                LdapBackendConfig l => l with { TlsCaDirectory = Full(l.TlsCaDirectory) },
                _ => b,
            }).ToList(),
        };
    }

    /// <summary><c>IP:port</c>, <c>[v6]:port</c>, or <c>:port</c> for every interface; port 0 picks a free one (tests).</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        if (listen.StartsWith(':') && int.TryParse(listen.AsSpan(1), out var anyPort) && anyPort is >= 0 and <= 65535)
            return new IPEndPoint(IPAddress.IPv6Any, anyPort);
        if (IPEndPoint.TryParse(listen, out var endpoint) && listen.Contains(':') && !listen.EndsWith(':')
            && (endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || listen.StartsWith('[')))
            return endpoint;
        throw new ConfigException($"'listen' must be an IP address and port like 127.0.0.1:8444 or [::1]:8444, not '{listen}'");
    }
}
