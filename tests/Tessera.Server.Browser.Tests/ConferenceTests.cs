using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Server.Browser.Tests.Infrastructure;

using static Microsoft.Playwright.Assertions;

namespace Tessera.Server.Browser.Tests;

public sealed class ConferenceFixture2 : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["chat"] = GroupFiles.Ordinary,
        ["private"] = GroupFiles.Ordinary,
        ["kick"] = GroupFiles.Ordinary,
        ["lock"] = GroupFiles.Ordinary,
        ["media"] = GroupFiles.Ordinary,
    };
}

/// <summary>Two or more people in one group, each in an isolated browser profile.</summary>
public sealed class ConferenceTests(ConferenceFixture2 fixture) : IClassFixture<ConferenceFixture2>
{
    [Fact]
    public async Task Chat_reaches_the_other_page_and_me_actions_read_as_actions()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("chat"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("chat"), "bob", "builder");
        await Expect(GroupPage.Users(ada)).ToContainTextAsync("bob");

        await GroupPage.SayAsync(ada, "hello bob");
        await GroupPage.SayAsync(ada, "/me waves");

        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("ada: hello bob");
        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("* ada waves");
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task Chat_history_is_shown_to_someone_joining_later()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("chat"), "ada", "secret");
        await GroupPage.SayAsync(ada, "for latecomers");
        await Expect(GroupPage.Chat(ada)).ToContainTextAsync("for latecomers");

        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("chat"), "bob", "builder");

        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("ada: for latecomers");
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task A_private_message_chosen_from_the_user_list_reaches_only_its_recipient()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        var carol = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("private"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("private"), "bob", "builder");
        await GroupPage.LoginAsync(carol, fixture.GroupUrl("private"), "carol", "guest");

        await GroupPage.Users(ada).GetByRole(AriaRole.Button, new() { Name = "bob" }).ClickAsync();
        await ada.GetByRole(AriaRole.Button, new() { Name = "Send private message" }).ClickAsync();
        await GroupPage.SayAsync(ada, "just between us");
        await GroupPage.SayAsync(ada, "/msg carol marker");

        await Expect(GroupPage.Chat(bob)).ToContainTextAsync("(private) ada: just between us");
        await Expect(GroupPage.Chat(carol)).ToContainTextAsync("marker");
        await Expect(GroupPage.Chat(carol)).Not.ToContainTextAsync("just between us");
        await Expect(GroupPage.Chat(ada)).ToContainTextAsync("(private to bob)");
        foreach (var page in new[] { ada, bob, carol }) await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_operator_kicks_someone_who_is_told_so()
    {
        var ada = await fixture.Browser.NewPageAsync();
        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("kick"), "ada", "secret");
        await GroupPage.LoginAsync(bob, fixture.GroupUrl("kick"), "bob", "builder");

        await GroupPage.Users(ada).GetByRole(AriaRole.Button, new() { Name = "bob" }).ClickAsync();
        await ada.GetByRole(AriaRole.Button, new() { Name = "Kick out" }).ClickAsync();

        await Expect(GroupPage.Notices(bob)).ToContainTextAsync("You were kicked out by ada");
        await Expect(GroupPage.MessageBox(bob)).Not.ToBeVisibleAsync();
        await Expect(GroupPage.Users(ada)).Not.ToContainTextAsync("bob");
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task A_locked_group_refuses_newcomers_with_the_lock_message()
    {
        var ada = await fixture.Browser.NewPageAsync();
        await GroupPage.LoginAsync(ada, fixture.GroupUrl("lock"), "ada", "secret");
        await GroupPage.SayAsync(ada, "/lock Exam in progress");
        await Expect(ada.GetByText("Locked", new() { Exact = true })).ToBeVisibleAsync();

        var bob = await fixture.Browser.NewPageAsync();
        await GroupPage.SubmitLoginAsync(bob, fixture.GroupUrl("lock"), "bob", "builder");

        await Expect(GroupPage.Notices(bob)).ToContainTextAsync("The server said: Exam in progress");
        await Expect(GroupPage.MessageBox(bob)).Not.ToBeVisibleAsync();

        await GroupPage.SayAsync(ada, "/unlock");
        await Expect(ada.GetByText("Locked", new() { Exact = true })).Not.ToBeVisibleAsync();
        await ada.Context.CloseAsync();
        await bob.Context.CloseAsync();
    }

    [Fact]
    public async Task After_joining_the_page_asks_to_receive_everything()
    {
        var page = await fixture.Browser.NewPageAsync();
        var frames = GroupPage.RecordSentFrames(page);
        await GroupPage.LoginAsync(page, fixture.GroupUrl("media"), "bob", "builder");

        await Eventually.True(() => GroupPage.Parsed(frames).Any(IsRequest), "the page's request");
        var request = GroupPage.Parsed(frames).First(IsRequest).GetProperty("request");
        Assert.Equal("""{"":["audio","video"]}""", request.GetRawText());
        await page.Context.CloseAsync();

        static bool IsRequest(JsonElement m) => m.GetProperty("type").GetString() == "request";
    }

    [Fact]
    public async Task Switching_the_camera_on_offers_a_camera_stream_and_shows_the_servers_verdict()
    {
        var page = await fixture.Browser.NewPageAsync();
        var sent = GroupPage.RecordSentFrames(page);
        var received = GroupPage.RecordReceivedFrames(page);
        await GroupPage.LoginAsync(page, fixture.GroupUrl("media"), "bob", "builder");

        await page.GetByRole(AriaRole.Button, new() { Name = "Camera" }).ClickAsync();

        await Eventually.True(() => GroupPage.Parsed(sent).Any(IsCameraOffer), "the camera offer");
        var offer = GroupPage.Parsed(sent).First(IsCameraOffer);
        Assert.Contains("m=video", offer.GetProperty("sdp").GetString());
        var id = offer.GetProperty("id").GetString();
        await Eventually.True(() => GroupPage.Parsed(received).Any(m => Answers(m, id)), "the server's verdict on the offer");
        var verdict = GroupPage.Parsed(received).First(m => Answers(m, id));
        if (verdict.GetProperty("type").GetString() == "answer")
        {
            await Expect(page.GetByRole(AriaRole.Listitem, new() { Name = "You" })).ToBeVisibleAsync();
        }
        else
        {
            // A refusal is shown, the camera goes off, and the page carries on.
            await Expect(GroupPage.Notices(page)).ToContainTextAsync("The server stopped your camera");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Camera" })).ToHaveAttributeAsync("aria-pressed", "false");
            await Eventually.True(() => GroupPage.Parsed(sent).Any(m =>
                m.GetProperty("type").GetString() == "close" && m.GetProperty("id").GetString() == id), "the page closing its stream");
            await Expect(GroupPage.MessageBox(page)).ToBeVisibleAsync();
        }
        await page.Context.CloseAsync();

        static bool IsCameraOffer(JsonElement m) =>
            m.GetProperty("type").GetString() == "offer"
            && m.TryGetProperty("label", out var label) && label.GetString() == "camera";
        static bool Answers(JsonElement m, string? id) =>
            m.GetProperty("type").GetString() is "answer" or "abort"
            && m.TryGetProperty("id", out var i) && i.GetString() == id;
    }
}
