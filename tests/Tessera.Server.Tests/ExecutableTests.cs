using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

/// <summary>The real executable with Galène's flags, as an administrator starts it.</summary>
public sealed class ExecutableTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tessera-exe-").FullName;

    private (string Data, string Groups) Dirs()
    {
        var data = Path.Combine(_root, "data");
        var groups = Path.Combine(_root, "groups");
        Directory.CreateDirectory(data);
        Directory.CreateDirectory(groups);
        File.WriteAllText(Path.Combine(groups, "lobby.json"), """{"public": true, "wildcard-user": {"password": {"type": "wildcard"}, "permissions": "present"}}""");
        return (data, groups);
    }

    [Fact]
    public async Task Starts_with_galene_flags_over_plain_http()
    {
        var (data, groups) = Dirs();
        await using var server = await ServerProcess.StartAsync("--insecure", "--http", "127.0.0.1:{port}", "--data", data, "--groups", groups, "--ice-address", "127.0.0.1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var status = JsonNode.Parse(await http.GetStringAsync("/group/lobby/.status"))!;
        Assert.Equal($"ws://127.0.0.1:{server.Port}/ws", (string?)status["endpoint"]);
        var landing = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, landing.StatusCode); // the built-in client ships with the binary

        await using var c = await WsClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"));
        await c.HandshakeAsync();
        Assert.Equal("join", (await c.JoinAsync("lobby", "ann", "x")).Kind);
    }

    [Fact]
    public async Task Accepts_galenes_single_dash_flags_with_space_or_equals_sign()
    {
        // Go's flag package, which Galène uses, takes -flag value and -flag=value.
        var (data, groups) = Dirs();
        await using var server = await ServerProcess.StartAsync("-insecure=true", "-http=127.0.0.1:{port}", "-data", data, "-groups", groups,
            "-udp-range", "0", "-relay-only=false", "--ice-address", "127.0.0.1");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        var status = JsonNode.Parse(await http.GetStringAsync("/group/lobby/.status"))!;
        Assert.Equal("lobby", (string?)status["name"]);
    }

    [Fact]
    public async Task Galene_flags_for_features_tessera_lacks_are_accepted_and_each_is_reported()
    {
        var (data, groups) = Dirs();
        await using var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups,
            "-turn", "192.0.2.1:1194", "-mdns", "-recordings", Path.Combine(_root, "recordings"), "--ice-address", "127.0.0.1");
        await WaitForOutputAsync(server, "-mdns ignored");
        Assert.Contains("-turn 192.0.2.1:1194 ignored: Tessera has no built-in TURN server", server.Output);
        Assert.Contains("data/ice-servers.json", server.Output);
        Assert.DoesNotContain("-recordings", server.Output); // recording exists now: the flag is simply used
    }

    [Fact]
    public async Task Without_ice_servers_the_log_says_there_is_no_turn_server_and_with_them_it_is_silent()
    {
        var (data, groups) = Dirs();
        await using (var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups, "--ice-address", "127.0.0.1"))
        {
            await WaitForOutputAsync(server, "no TURN server");
        }
        File.WriteAllText(Path.Combine(data, "ice-servers.json"), """[{"urls": ["turn:192.0.2.1:3478"], "username": "u", "credential": "c"}]""");
        await using (var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups, "--ice-address", "127.0.0.1"))
        {
            Assert.DoesNotContain("TURN", server.Output);
        }
    }

    [Fact]
    public async Task A_taken_port_is_said_in_one_line_and_exit_code_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var root = Directory.CreateTempSubdirectory("tessera-port-");
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { ServerProcess.ServerDll(), "--insecure", "--http", $"127.0.0.1:{port}", "--data", root.FullName, "--groups", root.FullName })
                info.ArgumentList.Add(a);
            using var process = System.Diagnostics.Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1, process.ExitCode);
            Assert.StartsWith($"tessera cannot start on 127.0.0.1:{port}: ", (await error).Trim());
            Assert.DoesNotContain("   at ", await error); // no stack trace for an operator's mistake
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_demo_serves_its_two_groups_and_prints_where_to_go()
    {
        await using var server = await ServerProcess.StartAsync("--demo", "--http", "127.0.0.1:{port}", "--ice-address", "127.0.0.1");
        await WaitForOutputAsync(server, "Press Ctrl+C");
        var demoData = System.Text.RegularExpressions.Regex.Match(server.Output, @"Demo data in (\S+)").Groups[1].Value;
        try
        {
            Assert.Contains($"http://127.0.0.1:{server.Port}/group/demo/", server.Output);
            Assert.Contains($"http://127.0.0.1:{server.Port}/group/team/", server.Output);
            Assert.DoesNotContain("TURN", server.Output); // a local demo needs no relay, so no notice
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
            Assert.Equal("team", (string?)JsonNode.Parse(await http.GetStringAsync("/group/team/.status"))!["name"]);

            await using (var c = await WsClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws")))
            {
                await c.HandshakeAsync();
                Assert.Equal("join", (await c.JoinAsync("demo", "anyone", "anything")).Kind);
            }

            // Stopped as a service manager stops it, the demo leaves nothing behind.
            Assert.True(Directory.Exists(demoData), demoData);
            Assert.Equal(0, await server.TerminateAsync());
            Assert.False(Directory.Exists(demoData), "the demo folder is still there: " + demoData);
        }
        finally
        {
            if (demoData.Length > 0 && Directory.Exists(demoData)) Directory.Delete(demoData, recursive: true);
        }
    }

    private static async Task WaitForOutputAsync(ServerProcess server, string text)
    {
        await Eventually.True(() => server.Output.Contains(text), $"\"{text}\" in the output");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes are a Unix notion
    public async Task Generates_and_keeps_a_self_signed_certificate_for_https()
    {
        var (data, groups) = Dirs();
        X509Certificate2? seen = null;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => { seen = new X509Certificate2(cert!); return true; },
        };
        using var http = new HttpClient(handler);
        await using (var server = await ServerProcess.StartAsync("--http", "127.0.0.1:{port}", "--data", data, "--groups", groups, "--ice-address", "127.0.0.1"))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"https://127.0.0.1:{server.Port}/group/lobby/.status")).StatusCode);
        }
        Assert.True(File.Exists(Path.Combine(data, "cert.pem")));
        Assert.True(File.Exists(Path.Combine(data, "key.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "key.pem")));
        var first = seen!.Thumbprint;

        // A restart serves the same certificate, so browsers do not warn anew.
        await using (var server = await ServerProcess.StartAsync("--http", "127.0.0.1:{port}", "--data", data, "--groups", groups, "--ice-address", "127.0.0.1"))
        {
            var status = JsonNode.Parse(await http.GetStringAsync($"https://127.0.0.1:{server.Port}/group/lobby/.status"))!;
            Assert.StartsWith("wss://", (string?)status["endpoint"]);
        }
        Assert.Equal(first, seen!.Thumbprint);
    }

    [Fact]
    public async Task A_bad_listen_address_is_a_clear_error()
    {
        var (data, groups) = Dirs();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync("--insecure", "--http", "nonsense", "--data", data, "--groups", groups, "--ice-address", "127.0.0.1"));
        Assert.Contains("--http", error.Message);
    }

    [Theory]
    [InlineData("--udp-range", "70000")]
    [InlineData("--udp-range", "9-8")]
    [InlineData("--ice-address", "not-an-address")]
    public async Task Bad_media_flags_are_clear_errors(string flag, string value)
    {
        var (data, groups) = Dirs();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync("--insecure", "--http", "127.0.0.1:{port}", "--data", data, "--groups", groups, flag, value));
        Assert.Contains(flag, error.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
