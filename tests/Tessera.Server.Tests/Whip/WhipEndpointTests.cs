using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Server.Tests.Support;
using Tessera.Server.Whip;
using Tessera.Testing;

using static Tessera.Server.Tests.Support.PublisherSdp;

namespace Tessera.Server.Tests.Whip;

/// <summary>
/// WHIP ingest (http.md §12) over real HTTP against the real host: admission, refusals, the
/// session's resource and its limits. No media flows here; the browser tests play a WHIP stream.
/// </summary>
public sealed class WhipEndpointTests
{
    private const string Open = """{"wildcard-user": {"password": "", "permissions": "present"}, "users": {"op": {"password": "o", "permissions": "op"}}}""";
    private const string Watch = """{"wildcard-user": {"password": "", "permissions": "observe"}}""";
    private const string Members = """{"users": {"ada": {"password": "a", "permissions": "present"}}}""";

    [Fact]
    public async Task An_encoder_joins_as_whip_and_gets_an_answer_a_location_and_an_entity_tag_and_DELETE_makes_it_leave()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Open));
        await using var watcher = await s.JoinAsync("g", "op", "o");

        using var response = await PostAsync(s, "/group/g/.whip", AudioOffer(), "application/sdp; charset=UTF-8");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/sdp", response.Content.Headers.ContentType!.MediaType);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Contains("a=recvonly", answer);
        Assert.Contains(answer.Split("\r\n"), l => l.StartsWith("a=candidate:") && l.Contains(" 127.0.0.1 "));
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/group/g/.whip/", location);
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains("Location", response.Headers.GetValues("Access-Control-Expose-Headers").Single());

        // A member like any other: it is in the user list under "whip", but it does not chat.
        var added = await watcher.ReceiveAsync("user", where: m => m.Str("kind") == "add" && m.Str("username") == "whip");
        var whipId = added.Str("id")!;
        Assert.DoesNotContain(whipId, location); // the resource id does not reveal the member's id
        Assert.Contains("present", added["permissions"].Strings());
        await watcher.SendAsync(new JsonObject { ["type"] = "chat", ["kind"] = "", ["dest"] = whipId, ["value"] = "hello", ["source"] = watcher.Id, ["username"] = "op" });
        Assert.Equal("this user doesn't chat", (await watcher.ReceiveAsync("usermessage", where: m => m.Str("kind") == "error")).Str("value"));

        using var deleted = await s.Http.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await watcher.ReceiveAsync("user", where: m => m.Str("kind") == "delete" && m.Str("id") == whipId);
        using var again = await s.Http.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task The_resource_of_a_group_whose_name_needs_escaping_is_a_valid_url_that_DELETE_reaches()
    {
        const string name = "lab/salle #2? café 50%";
        const string path = "/group/lab/salle%20%232%3F%20caf%C3%A9%2050%25";
        await using var s = await TestServer.StartAsync(f => f.Group(name, Open));

        using var response = await PostAsync(s, path + "/.whip", AudioOffer());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(path + "/.whip/", location);
        using var deleted = await s.Http.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task Every_refusal_has_its_status_and_says_why_and_none_shows_up_in_the_group()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Open);
            f.Group("watch", Watch);
            f.Group("members", Members);
            f.Group("old", """{"redirect": "https://meet.example/group/new/"}""");
        });
        await using var watcher = await s.JoinAsync("g", "op", "o");

        using (var r = await PostAsync(s, "/group/nosuch/.whip", AudioOffer()))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await s.Http.GetAsync("/group/g/.whip"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
            Assert.Equal("OPTIONS, POST", string.Join(", ", r.Content.Headers.Allow));
        }
        using (var r = await PostAsync(s, "/group/g/.whip", AudioOffer(), "text/plain"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
            Assert.Equal("application/sdp", r.Headers.GetValues("Accept").Single());
            Assert.Contains("application/sdp", await r.Content.ReadAsStringAsync());
        }
        using (var r = await PostAsync(s, "/group/g/.whip", "v=0\r\nthis is not SDP"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.StartsWith("unreadable SDP offer", await r.Content.ReadAsStringAsync());
        }
        using (var r = await PostAsync(s, "/group/g/.whip", AudioOffer() + new string('x', WhipEndpoint.MaxOfferBytes)))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        using (var r = await PostAsync(s, "/group/g/.whip", AudioOffer(), authorization: "Basic d2hpcDo="))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var r = await PostAsync(s, "/group/members/.whip", AudioOffer()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("empty password", await r.Content.ReadAsStringAsync());
        }
        using (var r = await PostAsync(s, "/group/watch/.whip", AudioOffer()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains("present", await r.Content.ReadAsStringAsync());
        }

        using (var r = await PostAsync(s, "/group/old/.whip", AudioOffer()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains("moved to https://meet.example/group/new/", await r.Content.ReadAsStringAsync());
        }

        // A locked group refuses with its lock message.
        await watcher.SendAsync(new JsonObject { ["type"] = "groupaction", ["kind"] = "lock", ["value"] = "back at two", ["source"] = watcher.Id, ["username"] = "op" });
        await watcher.RoundTripAsync();
        using (var r = await PostAsync(s, "/group/g/.whip", AudioOffer()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("back at two\n", await r.Content.ReadAsStringAsync());
        }

        await watcher.AssertNothingBeforePongAsync("user", m => m.Str("kind") == "add");
        Assert.Equal(0, s.Services.GetRequiredService<WhipSessions>().Count);
    }

    [Fact]
    public async Task A_bearer_token_admits_under_its_subject_and_only_the_same_token_may_touch_the_session()
    {
        var keys = Tokens.Hs256();
        await using var s = await TestServer.StartAsync(f => f.Group("g", new JsonObject { ["authKeys"] = new JsonArray(keys.PublicJwk.DeepClone()) }.ToJsonString()));
        var token = keys.Mint(s.Url.Authority, "g", sub: "obs-studio", permissions: ["present"]);
        // Valid for the group too, but not the one the session was created with.
        var other = keys.Mint(s.Url.Authority, "g", sub: "obs-studio", permissions: ["present"], edit: c => c["jti"] = "another");

        using (var r = await PostAsync(s, "/group/g/.whip", AudioOffer(), authorization: "Bearer " + token[..^4] + "AAAA"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Equal("not authorised: the bearer token was refused\n", await r.Content.ReadAsStringAsync());
        }
        using var created = await PostAsync(s, "/group/g/.whip", AudioOffer(), authorization: "Bearer " + token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.OriginalString;
        var session = s.Services.GetRequiredService<WhipSessions>().Find("g", location.Split('/')[^1])!;
        Assert.Equal("obs-studio", session.Member.Username);

        foreach (var authorization in new string?[] { null, "Bearer " + other, "Basic b2JzOg==" })
        {
            using var r = await SendAsync(s, HttpMethod.Delete, location, null, null, authorization);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
        using (var r = await SendAsync(s, HttpMethod.Delete, location, null, null, "Bearer " + token))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Null(session.Group);
    }

    [Fact]
    public async Task An_invitation_admits_an_encoder_as_whip_and_a_configured_user_named_whip_is_explained()
    {
        var keys = Tokens.Hs256();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("lab", """{"users": {"prof": {"password": "p", "permissions": "op"}}}""");
            f.Group("taken", new JsonObject
            {
                ["authKeys"] = new JsonArray(keys.PublicJwk.DeepClone()),
                ["users"] = JsonNode.Parse("""{"whip": {"password": "secret", "permissions": "present"}}"""),
            }.ToJsonString());
        });
        await using var prof = await s.JoinAsync("lab", "prof", "p");
        await prof.SendAsync(new JsonObject
        {
            ["type"] = "groupaction", ["kind"] = "maketoken", ["source"] = prof.Id, ["username"] = "prof",
            ["value"] = new JsonObject { ["group"] = "lab", ["permissions"] = new JsonArray("present"), ["expires"] = 60_000 },
        });
        var invitation = (await prof.ReceiveAsync("usermessage", where: m => m.Str("kind") == "token"))["value"]!.Str("token")!;

        using (var r = await PostAsync(s, "/group/lab/.whip", AudioOffer(), authorization: "Bearer " + invitation))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        await prof.ReceiveAsync("user", where: m => m.Str("kind") == "add" && m.Str("username") == "whip");

        // A token without a subject would make the encoder "whip", which is someone else's name here.
        var anonymous = keys.Mint(s.Url.Authority, "taken", sub: null, permissions: ["present"]);
        using (var r = await PostAsync(s, "/group/taken/.whip", AudioOffer(), authorization: "Bearer " + anonymous))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("configured user", await r.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Guessing_over_WHIP_is_throttled_like_any_join_and_no_token_reaches_the_log()
    {
        var log = new List<string>();
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("members", Members);
            f.Config("""{"loginThrottle": {"baseDelay": 300}}""");
        }, logSink: log);
        const string secret = "not-a-jwt-but-a-secret-0123456789";
        using (var r = await PostAsync(s, "/group/members/.whip", AudioOffer(), authorization: "Bearer " + secret))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);

        // The password rule: the empty password of "whip" keeps failing, and the address is held back.
        for (var i = 0; i < 5; i++)
        {
            using var r = await PostAsync(s, "/group/members/.whip", AudioOffer());
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        using (var r = await PostAsync(s, "/group/members/.whip", AudioOffer()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.StartsWith("too many failed attempts from your address", await r.Content.ReadAsStringAsync());
        }
        lock (log) Assert.DoesNotContain(log, line => line.Contains(secret));
        lock (log) Assert.Contains(log, line => line.Contains("refused"));
    }

    [Fact]
    public async Task PATCH_takes_candidates_restarts_ICE_with_new_credentials_and_honours_preconditions()
    {
        await using var s = await TestServer.StartAsync(f => f.Group("g", Open));
        using var created = await PostAsync(s, "/group/g/.whip", AudioOffer("Ab1c"));
        var location = created.Headers.Location!.OriginalString;
        var etag = created.Headers.ETag!.Tag;
        var firstUfrag = UfragOf(await created.Content.ReadAsStringAsync());

        const string candidate = "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n";
        using (var r = await SendAsync(s, HttpMethod.Patch, location, "a=ice-ufrag:Ab1c\r\na=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n" + candidate, TrickleFragment.MediaType, ifMatch: etag))
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        using (var r = await SendAsync(s, HttpMethod.Patch, location, candidate, "application/sdp"))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        using (var r = await SendAsync(s, HttpMethod.Patch, location, "a=candidate:nonsense\r\n", TrickleFragment.MediaType))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("line 1", await r.Content.ReadAsStringAsync());
        }
        using (var r = await SendAsync(s, HttpMethod.Patch, location, candidate, TrickleFragment.MediaType, ifMatch: "\"stale\""))
            Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode);

        // New credentials: an ICE restart, answered with ours (new too) and a new entity tag.
        using var restarted = await SendAsync(s, HttpMethod.Patch, location, "a=ice-ufrag:Zz9y\r\na=ice-pwd:Pw0rdPw0rdPw0rdPw0rdPw0\r\n", TrickleFragment.MediaType, ifMatch: "*");
        Assert.Equal(HttpStatusCode.OK, restarted.StatusCode);
        Assert.Equal(TrickleFragment.MediaType, restarted.Content.Headers.ContentType!.MediaType);
        var fragment = await restarted.Content.ReadAsStringAsync();
        Assert.NotEqual(firstUfrag, UfragOf(fragment));
        Assert.Contains(fragment.Split("\r\n"), l => l.StartsWith("a=candidate:") && l.Contains(" 127.0.0.1 "));
        Assert.NotEqual(etag, restarted.Headers.ETag!.Tag);
        using (var r = await SendAsync(s, HttpMethod.Delete, location, null, null, ifMatch: etag))
            Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode);
        using (var r = await SendAsync(s, HttpMethod.Delete, location, null, null, ifMatch: restarted.Headers.ETag!.Tag))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task CORS_echoes_allowed_origins_only_and_Link_headers_carry_the_members_ICE_servers()
    {
        await using var s = await TestServer.StartAsync(f =>
        {
            f.Group("g", Open);
            f.Config("""{"allowOrigin": ["https://studio.example"]}""");
        });
        File.WriteAllText(Path.Combine(s.DataDir, "ice-servers.json"), """
            [{"urls": ["stun:stun.example:3478"]},
             {"urls": ["turn:turn.example:3478?transport=udp"], "username": "u\"1", "credential": "p\\w"},
             {"urls": ["turn:oauth.example"], "username": "o", "credential": {"macKey": "k"}, "credentialType": "oauth"}]
            """);

        using var preflight = await SendAsync(s, HttpMethod.Options, "/group/g/.whip", null, null, origin: "https://studio.example");
        Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
        Assert.Equal("https://studio.example", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("OPTIONS, POST", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("Authorization", preflight.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal(
            ["<stun:stun.example:3478>; rel=\"ice-server\"",
             "<turn:turn.example:3478?transport=udp>; rel=\"ice-server\"; username=\"u\\\"1\"; credential=\"p\\\\w\"; credential-type=\"password\""],
            preflight.Headers.GetValues("Link").ToArray());

        using var foreign = await SendAsync(s, HttpMethod.Options, "/group/g/.whip", null, null, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("Origin", foreign.Headers.Vary.Single());

        using var created = await SendAsync(s, HttpMethod.Post, "/group/g/.whip", AudioOffer(), "application/sdp", origin: "https://studio.example");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, created.Headers.GetValues("Link").Count());
        var location = created.Headers.Location!.OriginalString;
        using var resourcePreflight = await SendAsync(s, HttpMethod.Options, location, null, null, origin: "https://studio.example");
        Assert.Equal("OPTIONS, DELETE, PATCH", resourcePreflight.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("If-Match", resourcePreflight.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task Sessions_are_bounded_per_address_those_that_never_connect_expire_and_a_kick_ends_one()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await TestServer.StartAsync(f => f.Group("g", Open), time: clock);
        await using var op = await s.JoinAsync("g", "op", "o");
        var sessions = s.Services.GetRequiredService<WhipSessions>();
        var locations = new List<string>();
        for (var i = 0; i < WhipSessions.MaxPerAddress; i++)
        {
            using var r = await PostAsync(s, "/group/g/.whip", AudioOffer());
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            locations.Add(r.Headers.Location!.OriginalString);
        }
        using (var r = await PostAsync(s, "/group/g/.whip", AudioOffer()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Contains("too many WHIP sessions from your address", await r.Content.ReadAsStringAsync());
        }

        // An operator kicks one out: its resource is gone.
        var first = sessions.Find("g", locations[0].Split('/')[^1])!;
        await op.SendAsync(new JsonObject { ["type"] = "useraction", ["kind"] = "kick", ["dest"] = first.ClientId, ["source"] = op.Id, ["username"] = "op" });
        await op.ReceiveAsync("user", where: m => m.Str("kind") == "delete" && m.Str("id") == first.ClientId);
        await Eventually.True(() => sessions.Count == WhipSessions.MaxPerAddress - 1, "the kicked session is removed");

        // No media ever arrives: after the connect timeout every session is gone, and the group with them.
        clock.Advance(WhipSessions.ConnectTimeout);
        await Eventually.True(() => sessions.Count == 0, "unconnected sessions expire");
        foreach (var location in locations)
        {
            using var r = await s.Http.DeleteAsync(location);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        var left = (await op.RoundTripAsync()).Count(m => m.Str("type") == "user" && m.Str("kind") == "delete");
        Assert.Equal(WhipSessions.MaxPerAddress - 1, left);
    }

    [Fact]
    public async Task A_session_whose_media_connected_outlives_the_connect_timeout()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await TestServer.StartAsync(f => f.Group("g", Open), time: clock);
        var sessions = s.Services.GetRequiredService<WhipSessions>();
        using var encoder = new Tessera.Media.Testing.BrowserPeerConnection("encoder", (_, _) => { });
        var offer = AudioOffer(encoder.Ice.Ufrag)
            .Replace("a=ice-pwd:q8Zr2Kp0Wm4Tn6Vb1Xc3Yd5E", "a=ice-pwd:" + encoder.Ice.Password)
            .Replace("a=fingerprint:" + ReceiverSdp.Fingerprint, "a=fingerprint:" + encoder.Certificate.Fingerprint.ToSdpValue());
        using var connected = await PostAsync(s, "/group/g/.whip", offer);
        Assert.Equal(HttpStatusCode.Created, connected.StatusCode);
        var answer = await connected.Content.ReadAsStringAsync();
        var candidate = answer.Split("\r\n").First(l => l.StartsWith("a=candidate:")).Split(' ');
        await encoder.ConnectAsync(new IPEndPoint(IPAddress.Parse(candidate[4]), int.Parse(candidate[5])), answer, TimeSpan.FromSeconds(10));
        var session = sessions.Find("g", connected.Headers.Location!.OriginalString.Split('/')[^1])!;
        var sfu = (Tessera.Server.Streams.SfuSignalling)s.Services.GetRequiredService<Tessera.Protocol.IStreamSignalling>();
        await Eventually.True(() => sfu.PublishedStreams.Any(p => p.Id == session.ClientId
            && p.Connection.Transport.State == Tessera.Media.Transport.PeerTransportState.Connected), "the encoder's media connects");
        using var silent = await PostAsync(s, "/group/g/.whip", AudioOffer());

        clock.Advance(WhipSessions.ConnectTimeout);
        await Eventually.True(() => sessions.Count == 1, "only the silent session expires");
        Assert.Same(session, sessions.Find("g", session.ResourceId));
        Assert.NotNull(session.Group);
    }

    private static string UfragOf(string sdp) =>
        sdp.Split("\r\n").First(l => l.StartsWith("a=ice-ufrag:"))["a=ice-ufrag:".Length..];

    private static Task<HttpResponseMessage> PostAsync(TestServer s, string path, string body, string contentType = "application/sdp",
                                                       string? authorization = null) =>
        SendAsync(s, HttpMethod.Post, path, body, contentType, authorization);

    private static async Task<HttpResponseMessage> SendAsync(TestServer s, HttpMethod method, string path, string? body, string? contentType,
                                                             string? authorization = null, string? ifMatch = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        return await s.Http.SendAsync(request);
    }
}
