using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Auth.Passwords;

namespace Tessera.AuthServer.Backends;

/// <summary>
/// Accounts from a JSON users file (same entry shape as a group's <c>users</c>). The file is
/// re-read when its modification time changes, checked at most once per second, so edits apply
/// without a restart; a file that fails to parse on reload keeps the previous contents.
/// </summary>
public sealed class UsersFileBackend : IUserBackend
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    private readonly string _path;
    private readonly PasswordVerifier _verifier;
    private readonly TimeProvider _time;
    private readonly Lock _reloadLock = new();
    private volatile IReadOnlyDictionary<string, UsersFileUser> _users;
    private DateTime _loadedWriteTime;
    private long _nextCheckTicks;

    public UsersFileBackend(string path, PasswordVerifier verifier, TimeProvider? time = null)
    {
        _path = path;
        _verifier = verifier;
        _time = time ?? TimeProvider.System;
        _loadedWriteTime = File.GetLastWriteTimeUtc(path);
        _users = Load(path);
    }

    public string Name => $"file:{Path.GetFileName(_path)}";

    /// <summary>Keys are compared exactly: the matched key is the name as written in the file.</summary>
    public bool MatchesNamesLoosely => false;

    /// <exception cref="Configuration.ConfigException">The file is missing or malformed.</exception>
    public static IReadOnlyDictionary<string, UsersFileUser> Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var file = JsonSerializer.Deserialize<UsersFile>(stream, JsonOptions)
                       ?? throw new JsonException("the file holds null");
            return file.Users;
        }
        catch (JsonException e)
        {
            // Said as for every configuration file: the field by its JSON name, line and column.
            throw new Configuration.ConfigException($"users file {path}: {Tessera.Auth.Files.JsonErrors.Describe(e, typeof(UsersFile), JsonOptions)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Configuration.ConfigException($"users file {path}: {e.Message}", e);
        }
    }

    public async ValueTask<BackendResult> AuthenticateAsync(string username, string password, CancellationToken cancellationToken)
    {
        ReloadIfChanged();
        if (!_users.TryGetValue(username, out var user)) return BackendResult.UnknownUser;
        bool ok;
        try
        {
            ok = await _verifier.VerifyAsync(user.Password, password, cancellationToken).ConfigureAwait(false);
        }
        catch (PasswordFormatException e)
        {
            throw new BackendException($"{Name}: stored password of a user is unusable: {e.Message}", e);
        }
        if (!ok) return BackendResult.WrongPassword;
        return new BackendResult.Authenticated(username, user.Groups, user.Permissions?.Expand() ?? []);
    }

    private void ReloadIfChanged()
    {
        var now = _time.GetTimestamp();
        if (now < Interlocked.Read(ref _nextCheckTicks)) return;
        lock (_reloadLock)
        {
            if (now < _nextCheckTicks) return;
            Interlocked.Exchange(ref _nextCheckTicks, now + _time.TimestampFrequency);
            try
            {
                var writeTime = File.GetLastWriteTimeUtc(_path);
                if (writeTime == _loadedWriteTime) return;
                _users = Load(_path);
                _loadedWriteTime = writeTime;
            }
            catch (Exception e) when (e is Configuration.ConfigException or IOException)
            {
                // Keep serving the last good contents; the operator sees the error at the next restart.
            }
        }
    }

    public void Dispose() { }
}
