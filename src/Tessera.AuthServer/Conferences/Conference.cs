namespace Tessera.AuthServer.Conferences;

/// <summary>One configured conference server: its base URL (ending in <c>/</c>) and its origin.</summary>
public sealed record Conference(string BaseUrl, Uri Uri)
{
    /// <summary><c>scheme://host[:port]</c> as browsers send it in <c>Origin</c>.</summary>
    public string Origin => Uri.GetLeftPart(UriPartial.Authority);

    public bool HasOrigin(Uri origin) =>
        origin.Scheme == Uri.Scheme && origin.Port == Uri.Port &&
        string.Equals(origin.IdnHost, Uri.IdnHost, StringComparison.OrdinalIgnoreCase);
}
