using Tessera.Auth;

namespace Tessera.AuthServer.Conferences;

/// <summary>A group on a configured conference server: the token's audience and the portal's redirect target.</summary>
public sealed record GroupTarget(Conference Conference, string Group)
{
    /// <summary><c>CONFERENCE/group/NAME/</c>, segments percent-encoded: the <c>aud</c> claim.</summary>
    public string Url => Conference.BaseUrl + "group/" + GroupNames.ToPath(Group) + "/";
}
