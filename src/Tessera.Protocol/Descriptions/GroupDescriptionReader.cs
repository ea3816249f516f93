using System.Text.Json;
using Tessera.Auth;
using Tessera.Auth.Passwords;
using Tessera.Auth.Permissions;

namespace Tessera.Protocol.Descriptions;

/// <summary>Parses a group file strictly and converts legacy fields (files.md §4.2–§4.3).</summary>
public static class GroupDescriptionReader
{
    /// <exception cref="InvalidDataException">The file is not a valid description; the message says where and why.</exception>
    public static GroupDescription Parse(ReadOnlySpan<byte> json, Action<string>? warn = null)
    {
        GroupDescription? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<GroupDescription>(json, StrictJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(StrictJson.Describe<GroupDescription>(e), e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException(e.Message, e);
        }
        if (parsed is null) throw new InvalidDataException("the file holds null, not an object");
        return Normalise(parsed, warn ?? (_ => { }));
    }

    private static GroupDescription Normalise(GroupDescription d, Action<string> warn)
    {
        if (d.LegacyAllowAnonymous) warn("'allow-anonymous' is obsolete and ignored");
        if (d.LegacyAllowSubgroups) d = d with { AutoSubgroups = true, LegacyAllowSubgroups = false };
        if (d.LegacyOp is null && d.LegacyPresenter is null && d.LegacyOther is null) return d;

        var users = new Dictionary<string, UserEntry>(d.Users ?? new Dictionary<string, UserEntry>(), StringComparer.Ordinal);
        var wildcard = d.WildcardUser;
        void Convert(IReadOnlyList<LegacyUserPattern>? list, string permission)
        {
            foreach (var pattern in list ?? [])
            {
                var entry = new UserEntry
                {
                    Password = pattern.Password ?? Password.Wildcard,
                    Permissions = PermissionSpec.Named(permission),
                };
                if (pattern.Username is null)
                {
                    if (wildcard is null) wildcard = entry;
                    else warn("more than one legacy wildcard pattern; keeping the first");
                }
                else if (!users.TryAdd(pattern.Username, entry))
                {
                    warn($"legacy user '{pattern.Username}' is already defined; keeping the first");
                }
            }
        }
        Convert(d.LegacyOp, "op");
        Convert(d.LegacyPresenter, "present");
        Convert(d.LegacyOther, "message");
        return d with { Users = users, WildcardUser = wildcard, LegacyOp = null, LegacyPresenter = null, LegacyOther = null };
    }
}
