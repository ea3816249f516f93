using System.Text.Json.Nodes;
using Tessera.Protocol;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Cluster;

/// <summary>
/// Joins as both browser clients do in a cluster: read the group's <c>.status</c> from a page
/// origin, open the WebSocket at its <c>endpoint</c>, and on <c>joined</c> kind <c>redirect</c>
/// start again from the URL it names.
/// </summary>
public static class ClusterClient
{
    /// <summary>
    /// How long one attempt waits for an answer: a stopped (SIGSTOP) node accepts connections and
    /// never answers, and the browser's client gives up on it too and tries again.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(4);

    /// <summary>The group's .status as read from <paramref name="pageUrl"/> (a group page URL).</summary>
    public static async Task<JsonObject> StatusAsync(string pageUrl, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = timeout ?? WsClient.DefaultTimeout };
        return JsonNode.Parse(await http.GetStringAsync(pageUrl.TrimEnd('/') + "/.status"))!.AsObject();
    }

    /// <summary>Joins through the page on <paramref name="nodeBaseUrl"/>, following redirects; returns the joined client.</summary>
    /// <param name="patience">How long each request may take (20 s unless said).</param>
    public static async Task<(WsClient Client, string Endpoint)> JoinAsync(string nodeBaseUrl, string group, string username, string? token = null,
                                                                         TimeSpan? patience = null)
    {
        var page = $"{nodeBaseUrl}/group/{group}/";
        for (var hops = 0; hops < 5; hops++)
        {
            var endpoint = (string)(await StatusAsync(page, patience))["endpoint"]!;
            var (client, joined) = await JoinAtAsync(endpoint, group, username, token, patience);
            if (joined.Kind == "join") return (client, endpoint);
            Assert.True(joined.Kind == "redirect", $"{username} was refused: {joined.Value}");
            await client.DisposeAsync();
            page = (string)joined.Value!;
        }
        throw new Xunit.Sdk.XunitException($"{group}: more than 5 redirects");
    }

    /// <summary>Opens a WebSocket at <paramref name="endpoint"/> and sends a join there, whatever node it is.</summary>
    public static async Task<(WsClient Client, Message Joined)> JoinAtAsync(string endpoint, string group, string username, string? token = null,
                                                                        TimeSpan? patience = null)
    {
        var client = await WsClient.ConnectAsync(new Uri(endpoint), timeout: patience);
        try
        {
            await client.HandshakeAsync();
            return (client, await client.JoinAsync(group, username, token: token));
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Joins, retrying while the group cannot be reached (its node just died): what the browser's backoff does.</summary>
    public static Task<(WsClient Client, string Endpoint)> RejoinAsync(string nodeBaseUrl, string group, string username) =>
        Eventually.Value(async () =>
        {
            try
            {
                return await JoinAsync(nodeBaseUrl, group, username, patience: Patience);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException
                                           or OperationCanceledException or Xunit.Sdk.XunitException)
            {
                return default;
            }
        }, r => r.Client is not null, $"{username} joins {group} again", timeout: TimeSpan.FromSeconds(40));

    /// <summary>Sends a chat message and asserts that <paramref name="to"/> receives it.</summary>
    public static async Task ChatAsync(WsClient from, WsClient to, string text)
    {
        await from.SendAsync(new JsonObject { ["type"] = "chat", ["value"] = text });
        var received = await to.ReceiveAsync("chat", where: m => (string?)m["value"] == text);
        Assert.Equal(from.Id, (string?)received["source"]);
    }

    /// <summary>One member per group, group i joined through entry node <c>entries(i)</c>; disposing the set closes them all.</summary>
    public static async Task<Members> JoinEachAsync(IReadOnlyList<string> groups, Func<int, string> entries)
    {
        var members = new Members();
        try
        {
            for (var i = 0; i < groups.Count; i++)
                members.Add((await JoinAsync(entries(i), groups[i], "m" + i)).Client);
            return members;
        }
        catch
        {
            await members.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connected members a test keeps until it ends.</summary>
    public sealed class Members : List<WsClient>, IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var member in this) await member.DisposeAsync();
        }
    }
}
