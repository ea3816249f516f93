using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using Tessera.Server.Tests.Support;
using static Tessera.Server.Tests.Admin.AdminClient;

namespace Tessera.Server.Tests.Admin;

/// <summary>The administrative API over real HTTP against a real server (http.md §10).</summary>
public class AdminApiTests
{
    internal const string Config = """
        {"writableGroups": true,
         "users": {"root": {"password": "rootpw", "permissions": "admin"},
                   "peon": {"password": "peonpw", "permissions": "present"}}}
        """;

    internal const string Lab = """
        {"displayName": "Lab",
         "users": {"boss": {"password": "bosspw", "permissions": "admin"},
                   "alice": {"password": "alicepw", "permissions": "op"}},
         "wildcard-user": {"password": {"type": "wildcard"}, "permissions": "observe"}}
        """;

    private static Task<TestServer> Start(string config = Config, List<string>? log = null) =>
        TestServer.StartAsync(f => { f.Config(config); f.Group("lab", Lab); }, logSink: log);

    [Fact]
    public async Task Refuses_missing_wrong_and_insufficient_credentials_and_logs_why_without_the_password()
    {
        var log = new List<string>();
        await using var s = await Start(log: log);
        var cases = new[]
        {
            (Anonymous(s.Http), ".groups/", "no credentials"),
            (Basic(s.Http, "root", "wrong-secret"), ".groups/", "wrong password"),
            (Basic(s.Http, "peon", "peonpw"), ".groups/", "no admin permission"),
            (Bearer(s.Http, "no-such-token"), ".groups/", "not a server administrator"),
            (Basic(s.Http, "alice", "alicepw"), ".groups/lab", "no admin permission in group lab"),
            (Basic(s.Http, "boss", "bosspw"), ".groups/", "not a server administrator"), // a group admin is not a server admin
            (Basic(s.Http, "root", "rootpw"), ".groups/lab/.users/", null),
            (Basic(s.Http, "boss", "bosspw"), ".groups/lab/.users/", null),
        };
        foreach (var (client, path, reason) in cases)
        {
            using var response = await client.GetAsync(path);
            if (reason is null)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                continue;
            }
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("basic realm=\"/galene-api/\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("Haha!\n", await response.Content.ReadAsStringAsync());
            lock (log) Assert.Contains(log, l => l.Contains("refused") && l.Contains(reason));
        }
        lock (log)
        {
            Assert.DoesNotContain(log, l => l.Contains("wrong-secret") || l.Contains("no-such-token") || l.Contains("pw"));
        }
    }

    [Fact]
    public async Task A_group_is_created_read_updated_with_its_tag_and_deleted_keeping_its_users()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");

