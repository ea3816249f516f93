namespace Tessera.Auth.Tokens;

/// <summary>The member sending a token command, as the group layer knows it.</summary>
/// <param name="Group">The sender's group.</param>
/// <param name="Username">The sender's username (possibly <c>""</c>).</param>
/// <param name="Permissions">The sender's internal permission names.</param>
/// <param name="IsConfiguredUser">Whether a name is a key of the group's <c>users</c>.</param>
public sealed record TokenSender(string Group, string Username, IReadOnlyList<string> Permissions,
                                 Func<string, bool> IsConfiguredUser)
{
    public bool Holds(string permission) => Permissions.Contains(permission);
}
