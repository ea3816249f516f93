using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// The call view's geometry: where the stage, tiles, panels and controls are, measured in the page,
/// kept as screenshots (test artefacts) and compared with committed reference geometry.
/// </summary>
public static class CallView
{
    /// <summary>Where screenshots go: TestResults/layout under the test project (not committed).</summary>
    public static string ArtefactDirectory =>
        Path.Combine(BuildInfo.RepositoryRoot, "tests", "Tessera.Server.Browser.Tests", "TestResults", "layout");

    /// <summary>Committed reference geometry, one JSON file per layout.</summary>
    static string ReferenceDirectory =>
        Path.Combine(BuildInfo.RepositoryRoot, "tests", "Tessera.Server.Browser.Tests", "LayoutReferences");

    // Boxes of the landmarks; null for what is hidden. Tiles are named by their caption.
    const string Measure = """
        () => {
            const box = (el) => {
                if (!el || el.closest("[hidden]") || el.getClientRects().length === 0) return null;
                const r = el.getBoundingClientRect();
                return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
            };
            const $ = (id) => document.getElementById(id);
            const tiles = {};
            for (const f of document.querySelectorAll("#tiles > figure.tile")) tiles[f.querySelector("figcaption").textContent] = box(f);
            return JSON.stringify({
                viewport: { width: innerWidth, height: innerHeight },
                stage: box($("tiles")), controls: box($("call-controls")), users: box($("people-panel")),
                chat: box($("chat-panel")), message: box($("message")), tiles,
            });
        }
        """;

    /// <summary>The landmarks' boxes once the stage has applied its layout for the current tiles.</summary>
    public static async Task<JsonObject> GeometryAsync(IPage page)
    {
        // The stage lays tiles out on the next animation frame after a change: two frames later it has.
        await page.EvaluateAsync("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
        return JsonNode.Parse(await page.EvaluateAsync<string>(Measure))!.AsObject();
    }

    /// <summary>The largest tile not showing one's own media, as a share of the window's area.</summary>
    public static async Task<double> LargestRemoteShareAsync(IPage page) => await page.EvaluateAsync<double>("""
        () => Math.max(0, ...[...document.querySelectorAll("#tiles > figure.tile:not(.tile-local)")]
            .map((f) => { const r = f.getBoundingClientRect(); return r.width * r.height; }))
            / (innerWidth * innerHeight)
        """);

    /// <summary>Width of the widest remote tile as a share of the window's width.</summary>
    public static async Task<double> WidestRemoteShareAsync(IPage page) => await page.EvaluateAsync<double>("""
        () => Math.max(0, ...[...document.querySelectorAll("#tiles > figure.tile:not(.tile-local)")]
            .map((f) => f.getBoundingClientRect().width)) / innerWidth
        """);

    /// <summary>Waits until both the page's own camera and the remote video show frames.</summary>
    public static Task ExpectOwnVideoAsync(IPage page) => page.WaitForFunctionAsync("""
        () => [...document.querySelectorAll("figure.tile-self video")].some((v) => v.videoWidth > 0)
        """, null, new() { Timeout = 20_000 });

    /// <summary>
    /// Saves a screenshot as an artefact and compares the layout with the committed reference
    /// (boxes within <paramref name="tolerance"/> pixels). With TESSERA_UPDATE_LAYOUT=1 the
    /// reference is rewritten instead (look at the screenshots before committing it).
    /// </summary>
    public static async Task CheckLayoutAsync(IPage page, string name, int tolerance = 24)
    {
        var geometry = await GeometryAsync(page);
        Directory.CreateDirectory(ArtefactDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ArtefactDirectory, name + ".png") });
        var referenceFile = Path.Combine(ReferenceDirectory, name + ".json");
        var text = geometry.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        await File.WriteAllTextAsync(Path.Combine(ArtefactDirectory, name + ".json"), text);
        if (Environment.GetEnvironmentVariable("TESSERA_UPDATE_LAYOUT") == "1")
        {
            Directory.CreateDirectory(ReferenceDirectory);
            await File.WriteAllTextAsync(referenceFile, text + "\n");
            return;
        }
        Assert.True(File.Exists(referenceFile), $"no reference layout {referenceFile}; run with TESSERA_UPDATE_LAYOUT=1 to make one");
        var reference = JsonNode.Parse(await File.ReadAllTextAsync(referenceFile))!.AsObject();
        var differences = new List<string>();
        Compare(reference, geometry, name, tolerance, differences);
        Assert.True(differences.Count == 0,
            $"layout {name} differs from {referenceFile} (screenshot in {ArtefactDirectory}):\n" + string.Join("\n", differences));
    }

    static void Compare(JsonNode? expected, JsonNode? actual, string path, int tolerance, List<string> differences)
    {
        switch (expected)
        {
            case null when actual is null:
                return;
            case null:
                differences.Add($"{path}: expected nothing, found {actual!.ToJsonString()}");
                return;
            case JsonObject expectedObject when actual is JsonObject actualObject:
                foreach (var key in expectedObject.Select(p => p.Key).Union(actualObject.Select(p => p.Key)))
                {
                    if (!expectedObject.ContainsKey(key)) differences.Add($"{path}.{key}: unexpected {actualObject[key]?.ToJsonString()}");
                    else if (!actualObject.ContainsKey(key)) differences.Add($"{path}.{key}: missing");
                    else Compare(expectedObject[key], actualObject[key], $"{path}.{key}", tolerance, differences);
                }
                return;
            case JsonValue expectedValue when actual is JsonValue actualValue:
                if (Math.Abs(expectedValue.GetValue<double>() - actualValue.GetValue<double>()) > tolerance)
                    differences.Add($"{path}: expected {expectedValue}, found {actualValue}");
                return;
            default:
                differences.Add($"{path}: expected {expected.ToJsonString()}, found {actual?.ToJsonString() ?? "nothing"}");
                return;
        }
    }
}