        using (var created = await root.PutAsync(".groups/team/blue", """{"displayName": "Blue"}""", IfNoneMatch("*")))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var again = await root.PutAsync(".groups/team/blue", "{}", IfNoneMatch("*")))
            Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
        Assert.Equal(["lab", "team/blue"], (await root.GetJsonAsync(".groups/")).AsArray().Select(n => (string)n!));

        // Sanitised: no users, wildcard user or keys; the tag changes with the file.
        using var lab = await root.GetAsync(".groups/lab");
        var tag = lab.Headers.ETag!.ToString();
        Assert.Equal("""{"displayName":"Lab"}""", (await lab.Content.ReadAsStringAsync()).Trim());
        using (var notModified = await root.GetAsync(".groups/lab", IfNoneMatch(tag)))
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using (var replaced = await root.PutAsync(".groups/lab", """{"displayName": "Lab 2", "public": true}""", IfMatch(tag)))
            Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);
        using (var stale = await root.PutAsync(".groups/lab", """{"displayName": "Lost"}""", IfMatch(tag)))
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json")))!;
        Assert.Equal("Lab 2", (string)file["displayName"]!);
        Assert.NotNull(file["users"]!["boss"]);
        Assert.NotNull(file["wildcard-user"]);
        // The server itself serves the new description at once, and the users still log in.
        Assert.Contains("\"lab\"", await s.Http.GetStringAsync("/public-groups.json"));
        await using (await s.JoinAsync("lab", "alice", "alicepw")) { }

        using (var delete = await root.DeleteAsync(".groups/team/blue"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await root.GetAsync(".groups/team/blue"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.StartsWith("text/html", gone.Content.Headers.ContentType!.ToString());
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_changes_nothing()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");
        var before = await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json"));
        var cases = new (Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Text)[]
        {
            (() => root.PutAsync(".groups/lab", "{not json"), HttpStatusCode.BadRequest, "malformed JSON"),
            (() => root.PutAsync(".groups/lab", """{"max-clients": "many"}"""), HttpStatusCode.BadRequest, "max-clients"),
            (() => root.PutAsync(".groups/lab", """{"displayname": "typo"}"""), HttpStatusCode.BadRequest, "displayName"),
            (() => root.PutAsync(".groups/lab", """{"users": {}}"""), HttpStatusCode.BadRequest, "'users' cannot be set here"),
            (() => root.PutAsync(".groups/lab/.users/bob", """{"permissions": "king"}"""), HttpStatusCode.BadRequest, "unknown permission"),
            (() => root.PutAsync(".groups/lab/.users/bob", """{"password": "x"}"""), HttpStatusCode.BadRequest, "'password' cannot be set here"),
            (() => root.PutAsync(".groups/lab/.users/alice/.password", """{"type": "rot13"}"""), HttpStatusCode.BadRequest, "not a password"),
            (() => root.SendAsync(HttpMethod.Put, ".groups/lab", "{}", contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType, "unsupported content type"),
            (() => root.SendAsync(HttpMethod.Post, ".groups/lab/.users/alice/.password", new string('x', 73), contentType: "text/plain"),
             HttpStatusCode.BadRequest, "72 bytes"),
            (() => root.PutAsync(".groups/lab", "{\"comment\": \"" + new string('x', (1 << 20) + 1) + "\"}"), HttpStatusCode.RequestEntityTooLarge, "too large"),
            (() => root.SendAsync(HttpMethod.Put, ".groups/lab/.keys", """{"keys": [{"kty": "EC", "alg": "ES256"}]}""", contentType: "application/jwk-set+json"),
             HttpStatusCode.BadRequest, "key 0"),
            (() => root.SendAsync(HttpMethod.Post, ".groups/lab/.tokens/", """{"token": "mine", "expires": "2030-01-01T00:00:00Z"}"""), HttpStatusCode.BadRequest, "overspecified token"),
            (() => root.SendAsync(HttpMethod.Post, ".groups/lab/.tokens/", """{"expires": "tomorrow"}"""), HttpStatusCode.BadRequest, "expires"),
            (() => root.SendAsync(HttpMethod.Post, ".groups/lab", "{}"), HttpStatusCode.MethodNotAllowed, "method not allowed"),
        };
        foreach (var (send, status, text) in cases)
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode && body.Contains(text), $"expected {status} '{text}', got {response.StatusCode} '{body}'");
        }
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json")));
        Assert.False(File.Exists(Path.Combine(s.DataDir, "var", "tokens.jsonl")));
    }

    [Fact]
    public async Task Without_writableGroups_every_write_of_a_group_file_is_refused_but_tokens_work()
    {
        await using var s = await Start(Config.Replace("\"writableGroups\": true", "\"writableGroups\": false"));
        var root = Basic(s.Http, "root", "rootpw");
        var before = await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json"));
        foreach (var (method, path, body, type) in new[]
                 {
                     (HttpMethod.Put, ".groups/lab", "{}", "application/json"),
                     (HttpMethod.Put, ".groups/new", "{}", "application/json"),
                     (HttpMethod.Delete, ".groups/lab", (string?)null, "application/json"),
                     (HttpMethod.Put, ".groups/lab/.users/bob", "{}", "application/json"),
                     (HttpMethod.Delete, ".groups/lab/.users/alice", null, "application/json"),
                     (HttpMethod.Post, ".groups/lab/.users/alice/.password", "new", "text/plain"),
                     (HttpMethod.Delete, ".groups/lab/.users/alice/.password", null, "application/json"),
                     (HttpMethod.Delete, ".groups/lab/.keys", null, "application/json"),
                 })
        {
            using var response = await root.SendAsync(method, path, body, contentType: type);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("not authorised\n", await response.Content.ReadAsStringAsync());
            Assert.False(response.Headers.Contains("WWW-Authenticate"));
        }
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json")));
        Assert.False(File.Exists(Path.Combine(s.GroupsDir, "new.json")));
        using var token = await root.SendAsync(HttpMethod.Post, ".groups/lab/.tokens/", """{"permissions": ["present"], "expires": "2099-01-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
    }

    [Fact]
    public async Task Users_and_passwords_change_who_can_join()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");
        using (var created = await root.PutAsync(".groups/lab/.users/bob", """{"permissions": "present"}""", IfNoneMatch("*")))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["alice", "bob", "boss"], (await root.GetJsonAsync(".groups/lab/.users/")).AsArray().Select(n => (string)n!));
        Assert.Equal("""{"permissions":"present"}""", (await root.GetJsonAsync(".groups/lab/.users/bob")).ToJsonString());
        Assert.Equal("""{"permissions":"observe"}""", (await root.GetJsonAsync(".groups/lab/.wildcard-user")).ToJsonString());

        using (var set = await root.SendAsync(HttpMethod.Post, ".groups/lab/.users/bob/.password", "bobpw", contentType: "text/plain"))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Contains("$2a$08$", await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json")));
        await using (var bob = await s.JoinAsync("lab", "bob", "bobpw"))
        {
            var joined = await bob.RoundTripAsync();
            Assert.NotNull(joined);
        }

        // The user changes their own password with the current one; a wrong current password is refused.
        var bob2 = Basic(s.Http, "bob", "bobpw");
        using (var own = await bob2.SendAsync(HttpMethod.Post, ".groups/lab/.users/bob/.password", "newpw", contentType: "text/plain"))
            Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        using (var again = await bob2.SendAsync(HttpMethod.Post, ".groups/lab/.users/bob/.password", "x", contentType: "text/plain"))
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        // Someone else's password does not open bob's, even if it were the same.
        using (var other = await Basic(s.Http, "alice", "alicepw").SendAsync(HttpMethod.Post, ".groups/lab/.users/bob/.password", "x", contentType: "text/plain"))
            Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        await using (var c = await s.ConnectAsync())
            Assert.Equal("fail", (await c.JoinAsync("lab", "bob", "bobpw")).Kind);
        await using (await s.JoinAsync("lab", "bob", "newpw")) { }

        // A stored value verbatim, then no password at all.
        using (var put = await root.PutAsync(".groups/lab/.users/bob/.password", "\"plain-pw\""))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        await using (await s.JoinAsync("lab", "bob", "plain-pw")) { }
        using (var delete = await root.DeleteAsync(".groups/lab/.users/bob/.password"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await using (var c = await s.ConnectAsync())
            Assert.Equal("fail", (await c.JoinAsync("lab", "bob", "plain-pw")).Kind);
        Assert.Equal("""{"permissions":"present"}""", (await root.GetJsonAsync(".groups/lab/.users/bob")).ToJsonString());

        using (var gone = await root.DeleteAsync(".groups/lab/.users/bob"))
            Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        using (var missing = await root.DeleteAsync(".groups/lab/.users/bob"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Tokens_are_created_read_replaced_and_deleted_and_log_in()
    {
        await using var s = await Start();
        var boss = Basic(s.Http, "boss", "bosspw"); // a group administrator is enough for a group's tokens
        using var created = await boss.SendAsync(HttpMethod.Post, ".groups/lab/.tokens/",
                                                 """{"username": "guest", "permissions": ["present", "message"], "expires": "2099-01-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var name = created.Headers.Location!.ToString();
        Assert.DoesNotContain("/", name);
        await using (var guest = await s.ConnectAsync())
        {
            var joined = await guest.JoinAsync("lab", null, token: name);
            Assert.Equal(("join", "guest"), (joined.Kind, joined.Username));
        }

        Assert.Equal([name], (await boss.GetJsonAsync(".groups/lab/.tokens/")).AsArray().Select(n => (string)n!));
        using var read = await boss.GetAsync(".groups/lab/.tokens/" + name);
        var tag = read.Headers.ETag!.ToString();
        var token = JsonNode.Parse(await read.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(("", "", "guest"), ((string?)token["token"], (string?)token["group"], (string?)token["username"]));

        token["expires"] = "2000-01-01T00:00:00Z"; // revoked
        using (var revoked = await boss.PutAsync(".groups/lab/.tokens/" + name, token.ToJsonString(), IfMatch(tag)))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using (var stale = await boss.PutAsync(".groups/lab/.tokens/" + name, token.ToJsonString(), IfMatch(tag)))
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        await using (var guest = await s.ConnectAsync())
            Assert.Equal("fail", (await guest.JoinAsync("lab", null, token: name)).Kind);

        // Beyond Galène: PUT at a new name creates it; a name of another group conflicts.
        using (var chosen = await boss.PutAsync(".groups/lab/.tokens/chosen-name", """{"permissions": [], "expires": "2099-01-01T00:00:00Z"}""", IfNoneMatch("*")))
            Assert.Equal(HttpStatusCode.Created, chosen.StatusCode);
        var root = Basic(s.Http, "root", "rootpw");
        using (var other = await root.PutAsync(".groups/team/.tokens/chosen-name", """{"permissions": []}"""))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode); // group team does not exist
        await File.WriteAllTextAsync(Path.Combine(s.GroupsDir, "team.json"), "{}");
        using (var conflict = await root.PutAsync(".groups/team/.tokens/chosen-name", """{"permissions": []}"""))
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using (var foreign = await root.GetAsync(".groups/team/.tokens/chosen-name"))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        using (var deleted = await boss.DeleteAsync(".groups/lab/.tokens/" + name))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var missing = await boss.GetAsync(".groups/lab/.tokens/" + name))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_global_admin_token_opens_the_server_wide_routes_only_while_valid()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");
        using var created = await root.SendAsync(HttpMethod.Post, ".groups/.tokens/",
                                                 """{"includeSubgroups": true, "permissions": ["admin"], "expires": "2099-01-01T00:00:00Z"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var name = created.Headers.Location!.ToString();
        var bearer = Bearer(s.Http, name);
        Assert.Equal(["lab"], (await bearer.GetJsonAsync(".groups/")).AsArray().Select(n => (string)n!));
        Assert.Equal([name], (await root.GetJsonAsync(".groups/.tokens/")).AsArray().Select(n => (string)n!));
        Assert.Empty((await root.GetJsonAsync(".groups/lab/.tokens/")).AsArray());

        // Revoked: refused.
        using (var revoke = await root.PutAsync(".groups/.tokens/" + name, """{"includeSubgroups": true, "permissions": ["admin"], "expires": "2000-01-01T00:00:00Z"}"""))
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var refused = await bearer.GetAsync(".groups/");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Concurrent_writers_holding_the_same_tag_exactly_one_wins_and_the_file_stays_valid()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");
        using var lab = await root.GetAsync(".groups/lab");
        var tag = lab.Headers.ETag!.ToString();
        var writes = Enumerable.Range(0, 8).Select(async i =>
        {
            using var r = await root.PutAsync(".groups/lab", $$"""{"displayName": "writer {{i}}", "comment": "{{new string('c', i * 100)}}"}""", IfMatch(tag));
            return r.StatusCode;
        });
        var statuses = await Task.WhenAll(writes);
        Assert.Single(statuses, HttpStatusCode.NoContent);
        Assert.Equal(7, statuses.Count(x => x == HttpStatusCode.PreconditionFailed));
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json")))!;
        Assert.StartsWith("writer ", (string)file["displayName"]!);
        Assert.Empty(Directory.GetFiles(s.GroupsDir, "*.tmp", SearchOption.AllDirectories));

        using var token = await root.SendAsync(HttpMethod.Post, ".groups/lab/.tokens/", """{"permissions": [], "expires": "2099-01-01T00:00:00Z"}""");
        var name = token.Headers.Location!.ToString();
        using var read = await root.GetAsync(".groups/lab/.tokens/" + name);
        var tokenTag = read.Headers.ETag!.ToString();
        var tokenWrites = Enumerable.Range(0, 8).Select(async i =>
        {
            using var r = await root.PutAsync(".groups/lab/.tokens/" + name, $$"""{"permissions": [], "username": "u{{i}}", "expires": "2099-01-01T00:00:00Z"}""", IfMatch(tokenTag));
            return r.StatusCode;
        });
        var tokenStatuses = await Task.WhenAll(tokenWrites);
        Assert.Single(tokenStatuses, HttpStatusCode.NoContent);
        foreach (var line in File.ReadAllLines(Path.Combine(s.DataDir, "var", "tokens.jsonl"))) JsonNode.Parse(line);
    }

    [Fact]
    public async Task Keys_are_replaced_read_back_as_public_keys_and_removed()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");
        var privateKey = Tessera.Auth.Jwk.JsonWebKeyGenerator.Generate("ES256", "k1");
        using (var put = await root.SendAsync(HttpMethod.Put, ".groups/lab/.keys", $$"""{"keys": [{{privateKey}}]}""", contentType: "application/jwk-set+json"))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var stored = await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json"));
        Assert.Contains("\"k1\"", stored);
        Assert.DoesNotContain("\"d\"", stored); // only the public part is kept
        using var get = await root.GetAsync(".groups/lab/.keys");
        Assert.Equal("application/jwk-set+json", get.Content.Headers.ContentType!.MediaType);
        var keys = JsonNode.Parse(await get.Content.ReadAsStringAsync())!["keys"]!.AsArray();
        Assert.Equal("k1", (string)keys.Single()!["kid"]!);
        Assert.Null(keys.Single()!["d"]);
        using (var wrongType = await root.PutAsync(".groups/lab/.keys", """{"keys": []}"""))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
            Assert.Equal("application/jwk-set+json", wrongType.Headers.GetValues("Accept").Single());
        }
        using (var delete = await root.DeleteAsync(".groups/lab/.keys"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.DoesNotContain("authKeys", await File.ReadAllTextAsync(Path.Combine(s.GroupsDir, "lab.json")));
    }

    [Fact]
    public async Task Stats_list_joined_clients_and_cors_follows_allowAdminOrigin()
    {
        await using var s = await Start(Config.Replace("\"writableGroups\": true", "\"writableGroups\": true, \"allowAdminOrigin\": [\"https://admin.example\"]"));
        await using var alice = await s.JoinAsync("lab", "alice", "alicepw");
        var root = Basic(s.Http, "root", "rootpw");
        var stats = (await root.GetJsonAsync(".stats")).AsArray();
        var lab = stats.Single(g => (string)g!["name"]! == "lab")!;
        Assert.Equal(alice.Id, (string)lab["clients"]!.AsArray().Single()!["id"]!);

        using var preflight = await Anonymous(s.Http).SendAsync(HttpMethod.Options, ".groups/lab",
                                                               configure: r => r.Headers.Add("Origin", "https://admin.example"));
        Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
        Assert.Equal("https://admin.example", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PUT", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single());
        using var foreign = await root.GetAsync(".groups/", r => r.Headers.Add("Origin", "https://evil.example"));
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("Origin", foreign.Headers.Vary.Single());
    }

    [Fact]
    public async Task Guessing_an_administrator_password_is_throttled_like_a_login()
    {
        await using var s = await Start();
        var guesser = Basic(s.Http, "root", "guess");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var r = await guesser.GetAsync(".groups/");
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) Assert.NotNull(r.Headers.RetryAfter);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Append(HttpStatusCode.TooManyRequests), statuses);
        // Even the right password waits now: the throttled attempt is refused without being checked.
        using var right = await Basic(s.Http, "root", "rootpw").GetAsync(".groups/");
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task Group_names_that_could_leave_the_groups_folder_name_nothing()
    {
        await using var s = await Start();
        var root = Basic(s.Http, "root", "rootpw");
        var outside = Path.Combine(s.Root, "evil");
        foreach (var path in new[] { $".groups/{outside}", ".groups/a//b", ".groups/lab/../../evil", ".groups/%2e%2e/evil" })
        {
            using var r = await root.PutAsync(path, "{}");
            Assert.NotEqual(HttpStatusCode.Created, r.StatusCode);
            Assert.NotEqual(HttpStatusCode.NoContent, r.StatusCode);
        }
        Assert.False(File.Exists(outside + ".json"));
        Assert.Equal(["lab"], Directory.GetFiles(s.GroupsDir, "*.json", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension));
    }

    [Fact]
    public async Task Paths_outside_the_api_and_unknown_parts_of_a_group()
    {
        await using var s = await Start();
        using (var outside = await s.Http.GetAsync("/galene-api/v1/.groups/"))
        {
            Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
            Assert.Equal("404 page not found\n", await outside.Content.ReadAsStringAsync());
        }
        using (var anonymous = await Anonymous(s.Http).GetAsync(".groups/lab/.foo"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var known = await Basic(s.Http, "root", "rootpw").GetAsync(".groups/lab/.foo"))
            Assert.Equal(HttpStatusCode.NotFound, known.StatusCode);
    }
}
