using System.Buffers;
using System.Net;

namespace Tessera.Media.Turn;

/// <summary>
/// A client on a TCP or TLS connection: messages are written back to back on the stream, ChannelData
/// padded to 4 bytes (RFC 8656 §12.5). A client that stops reading holds its own relay only until
/// the send times out, then loses its connection.
/// </summary>
internal sealed class StreamTurnClient(Stream stream, IPEndPoint remote, TurnTransport transport, Action closeConnection)
    : TurnClient(remote, transport)
{
    private readonly object _writeGate = new();

    public override void Send(ReadOnlySpan<byte> message) => Write(message, 0);

    public override void SendChannelData(ReadOnlySpan<byte> message) =>
        Write(message, ChannelData.StreamPadding(message.Length - ChannelData.HeaderLength));

    private void Write(ReadOnlySpan<byte> message, int padding)
    {
        byte[] frame = ArrayPool<byte>.Shared.Rent(message.Length + padding);
        try
        {
            message.CopyTo(frame);
            frame.AsSpan(message.Length, padding).Clear();
            lock (_writeGate)
                stream.Write(frame, 0, message.Length + padding);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            closeConnection();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
