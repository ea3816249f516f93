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
            "-mdns", "-recordings", Path.Combine(_root, "recordings"), "--ice-address", "127.0.0.1");
        await WaitForOutputAsync(server, "-mdns ignored");
        Assert.DoesNotContain("-recordings", server.Output); // recording exists now: the flag is simply used
    }

    [Fact]
    public async Task The_log_says_where_media_and_turn_listen_and_what_browsers_are_told()
    {
        var (data, groups) = Dirs();
        int turnPort = FreePort.Find();
        await using var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups,
            "--udp-range", "0", "--ice-address", "127.0.0.1", "-turn", $"127.0.0.1:{turnPort}");
        await WaitForOutputAsync(server, "TURN: built-in server on");
        Assert.Matches(@"media: UDP port \d+ \(bound on 127\.0\.0\.1\); host candidates offered to browsers: 127\.0\.0\.1:\d+", server.Output);
        Assert.Contains($"TURN: built-in server on UDP 127.0.0.1:{turnPort} and TCP 127.0.0.1:{turnPort}; browsers are told "
            + $"turn:127.0.0.1:{turnPort} turn:127.0.0.1:{turnPort}?transport=tcp", server.Output);

        // Browsers get it with this run's credentials, which never appear in the log.
        await using var c = await WsClient.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"));
        await c.HandshakeAsync();
        var joined = await c.JoinAsync("lobby", "ann", "x");
        var turn = Assert.Single(joined.RtcConfiguration!["iceServers"]!.AsArray())!;
        Assert.Equal([$"turn:127.0.0.1:{turnPort}", $"turn:127.0.0.1:{turnPort}?transport=tcp"], turn["urls"]!.AsArray().Select(u => (string)u!));
        Assert.Equal("tessera", (string?)turn["username"]);
        var credential = (string)turn["credential"]!;
        Assert.True(credential.Length >= 20, credential);
        Assert.DoesNotContain(credential, server.Output);
    }

    [Fact]
    public async Task Over_https_the_turn_port_takes_tls_too_with_the_servers_certificate()
    {
        var (data, groups) = Dirs();
        int turnPort = FreePort.Find();
        await using var server = await ServerProcess.StartAsync("-http", "127.0.0.1:{port}", "-data", data, "-groups", groups,
            "--ice-address", "127.0.0.1", "-turn", $"127.0.0.1:{turnPort}");
        await WaitForOutputAsync(server, "TURN: built-in server on");
        Assert.Contains($"TCP 127.0.0.1:{turnPort} (TLS too); browsers are told turn:127.0.0.1:{turnPort} "
            + $"turn:127.0.0.1:{turnPort}?transport=tcp turns:127.0.0.1:{turnPort}?transport=tcp", server.Output);

        // The certificate the TLS handshake shows is the one HTTPS uses, from the data directory.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, turnPort);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(data, "cert.pem")));
        Assert.Equal(expected.Thumbprint, tls.RemoteCertificate!.GetCertHashString());
    }

    [Fact]
    public async Task With_ice_servers_json_auto_starts_no_turn_server_and_turn_off_starts_none_either()
    {
        var (data, groups) = Dirs();
        File.WriteAllText(Path.Combine(data, "ice-servers.json"), """[{"urls": ["turn:192.0.2.1:3478"], "username": "u", "credential": "c"}]""");
        await using (var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups,
                         "--ice-address", "127.0.0.1", "-turn", "auto"))
        {
            await WaitForOutputAsync(server, "TURN: no built-in server, since data/ice-servers.json lists the servers browsers use");
        }
        File.Delete(Path.Combine(data, "ice-servers.json"));
        await using (var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups,
                         "--ice-address", "127.0.0.1", "-turn", ""))
        {
            await WaitForOutputAsync(server, "TURN: no built-in server (--turn \"\")");
        }
    }

    [Fact]
    public async Task A_turn_flag_that_is_not_one_of_its_forms_is_refused_at_start()
    {
        var (data, groups) = Dirs();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(
            "-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups, "-turn", "turn.example.org:1194"));
        Assert.Contains("--turn: expected auto, \"\", :PORT or ADDRESS:PORT, got \"turn.example.org:1194\"", error.Message);
    }

    [Fact]
    public async Task A_turn_port_that_is_taken_is_said_and_the_server_runs_without_turn()
    {
        var (data, groups) = Dirs();
        using var taken = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        int port = ((System.Net.IPEndPoint)taken.Client.LocalEndPoint!).Port;
        await using var server = await ServerProcess.StartAsync("-insecure", "-http", "127.0.0.1:{port}", "-data", data, "-groups", groups,
            "--ice-address", "127.0.0.1", "-turn", $"127.0.0.1:{port}");
        await WaitForOutputAsync(server, $"TURN: the built-in server cannot listen on 127.0.0.1 port {port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Port}") };
        Assert.Equal("lobby", (string?)JsonNode.Parse(await http.GetStringAsync("/group/lobby/.status"))!["name"]);
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
            Assert.DoesNotContain("TURN: built-in server on", server.Output); // a local demo needs no relay
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
    public async Task Over_https_a_websocket_opened_over_http2_is_accepted()
    {
        // Chromium opens the WebSocket on the page's HTTP/2 connection, with an extended CONNECT
        // (RFC 8441) rather than a GET; it was refused with 405, so no HTTPS page could join.
        var (data, groups) = Dirs();
        await using var server = await ServerProcess.StartAsync("--http", "127.0.0.1:{port}", "--data", data, "--groups", groups, "--ice-address", "127.0.0.1");
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // the self-signed certificate it made
        };
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var timeout = new CancellationTokenSource(WsClient.DefaultTimeout);
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{server.Port}/ws"), new HttpMessageInvoker(handler), timeout.Token);
        var handshake = """{"type":"handshake","version":["2"],"id":"h2client"}"""u8.ToArray();
        await socket.SendAsync(handshake, System.Net.WebSockets.WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("handshake", (string?)JsonNode.Parse(buffer.AsSpan(0, received.Count))!["type"]);
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
