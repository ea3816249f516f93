using System.Diagnostics;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// Two private network namespaces joined by a veth pair: the server's (10.99.0.1) and the
/// browser's (10.99.0.2). Nothing is added to the machine's own network: both ends of the link
/// live in the new namespaces, which are deleted on dispose. The server's side has a firewall
/// table the tests fill to play a network that drops UDP. Needs root (as the PAM tests do).
/// </summary>
public sealed class PrivateNetwork : IAsyncDisposable
{
    public const string ServerAddress = "10.99.0.1";
    public const string ClientAddress = "10.99.0.2";
    const string ServerLink = "veth-server";

    readonly string launcherDirectory;

    PrivateNetwork(string id, string launcherDirectory)
    {
        ServerNamespace = $"tessera-srv-{id}";
        ClientNamespace = $"tessera-cli-{id}";
        this.launcherDirectory = launcherDirectory;
    }

    public string ServerNamespace { get; }
    public string ClientNamespace { get; }

    /// <summary>A script that starts Chromium inside the browser's namespace, for Playwright's executable path.</summary>
    public string ChromiumLauncher => Path.Combine(launcherDirectory, "chromium-in-namespace");

    /// <summary>The prefix that runs a command inside the server's namespace.</summary>
    public IReadOnlyList<string> InServer => ["ip", "netns", "exec", ServerNamespace];

    public static async Task<PrivateNetwork> CreateAsync()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("network namespaces are Linux's");
        var id = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        var directory = Directory.CreateTempSubdirectory("tessera-netns-").FullName;
        var network = new PrivateNetwork(id, directory);
        try
        {
            await RunAsync("ip", "netns", "add", network.ServerNamespace);
            await RunAsync("ip", "netns", "add", network.ClientNamespace);
            await RunAsync("ip", "-n", network.ServerNamespace, "link", "add", ServerLink, "type", "veth",
                           "peer", "name", "veth-client", "netns", network.ClientNamespace);
            await RunAsync("ip", "-n", network.ServerNamespace, "addr", "add", ServerAddress + "/24", "dev", ServerLink);
            await RunAsync("ip", "-n", network.ClientNamespace, "addr", "add", ClientAddress + "/24", "dev", "veth-client");
            foreach (var (ns, link) in new[] { (network.ServerNamespace, ServerLink), (network.ClientNamespace, "veth-client") })
            {
                await RunAsync("ip", "-n", ns, "link", "set", "lo", "up");
                await RunAsync("ip", "-n", ns, "link", "set", link, "up");
            }
            await File.WriteAllTextAsync(network.ChromiumLauncher,
                $"#!/bin/sh\nexec ip netns exec {network.ClientNamespace} /usr/bin/chromium \"$@\"\n");
            File.SetUnixFileMode(network.ChromiumLauncher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await network.AllowEverythingAsync();
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server's namespace drops every UDP datagram that arrives from the browser's side.</summary>
    public Task DropUdpFromBrowsersAsync() => FirewallAsync($"iifname \"{ServerLink}\" meta l4proto udp drop");

    /// <summary>Nothing dropped.</summary>
    public Task AllowEverythingAsync() => FirewallAsync(null);

    // One table, replaced as a whole: flushing it and adding the rule is one nft transaction.
    async Task FirewallAsync(string? rule)
    {
        var script = "table inet tessera_test {}\ndelete table inet tessera_test\n"
                     + "table inet tessera_test {\n  chain input {\n    type filter hook input priority 0; policy accept;\n"
                     + (rule is null ? "" : $"    {rule}\n") + "  }\n}\n";
        await RunAsync(["ip", "netns", "exec", ServerNamespace, "nft", "-f", "-"], script);
    }

    static Task RunAsync(params string[] command) => RunAsync(command, null);

    static async Task RunAsync(string[] command, string? input)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in command[1..]) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {await error}");
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace removes its end of the link, and with it the other end.
        foreach (var ns in new[] { ServerNamespace, ClientNamespace })
        {
            try
            {
                await RunAsync("ip", "netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
                // never created
            }
        }
        Directory.Delete(launcherDirectory, recursive: true);
    }
}
