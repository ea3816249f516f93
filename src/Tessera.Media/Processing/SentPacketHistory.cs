namespace Tessera.Media.Processing;

/// <summary>
/// What each recently sent sequence number was (source track and its number there), so that NACKs
/// are answered with the right packet across simulcast switches and dropped layers.
/// </summary>
public sealed class SentPacketHistory : IForwardProcessor
{
    public const int Size = 1024;
    private readonly ForwardedPacket[] _sent = new ForwardedPacket[Size];

    public void OnForwarded(in ForwardedPacket packet) => _sent[packet.Sequence % Size] = packet;

    /// <summary>The packet sent under <paramref name="sequence"/>, if it is still remembered.</summary>
    public bool TryGet(ushort sequence, out ForwardedPacket packet)
    {
        int slot = sequence % Size;
        packet = _sent[slot];
        return packet.SourceCache is not null && packet.Sequence == sequence; // an empty slot has no source
    }
}
