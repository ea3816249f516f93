using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// A browser whose fake camera shows a person in front of a busy background (media/person.jpg,
/// made into media/person.y4m by scripts/install-test-deps.sh), so segmentation has someone to find.
/// </summary>
public sealed class PersonCameraFixture : ConferenceFixture
{
    public static string VideoFile =>
        Path.Combine(BuildInfo.RepositoryRoot, "tests", "Tessera.Server.Browser.Tests", "media", "person.y4m");

    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["blur"] = GroupFiles.Ordinary,
    };

    protected override IEnumerable<string> BrowserArguments =>
        File.Exists(VideoFile)
            ? [$"--use-file-for-fake-video-capture={VideoFile}"]
            : throw new InvalidOperationException($"{VideoFile} is missing: run scripts/install-test-deps.sh");
}

/// <summary>Background blur and plain colour, checked on what the other participant receives.</summary>
public sealed class BackgroundEffectTests(PersonCameraFixture fixture) : IClassFixture<PersonCameraFixture>
{
    // In the receiving page: one frame of the received "ada" video and one of the raw camera (the
    // same picture, straight from getUserMedia), both drawn at 64×64, compared in two regions of
    // the picture: the face (foreground) and the flag and shuttle model (background). Mean
    // absolute difference per channel, 0–255.
    const string Compare = """
        async () => {
            const video = [...document.querySelectorAll("figure.tile:not(.tile-local)")]
                .find((f) => f.querySelector("figcaption").textContent === "ada")?.querySelector("video");
            if (!video || !video.videoWidth) return null;
            window.rawCamera ??= await navigator.mediaDevices.getUserMedia({ video: true });
            const raw = document.createElement("video");
            raw.muted = true;
            raw.srcObject = window.rawCamera;
            await raw.play();
            const size = 64;
            const pixels = (source) => {
                const canvas = document.createElement("canvas");
                canvas.width = canvas.height = size;
                const ctx = canvas.getContext("2d");
                ctx.drawImage(source, 0, 0, size, size);
                return ctx.getImageData(0, 0, size, size).data;
            };
            const sent = pixels(video);
            const camera = pixels(raw);
            raw.srcObject = null;
            // Boxes in fractions of the picture: [left, top, right, bottom].
            const regions = {
                face: [[0.38, 0.17, 0.50, 0.32]],
                background: [[0.01, 0.02, 0.12, 0.36], [0.74, 0.06, 0.88, 0.46]],
            };
            const difference = (boxes) => {
                let sum = 0, n = 0;
                for (const [l, t, r, b] of boxes) {
                    for (let y = Math.floor(t * size); y < Math.ceil(b * size); y++) {
                        for (let x = Math.floor(l * size); x < Math.ceil(r * size); x++) {
                            const i = (y * size + x) * 4;
                            for (let c = 0; c < 3; c++) { sum += Math.abs(sent[i + c] - camera[i + c]); n++; }
                        }
                    }
                }
                return sum / n;
            };
            return JSON.stringify({ face: difference(regions.face), background: difference(regions.background) });
        }
        """;

    sealed record Differences(double Face, double Background);

    static async Task<Differences?> SampleAsync(IPage page)
    {
        var text = await page.EvaluateAsync<string?>(Compare);
        if (text is null) return null;
        var d = JsonDocument.Parse(text).RootElement;
        return new Differences(d.GetProperty("face").GetDouble(), d.GetProperty("background").GetDouble());
    }

    [Fact]
    public async Task With_blur_on_the_received_background_differs_from_the_camera_while_the_person_is_kept()
    {
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("blur"));
        var (ada, bob) = (pages.Ada, pages.Bob);
        await MediaPage.Button(ada, "Settings").ClickAsync();
        var background = ada.GetByLabel("Camera background", new() { Exact = true });
        await Expect(background).ToBeVisibleAsync();
        await background.SelectOptionAsync("blur");
        await MediaPage.Button(ada, "Camera").ClickAsync();
        await MediaPage.ExpectPlayingVideoAsync(bob, "ada", timeoutMs: 60_000);

        // The first frames may predate the first mask; the received picture settles on the effect.
        // Video coding alone changes the face by a few levels (about 5 without the effect).
        await Eventually.Value(() => SampleAsync(bob), d => d is { } x && x.Background > 15 && x.Face < 14 && x.Background > 2.5 * x.Face,
            "a blurred background and a kept face", TimeSpan.FromSeconds(60));

        // Without the effect the received picture is the camera's again, background included.
        await ada.GetByLabel("Camera background", new() { Exact = true }).SelectOptionAsync("none");
        await Eventually.Value(() => SampleAsync(bob), d => d is { } x && x.Background < 12,
            "the background as the camera shows it", TimeSpan.FromSeconds(30));
    }
}
