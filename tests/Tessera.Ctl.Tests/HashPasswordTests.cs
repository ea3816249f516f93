using System.Text.Json;
using Tessera.Auth.Passwords;

namespace Tessera.Ctl.Tests;

public sealed class HashPasswordTests
{
    [Fact]
    public void Bcrypt_cost_8_is_the_default()
    {
        var (exit, output, _) = CtlRunner.Run("correct horse\n", "hash-password");
        Assert.Equal(0, exit);
        var password = JsonSerializer.Deserialize<Password>(output)!;
        Assert.Equal(PasswordKind.Bcrypt, password.Kind);
        Assert.StartsWith("$2a$08$", password.Key);
        Assert.True(PasswordVerifier.Verify(password, "correct horse"));
        Assert.False(PasswordVerifier.Verify(password, "correct horse\n"));
        Assert.False(PasswordVerifier.Verify(password, "wrong"));
    }

    [Fact]
    public void The_bcrypt_cost_can_be_chosen()
    {
        var (_, output, _) = CtlRunner.Run("pw\n", "hash-password", "--cost", "5");
        Assert.StartsWith("$2a$05$", JsonSerializer.Deserialize<Password>(output)!.Key);
    }

    [Fact]
    public void Pbkdf2_uses_the_galene_defaults()
    {
        var (exit, output, _) = CtlRunner.Run("correct horse\n", "hash-password", "--type", "pbkdf2");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("pbkdf2", root.GetProperty("type").GetString());
        Assert.Equal("sha-256", root.GetProperty("hash").GetString());
        Assert.Equal(4096, root.GetProperty("iterations").GetInt32());
        Assert.Equal(64, root.GetProperty("key").GetString()!.Length);
        Assert.Equal(16, root.GetProperty("salt").GetString()!.Length);
        var password = JsonSerializer.Deserialize<Password>(output)!;
        Assert.True(PasswordVerifier.Verify(password, "correct horse"));
        Assert.False(PasswordVerifier.Verify(password, "correct horsf"));
    }

    [Fact]
    public void Salts_differ()
    {
        var a = CtlRunner.Run("pw\n", "hash-password", "--type", "pbkdf2").Out;
        var b = CtlRunner.Run("pw\n", "hash-password", "--type", "pbkdf2").Out;
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void An_empty_password_is_refused()
    {
        var (exit, output, error) = CtlRunner.Run("", "hash-password");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("no password", error);
    }

    [Fact]
    public void An_overlong_bcrypt_password_is_refused_rather_than_silently_truncated()
    {
        var (exit, _, error) = CtlRunner.Run(new string('x', 73) + "\n", "hash-password");
        Assert.Equal(1, exit);
        Assert.Contains("72", error);
    }

    [Fact]
    public void An_unknown_type_is_refused() => Assert.NotEqual(0, CtlRunner.Run("pw\n", "hash-password", "--type", "md5").Exit);
}
