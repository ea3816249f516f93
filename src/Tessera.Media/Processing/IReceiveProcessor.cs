namespace Tessera.Media.Processing;

/// <summary>
/// One stage of an incoming track's chain (cache, statistics, NACK generation, rate metering):
/// sees every packet the publisher sends, in order, on the receive thread, before it is forwarded.
/// A new per-track feature (RTX, audio level, a recording sink) is one more processor.
/// </summary>
public interface IReceiveProcessor
{
    void OnReceived(in ReceivedPacket packet);
}
