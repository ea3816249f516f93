using System.Diagnostics;
using System.Text;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's coturn (`turnserver`) run by a test inside the server's network namespace, with the
/// TURN REST convention's shared secret (use-auth-secret), no configuration file, its database in
/// a temporary directory. Disposing kills it (by PID) and removes the directory.
/// </summary>
public sealed class CoturnProcess : IAsyncDisposable
{
    public const int Port = 3478;
    readonly Process process;
    readonly StringBuilder output = new();
    readonly string directory;

    CoturnProcess(Process process, string directory)
    {
        this.process = process;
        this.directory = directory;
    }

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    public static async Task<CoturnProcess> StartAsync(PrivateNetwork network, string secret, string realm)
    {
        var directory = Directory.CreateTempSubdirectory("tessera-coturn-").FullName;
        var start = new ProcessStartInfo(network.InServer[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string address = PrivateNetwork.ServerAddress;
        foreach (var argument in network.InServer.Skip(1).Concat([
                     "turnserver", "-n", $"--listening-ip={address}", $"--listening-port={Port}", $"--relay-ip={address}",
                     "--use-auth-secret", $"--static-auth-secret={secret}", $"--realm={realm}",
                     "--no-tls", "--no-dtls", "--no-cli", "--min-port=49152", "--max-port=49407",
                     $"--userdb={Path.Combine(directory, "turndb")}", $"--pidfile={Path.Combine(directory, "turnserver.pid")}",
                     "--log-file=stdout", "--simple-log"]))
            start.ArgumentList.Add(argument);
        var coturn = new CoturnProcess(new Process { StartInfo = start }, directory);
        coturn.process.OutputDataReceived += (_, e) => coturn.Append(e.Data);
        coturn.process.ErrorDataReceived += (_, e) => coturn.Append(e.Data);
        try
        {
            coturn.process.Start();
            coturn.process.BeginOutputReadLine();
            coturn.process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            // Printed once its listeners and relay threads are up.
            while (!coturn.Output.Contains("Total General servers"))
            {
                if (coturn.process.HasExited)
                    throw new InvalidOperationException($"turnserver exited with {coturn.process.ExitCode}:\n{coturn.Output}");
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"turnserver did not start:\n{coturn.Output}");
                await Task.Delay(50);
            }
            return coturn;
        }
        catch
        {
            await coturn.DisposeAsync();
            throw;
        }
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
