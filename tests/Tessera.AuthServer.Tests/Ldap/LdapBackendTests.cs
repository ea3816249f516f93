using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Backends.Ldap;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Ldap;

public sealed class LdapBackendTests(TestDirectoryFixture fixture) : IClassFixture<TestDirectoryFixture>
{
    private const string People = "ou=people," + TestDirectory.Suffix;
    private const string Groups = "ou=groups," + TestDirectory.Suffix;

    private LdapBackendConfig TemplateMode => new()
    {
        Url = fixture.Directory.Url,
        UserDn = "uid={0}," + People,
        GroupBase = Groups,
        PoolSize = 4,
    };

    private LdapBackendConfig SearchMode => new()
    {
        Url = fixture.Directory.Url,
        BindDn = TestDirectory.ReaderDn,
        BindPassword = TestDirectory.ReaderPassword,
        Base = People,
        GroupBase = Groups,
        PoolSize = 4,
    };

    private static Task<BackendResult> Login(LdapBackendConfig config, string user, string password)
    {
        using var backend = new LdapBackend(config);
        return backend.AuthenticateAsync(user, password, CancellationToken.None).AsTask();
    }

    [Fact]
    public async Task Template_mode_accepts_the_right_password_and_reads_groups()
    {
        var result = Assert.IsType<BackendResult.Authenticated>(await Login(TemplateMode, "alice", "alice-pw"));
        Assert.Equal(["teachers"], result.Groups);
        Assert.Null(result.OwnPermissions);
    }

    [Fact]
    public async Task Template_mode_refuses_a_wrong_password() =>
        Assert.IsType<BackendResult.Refused>(await Login(TemplateMode, "alice", "bob-pw"));

    [Fact]
    public async Task Template_mode_reports_an_unknown_user_as_unknown() =>
        Assert.IsType<BackendResult.Unknown>(await Login(TemplateMode, "mallory", "whatever"));

    [Fact]
    public async Task Search_mode_accepts_the_right_password_and_reads_groups()
    {
        var result = Assert.IsType<BackendResult.Authenticated>(await Login(SearchMode, "bob", "bob-pw"));
        Assert.Equal(["students"], result.Groups);
    }

    [Fact]
    public async Task Search_mode_refuses_a_wrong_password() =>
        Assert.IsType<BackendResult.Refused>(await Login(SearchMode, "bob", "alice-pw"));

    [Fact]
    public async Task Search_mode_reports_an_unknown_user_as_unknown() =>
        Assert.IsType<BackendResult.Unknown>(await Login(SearchMode, "mallory", "whatever"));

    [Fact]
    public async Task An_empty_password_is_refused_rather_than_bound_anonymously()
    {
        // An LDAP simple bind with a DN and no password is an unauthenticated bind that succeeds.
        Assert.IsType<BackendResult.Refused>(await Login(TemplateMode, "alice", ""));
        Assert.IsType<BackendResult.Refused>(await Login(SearchMode, "alice", ""));
    }

    [Fact]
    public async Task A_filter_wildcard_in_the_username_matches_only_that_literal_name()
    {
        // Unescaped, "*" would match every person (several entries) and "a*" would find alice.
        Assert.IsType<BackendResult.Unknown>(await Login(SearchMode, "a*", "alice-pw"));
        Assert.IsType<BackendResult.Unknown>(await Login(SearchMode, "*)(uid=alice", "alice-pw"));
        Assert.IsType<BackendResult.Authenticated>(await Login(SearchMode, "x*", "x*-pw"));
    }

    [Fact]
    public async Task Dn_metacharacters_in_the_username_cannot_redirect_the_bind()
    {
        // Unescaped, this would bind as the service account with its password.
        var result = await Login(TemplateMode with { UserDn = "uid={0},ou=people,dc=example,dc=org" },
                                 "x,ou=people,dc=example,dc=org", TestDirectory.ReaderPassword);
        Assert.IsNotType<BackendResult.Authenticated>(result);
        var injected = await Login(TemplateMode with { UserDn = "cn={0},dc=example,dc=org" }, "reader,dc=example", TestDirectory.ReaderPassword);
        Assert.IsNotType<BackendResult.Authenticated>(injected);
    }

    [Fact]
    public async Task A_wrong_service_account_password_is_a_backend_failure_not_a_refusal()
    {
        var config = SearchMode with { BindPassword = "wrong" };
        await Assert.ThrowsAsync<BackendException>(() => Login(config, "bob", "bob-pw"));
    }

