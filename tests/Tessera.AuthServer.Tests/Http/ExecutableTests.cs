using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;

namespace Tessera.AuthServer.Tests.Http;

/// <summary>The built <c>tessera-auth</c> program, run as a child process the way an operator runs it.</summary>
public sealed class ExecutableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-auth-exe-").FullName;

    private static ProcessStartInfo Program(string configPath)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tessera-auth.dll"));
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(configPath);
        return psi;
    }

    private string WriteConfig(JsonNode key)
    {
        File.WriteAllText(Path.Combine(_dir, "users.json"), """{"users":{"john":{"password":"john-pw","permissions":"present"}}}""");
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["insecure"] = true,
            ["keys"] = new JsonArray(key),
            ["conferences"] = new JsonArray("https://meet.example.org/"),
            ["backends"] = new JsonArray(new JsonObject { ["type"] = "file", ["path"] = "users.json" }),
        };
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public async Task A_public_key_stops_the_program_with_a_clear_message()
    {
        var publicJwk = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate("ES256")).ToPublicJwk();
        using var process = Process.Start(Program(WriteConfig(JsonNode.Parse(publicJwk)!)))!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("public key", stderr);
    }

    [Fact]
    public async Task A_taken_address_stops_the_program_with_one_line_and_exit_code_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var path = WriteConfig(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256"))!);
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["listen"] = $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        File.WriteAllText(path, config.ToJsonString());

        using var process = Process.Start(Program(path))!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith("tessera-auth cannot start: ", stderr.Trim());
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task The_program_serves_tokens_on_its_listen_address()
    {
        using var process = Process.Start(Program(WriteConfig(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256"))!)))!;
        try
        {
            string? line;
            do line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            while (line is not null && !line.StartsWith("tessera-auth listening on "));
            Assert.NotNull(line);
            using var client = new HttpClient { BaseAddress = new Uri(line["tessera-auth listening on ".Length..]) };
            var body = """{"username":"john","password":"john-pw","location":"https://meet.example.org/group/lab/"}""";
            var response = await client.PostAsync("/", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/jwt", response.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
