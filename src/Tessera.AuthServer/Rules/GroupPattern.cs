namespace Tessera.AuthServer.Rules;

/// <summary>
/// A glob over group names: <c>*</c> matches any run of characters inside one path segment,
/// <c>**</c> any run including <c>/</c>. So <c>lectures/*</c> matches <c>lectures/maths</c> but not
/// <c>lectures</c> or <c>lectures/maths/room1</c>; <c>lectures/**</c> matches the last one too.
/// </summary>
public sealed class GroupPattern
{
    private readonly string _pattern;

    public GroupPattern(string pattern)
    {
        if (pattern.Length == 0) throw new ArgumentException("empty group pattern");
        _pattern = pattern;
    }

    public bool Matches(string group) => Match(_pattern.AsSpan(), group.AsSpan());

    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s)
    {
        while (p.Length > 0)
        {
            if (p[0] == '*')
            {
                var crossesSegments = p.Length > 1 && p[1] == '*';
                var rest = p[(crossesSegments ? 2 : 1)..];
                // Try every split point the star may cover, shortest first.
                for (var i = 0; i <= s.Length; i++)
                {
                    if (Match(rest, s[i..])) return true;
                    if (i < s.Length && !crossesSegments && s[i] == '/') return false;
                }
                return false;
            }
            if (s.Length == 0 || s[0] != p[0]) return false;
            p = p[1..];
            s = s[1..];
        }
        return s.Length == 0;
    }

    public override string ToString() => _pattern;
}
