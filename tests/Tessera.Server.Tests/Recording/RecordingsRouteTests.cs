using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Recording;

/// <summary>
/// <c>/recordings/</c> (http.md §11, §13) over real HTTP: authentication before anything else (so
/// existence never leaks), Basic passwords and bearer tokens, the listing, ranges, caching, deletion,
/// and every refusal — path traversal included.
/// </summary>
public sealed class RecordingsRouteTests : IAsyncLifetime
{
    private const string File1 = "2026-12-04T09:15:02.123-ada.webm";
    private readonly Tokens _keys = Tokens.Es256();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var lab = new JsonObject
        {
            ["allow-recording"] = true,
            ["users"] = new JsonObject
            {
                ["ada"] = new JsonObject { ["password"] = "secret", ["permissions"] = "op" },
                ["bob"] = new JsonObject { ["password"] = "builder", ["permissions"] = "present" },
            },
            ["authKeys"] = new JsonArray(_keys.PublicJwk.DeepClone()),
        };
        _server = await TestServer.StartAsync(f =>
        {
            f.Group("lab", lab.ToJsonString());
            f.Group("other", """{"allow-recording": true, "users": {"eve": {"password": "evil", "permissions": "op"}}}""");
            f.Config("{}");
        }, configure: o =>
        {
            Directory.CreateDirectory(Path.Combine(o.Data, "var"));
            File.WriteAllText(Path.Combine(o.Data, "var", "tokens.jsonl"),
                """{"token":"recorder-token-0123456789","group":"lab","username":"rec","permissions":["record"],"expires":"2099-01-01T00:00:00Z"}""" + "\n" +
                """{"token":"present-token-0123456789","group":"lab","username":"p","permissions":["present"],"expires":"2099-01-01T00:00:00Z"}""" + "\n");
            return o;
        });
        var lab1 = Directory.CreateDirectory(Path.Combine(_server.Options.Recordings, "lab")).FullName;
        File.WriteAllBytes(Path.Combine(lab1, File1), Enumerable.Range(0, 100).Select(i => (byte)i).ToArray());
        var other = Directory.CreateDirectory(Path.Combine(_server.Options.Recordings, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "secret.webm"), "eve's");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, AuthenticationHeaderValue? auth = null,
                                                      Action<HttpRequestMessage>? edit = null)
    {
        var request = new HttpRequestMessage(method, path) { Headers = { Authorization = auth } };
        edit?.Invoke(request);
        return await _server.Http.SendAsync(request);
    }

    private Task<HttpResponseMessage> GetAsync(string path, AuthenticationHeaderValue? auth = null) => SendAsync(HttpMethod.Get, path, auth);

    private Task<HttpResponseMessage> DeleteFormAsync(IEnumerable<KeyValuePair<string, string>> fields, string? origin = null) =>
        SendAsync(HttpMethod.Post, "/recordings/lab/", Basic("ada", "secret"), r =>
        {
            r.Content = new FormUrlEncodedContent(fields);
            if (origin is not null) r.Headers.Add("Origin", origin);
        });

    [Fact]
    public async Task The_bare_prefix_redirects_and_the_root_names_no_group()
    {
        var bare = await GetAsync("/recordings");
        Assert.Equal((HttpStatusCode.PermanentRedirect, "/recordings/"), (bare.StatusCode, bare.Headers.Location?.OriginalString));
        var root = await GetAsync("/recordings/", Basic("ada", "secret"));
        Assert.Equal(HttpStatusCode.BadRequest, root.StatusCode);
        Assert.Equal("Bad group name\n", await root.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/recordings/lab/")]
    [InlineData("/recordings/lab/" + File1)]
    [InlineData("/recordings/lab/no-such-file.webm")]
    [InlineData("/recordings/nosuchgroup/")]
    [InlineData("/recordings/other/secret.webm")]
    public async Task Without_the_right_credentials_every_path_gets_the_same_refusal_whether_or_not_it_exists(string path)
    {
        foreach (var auth in new[] { null, Basic("ada", "wrong"), Basic("bob", "builder"), Basic("eve", "evil"),
                                     new AuthenticationHeaderValue("Bearer", "present-token-0123456789"),
                                     new AuthenticationHeaderValue("Bearer", "no-such-token"),
                                     new AuthenticationHeaderValue("Basic", "%%%not-base64") })
        {
            if (path.StartsWith("/recordings/other/") && auth?.Parameter == Basic("eve", "evil").Parameter)
                continue; // eve may read her own group
            var response = await GetAsync(path, auth);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Authentication required\n", await response.Content.ReadAsStringAsync());
            var realm = path.StartsWith("/recordings/other/") ? "other" : path.StartsWith("/recordings/nosuchgroup") ? "nosuchgroup" : "lab";
            Assert.Equal($"Basic realm=\"recordings/{realm}\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task A_quote_in_the_group_name_cannot_break_out_of_the_realm()
    {
        var response = await RawHttp.SendAsync(_server.Url, "GET", "/recordings/a%22,%20realm=%22x/");
        Assert.Equal(401, response.Status);
        Assert.Equal("Basic realm=\"recordings/a\\\", realm=\\\"x\", charset=\"UTF-8\"", response.Headers["WWW-Authenticate"]);
    }

    [Theory]
    [InlineData("/recordings/lab/..%2Fother%2Fsecret.webm")]
    [InlineData("/recordings/lab/%2E%2E%2Fother/secret.webm")]
    [InlineData("/recordings/lab/..%5Cother%5Csecret.webm")]
    [InlineData("/recordings/lab/.%2E/other/secret.webm")]
    [InlineData("/recordings/lab/../other/secret.webm")]
    public async Task Credentials_for_one_group_never_reach_another_groups_files(string path)
    {
        var response = await RawHttp.SendAsync(_server.Url, "GET", path, ("Authorization", Basic("ada", "secret").ToString()));
        Assert.True(response.Status is 400 or 401 or 404, $"{path}: {response.Status}");
        Assert.DoesNotContain("eve's", response.Body);
    }

    [Fact]
    public async Task An_operator_with_record_sees_the_listing_by_password_or_token()
    {
        var jwt = _keys.Mint(_server.Url.Authority, "lab", sub: "carol", permissions: ["record"]);
        foreach (var auth in new[] { Basic("ada", "secret"), new AuthenticationHeaderValue("Bearer", "recorder-token-0123456789"),
                                     new AuthenticationHeaderValue("Bearer", jwt) })
        {
            var response = await GetAsync("/recordings/lab/", auth);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains($"<a href=\"{Uri.EscapeDataString(File1)}\">{File1}</a></td><td>100</td>", page);
        }
        var folder = await GetAsync("/recordings/lab", Basic("ada", "secret"));
        Assert.Equal((HttpStatusCode.PermanentRedirect, "/recordings/lab/"), (folder.StatusCode, folder.Headers.Location?.OriginalString));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/recordings/lab/missing.webm", Basic("ada", "secret"))).StatusCode);
    }

    [Fact]
    public async Task A_file_is_served_whole_or_by_range_with_its_tag_and_a_cache_rule_that_waits_until_it_is_settled()
    {
        var auth = Basic("ada", "secret");
        var whole = await GetAsync("/recordings/lab/" + File1, auth);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("video/webm", whole.Content.Headers.ContentType?.ToString());
        Assert.Equal(100, (await whole.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal("no-cache", whole.Headers.CacheControl?.ToString()); // just written: may still grow

        var part = await SendAsync(HttpMethod.Get, "/recordings/lab/" + File1, auth, r => r.Headers.Range = new RangeHeaderValue(10, 19));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (byte)i), await part.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 10-19/100", part.Content.Headers.ContentRange?.ToString());

        var again = await SendAsync(HttpMethod.Get, "/recordings/lab/" + File1, auth, r => r.Headers.IfNoneMatch.Add(whole.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);

        var head = await SendAsync(HttpMethod.Head, "/recordings/lab/" + File1, auth);
        Assert.Equal((HttpStatusCode.OK, 100L), (head.StatusCode, head.Content.Headers.ContentLength ?? -1));

        File.SetLastWriteTimeUtc(Path.Combine(_server.Options.Recordings, "lab", File1), DateTime.UtcNow.AddMinutes(-2));
        Assert.Equal("max-age=1800", (await GetAsync("/recordings/lab/" + File1, auth)).Headers.CacheControl?.ToString());

        var put = await SendAsync(HttpMethod.Put, "/recordings/lab/" + File1, auth);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task The_delete_form_removes_a_file_and_refuses_everything_else_clearly()
    {
        async Task<(HttpStatusCode, string)> Refusal(HttpResponseMessage r) => (r.StatusCode, await r.Content.ReadAsStringAsync());

        Assert.Equal((HttpStatusCode.BadRequest, "No filename provided\n"), await Refusal(await DeleteFormAsync([new("q", "delete")])));
        Assert.Equal((HttpStatusCode.BadRequest, "Bad character in filename\n"),
                     await Refusal(await DeleteFormAsync([new("q", "delete"), new("filename", "../other/secret.webm")])));
        Assert.Equal((HttpStatusCode.BadRequest, "Unknown query\n"), await Refusal(await DeleteFormAsync([new("q", "rename"), new("filename", File1)])));
        Assert.Equal(HttpStatusCode.NotFound, (await DeleteFormAsync([new("q", "delete"), new("filename", "missing.webm")])).StatusCode);
        var notForm = await SendAsync(HttpMethod.Post, "/recordings/lab/", Basic("ada", "secret"), r => r.Content = new StringContent("{}"));
        Assert.Equal((HttpStatusCode.BadRequest, "Couldn't parse request\n"), await Refusal(notForm));
        // A form posted from another site (the browser would add the remembered password) is refused.
        var forged = await DeleteFormAsync([new("q", "delete"), new("filename", File1)], origin: "https://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var byBob = await SendAsync(HttpMethod.Post, "/recordings/lab/", Basic("bob", "builder"),
                                    r => r.Content = new FormUrlEncodedContent([new("q", "delete"), new("filename", File1)]));
        Assert.Equal(HttpStatusCode.Unauthorized, byBob.StatusCode);
        Assert.True(File.Exists(Path.Combine(_server.Options.Recordings, "lab", File1)));

        var deleted = await DeleteFormAsync([new("q", "delete"), new("filename", File1)], origin: _server.Url.GetLeftPart(UriPartial.Authority));
        Assert.Equal((HttpStatusCode.SeeOther, "/recordings/lab/"), (deleted.StatusCode, deleted.Headers.Location?.OriginalString));
        Assert.False(File.Exists(Path.Combine(_server.Options.Recordings, "lab", File1)));

        var put = await SendAsync(HttpMethod.Put, "/recordings/lab/", Basic("ada", "secret"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal("OPTIONS, GET, HEAD, POST", put.Content.Headers.Allow.Count > 0 ? string.Join(", ", put.Content.Headers.Allow) : put.Headers.GetValues("Allow").Single());
    }
}
