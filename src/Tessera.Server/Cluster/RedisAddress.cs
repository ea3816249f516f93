using StackExchange.Redis;

namespace Tessera.Server.Cluster;

/// <summary>
/// <c>redis://[[user]:password@]host[:port][/db]</c> (or <c>rediss://</c> for TLS), the usual
/// form, turned into the client's options.
/// </summary>
public static class RedisAddress
{
    /// <exception cref="FormatException">Not such a URL.</exception>
    public static ConfigurationOptions Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host == "")
            throw new FormatException($"--redis must be a URL such as redis://127.0.0.1:6379 (got \"{url}\")");
        var options = new ConfigurationOptions
        {
            Ssl = uri.Scheme == "rediss",
            // Fail at start-up when Redis is unreachable; later losses are retried in the background.
            AbortOnConnectFail = true,
            // Generous for a busy machine; a refused connection fails at once whatever these say.
            ConnectTimeout = 5000,
            ConnectRetry = 2,
            ClientName = "tessera",
        };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo != "")
        {
            var parts = uri.UserInfo.Split(':', 2);
            if (parts.Length == 2)
            {
                if (parts[0] != "") options.User = Uri.UnescapeDataString(parts[0]);
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
            else options.Password = Uri.UnescapeDataString(parts[0]);
        }
        var db = uri.AbsolutePath.Trim('/');
        if (db != "")
        {
            if (!int.TryParse(db, out var n) || n < 0) throw new FormatException($"--redis: \"{db}\" is not a database number");
            options.DefaultDatabase = n;
        }
        return options;
    }

    /// <summary>The URL with any password hidden, for the log and error messages.</summary>
    public static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo != "" ? url.Replace(uri.UserInfo + "@", "***@") : url;
}
