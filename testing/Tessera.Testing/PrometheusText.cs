using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Tessera.Testing;

/// <summary>
/// The Prometheus text format read by Prometheus's own Python parser (Debian's
/// python3-prometheus-client), so a test checks what a real scraper would accept.
/// </summary>
public static class PrometheusText
{
    /// <summary>Sample name and sorted labels (<c>name{k=v,…}</c>) → value.</summary>
    /// <exception cref="InvalidOperationException">The parser refused the text.</exception>
    public static async Task<Dictionary<string, double>> ParseAsync(string exposition)
    {
        const string script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    out[s.name + "{" + labels + "}"] = s.value
            print(json.dumps(out))
            """;
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException("the Prometheus parser refused the exposition: " + await error);
        return JsonNode.Parse(await output)!.AsObject().ToDictionary(p => p.Key, p => (double)p.Value!);
    }
}
