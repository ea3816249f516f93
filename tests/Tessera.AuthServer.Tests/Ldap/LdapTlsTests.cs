using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Backends.Ldap;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Ldap;

/// <summary>A slapd serving StartTLS and ldaps:// with a certificate from a test CA.</summary>
public sealed class TlsDirectoryFixture : IDisposable
{
    public TestDirectory Directory { get; } = new(tls: true);
    public void Dispose() => Directory.Dispose();
}

public sealed class LdapTlsTests(TlsDirectoryFixture fixture) : IClassFixture<TlsDirectoryFixture>
{
    private LdapBackendConfig Config(string url, bool startTls, string? caDirectory) => new()
    {
        Url = url,
        StartTls = startTls,
        TlsCaDirectory = caDirectory,
        UserDn = "uid={0},ou=people," + TestDirectory.Suffix,
        GroupBase = "ou=groups," + TestDirectory.Suffix,
        Timeout = 3,
    };

    private static async Task<BackendResult> Login(LdapBackendConfig config)
    {
        using var backend = new LdapBackend(config);
        return await backend.AuthenticateAsync("alice", "alice-pw", CancellationToken.None);
    }

    [Fact]
    public async Task Start_tls_with_the_trusted_ca_authenticates() =>
        Assert.IsType<BackendResult.Authenticated>(await Login(Config(fixture.Directory.Url, startTls: true, fixture.Directory.CaDirectory)));

    [Fact]
    public async Task Ldaps_with_the_trusted_ca_authenticates() =>
        Assert.IsType<BackendResult.Authenticated>(await Login(
            Config($"ldaps://127.0.0.1:{fixture.Directory.LdapsPort}", startTls: false, fixture.Directory.CaDirectory)));

    [Fact]
    public async Task An_untrusted_certificate_is_a_failure_not_a_login()
    {
        var elsewhere = System.IO.Directory.CreateTempSubdirectory("tessera-empty-ca-").FullName;
        try
        {
            await Assert.ThrowsAsync<BackendException>(() => Login(
                Config($"ldaps://127.0.0.1:{fixture.Directory.LdapsPort}", startTls: false, elsewhere)));
            await Assert.ThrowsAsync<BackendException>(() => Login(Config(fixture.Directory.Url, startTls: true, elsewhere)));
        }
        finally
        {
            System.IO.Directory.Delete(elsewhere);
        }
    }

    [Fact]
    public void Start_tls_over_ldaps_is_a_configuration_error() =>
        Assert.Throws<ConfigException>(() => new LdapBackend(Config("ldaps://127.0.0.1:1", startTls: true, null)));
}
