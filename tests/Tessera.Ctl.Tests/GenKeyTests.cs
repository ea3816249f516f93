using System.Diagnostics;
using System.Text;
using Tessera.Auth.Jwk;

namespace Tessera.Ctl.Tests;

public sealed class GenKeyTests
{
    [Theory]
    [InlineData("ES256")]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public void Prints_a_usable_private_key_for_the_algorithm(string alg)
    {
        var (exit, output, _) = CtlRunner.Run("", "gen-key", "--alg", alg, "--kid", "k7");
        Assert.Equal(0, exit);
        var key = JsonWebKeyParser.Parse(output.Trim());
        Assert.True(key.IsPrivate);
        Assert.Equal(alg, key.Algorithm);
        Assert.Equal("k7", key.KeyId);
    }

    [Fact]
    public void Every_run_makes_a_new_key()
    {
        var a = CtlRunner.Run("", "gen-key", "--alg", "ES256").Out;
        var b = CtlRunner.Run("", "gen-key", "--alg", "ES256").Out;
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ES256_is_the_default()
    {
        var (exit, output, _) = CtlRunner.Run("", "gen-key");
        Assert.Equal(0, exit);
        Assert.Equal("ES256", JsonWebKeyParser.Parse(output.Trim()).Algorithm);
    }

    [Fact]
    public void An_unknown_algorithm_is_refused()
    {
        var (exit, output, error) = CtlRunner.Run("", "gen-key", "--alg", "none");
        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.Contains("none", error);
    }

    [Fact]
    public void The_built_program_prints_a_key()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "tessera-ctl.dll"), "gen-key", "--alg", "EdDSA" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("EdDSA", JsonWebKeyParser.Parse(output.Trim()).Algorithm);
    }
}
