using System.Text;

namespace Tessera.Server.Admin;

/// <summary>
/// What an API request's <c>Authorization</c> header carries (http.md §10.1): HTTP Basic and/or a
/// bearer token. Never printed: <see cref="ToString"/> names only what is present.
/// </summary>
public sealed record AdminCredentials(string? Username, string? Password, string? BearerToken)
{
    public static readonly AdminCredentials None = new(null, null, null);

    public bool HasBasic => Username is not null;

    public static AdminCredentials From(HttpRequest request)
    {
        string? username = null, password = null, bearer = null;
        foreach (var header in request.Headers.Authorization)
        {
            if (header is null) continue;
            foreach (var part in header.Split(','))
            {
                var item = part.Trim();
                var space = item.IndexOf(' ');
                if (space <= 0) continue;
                var scheme = item[..space];
                var value = item[(space + 1)..];
                if (bearer is null && scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && value.Length > 0 && !value.Contains(' '))
                    bearer = value;
                else if (username is null && scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && DecodeBasic(value) is { } basic)
                    (username, password) = basic;
            }
        }
        return new AdminCredentials(username, password, bearer);
    }

    private static (string, string)? DecodeBasic(string value)
    {
        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), bytes, out var length)) return null;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var colon = text.IndexOf(':');
        return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
    }

    public override string ToString() =>
        $"AdminCredentials(basic={(HasBasic ? "'" + Username + "'" : "no")}, bearer={(BearerToken is null ? "no" : "yes")})";
}
