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
        var first = cluster.Nodes[0]!;

        // An ordinary HTTP client posting to any node follows the 307 with the same POST and body
        // (or is answered at once if that node was chosen), and is admitted by the host.
        using var http = new HttpClient();
        using var created = await http.PostAsync(TestCluster.BaseUrl(first) + "/group/live/.whip", Offer());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains("a=recvonly", await created.Content.ReadAsStringAsync());
        var host = await cluster.AwaitHostAsync("live");
        Assert.Equal(TestCluster.BaseUrl(host) + "/group/live/.whip", created.RequestMessage!.RequestUri!.ToString());

        // Each other node answers 307 with the host's WHIP URL, and joins nothing itself.
        using var noFollow = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        foreach (var other in cluster.Live.Where(n => n != host))
        {
            using var redirected = await noFollow.PostAsync(TestCluster.BaseUrl(other) + "/group/live/.whip", Offer("Zz9y"));
            Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
            Assert.Equal(TestCluster.BaseUrl(host) + "/group/live/.whip", redirected.Headers.Location!.OriginalString);
            Assert.Empty(await TestCluster.HostingAsync(other));
        }
        Assert.Equal(host, await cluster.HostOfAsync("live"));
    }

    private static StringContent Offer(string ufrag = "Ab1c") => new(PublisherSdp.AudioOffer(ufrag), Encoding.UTF8, "application/sdp");
}
