using System.Text;
using Tessera.Auth.Login;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Login;

namespace Tessera.Server.Recordings;

/// <summary>
/// Who may read a group's recordings (http.md §11, §13): the credentials of the <c>Authorization</c>
/// header — HTTP Basic, checked as a password join to the group, or a bearer token (stateful or
/// JWT), checked as a token join — must grant <c>record</c> in that group. Anything else is refused;
/// nothing here ever logs a password or token.
/// </summary>
public sealed class RecordingsCredentials(GroupDescriptionStore groups, ServerConfigSource config, JoinAuthenticator authenticator)
{
    /// <summary>What the request presented: nothing, something unreadable, or credentials.</summary>
    public static JoinCredentials? Presented(HttpRequest request, out bool malformed)
    {
        malformed = false;
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return null;
        int space = header.IndexOf(' ');
        var scheme = space < 0 ? header : header[..space];
        var value = space < 0 ? "" : header[(space + 1)..].Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            return new JoinCredentials(null, Token: value);
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(value));
                int colon = text.IndexOf(':');
                if (colon >= 0)
                    return new JoinCredentials(text[..colon], text[(colon + 1)..]);
            }
            catch (FormatException)
            {
            }
        }
        malformed = true;
        return null;
    }

    /// <summary>True when <paramref name="credentials"/> grant <c>record</c> in <paramref name="group"/> (a group that exists and is readable).</summary>
    public async Task<bool> MayRecordAsync(string group, JoinCredentials credentials, CancellationToken cancellationToken)
    {
        var lookup = groups.Lookup(group);
        if (!lookup.Found)
            return false;
        var result = await authenticator.AuthenticateAsync(group, lookup.Description!, config.TryGet(out _), credentials, cancellationToken);
        return result.IsGranted && result.Permissions.Contains(PermissionNames.Record);
    }
}
