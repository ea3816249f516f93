using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>How a person uses the group page, expressed through accessible names.</summary>
public static class GroupPage
{
    public static ILocator MessageBox(IPage page) => page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    public static ILocator Users(IPage page) => page.GetByRole(AriaRole.List, new() { Name = "Users", Exact = true });

    /// <summary>The entry of the user list that names <paramref name="name"/>.</summary>
    public static ILocator UserEntry(IPage page, string name) =>
        Users(page).GetByRole(AriaRole.Listitem).Filter(new() { HasText = name });

    public static ILocator Notices(IPage page) => page.GetByRole(AriaRole.Status);

    public static ILocator Chat(IPage page) => page.GetByRole(AriaRole.List, new() { Name = "Chat messages" });

    /// <summary>Opens the group page, fills in the login form and presses Join (no check of the outcome).</summary>
    public static async Task SubmitLoginAsync(IPage page, string groupUrl, string username, string password)
    {
        await page.GotoAsync(groupUrl);
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
    }

    /// <summary>Logs in with a password and waits until the conference is shown.</summary>
    public static async Task LoginAsync(IPage page, string groupUrl, string username, string password)
    {
        await SubmitLoginAsync(page, groupUrl, username, password);
        await Expect(MessageBox(page)).ToBeVisibleAsync();
        await Expect(Users(page)).ToContainTextAsync(username);
    }

    public static async Task SayAsync(IPage page, string text)
    {
        await MessageBox(page).FillAsync(text);
        await MessageBox(page).PressAsync("Enter");
    }

    /// <summary>Records the text of every WebSocket frame the page sends.</summary>
    public static List<string> RecordSentFrames(IPage page)
    {
        var frames = new List<string>();
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) =>
        {
            lock (frames) frames.Add(frame.Text ?? "");
        };
        return frames;
    }

    /// <summary>Records the text of every WebSocket frame the page receives.</summary>
    public static List<string> RecordReceivedFrames(IPage page)
    {
        var frames = new List<string>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            lock (frames) frames.Add(frame.Text ?? "");
        };
        return frames;
    }

    /// <summary>The sent frames parsed as JSON objects.</summary>
    public static List<JsonElement> Parsed(List<string> frames)
    {
        lock (frames)
            return frames.Select(f => JsonDocument.Parse(f).RootElement.Clone()).ToList();
    }
}
