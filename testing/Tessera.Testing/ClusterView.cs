using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tessera.Testing;

/// <summary>
/// What the nodes of a test cluster say about themselves through the administrative API
/// (<c>/galene-api/v0/.cluster</c>): how the cluster tests check that no group is served by two
/// nodes at once. The client must carry an administrator's credentials (<see cref="AdminHttp"/>).
/// </summary>
public static class ClusterView
{
    /// <param name="from">A loopback source address other than 127.0.0.1, to play another machine.</param>
    public static HttpClient AdminHttp(string user, string password, System.Net.IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler();
        if (from is not null)
            handler.ConnectCallback = async (context, ct) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                s.Bind(new System.Net.IPEndPoint(from, 0));
                await s.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            };
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    /// <summary>The node's answer to <c>.cluster</c>.</summary>
    public static async Task<JsonObject> ReadAsync(HttpClient admin, string baseUrl) =>
        JsonNode.Parse(await admin.GetStringAsync(baseUrl + "/galene-api/v0/.cluster"))!.AsObject();

    /// <summary>The groups the node holds a valid lease on, by its own account.</summary>
    public static async Task<IReadOnlyList<string>> HostingAsync(HttpClient admin, string baseUrl) =>
        (await ReadAsync(admin, baseUrl))["self"]!["hosting"]!.AsArray().Select(g => (string)g!).ToList();

    /// <summary>The one of <paramref name="baseUrls"/> that serves <paramref name="group"/>, or null.</summary>
    /// <exception cref="InvalidOperationException">Two or more nodes claim it at once.</exception>
    public static async Task<string?> HostOfAsync(HttpClient admin, IEnumerable<string> baseUrls, string group)
    {
        var hosts = new List<string>();
        foreach (var url in baseUrls)
            if ((await HostingAsync(admin, url)).Contains(group)) hosts.Add(url);
        return hosts.Count <= 1 ? hosts.SingleOrDefault()
            : throw new InvalidOperationException($"{group} is served by {hosts.Count} nodes at once: {string.Join(", ", hosts)}");
    }
}
