using System.Text;

namespace Tessera.AuthServer.Backends.Ldap;

/// <summary>Escaping of user input placed in DNs (RFC 4514 §2.4) and search filters (RFC 4515 §3).</summary>
public static class LdapEscaping
{
    /// <summary>Escapes a value for use as an attribute value inside a DN.</summary>
    public static string DnValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var special = c is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '='
                          || (i == 0 && (c == ' ' || c == '#'))
                          || (i == value.Length - 1 && c == ' ');
            if (c == '\0') sb.Append("\\00");
            else if (special) sb.Append('\\').Append(c);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Escapes a value for use inside a filter assertion: <c>* ( ) \ NUL</c> become <c>\XX</c>.</summary>
    public static string FilterValue(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            switch (c)
            {
                case '*': sb.Append("\\2a"); break;
                case '(': sb.Append("\\28"); break;
                case ')': sb.Append("\\29"); break;
                case '\\': sb.Append("\\5c"); break;
                case '\0': sb.Append("\\00"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
