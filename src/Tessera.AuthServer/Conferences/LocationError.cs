namespace Tessera.AuthServer.Conferences;

/// <summary>Why a requested group URL was not accepted.</summary>
public enum LocationError
{
    None,
    /// <summary>Not an absolute http(s) URL of the form …/group/NAME/, or an invalid group name: 400.</summary>
    Malformed,
    /// <summary>A well-formed URL on a server we do not mint tokens for: 403.</summary>
    NotOurs,
}
