using System.Text.Json;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// The axe-core accessibility engine (npm, pinned in npm/package-lock.json, installed by
/// scripts/install-test-deps.sh), run inside the page against its live DOM.
/// </summary>
public static class Axe
{
    static readonly Lazy<string> Source = new(() =>
    {
        var file = Path.Combine(BuildInfo.RepositoryRoot, "tests", "Tessera.Server.Browser.Tests", "npm", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(file)) throw new InvalidOperationException($"{file} is missing: run scripts/install-test-deps.sh");
        return File.ReadAllText(file);
    });

    /// <summary>
    /// Audits the page as it is now (WCAG 2.0–2.2 A and AA rules and axe's best practices) and
    /// returns the serious and critical violations, one line each: rule, impact, help, elements.
    /// </summary>
    public static async Task<List<string>> SeriousViolationsAsync(IPage page)
    {
        // The page's CSP allows eval (for Galène compatibility), so the engine loads without bypassing it.
        await page.EvaluateAsync("source => { if (!window.axe) (0, eval)(source); }", Source.Value);
        var json = await page.EvaluateAsync<string>("""
            async () => {
                const result = await axe.run(document, { resultTypes: ["violations"] });
                return JSON.stringify(result.violations
                    .filter((v) => v.impact === "serious" || v.impact === "critical")
                    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
            }
            """);
        return JsonSerializer.Deserialize<List<string>>(json)!;
    }
}
