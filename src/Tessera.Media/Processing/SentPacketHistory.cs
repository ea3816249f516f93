namespace Tessera.Media.Processing;

/// <summary>
/// What each recently sent sequence number was (source track and its number there), so that NACKs
/// are answered with the right packet across simulcast switches and dropped layers.
/// </summary>
public sealed class SentPacketHistory : IForwardProcessor
{
    public const int Size = 1024;
    private readonly ForwardedPacket[] _sent = new ForwardedPacket[Size];
    private readonly bool[] _used = new bool[Size];

    public void OnForwarded(in ForwardedPacket packet)
    {
        int slot = packet.Sequence % Size;
        _sent[slot] = packet;
        _used[slot] = true;
    }

    /// <summary>The packet sent under <paramref name="sequence"/>, if it is still remembered.</summary>
    public bool TryGet(ushort sequence, out ForwardedPacket packet)
    {
        int slot = sequence % Size;
        packet = _sent[slot];
        return _used[slot] && packet.Sequence == sequence;
    }
}
