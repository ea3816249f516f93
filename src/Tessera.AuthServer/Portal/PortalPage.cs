using System.Text;
using System.Text.Encodings.Web;
using Tessera.AuthServer.Conferences;

namespace Tessera.AuthServer.Portal;

/// <summary>
/// The portal's sign-in page: server-rendered HTML, no script, labelled fields. Every value
/// placed in the page is HTML-encoded; the password is never written back.
/// </summary>
public static class PortalPage
{
    /// <param name="Providers">Single sign-on buttons, shown above the password form.</param>
    /// <param name="PasswordForm">False when no back end takes passwords: buttons only.</param>
    public sealed record Model(string State, GroupTarget? Target, IReadOnlyList<Conference> Conferences,
                               string? Username = null, string? Error = null, string? TypedGroup = null,
                               IReadOnlyList<ProviderButton>? Providers = null, bool PasswordForm = true);

    public static string Render(Model m)
    {
        var h = HtmlEncoder.Default;
        var sb = Head("Sign in");
        if (m.Target is not null)
            sb.Append("<p>to join <strong>").Append(h.Encode(m.Target.Group)).Append("</strong></p>\n");
        if (m.Error is not null)
            sb.Append("<p class=\"error\" role=\"alert\">").Append(h.Encode(m.Error)).Append("</p>\n");
        if (m.Providers is { Count: > 0 } providers)
        {
            if (m.Target is null)
            {
                // The buttons leave for the provider at once, so the group must be known first.
                sb.Append("<form method=\"get\" action=\"./\">\n");
                GroupFields(sb, m);
                return sb.Append("<button type=\"submit\">Continue</button>\n</form>\n</main>\n</body>\n</html>\n").ToString();
            }
            var query = "?return=" + Uri.EscapeDataString(m.Target.Url);
            foreach (var p in providers)
                sb.Append("<a class=\"sso\" href=\"oidc/").Append(Uri.EscapeDataString(p.Name)).Append("/start")
                  .Append(h.Encode(query)).Append("\">").Append(h.Encode(p.Label)).Append("</a>\n");
            if (!m.PasswordForm) return sb.Append("</main>\n</body>\n</html>\n").ToString();
            sb.Append("<p class=\"or\">or with a password</p>\n");
        }
        PasswordForm(sb, m);
        return sb.ToString();
    }

    /// <summary>A page that only says something: why a single sign-on did not work, and where to start again.</summary>
    public static string RenderMessage(string title, string message, string? retryHref)
    {
        var h = HtmlEncoder.Default;
        var sb = Head(title);
        sb.Append("<p class=\"error\" role=\"alert\">").Append(h.Encode(message)).Append("</p>\n");
        if (retryHref is not null)
            sb.Append("<p><a href=\"").Append(h.Encode(retryHref)).Append("\">Start again</a></p>\n");
        return sb.Append("</main>\n</body>\n</html>\n").ToString();
    }

    private static StringBuilder Head(string title)
    {
        var sb = new StringBuilder(2048);
        sb.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in</title>
            <style>
            body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
            main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px #0002; }
            h1 { font-size: 1.4rem; margin-top: 0; }
            label { display: block; margin-top: 1rem; font-weight: 600; }
            input, select { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
            button { margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; }
            .error { color: #a40000; background: #fde8e8; padding: .5rem; border-radius: .25rem; }
            a.sso { display: block; margin-top: 1rem; padding: .6rem; text-align: center; border: 1px solid #456; border-radius: .25rem; color: #123; text-decoration: none; }
            .or { margin-top: 1.5rem; text-align: center; color: #555; }
            </style>
            </head>
            <body>
            <main>

            """);
        sb.Append("<h1>").Append(HtmlEncoder.Default.Encode(title)).Append("</h1>\n");
        return sb;
    }

    private static void PasswordForm(StringBuilder sb, Model m)
    {
        var h = HtmlEncoder.Default;
        sb.Append("<form method=\"post\" action=\"login\">\n");
        sb.Append("<input type=\"hidden\" name=\"state\" value=\"").Append(h.Encode(m.State)).Append("\">\n");
        if (m.Target is not null)
            sb.Append("<input type=\"hidden\" name=\"return\" value=\"").Append(h.Encode(m.Target.Url)).Append("\">\n");
        else
            GroupFields(sb, m);
        sb.Append("<label for=\"username\">Username</label>\n")
          .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus value=\"")
          .Append(h.Encode(m.Username ?? "")).Append("\">\n")
          .Append("<label for=\"password\">Password</label>\n")
          .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n")
          .Append("<button type=\"submit\">Sign in</button>\n</form>\n</main>\n</body>\n</html>\n");
    }

    private static void GroupFields(StringBuilder sb, Model m)
    {
        var h = HtmlEncoder.Default;
        if (m.Conferences.Count > 1)
        {
            sb.Append("<label for=\"conference\">Server</label>\n<select id=\"conference\" name=\"conference\">\n");
            foreach (var c in m.Conferences)
                sb.Append("<option>").Append(h.Encode(c.BaseUrl)).Append("</option>\n");
            sb.Append("</select>\n");
        }
        sb.Append("<label for=\"group\">Group</label>\n<input id=\"group\" name=\"group\" required value=\"")
          .Append(h.Encode(m.TypedGroup ?? "")).Append("\">\n");
    }
}
