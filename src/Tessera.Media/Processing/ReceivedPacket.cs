using Tessera.Media.Codecs;
using Tessera.Media.Rtp;

namespace Tessera.Media.Processing;

/// <summary>
/// One decrypted RTP packet from a publisher, read once (header, layers, arrival time) for every
/// processor and receiver of its track. Valid only during the call that hands it over.
/// </summary>
public readonly ref struct ReceivedPacket
{
    public ReceivedPacket(ReadOnlySpan<byte> data, in RtpPacket header, PacketLayers layers, DateTimeOffset arrival)
    {
        Data = data;
        Header = header;
        Layers = layers;
        Arrival = arrival;
    }

    public ReadOnlySpan<byte> Data { get; }
    public RtpPacket Header { get; }
    public PacketLayers Layers { get; }
    public DateTimeOffset Arrival { get; }

    public ReadOnlySpan<byte> Payload => Data.Slice(Header.PayloadOffset, Header.PayloadLength);
}