    [Fact]
    public async Task An_unreachable_directory_is_a_backend_failure()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var config = TemplateMode with { Url = $"ldap://127.0.0.1:{port}", Timeout = 2 };
        await Assert.ThrowsAsync<BackendException>(() => Login(config, "alice", "alice-pw"));
    }

    [Fact]
    public async Task Concurrent_logins_share_the_pool_and_all_succeed()
    {
        using var backend = new LdapBackend(SearchMode with { PoolSize = 3 });
        var logins = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? backend.AuthenticateAsync("alice", "alice-pw", CancellationToken.None).AsTask()
            : backend.AuthenticateAsync("bob", "wrong", CancellationToken.None).AsTask());
        var results = await Task.WhenAll(logins);
        for (var i = 0; i < results.Length; i++)
        {
            if (i % 2 == 0) Assert.Equal(["teachers"], Assert.IsType<BackendResult.Authenticated>(results[i]).Groups);
            else Assert.IsType<BackendResult.Refused>(results[i]);
        }
    }

    [Fact]
    public void Configuration_without_a_way_to_find_the_user_is_refused()
    {
        Assert.Throws<ConfigException>(() => new LdapBackend(new LdapBackendConfig { Url = fixture.Directory.Url }));
        Assert.Throws<ConfigException>(() => new LdapBackend(new LdapBackendConfig { Url = "http://x", UserDn = "uid={0}" }));
        Assert.Throws<ConfigException>(() => new LdapBackend(new LdapBackendConfig { Url = fixture.Directory.Url, UserDn = "uid=fixed" }));
    }

    [Fact]
    public async Task Cached_lookups_never_skip_the_password_check()
    {
        using var backend = new LdapBackend(SearchMode with { CacheSeconds = 600 });
        Assert.IsType<BackendResult.Authenticated>(await backend.AuthenticateAsync("alice", "alice-pw", CancellationToken.None));
        Assert.IsType<BackendResult.Refused>(await backend.AuthenticateAsync("alice", "wrong", CancellationToken.None));
        Assert.IsType<BackendResult.Refused>(await backend.AuthenticateAsync("alice", "", CancellationToken.None));
        Assert.IsType<BackendResult.Authenticated>(await backend.AuthenticateAsync("alice", "alice-pw", CancellationToken.None));
    }

    [Fact]
    public async Task Group_changes_apply_once_the_cache_lifetime_has_passed()
    {
        var time = new ManualTimeProvider();
        using var backend = new LdapBackend(TemplateMode with { CacheSeconds = 60 }, time);
        using var admin = new System.DirectoryServices.Protocols.LdapConnection(
            new System.DirectoryServices.Protocols.LdapDirectoryIdentifier("127.0.0.1", fixture.Directory.Port))
        {
            AuthType = System.DirectoryServices.Protocols.AuthType.Basic,
        };
        admin.SessionOptions.ProtocolVersion = 3;
        admin.Bind(new System.Net.NetworkCredential("cn=admin," + TestDirectory.Suffix, "admin-pw"));
        var member = "uid=bob," + People;
        var group = "cn=staff," + Groups;
        Assert.Equal(["students"], Assert.IsType<BackendResult.Authenticated>(
            await backend.AuthenticateAsync("bob", "bob-pw", CancellationToken.None)).Groups);

        admin.SendRequest(new System.DirectoryServices.Protocols.ModifyRequest(group,
            System.DirectoryServices.Protocols.DirectoryAttributeOperation.Add, "member", member));
        try
        {
            Assert.Equal(["students"], Assert.IsType<BackendResult.Authenticated>(
                await backend.AuthenticateAsync("bob", "bob-pw", CancellationToken.None)).Groups);
            time.Advance(TimeSpan.FromSeconds(61));
            Assert.Equal(["students", "staff"], Assert.IsType<BackendResult.Authenticated>(
                await backend.AuthenticateAsync("bob", "bob-pw", CancellationToken.None)).Groups.Order().Reverse());
        }
        finally
        {
            admin.SendRequest(new System.DirectoryServices.Protocols.ModifyRequest(group,
                System.DirectoryServices.Protocols.DirectoryAttributeOperation.Delete, "member", member));
        }
    }
}
