using System.Globalization;
using System.Net;
using System.Text;

namespace Tessera.Server.Recordings;

/// <summary>The HTML page of a group's recordings (http.md §11): each file with its size, a link and a delete button.</summary>
public static class RecordingsListing
{
    public static string Render(string group, IEnumerable<FileInfo> files)
    {
        var encodedGroup = WebUtility.HtmlEncode(group);
        var page = new StringBuilder();
        page.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Recordings of ").Append(encodedGroup).Append("</title>\n</head>\n<body>\n")
            .Append("<h1>Recordings of ").Append(encodedGroup).Append("</h1>\n");
        var list = files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            page.Append("<p>There are no recordings.</p>\n");
        }
        else
        {
            page.Append("<table>\n<thead><tr><th>File</th><th>Bytes</th><th></th></tr></thead>\n<tbody>\n");
            foreach (var file in list)
            {
                var name = WebUtility.HtmlEncode(file.Name);
                var href = WebUtility.HtmlEncode(Uri.EscapeDataString(file.Name));
                page.Append("<tr><td><a href=\"").Append(href).Append("\">").Append(name).Append("</a></td>")
                    .Append("<td>").Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                    .Append("<td><form method=\"post\"><input type=\"hidden\" name=\"q\" value=\"delete\">")
                    .Append("<input type=\"hidden\" name=\"filename\" value=\"").Append(name).Append("\">")
                    .Append("<button type=\"submit\">Delete</button></form></td></tr>\n");
            }
            page.Append("</tbody>\n</table>\n");
        }
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }
}
