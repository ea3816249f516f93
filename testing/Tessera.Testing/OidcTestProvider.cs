using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Testing;

/// <summary>
/// The certified OpenID Connect provider (npm <c>oidc-provider</c>, testing/oidc-provider) run by
/// Node on a free loopback port, with the users and clients the caller gives, and its test
/// controls: make the next ID token misbehave, rotate the signing key, count requests. Installed by
/// scripts/install-test-deps.sh. Disposing stops the process it started, by its handle.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _settingsDirectory;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OidcTestProvider(Process process, string settingsDirectory, int port)
    {
        _process = process;
        _settingsDirectory = settingsDirectory;
        Issuer = $"http://127.0.0.1:{port}";
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, exactly as the provider names itself.</summary>
    public string Issuer { get; }

    /// <summary>The Node process, for measuring its CPU time.</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="users">NAME → {"password", "claims": {...}, "userinfoOnly": [claim names kept out of ID tokens]}.</param>
    /// <param name="clients">oidc-provider client metadata (client_id, client_secret or jwks, redirect_uris, token_endpoint_auth_method).</param>
    public static async Task<OidcTestProvider> StartAsync(JsonObject users, JsonArray clients)
    {
        var script = FindScript();
        var port = FreePort.Find();
        var directory = Directory.CreateTempSubdirectory("tessera-oidc-provider-").FullName;
        var settings = Path.Combine(directory, "settings.json");
        await File.WriteAllTextAsync(settings, new JsonObject
        {
            ["port"] = port,
            ["users"] = users.DeepClone(),
            ["clients"] = clients.DeepClone(),
        }.ToJsonString());
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(settings);
        var process = new Process { StartInfo = start };
        var provider = new OidcTestProvider(process, directory, port);
        process.OutputDataReceived += (_, e) => provider.Append(e.Data);
        process.ErrorDataReceived += (_, e) => provider.Append(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await provider.WaitUntilAnsweringAsync();
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
        return provider;
    }

    /// <summary>
    /// The next token response's ID token is altered: <c>nonce</c>, <c>wrong-audience</c>,
    /// <c>wrong-issuer</c>, <c>expired</c>, <c>issued-in-future</c>, <c>azp</c>, <c>other-key</c>
    /// (signed by a key the provider never published, under its real key's kid), <c>unsigned</c>
    /// (alg none); or <c>token-error</c>: the token endpoint answers 503; or <c>insecure-discovery</c>:
    /// the next discovery document names a plain-http token endpoint on another host.
    /// </summary>
    public Task TamperNextAsync(string mode) => PostAsync("test/tamper", new JsonObject { ["mode"] = mode });

    /// <summary>A new signing key comes first; with <paramref name="dropOld"/> the old ones are no longer published.</summary>
    public async Task<string> RotateKeyAsync(bool dropOld)
    {
        var answer = await PostAsync("test/rotate", new JsonObject { ["drop"] = dropOld });
        return answer["kid"]!.GetValue<string>();
    }

    /// <summary>How many discovery, JWKS, token and userinfo requests the provider served.</summary>
    public async Task<(int Discovery, int Jwks, int Token, int Userinfo)> StatsAsync()
    {
        var stats = JsonNode.Parse(await _http.GetStringAsync(Issuer + "/test/stats"))!;
        return (stats["discovery"]!.GetValue<int>(), stats["jwks"]!.GetValue<int>(), stats["token"]!.GetValue<int>(),
                stats["userinfo"]!.GetValue<int>());
    }

    private async Task<JsonNode> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsync($"{Issuer}/{path}", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.StartsWith("oidc-provider listening on ", StringComparison.Ordinal)) _listening.TrySetResult();
    }

    /// <summary>The script prints its "listening" line once the port is bound: wait for that line, or for the process to end.</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        var ended = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, ended, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first == _listening.Task) return;
        if (first == ended)
            throw new InvalidOperationException($"the OIDC test provider exited with {_process.ExitCode} " +
                                                $"(run scripts/install-test-deps.sh):\n{Output}");
        throw new TimeoutException($"the OIDC test provider did not start listening at {Issuer}:\n{Output}");
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "testing", "oidc-provider", "provider.js");
            if (File.Exists(script))
            {
                if (!Directory.Exists(Path.Combine(dir.FullName, "testing", "oidc-provider", "node_modules", "oidc-provider")))
                    throw new InvalidOperationException("oidc-provider is not installed: run scripts/install-test-deps.sh");
                return script;
            }
        }
        throw new FileNotFoundException("testing/oidc-provider/provider.js not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_settingsDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
