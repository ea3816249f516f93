using System.Net;
using System.Text;
using Tessera.Server.Tests.Support;

namespace Tessera.Server.Tests.Cluster;

/// <summary>An encoder configured with any node's WHIP URL ends up publishing on the node that serves the group.</summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterWhipTests
{
    [Fact]
    public async Task A_WHIP_offer_to_a_node_that_does_not_serve_the_group_is_sent_to_the_host_with_307()
    {
        await using var cluster = await TestCluster.StartAsync("live");
        // Placed by the first .status, as a browser would place it.
        var status = await ClusterClient.StatusAsync($"{TestCluster.BaseUrl(cluster.Nodes[0]!)}/group/live/");
        var endpoint = (string)status["endpoint"]!;
        var host = cluster.Live.Single(n => endpoint == $"ws://127.0.0.1:{n.Port}/ws");
        var other = cluster.Live.First(n => n != host);

        using (var noFollow = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }))
        using (var redirected = await noFollow.PostAsync(TestCluster.BaseUrl(other) + "/group/live/.whip", Offer()))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
            Assert.Equal(TestCluster.BaseUrl(host) + "/group/live/.whip", redirected.Headers.Location!.OriginalString);
        }
        Assert.Empty(await TestCluster.HostingAsync(other)); // nothing was joined where it was refused

        // An ordinary HTTP client follows the 307 with the same POST and body, and is admitted by the host.
        using var http = new HttpClient();
        using var created = await http.PostAsync(TestCluster.BaseUrl(other) + "/group/live/.whip", Offer());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("a=recvonly", await created.Content.ReadAsStringAsync());
        Assert.Equal(TestCluster.BaseUrl(host) + "/group/live/.whip", created.RequestMessage!.RequestUri!.ToString());
        Assert.Equal(host, await cluster.HostOfAsync("live"));

        // The host itself answers without redirect.
        using var direct = await http.PostAsync(TestCluster.BaseUrl(host) + "/group/live/.whip", Offer("Zz9y"));
        Assert.Equal(HttpStatusCode.Created, direct.StatusCode);
        Assert.Equal(TestCluster.BaseUrl(host) + "/group/live/.whip", direct.RequestMessage!.RequestUri!.ToString());
    }

    private static StringContent Offer(string ufrag = "Ab1c") => new(PublisherSdp.AudioOffer(ufrag), Encoding.UTF8, "application/sdp");
}
