using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.AuthServer.Rules;

namespace Tessera.AuthServer.Configuration;

/// <summary>The JSON configuration file of <c>tessera-auth</c>; documented in README.md.</summary>
public sealed record AuthServerConfig
{
    [JsonPropertyName("listen")] public string Listen { get; init; } = "127.0.0.1:8444";
    [JsonPropertyName("insecure")] public bool Insecure { get; init; }
    [JsonPropertyName("cert")] public string? Cert { get; init; }
    [JsonPropertyName("key")] public string? Key { get; init; }
    [JsonPropertyName("issuer")] public string? Issuer { get; init; }

    /// <summary>Private JWKs; the first signs, every public part is published.</summary>
    [JsonPropertyName("keys")] public IReadOnlyList<JsonElement> Keys { get; init; } = [];

    [JsonPropertyName("conferences")] public IReadOnlyList<string> Conferences { get; init; } = [];
    [JsonPropertyName("backends")] public IReadOnlyList<BackendConfig> Backends { get; init; } = [];
    [JsonPropertyName("passwordFallback")] public bool PasswordFallback { get; init; }
    [JsonPropertyName("portal")] public bool Portal { get; init; }

    /// <summary><c>query</c> (Galène-compatible, default) or <c>fragment</c>.</summary>
    [JsonPropertyName("portalTokenIn")] public string PortalTokenIn { get; init; } = "query";

    [JsonPropertyName("tokenLifetime")] public int TokenLifetime { get; init; } = 30;
    [JsonPropertyName("portalTokenLifetime")] public int PortalTokenLifetime { get; init; } = 300;
    [JsonPropertyName("rules")] public IReadOnlyList<RuleConfig> Rules { get; init; } = [];
    /// <summary>Seconds every refusal takes at least, so timing does not reveal which usernames exist.</summary>
    [JsonPropertyName("refusalDelay")] public double RefusalDelay { get; init; } = 0.25;

    [JsonPropertyName("throttle")] public Tessera.Auth.Throttling.LoginThrottleSettings? Throttle { get; init; }

    /// <summary><c>/metrics</c>: off unless enabled, then readable from these addresses (single or CIDR) only.</summary>
    [JsonPropertyName("metrics")] public MetricsConfig? Metrics { get; init; }
}

/// <summary>One entry of <c>backends</c>, told apart by its <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(FileBackendConfig), "file")]
[JsonDerivedType(typeof(LdapBackendConfig), "ldap")]
[JsonDerivedType(typeof(PamBackendConfig), "pam")]
[JsonDerivedType(typeof(OidcBackendConfig), "oidc")]
public abstract record BackendConfig;

public sealed record FileBackendConfig : BackendConfig
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
}

public sealed record PamBackendConfig : BackendConfig
{
    [JsonPropertyName("service")] public string Service { get; init; } = "login";
}

public sealed record LdapBackendConfig : BackendConfig
{
    /// <summary><c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c>.</summary>
    [JsonPropertyName("url")] public string Url { get; init; } = "ldap://127.0.0.1:389";
    [JsonPropertyName("startTls")] public bool StartTls { get; init; }

    /// <summary>
    /// A folder of trusted CA certificates (PEM) for ldaps:// and StartTLS; absent: libldap's
    /// defaults (/etc/ldap/ldap.conf). The server's name is always checked.
    /// </summary>
    [JsonPropertyName("tlsCaDirectory")] public string? TlsCaDirectory { get; init; }

    /// <summary>Bind-template mode: <c>{0}</c> is replaced by the RFC 4514-escaped username.</summary>
    [JsonPropertyName("userDn")] public string? UserDn { get; init; }

    /// <summary>Search mode (and group lookups): the service account.</summary>
    [JsonPropertyName("bindDn")] public string? BindDn { get; init; }
    [JsonPropertyName("bindPassword")] public string? BindPassword { get; init; }
    [JsonPropertyName("base")] public string? Base { get; init; }

    /// <summary>Search mode: <c>{0}</c> is replaced by the RFC 4515-escaped username.</summary>
    [JsonPropertyName("filter")] public string Filter { get; init; } = "(&(objectClass=inetOrgPerson)(uid={0}))";

