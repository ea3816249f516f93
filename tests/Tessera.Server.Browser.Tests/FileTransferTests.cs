using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// Peer-to-peer file transfer between two real browser pages (protocol.md §13): the signalling in
/// Galène's wire format through the server, the bytes over a data channel between the browsers.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class FileTransferTests(MediaFixture fixture)
{
    static ILocator Transfers(IPage page) => page.GetByRole(AriaRole.List, new() { Name = "File transfers" });

    /// <summary>Opens the user menu for <paramref name="username"/> and picks <paramref name="path"/> to send.</summary>
    static async Task SendFileAsync(IPage page, string username, string path)
    {
        await GroupPage.Users(page).GetByRole(AriaRole.Button, new() { Name = username }).ClickAsync();
        var chooser = await page.RunAndWaitForFileChooserAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Send file", Exact = true }).ClickAsync());
        await chooser.SetFilesAsync(path);
    }

    static List<JsonElement> FileTransferValues(List<string> frames) =>
        GroupPage.Parsed(frames)
            .Where(m => m.GetProperty("type").GetString() == "usermessage" && m.GetProperty("kind").GetString() == "filetransfer")
            .Select(m => m.GetProperty("value"))
            .ToList();

    [Fact]
    public async Task A_20_MB_file_arrives_byte_identical_after_the_receiver_accepts_and_is_saved_from_disk_storage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tessera-transfer-{Guid.NewGuid():N}.bin");
        var content = new byte[20 * 1024 * 1024];
        new Random(13).NextBytes(content);
        await File.WriteAllBytesAsync(path, content);
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        var adaSent = GroupPage.RecordSentFrames(ada);
        var bobSent = GroupPage.RecordSentFrames(bob);
        try
        {
            await pages.JoinAsync(fixture.GroupUrl("files"));
            await SendFileAsync(ada, "bob", path);
            var name = Path.GetFileName(path);

            await Expect(Transfers(ada)).ToContainTextAsync($"Waiting for bob to accept {name} (21.0 MB)");
            var offer = Transfers(bob).GetByRole(AriaRole.Listitem).Filter(new() { HasText = $"ada offers you {name}" });
            await Expect(offer).ToHaveCountAsync(1);
            // Nothing flows before the receiver accepts: only the invitation went out.
            Assert.Equal(["invite"], FileTransferValues(adaSent).Select(v => v.GetProperty("type").GetString()));

            await offer.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            var save = Transfers(bob).GetByRole(AriaRole.Link, new() { Name = $"Save {name}" });
            await Expect(save).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(Transfers(ada)).ToContainTextAsync($"Sent {name} (21.0 MB) to bob", new() { Timeout = 15_000 });

            // The person saves it: the file on disk is the one sent.
            var download = await bob.RunAndWaitForDownloadAsync(() => save.ClickAsync());
            Assert.Equal(name, download.SuggestedFilename);
            var saved = await download.PathAsync();
            Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(saved)));

            // It was written to the origin-private file system as it came, not gathered in memory.
            var stored = await bob.EvaluateAsync<double[]>("""
                async () => {
                    const sizes = [];
                    for await (const [name, handle] of (await navigator.storage.getDirectory()).entries())
                        if (name.startsWith("tessera-transfer-")) sizes.push((await handle.getFile()).size);
                    return sizes;
                }
                """);
            Assert.Equal([content.Length], stored);

            // Galène's wire format: the invitation's fields, the receiver's offer of a data channel,
            // the sender's answer, candidates both ways.
            var invite = FileTransferValues(adaSent).First();
            Assert.Equal((name, content.Length, "application/octet-stream"),
                (invite.GetProperty("name").GetString(), invite.GetProperty("size").GetInt32(), invite.GetProperty("mimetype").GetString()));
            var id = invite.GetProperty("id").GetString();
            var fromBob = FileTransferValues(bobSent);
            Assert.Contains("m=application", fromBob.Single(v => v.GetProperty("type").GetString() == "offer").GetProperty("sdp").GetString());
            Assert.Contains(fromBob, v => v.GetProperty("type").GetString() == "downice");
            Assert.All(fromBob, v => Assert.Equal(id, v.GetProperty("id").GetString()));
            var fromAda = FileTransferValues(adaSent);
            Assert.Contains(fromAda, v => v.GetProperty("type").GetString() == "answer");
            Assert.Contains(fromAda, v => v.GetProperty("type").GetString() == "upice");

            // Dismissing the entry removes the stored copy.
            await Transfers(bob).GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
            await Expect(Transfers(bob)).ToBeHiddenAsync();
            Assert.Equal(0, await bob.EvaluateAsync<int>("""
                async () => {
                    let count = 0;
                    for await (const name of (await navigator.storage.getDirectory()).keys()) count++;
                    return count;
                }
                """));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Five_files_sent_at_once_all_arrive_byte_identical_and_nobody_is_told_to_slow_down()
    {
        var contents = Enumerable.Range(0, 5).Select(i =>
        {
            var bytes = new byte[100_000 + i];
            new Random(i).NextBytes(bytes);
            return bytes;
        }).ToList();
        var paths = contents.Select((_, i) => Path.Combine(Path.GetTempPath(), $"tessera-five-{i}-{Guid.NewGuid():N}.bin")).ToList();
        for (int i = 0; i < 5; i++)
            await File.WriteAllBytesAsync(paths[i], contents[i]);
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        try
        {
            await pages.JoinAsync(fixture.GroupUrl("files"));
            foreach (var path in paths)
                await SendFileAsync(ada, "bob", path);
            var offers = Transfers(bob).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "ada offers you" });
            await Expect(offers).ToHaveCountAsync(5);
            // Accepted together: the five connections set up at once, their candidates in one burst each way.
            var accept = offers.GetByRole(AriaRole.Button, new() { Name = "Accept" });
            for (int i = 0; i < 5; i++)
            {
                await accept.First.ClickAsync();
                // Each click must have hit its button: a miss shows here, not as a transfer that never starts.
                await Expect(accept).ToHaveCountAsync(4 - i);
            }

            try
            {
                await Expect(Transfers(bob).GetByRole(AriaRole.Link)).ToHaveCountAsync(5, new() { Timeout = 60_000 });
            }
            catch (PlaywrightException e)
            {
                static async Task<string> Seen(IPage page) => string.Join(",", (await PageSocket.ReceivedAsync(page))
                    .Where(m => (string?)m["kind"] is "filetransfer" or "error").Select(m => m["value"] is JsonObject v ? (string?)v["type"] + ":" + (string?)v["id"] : m["value"]?.ToJsonString()));
                throw new Xunit.Sdk.XunitException($"ada: {await Transfers(ada).InnerTextAsync()}\nbob: {await Transfers(bob).InnerTextAsync()}\nada got {await Seen(ada)}\nbob got {await Seen(bob)}\n{e.Message}");
            }
            for (int i = 0; i < 5; i++)
            {
                var name = Path.GetFileName(paths[i]);
                var save = Transfers(bob).GetByRole(AriaRole.Link, new() { Name = $"Save {name}" });
                var download = await bob.RunAndWaitForDownloadAsync(() => save.ClickAsync());
                Assert.Equal(SHA256.HashData(contents[i]), SHA256.HashData(await File.ReadAllBytesAsync(await download.PathAsync())));
            }
            foreach (var page in new[] { ada, bob })
                Assert.DoesNotContain((await PageSocket.ReceivedAsync(page)),
                                      m => (string?)m["kind"] == "error" && ((string?)m["value"] ?? "").Contains("too fast"));
        }
        finally
        {
            foreach (var path in paths)
                File.Delete(path);
        }
    }

    [Fact]
    public async Task A_receiver_who_stops_a_transfer_under_way_stops_the_sender_and_keeps_nothing()
    {
        // Large enough that it is still under way when the receiver presses Cancel.
        var path = Path.Combine(Path.GetTempPath(), $"tessera-transfer-{Guid.NewGuid():N}.bin");
        var content = new byte[96 * 1024 * 1024];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(path, content);
        await using var pages = await TwoPages.JoinedAsync(fixture.Browser, fixture.GroupUrl("files"));
        var (ada, bob) = (pages.Ada, pages.Bob);
        try
        {
            var name = Path.GetFileName(path);
            await SendFileAsync(ada, "bob", path);
            await Transfers(bob).GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            await Expect(Transfers(bob)).ToContainTextAsync($"Receiving {name}");
            await Transfers(bob).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

            await Expect(Transfers(bob)).ToContainTextAsync($"You stopped {name}");
            // The sender stops, told by bob's message or by the channel bob closed, whichever
            // reaches it first (the two travel apart, and the message may come second or not at
            // all when bob's message allowance is spent on ICE candidates).
            await Expect(Transfers(ada)).ToContainTextAsync(new System.Text.RegularExpressions.Regex(
                $"bob stopped {System.Text.RegularExpressions.Regex.Escape(name)}|Stopped {System.Text.RegularExpressions.Regex.Escape(name)}|{System.Text.RegularExpressions.Regex.Escape(name)} .*was not transferred"));
            await Expect(Transfers(ada).GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);
            // The part received so far is gone from bob's storage.
            await bob.WaitForFunctionAsync("""
                async () => {
                    for await (const name of (await navigator.storage.getDirectory()).keys()) return false;
                    return true;
                }
                """);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_receiver_may_decline_and_a_sender_may_cancel_before_anything_flows()
    {
        var path = Path.Combine(Path.GetTempPath(), $"notes-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "minutes of the meeting");
        await using var pages = await TwoPages.OpenAsync(fixture.Browser);
        var (ada, bob) = (pages.Ada, pages.Bob);
        var bobSent = GroupPage.RecordSentFrames(bob);
        try
        {
            await pages.JoinAsync(fixture.GroupUrl("files"));
            var name = Path.GetFileName(path);

            // Bob declines: ada is told, and bob never opened a connection.
            await SendFileAsync(ada, "bob", path);
            var offer = Transfers(bob).GetByRole(AriaRole.Listitem).Filter(new() { HasText = "ada offers you" });
            await offer.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
            await Expect(Transfers(ada)).ToContainTextAsync($"bob declined {name} (22 bytes)");
            Assert.Equal(["reject"], FileTransferValues(bobSent).Select(v => v.GetProperty("type").GetString()));
            await Transfers(ada).GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
            await Transfers(bob).GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();

            // Ada cancels while bob has not answered yet: bob's offer turns into a notice, without Accept.
            await SendFileAsync(ada, "bob", path);
            await Expect(offer).ToHaveCountAsync(1);
            await Transfers(ada).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(Transfers(bob)).ToContainTextAsync($"ada cancelled {name}");
            await Expect(Transfers(bob).GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
