using System.Text;

namespace Tessera.AuthServer.Login;

/// <summary>
/// How typed usernames are compared (README, "Usernames"). A name is trimmed before anything
/// else sees it. Where two spellings could reach the same account — a directory ignores case
/// and compatibility forms — they share one <see cref="Key"/>: Unicode NFKC, then lower case.
/// The key is never shown or put in a token; the back end's stored name is.
/// </summary>
public static class UsernameForm
{
    public static string Trim(string typed) => typed.Trim();

    /// <summary>NFKC then lower case: "Alice", " alice" and fullwidth "ａｌｉｃｅ" share the key "alice".</summary>
    public static string Key(string name) => name.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();
}
