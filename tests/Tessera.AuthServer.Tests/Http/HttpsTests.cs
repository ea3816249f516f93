using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>Without <c>insecure</c>, the server speaks HTTPS with the configured PEM certificate and key.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-auth-tls-").FullName;

    [Fact]
    public async Task Serves_tokens_and_a_secure_portal_cookie_over_https()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_dir, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "key.pem"), ecdsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir, "users.json"), """{"users":{"john":{"password":"john-pw"}}}""");
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["cert"] = "cert.pem",
            ["key"] = "key.pem",
            ["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256"))),
            ["conferences"] = new JsonArray("https://meet.example.org/"),
            ["backends"] = new JsonArray(new JsonObject { ["type"] = "file", ["path"] = "users.json" }),
            ["portal"] = true,
        };
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());

        await using var app = AuthServerApp.Build(ConfigLoader.Load(Path.Combine(_dir, "config.json")),
            new AuthServerHostOptions { ConfigureLogging = l => l.SetMinimumLevel(LogLevel.Warning) });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Assert.StartsWith("https://", address);

        var thumbprint = certificate.Thumbprint;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && c.Thumbprint == thumbprint },
        }) { BaseAddress = new Uri(address) };
        var body = """{"username":"john","password":"john-pw","location":"https://meet.example.org/group/lab/"}""";
        var response = await client.PostAsync("/", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var page = await client.GetAsync("/?group=lab");
        var cookie = page.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("__Host-tessera-portal=", cookie);
        Assert.Contains("secure", cookie.ToLowerInvariant());
        await app.StopAsync();
    }

    [Fact]
    public void A_missing_certificate_file_is_a_clear_startup_error()
    {
        File.WriteAllText(Path.Combine(_dir, "users.json"), """{"users":{}}""");
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["cert"] = "missing.pem",
            ["key"] = "missing-key.pem",
            ["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256"))),
            ["conferences"] = new JsonArray("https://meet.example.org/"),
            ["backends"] = new JsonArray(new JsonObject { ["type"] = "file", ["path"] = "users.json" }),
        };
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());
        var e = Assert.Throws<ConfigException>(() => AuthServerApp.Build(ConfigLoader.Load(Path.Combine(_dir, "config.json"))));
        Assert.Contains("certificate", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