    [JsonPropertyName("groupBase")] public string? GroupBase { get; init; }

    /// <summary><c>{dn}</c> is the user's DN, <c>{0}</c> the username, both RFC 4515-escaped.</summary>
    [JsonPropertyName("groupFilter")] public string GroupFilter { get; init; } = "(&(objectClass=groupOfNames)(member={dn}))";
    [JsonPropertyName("groupAttribute")] public string GroupAttribute { get; init; } = "cn";

    /// <summary>
    /// The attribute that holds the login name, whose stored value becomes the token's subject.
    /// Default: the attribute compared with {0} in <c>userDn</c> or <c>filter</c> (<c>uid</c> usually).
    /// </summary>
    [JsonPropertyName("usernameAttribute")] public string? UsernameAttribute { get; init; }
    [JsonPropertyName("poolSize")] public int PoolSize { get; init; } = 8;

    /// <summary>
    /// Seconds to remember a user's DN (search mode) and group names; 0 turns it off. The password
    /// is checked by a bind at every login regardless.
    /// </summary>
    [JsonPropertyName("cacheSeconds")] public double CacheSeconds { get; init; } = 60;
    [JsonPropertyName("timeout")] public double Timeout { get; init; } = 5;
}

/// <summary>
/// An OpenID Connect provider people sign in through on the portal (README.md, "Single sign-on").
/// It takes no passwords: the JSON route never asks it.
/// </summary>
public sealed record OidcBackendConfig : BackendConfig
{
    /// <summary>Names the provider in URLs (<c>/oidc/NAME/…</c>), logs and rules' <c>providers</c>.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>The button's text on the portal; default "Sign in with NAME".</summary>
    [JsonPropertyName("label")] public string? Label { get; init; }

    /// <summary>The provider's issuer identifier; discovery is read from ISSUER/.well-known/openid-configuration.</summary>
    [JsonPropertyName("issuer")] public string Issuer { get; init; } = "";

    [JsonPropertyName("clientId")] public string ClientId { get; init; } = "";

    /// <summary>Confidential client with a shared secret (sent with HTTP Basic).</summary>
    [JsonPropertyName("clientSecret")] public string? ClientSecret { get; init; }

    /// <summary>Confidential client with <c>private_key_jwt</c>: a private JWK whose public part the provider knows.</summary>
    [JsonPropertyName("clientKey")] public JsonElement? ClientKey { get; init; }

    /// <summary>Where the provider sends the browser back; default: <c>issuer</c> of this server + <c>oidc/NAME/callback</c>.</summary>
    [JsonPropertyName("redirectUri")] public string? RedirectUri { get; init; }

    [JsonPropertyName("scopes")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "profile"];

    /// <summary>The claim whose value becomes the username (the token's <c>sub</c>).</summary>
    [JsonPropertyName("usernameClaim")] public string UsernameClaim { get; init; } = "preferred_username";

    /// <summary>Claim paths (dots descend into objects) whose values are the person's groups for the rules' <c>members</c>.</summary>
    [JsonPropertyName("groupsClaim")]
    [JsonConverter(typeof(StringOrArrayConverter))]
    public IReadOnlyList<string> GroupsClaim { get; init; } = ["groups"];

    /// <summary>Also ask the userinfo endpoint, for providers that keep claims out of the ID token.</summary>
    [JsonPropertyName("userinfo")] public bool Userinfo { get; init; }

    /// <summary>Seconds of clock difference tolerated on the ID token's <c>exp</c>, <c>iat</c> and <c>nbf</c>.</summary>
    [JsonPropertyName("leeway")] public double Leeway { get; init; } = 60;

    /// <summary>Seconds a browser has to come back from the provider before the sign-in must start again.</summary>
    [JsonPropertyName("loginTimeout")] public double LoginTimeout { get; init; } = 600;
}

/// <summary>The <c>metrics</c> key of tessera-auth's configuration.</summary>
public sealed record MetricsConfig
{
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
    [JsonPropertyName("allowFrom")] public IReadOnlyList<string>? AllowFrom { get; init; }
}
