using System.Text;
using Tessera.Auth.Tokens;

namespace Tessera.Auth.Tests.Tokens;

// File modes are a Unix matter; the server targets Linux.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 7, 29, 10, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();
    private readonly ManualTimeProvider _clock = new(Now);
    private readonly string _path;
    private readonly TokenStore _store;

    public TokenStoreTests()
    {
        _path = _folder.Combine("data", "var", "tokens.jsonl");
        _store = new TokenStore(_path, _clock);
    }

    public void Dispose() => _folder.Dispose();

    private static StatefulToken Token(string name, string group = "lab", DateTimeOffset? expires = null) =>
        new() { Token = name, Group = group, Permissions = ["present"], Expires = expires };

    /// <summary>Writes the file as another process would, making sure the change is visible.</summary>
    private void WriteExternally(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, content);
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 1000)));
    }

    [Fact]
    public void Absent_file_means_no_tokens_and_no_etag()
    {
        Assert.Null(_store.Get("x"));
        Assert.Empty(_store.All());
        Assert.Null(_store.ETag);
        Assert.Empty(_store.LoadProblems);
    }

    [Fact]
    public void Create_makes_folder_0700_and_file_0600_and_appends_one_line()
    {
        _store.Create(Token("a"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                     File.GetUnixFileMode(Path.GetDirectoryName(_path)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_path));
        _store.Create(Token("b"));
        var lines = File.ReadAllLines(_path);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("""{"token":"a",""", lines[0]);
        Assert.StartsWith("""{"token":"b",""", lines[1]);
        Assert.Equal(Token("b"), _store.Get("b"));
    }

    [Fact]
    public void Create_refuses_an_existing_string()
    {
        _store.Create(Token("a"));
        Assert.Throws<TokenExistsException>(() => _store.Create(Token("a", group: "other")));
    }

    [Fact]
    public void Lookup_is_exact_and_case_sensitive()
    {
        _store.Create(Token("AbC"));
        Assert.NotNull(_store.Get("AbC"));
        Assert.Null(_store.Get("abc"));
        Assert.Null(_store.Get("AbC "));
    }

    [Fact]
    public void Changes_by_another_process_are_picked_up()
    {
        _store.Create(Token("a"));
        Assert.NotNull(_store.Get("a"));
        WriteExternally("""{"token":"b","group":"lab","permissions":null}""" + "\n");
        Assert.Null(_store.Get("a"));
        Assert.NotNull(_store.Get("b"));
    }

    [Fact]
    public void Later_duplicate_wins()
    {
        WriteExternally("""
            {"token":"a","group":"first","permissions":null}
            {"token":"a","group":"second","permissions":null}
            """);
        Assert.Equal("second", _store.Get("a")!.Group);
        Assert.Single(_store.All());
    }

    [Fact]
    public void Objects_may_share_a_line_or_span_several()
    {
        WriteExternally("""{"token":"a","group":"g","permissions":null} {"token":"b","group":"g","permissions":null}""" +
                        "\n{\n  \"token\": \"c\",\n  \"group\": \"g\"\n}\n");
        Assert.Equal(["a", "b", "c"], _store.All().Select(t => t.Token).Order());
        Assert.Empty(_store.LoadProblems);
    }

    [Fact]
    public void Corrupt_line_is_skipped_and_reported_without_disabling_the_store()
    {
        WriteExternally("""
            {"token":"a","group":"lab","permissions":null}
            {"token":"secret-b","group":
            {"token":"c","group":7}
            {"token":"d","group":"lab","permissions":null}
            """);
        Assert.NotNull(_store.Get("a"));
        Assert.NotNull(_store.Get("d"));
        Assert.Null(_store.Get("c"));
        var problems = _store.LoadProblems;
        Assert.Equal(2, problems.Count);
        Assert.Contains("line 2", problems[0]);
        Assert.Contains("line 3", problems[1]);
        Assert.DoesNotContain(problems, p => p.Contains("secret-b"));
    }

    [Fact]
    public void Rewrite_keeps_unreadable_lines_for_the_operator()
    {
        WriteExternally("""
            {"token":"a","group":"lab","permissions":null}
            this is not json
            {"token":"b","group":"lab","permissions":null}
            """);
        _store.Delete("a");
        var content = File.ReadAllText(_path);
        Assert.Contains("this is not json", content);
        Assert.Contains("\"b\"", content);
        Assert.DoesNotContain("\"a\"", content);
    }

    [Fact]
    public void Create_after_a_file_without_final_newline_keeps_both_objects_readable()
    {
        WriteExternally("""{"token":"a","group":"lab","permissions":null}""");
        _store.Create(Token("b"));
        Assert.NotNull(_store.Get("a"));
        Assert.NotNull(_store.Get("b"));
        Assert.Empty(_store.LoadProblems);
    }

    [Fact]
    public void Update_rewrites_sorted_by_expiry_with_no_expiry_first()
    {
        _store.Create(Token("late", expires: Now.AddDays(3)));
        _store.Create(Token("early", expires: Now.AddDays(1)));
        _store.Create(Token("never"));
        _store.Update(Token("late", expires: Now.AddDays(2)));
        var order = File.ReadAllLines(_path).Select(l => StatefulTokenJson.Parse(l).Token).ToList();
        Assert.Equal(["never", "early", "late"], order);
        Assert.Equal(Now.AddDays(2), _store.Get("late")!.Expires);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(_path)!));
    }

    [Fact]
    public void Update_of_an_unknown_token_fails()
    {
        _store.Create(Token("a"));
        Assert.Equal("file does not exist", Assert.Throws<TokenNotFoundException>(() => _store.Update(Token("zz"))).Message);
    }

    [Fact]
    public void Update_with_a_stale_etag_fails()
    {
        _store.Create(Token("a"));
        var tag = _store.ETag;
        _store.Create(Token("b"));
        Assert.Throws<TokenTagMismatchException>(() => _store.Update(Token("a", expires: Now), tag));
        _store.Update(Token("a", expires: Now), _store.ETag);
        Assert.Equal(Now, _store.Get("a")!.Expires);
    }

    [Fact]
    public void Delete_removes_the_token_and_the_file_with_the_last_one()
    {
        _store.Create(Token("a"));
        _store.Create(Token("b"));
        _store.Delete("a");
        Assert.Null(_store.Get("a"));
        Assert.True(File.Exists(_path));
        _store.Delete("b");
        Assert.False(File.Exists(_path));
        Assert.Throws<TokenNotFoundException>(() => _store.Delete("b"));
    }

    [Fact]
    public void Etag_is_quoted_size_and_content_hash_and_changes_with_a_rewrite_of_the_same_size_and_mtime()
    {
        _store.Create(Token("a", expires: Now));
        var tag = _store.ETag!;
        var bytes = File.ReadAllBytes(_path);
        Assert.Equal($"\"{bytes.Length}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..32]}\"", tag);

        // A rewrite within one tick of the file system's clock: same size, same mtime.
        var mtime = File.GetLastWriteTimeUtc(_path);
        _store.Update(Token("a", expires: Now.AddHours(1)), tag);
        File.SetLastWriteTimeUtc(_path, mtime);
        Assert.Equal(bytes.Length, new FileInfo(_path).Length);
        Assert.NotEqual(tag, _store.ETag);
        Assert.Throws<TokenTagMismatchException>(() => _store.Update(Token("a", expires: Now), tag));
    }

    [Fact]
    public void List_returns_the_exact_group_sorted_by_expiry()
    {
        _store.Create(Token("l2", "lab", Now.AddHours(2)));
        _store.Create(Token("sub", "lab/r3", Now.AddHours(1)));
        _store.Create(Token("l1", "lab", Now.AddHours(1)));
        _store.Create(Token("other", "other", Now));
        Assert.Equal(["l1", "l2"], _store.List("lab").Select(t => t.Token));
    }

    [Fact]
    public void Expire_purges_tokens_expired_more_than_seven_days_ago()
    {
        _store.Create(Token("old", expires: Now.AddDays(-8)));
        _store.Create(Token("recent", expires: Now.AddDays(-6)));
        _store.Create(Token("never"));
        _store.Create(Token("future", expires: Now.AddDays(1)));
        Assert.Equal(1, _store.Expire());
        Assert.Equal(["future", "never", "recent"], _store.All().Select(t => t.Token).Order());
        Assert.Equal(0, _store.Expire());
        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, _store.Expire());
    }

    [Fact]
    public void Unreadable_file_fails_every_lookup_and_is_reported()
    {
        Directory.CreateDirectory(_path); // a folder where the file should be cannot be read
        Assert.Null(_store.Get("a"));
        Assert.Contains(_store.LoadProblems, p => p.Contains("cannot read"));
        Assert.ThrowsAny<IOException>(() => _store.Create(Token("a")));
    }

    [Fact]
    public void Concurrent_creates_all_land()
    {
        Parallel.For(0, 40, i => _store.Create(Token("t" + i)));
        Assert.Equal(40, _store.All().Count);
        Assert.Equal(40, File.ReadAllLines(_path).Length);
    }

    [Fact]
    public void Second_store_on_the_same_file_sees_the_first_ones_writes()
    {
        var other = new TokenStore(_path, _clock);
        _store.Create(Token("a"));
        Assert.NotNull(other.Get("a"));
        other.Delete("a");
        Assert.Null(_store.Get("a"));
    }

    [Fact]
    public void New_token_strings_carry_128_bits()
    {
        var strings = Enumerable.Range(0, 100).Select(_ => TokenStrings.New()).ToList();
        Assert.All(strings, s => Assert.Equal(22, s.Length));
        Assert.All(strings, s => Assert.Equal(16, Tessera.Auth.Jwk.Base64UrlStrict.TryDecode(s)!.Length));
        Assert.Equal(100, strings.Distinct().Count());
    }

    [Fact]
    public void Short_galene_token_strings_are_still_accepted()
    {
        WriteExternally("""{"token":"q8Xr2mWl0aE","group":"lab","permissions":null}""" + "\n");
        Assert.NotNull(_store.Get("q8Xr2mWl0aE"));
    }
}
