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
    }

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
