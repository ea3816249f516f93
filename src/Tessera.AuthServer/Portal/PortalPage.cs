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
    public sealed record Model(string State, GroupTarget? Target, IReadOnlyList<Conference> Conferences,
                               string? Username = null, string? Error = null, string? TypedGroup = null);

    public static string Render(Model m)
    {
        var h = HtmlEncoder.Default;
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
            </style>
            </head>
            <body>
            <main>
            <h1>Sign in</h1>

            """);
        if (m.Target is not null)
            sb.Append("<p>to join <strong>").Append(h.Encode(m.Target.Group)).Append("</strong></p>\n");
        if (m.Error is not null)
            sb.Append("<p class=\"error\" role=\"alert\">").Append(h.Encode(m.Error)).Append("</p>\n");
        sb.Append("<form method=\"post\" action=\"login\">\n");
        sb.Append("<input type=\"hidden\" name=\"state\" value=\"").Append(h.Encode(m.State)).Append("\">\n");
        if (m.Target is not null)
            sb.Append("<input type=\"hidden\" name=\"return\" value=\"").Append(h.Encode(m.Target.Url)).Append("\">\n");
        else
        {
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
        sb.Append("<label for=\"username\">Username</label>\n")
          .Append("<input id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus value=\"")
          .Append(h.Encode(m.Username ?? "")).Append("\">\n")
          .Append("<label for=\"password\">Password</label>\n")
          .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n")
          .Append("<button type=\"submit\">Sign in</button>\n</form>\n</main>\n</body>\n</html>\n");
        return sb.ToString();
    }
}
