using Tessera.Media.Sfu;
using Tessera.Media.Transport;

namespace Tessera.Media.Tests.Sfu;

/// <summary>The offer/answer and connection steps every simulated call repeats.</summary>
internal static class SimulatedCalls
{
    /// <summary>The simulated publisher applies the server's answer and connects; returns once the server's side is up.</summary>
    public static async Task ConnectPublisherAsync(this BrowserSimulator publisher, UdpMultiplexer endpoint, PublisherConnection up)
    {
        await publisher.ConnectAsync(endpoint.LocalEndPoint, up.AnswerSdp);
        await Eventually.True(() => up.Transport.State == PeerTransportState.Connected);
    }

    /// <summary>The server offers what the down stream carries, the simulated receiver answers and connects; returns the offer.</summary>
    public static async Task<string> ConnectReceiverAsync(this BrowserSimulator receiver, UdpMultiplexer endpoint, ReceiverConnection down)
    {
        string offer = down.CreateOffer();
        down.ApplyAnswer(receiver.AnswerFor(offer));
        await receiver.ConnectAsync(endpoint.LocalEndPoint, offer);
        await Eventually.True(() => down.Transport.State == PeerTransportState.Connected);
        return offer;
    }
}
