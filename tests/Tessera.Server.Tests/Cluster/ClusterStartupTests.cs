using System.Diagnostics;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Cluster;

/// <summary>Cluster mode at start-up: off by default, and a clear failure when Redis cannot be reached.</summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterStartupTests
{
    [Fact]
    public async Task A_node_that_cannot_reach_Redis_exits_with_one_clear_line()
    {
        var data = Directory.CreateTempSubdirectory("tessera-noredis-").FullName;
        try
        {
            var port = FreePort.Find(); // nothing listens there
            var (exit, stdout, stderr) = await RunToExitAsync("--insecure", "--http", $"127.0.0.1:{FreePort.Find()}", "--data", data, "--groups", data,
                                                              "--turn", "", "--redis", $"redis://127.0.0.1:{port}", "--public-url", "http://127.0.0.1:1");
            Assert.NotEqual(0, exit);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, l => l.StartsWith($"tessera cannot reach Redis at redis://127.0.0.1:{port}", StringComparison.Ordinal));
            Assert.DoesNotContain("listening on", stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Redis_without_a_public_url_is_a_usage_error()
    {
        var (exit, _, stderr) = await RunToExitAsync("--insecure", "--http", "127.0.0.1:0", "--turn", "", "--redis", "redis://127.0.0.1:1");
        Assert.Equal(2, exit);
        Assert.Contains("--redis needs --public-url", stderr);
    }

    [Fact]
    public async Task A_single_server_never_loads_the_Redis_client()
    {
        var data = Directory.CreateTempSubdirectory("tessera-single-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, "g.json"), """{"wildcard-user": {"password": "", "permissions": "present"}}""");
            await using var server = await ServerProcess.StartAsync("--insecure", "--http", "127.0.0.1:{port}", "--data", data, "--groups", data);
            await using var client = await WsClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"));
            await client.HandshakeAsync();
            Assert.Equal("join", (await client.JoinAsync("g", "solo")).Kind);
            using var http = new HttpClient();
            Assert.Contains("\"endpoint\"", await http.GetStringAsync($"http://127.0.0.1:{server.Port}/group/g/.status"));
            // Managed assemblies are mapped into the process when loaded.
            var maps = await File.ReadAllTextAsync($"/proc/{server.Pid}/maps");
            Assert.Contains("tessera.dll", maps);
            Assert.DoesNotContain("StackExchange.Redis", maps);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Runs tessera with <paramref name="args"/> until it exits by itself.</summary>
    private static async Task<(int Exit, string Out, string Err)> RunToExitAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ServerProcess.ServerDll());
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await Eventually.Completes(process.WaitForExitAsync(), "tessera exits");
        return (process.ExitCode, await stdout, await stderr);
    }
}
