using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Tests.Support;

namespace Tessera.AuthServer.Tests.Oidc;

/// <summary>
/// One real OpenID provider (oidc-provider under Node) for a class of tests, and the loopback port
/// the tests' tessera-auth will listen on, reserved first because the provider only sends browsers
/// back to redirect URIs registered in advance. Tests in a class run one after another, so each
/// starts its own tessera-auth on that port. The port lies below the kernel's ephemeral range:
/// between two tests it is free, and an ephemeral one could be taken meanwhile by any outgoing
/// connection or port-0 listener on the machine.
/// </summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    public const string Secret = "a client secret that is long enough";

    /// <summary>The back-end names the tests configure; each client may come back to any of them.</summary>
    private static readonly string[] CallbackNames = ["idp", "staff", "keyed", "info", "down"];

    public OidcTestProvider Provider { get; private set; } = null!;
    public int AuthPort { get; } = PortBelowEphemeralRange();
    public string AuthBase => $"http://127.0.0.1:{AuthPort}/";

    /// <summary>tessera-auth's private key for <c>private_key_jwt</c>; the provider knows its public half.</summary>
    public string ClientKey { get; } = JsonWebKeyGenerator.Generate("ES256", "tessera-client");

    public static readonly JsonObject Users = new()
    {
        ["ada"] = new JsonObject
        {
            ["password"] = "ada-at-idp",
            ["claims"] = new JsonObject
            {
                ["preferred_username"] = "ada",
                ["email"] = "ada@example.org",
                ["groups"] = new JsonArray("staff", "teachers"),
                // Keycloak's shape for realm roles.
                ["realm_access"] = new JsonObject { ["roles"] = new JsonArray("lecturer") },
            },
        },
        ["bob"] = new JsonObject { ["password"] = "bob-at-idp", ["claims"] = new JsonObject { ["preferred_username"] = "bob", ["groups"] = new JsonArray("students") } },
        // Groups only in the userinfo answer.
        ["carol"] = new JsonObject
        {
            ["password"] = "carol-at-idp",
            ["claims"] = new JsonObject { ["preferred_username"] = "carol", ["groups"] = new JsonArray("staff") },
            ["userinfoOnly"] = new JsonArray("groups"),
        },
        ["eve"] = new JsonObject { ["password"] = "eve-at-idp", ["claims"] = new JsonObject { ["preferred_username"] = "eve" } },
        ["mallory"] = new JsonObject { ["password"] = "mallory-at-idp", ["claims"] = new JsonObject { ["preferred_username"] = "../admin" } },
    };

    public async Task InitializeAsync()
    {
        var redirects = new JsonArray(CallbackNames.Select(n => (JsonNode)$"{AuthBase}oidc/{n}/callback").ToArray());
        var publicKey = JsonNode.Parse(JsonWebKeyParser.Parse(ClientKey).ToPublicJwk())!;
        Provider = await OidcTestProvider.StartAsync(Users, new JsonArray(
            new JsonObject
            {
                ["client_id"] = "tessera",
                ["client_secret"] = Secret,
                ["redirect_uris"] = redirects.DeepClone(),
                ["token_endpoint_auth_method"] = "client_secret_basic",
            },
            new JsonObject
            {
                ["client_id"] = "tessera-keyed",
                ["redirect_uris"] = redirects.DeepClone(),
                ["token_endpoint_auth_method"] = "private_key_jwt",
                ["token_endpoint_auth_signing_alg"] = "ES256",
                ["jwks"] = new JsonObject { ["keys"] = new JsonArray(publicKey) },
            }));
    }

    public async Task DisposeAsync()
    {
        if (Provider is not null) await Provider.DisposeAsync();
    }

    /// <summary>An oidc back end for this provider, named <paramref name="name"/>, with a client secret.</summary>
    public JsonObject Backend(string name = "idp", Action<JsonObject>? configure = null)
    {
        var backend = new JsonObject
        {
            ["type"] = "oidc",
            ["name"] = name,
            ["label"] = "Sign in with the test provider",
            ["issuer"] = Provider.Issuer,
            ["clientId"] = "tessera",
            ["clientSecret"] = Secret,
            ["scopes"] = new JsonArray("openid", "profile", "groups"),
        };
        configure?.Invoke(backend);
        return backend;
    }

    /// <summary>tessera-auth on <see cref="AuthPort"/> with the given back ends and rules (staff → op, students → present by default).</summary>
    public Task<TestAuthServer> StartAuthServerAsync(JsonArray backends, JsonArray? rules = null, Action<JsonObject>? configure = null,
                                                     Microsoft.Extensions.Logging.ILoggerProvider? log = null) =>
        TestAuthServer.StartAsync(c =>
        {
            c["listen"] = $"127.0.0.1:{AuthPort}";
            c["issuer"] = AuthBase;
            c["backends"] = backends;
            c["rules"] = rules ?? new JsonArray(
                new JsonObject { ["members"] = "staff", ["permissions"] = "op" },
                new JsonObject { ["members"] = "students", ["permissions"] = "present" });
            configure?.Invoke(c);
        }, log: log);

    private static int PortBelowEphemeralRange()
    {
        var range = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            : ["32768"];
        var lowest = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(Math.Max(1024, lowest - 20_000), lowest);
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }
        throw new InvalidOperationException("no free loopback port below the ephemeral range");
    }
}
