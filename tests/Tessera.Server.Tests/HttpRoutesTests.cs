using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests;

public class HttpRoutesTests
{
    private static async Task<JsonNode> GetJson(TestServer s, string path)
    {
        var response = await s.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Public_groups_lists_only_public_groups_sorted_with_client_counts()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("zeta", """{"public": true, "displayName": "Zeta", "wildcard-user": {"password": {"type":"wildcard"}}}""");
            f.Group("alpha", """{"public": true, "description": "First"}""");
            f.Group("hidden", """{"displayName": "Hidden"}""");
        });
        await using var c = await s.JoinAsync("zeta", "ann", "x");
        var list = (await GetJson(s, "/public-groups.json")).AsArray();
        Assert.Equal(["alpha", "zeta"], list.Select(g => (string)g!["name"]!));
        Assert.Equal(1, (int)list[1]!["clientCount"]!);
        Assert.Equal(0, (int)list[0]!["clientCount"]!);
        Assert.Equal("First", (string?)list[0]!["description"]);
        Assert.Equal($"ws://{s.Url.Authority}/ws", (string?)list[1]!["endpoint"]);
    }

    [Fact]
    public async Task New_public_group_appears_without_waiting_for_a_sweep()
    {
        await using var s = await TestServer.StartAsync();
        Assert.Empty((await GetJson(s, "/public-groups.json")).AsArray());
        s.WriteGroup("late", """{"public": true}""");
        Assert.Single((await GetJson(s, "/public-groups.json")).AsArray());
    }

    [Fact]
    public async Task Status_carries_the_spec_fields()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab/r3",
            """{"displayName": "Lab 3", "description": "d", "authServer": "https://auth.example/token", "authPortal": "https://portal.example/"}"""));
        var status = (await GetJson(s, "/group/lab/r3/.status")).AsObject();
        Assert.Equal("lab/r3", status.Str("name"));
        Assert.Equal($"http://{s.Url.Authority}/group/lab/r3/", status.Str("location"));
        Assert.Equal($"ws://{s.Url.Authority}/ws", status.Str("endpoint"));
        Assert.Equal("Lab 3", status.Str("displayName"));
        Assert.Equal("https://auth.example/token", status.Str("authServer"));
        Assert.Equal("https://portal.example/", status.Str("authPortal"));
        Assert.False(status.ContainsKey("clientCount")); // not public
        Assert.False(status.ContainsKey("locked"));
    }

    [Fact]
    public async Task Status_uses_proxy_url()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", "{}");
            f.Config("""{"proxyURL": "https://meet.example.net/conf"}""");
        });
        var status = (await GetJson(s, "/group/g/.status")).AsObject();
        Assert.Equal("https://meet.example.net/conf/group/g/", status.Str("location"));
        Assert.Equal("wss://meet.example.net/conf/ws", status.Str("endpoint"));
    }

    [Fact]
    public async Task Status_json_redirects_to_status()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", "{}"));
        var response = await s.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/group/g/.status.json"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/group/g/.status", response.Headers.Location!.OriginalString);
    }

    /// <summary>A group name may hold anything a file name can; in a URL each of its segments is percent-encoded.</summary>
    private const string OddName = "lab/salle #2? café 50%";
    private const string OddPath = "/group/lab/salle%20%232%3F%20caf%C3%A9%2050%25";

    [Fact]
    public async Task Every_url_made_from_a_group_name_is_escaped_and_leads_back_to_the_group()
    {
        await using var s = await TestServer.StartAsync(f => f.Group(OddName, "{}"));

        var unslashed = await s.Http.GetAsync(OddPath);
        Assert.Equal(HttpStatusCode.PermanentRedirect, unslashed.StatusCode);
        Assert.Equal(OddPath + "/", unslashed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync(unslashed.Headers.Location)).StatusCode);

        var statusJson = await s.Http.GetAsync(OddPath + "/.status.json");
        Assert.Equal(HttpStatusCode.PermanentRedirect, statusJson.StatusCode);
        Assert.Equal(OddPath + "/.status", statusJson.Headers.Location!.OriginalString);
        var status = (await GetJson(s, statusJson.Headers.Location.OriginalString)).AsObject();
        Assert.Equal(OddName, status.Str("name"));
        Assert.Equal($"http://{s.Url.Authority}{OddPath}/", status.Str("location"));
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync(status.Str("location"))).StatusCode);
    }

    [Fact]
    public async Task Unknown_group_is_404_and_other_dotted_suffixes_too()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", "{}"));
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/group/nope/.status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/group/nope/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/group/g/.secret")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/group/.hidden/")).StatusCode);
        var notFound = await s.Http.GetAsync("/group/nope/");
        Assert.Equal("text/html", notFound.Content.Headers.ContentType!.MediaType);
        Assert.Contains("not found", await notFound.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Group_page_redirects_to_the_slashed_path_and_keeps_the_query()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("lab/r3", "{}"));
        var response = await s.Http.GetAsync("/group/lab/r3?token=abc");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/group/lab/r3/?token=abc", response.Headers.Location!.OriginalString);
        response = await s.Http.GetAsync("/group/lab//x/../r3/");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/group/lab/r3/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Group_page_carries_security_headers_with_the_auth_server()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", """{"authServer": "https://auth.example/token"}"""));
        var response = await s.Http.GetAsync("/group/g/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("connect-src https://auth.example/token ws: wss: 'self'; img-src 'self'; media-src blob: 'self'; script-src 'unsafe-eval' 'self'; default-src 'self'",
                     response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("group page", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Redirect_group_answers_308_and_short_status()
    {
        await using var s = await TestServer.StartAsync(f =>
            f.Group("old", """{"redirect": "https://elsewhere.example/group/new/", "displayName": "Old", "users": {"a": {"password": "a"}}}"""));
        var page = await s.Http.GetAsync("/group/old/");
        Assert.Equal(HttpStatusCode.PermanentRedirect, page.StatusCode);
        Assert.Equal("https://elsewhere.example/group/new/", page.Headers.Location!.ToString());
        var status = (await GetJson(s, "/group/old/.status")).AsObject();
        Assert.Equal(["displayName", "name", "redirect"], status.Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Static_files_have_galene_entity_tags_and_honour_conditional_requests()
    {
        await using var s = await TestServer.StartAsync();
        var info = new FileInfo(Path.Combine(s.Options.StaticRoot, "index.html"));
        var response = await s.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag!.Tag;
        Assert.Equal($"\"{info.Length}-{(info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100}\"", etag);
        Assert.Equal("max-age=1800", response.Headers.CacheControl!.ToString());
        Assert.NotNull(response.Headers.GetValues("Content-Security-Policy").Single());

        var conditional = new HttpRequestMessage(HttpMethod.Get, "/index.html");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        Assert.Equal(HttpStatusCode.NotModified, (await s.Http.SendAsync(conditional)).StatusCode);

        var range = new HttpRequestMessage(HttpMethod.Get, "/index.html");
        range.Headers.Range = new RangeHeaderValue(0, 4);
        var partial = await s.Http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("<!doc", await partial.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Static_folders_and_traversal()
    {
        await using var s = await TestServer.StartAsync();
        Directory.CreateDirectory(Path.Combine(s.Options.StaticRoot, "sub"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, (await s.Http.GetAsync("/sub")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Http.GetAsync("/sub/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync("/%2e%2e/%2e%2e/etc/passwd")).StatusCode);
    }

    private static Task<TestServer> StartWithCanonicalHost(string group) => TestServer.StartAsync(f =>
    {
        f.Group(group, "{}");
        f.Config("""{"canonicalHost": "meet.example.net"}""");
    });

    [Fact]
    public async Task Canonical_host_redirect_keeps_the_path_and_query()
    {
        await using var s = await StartWithCanonicalHost("g");
        var response = await s.Http.GetAsync("/group/g/?token=abc");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("http://meet.example.net/group/g/?token=abc", response.Headers.Location!.ToString());
        // The WebSocket and the public list are not redirected.
        Assert.Equal(HttpStatusCode.OK, (await s.Http.GetAsync("/public-groups.json")).StatusCode);
        var right = new HttpRequestMessage(HttpMethod.Get, "/group/g/.status");
        right.Headers.Host = "meet.example.net";
        Assert.Equal(HttpStatusCode.OK, (await s.Http.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task Canonical_host_redirect_keeps_an_escaped_percent_in_a_group_name()
    {
        // "%41" spelled out in a name: rebuilt from the decoded path it would come back as "A".
        await using var s = await StartWithCanonicalHost("50%41");
        var response = await s.Http.GetAsync("/group/50%2541/.status");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("http://meet.example.net/group/50%2541/.status", response.Headers.Location!.OriginalString);
        var follow = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location.PathAndQuery);
        follow.Headers.Host = "meet.example.net";
        var status = await s.Http.SendAsync(follow);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("\"name\":\"50%41\"", await status.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Websocket_endpoint_refuses_plain_requests_and_foreign_origins()
    {
        await using var s = await TestServer.StartAsync(f => f.Config("""{"allowOrigin": ["https://portal.example"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Http.GetAsync("/ws")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await s.Http.PostAsync("/ws", null)).StatusCode);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => WsClient.ConnectAsync(s.WebSocketUrl, "https://evil.example"));
        Assert.Contains("403", refused.Message);
        await using var listed = await WsClient.ConnectAsync(s.WebSocketUrl, "https://PORTAL.example");
        await using var same = await WsClient.ConnectAsync(s.WebSocketUrl, $"http://{s.Url.Authority}");
    }

    [Fact]
    public async Task Unreadable_config_makes_status_answer_500_but_password_joins_work()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", """{"users": {"a": {"password": "a"}}}""");
            f.Config("""{"publicServer": true}""");
        });
        Assert.Equal(HttpStatusCode.InternalServerError, (await s.Http.GetAsync("/group/g/.status")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await s.Http.GetAsync("/public-groups.json")).StatusCode);
        await using var c = await s.JoinAsync("g", "a", "a");
    }
}
