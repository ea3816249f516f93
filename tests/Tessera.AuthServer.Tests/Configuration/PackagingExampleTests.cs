using System.Text.RegularExpressions;
using Tessera.Auth.Jwk;
using Tessera.Auth.Passwords;
using Tessera.AuthServer.Backends;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Tests.Configuration;

/// <summary>
/// The tessera-auth example of the release tarball (packaging/examples/tessera-auth). It ships
/// without a signing key — a key in a public tarball would let anyone sign tokens — so it is
/// refused until the install step puts one in; with one, the real loader accepts it.
/// </summary>
public sealed class PackagingExampleTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("tessera-auth-example-").FullName;

    private static string ExampleDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "packaging", "examples", "tessera-auth");
    }

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Fact]
    public void As_shipped_it_is_refused_for_want_of_a_key_with_a_message_saying_so()
    {
        var config = ConfigLoader.Load(Path.Combine(ExampleDirectory(), "config.json"));
        var e = Assert.Throws<ConfigException>(() => AuthServerApp.Build(config));
        Assert.StartsWith("keys[0]: not a usable JWK", e.Message);
    }

    [Fact]
    public async Task With_a_generated_key_in_place_of_the_placeholder_it_is_accepted()
    {
        // The install step of the README: the output of tessera-ctl gen-key replaces the placeholder.
        var text = File.ReadAllText(Path.Combine(ExampleDirectory(), "config.json"));
        var withKey = Regex.Replace(text, "\"REPLACE[^\"]*\"", JsonWebKeyGenerator.Generate("ES256", "2026-01"));
        Assert.NotEqual(text, withKey);
        File.WriteAllText(Path.Combine(_copy, "config.json"), withKey);
        File.Copy(Path.Combine(ExampleDirectory(), "users.json"), Path.Combine(_copy, "users.json"));

        var config = ConfigLoader.Load(Path.Combine(_copy, "config.json"));
        await using var app = AuthServerApp.Build(config);

        Assert.True(config.Portal);
        Assert.Equal(Path.Combine(_copy, "users.json"), Assert.IsType<FileBackendConfig>(Assert.Single(config.Backends)).Path);
    }

    [Fact]
    public void The_example_users_file_is_valid_and_has_no_usable_password()
    {
        var users = UsersFileBackend.Load(Path.Combine(ExampleDirectory(), "users.json"));
        Assert.NotEmpty(users);
        Assert.All(users.Values, u => Assert.Equal(PasswordKind.None, u.Password!.Kind));
        Assert.Contains("staff", users["ada"].Groups);
    }
}
