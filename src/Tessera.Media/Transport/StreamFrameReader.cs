namespace Tessera.Media.Transport;

/// <summary>
/// Cuts a byte stream into the messages it carries (TURN over TCP, RFC 4571 framing for ICE-TCP).
/// The buffer holds one largest message and never grows, so a client cannot make the server hold
/// more than that per connection however it splits or pads what it sends.
/// </summary>
internal sealed class StreamFrameReader
{
    private readonly byte[] _buffer;
    private readonly Func<ReadOnlySpan<byte>, int> _frameLength;
    private int _start;
    private int _end;
    private int _pending; // length of the frame returned last time, consumed on the next call

    /// <param name="maxFrame">The largest frame the format allows.</param>
    /// <param name="frameLength">
    /// Given the buffered bytes, the whole length of the frame they start with; 0 when more bytes are
    /// needed to tell; negative when they cannot start a valid frame.
    /// </param>
    public StreamFrameReader(int maxFrame, Func<ReadOnlySpan<byte>, int> frameLength)
    {
        _buffer = new byte[maxFrame];
        _frameLength = frameLength;
    }

    /// <summary>
    /// The next frame, valid until the next call; null at the end of the stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream does not carry this format.</exception>
    public async ValueTask<Memory<byte>?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        _start += _pending;
        _pending = 0;
        while (true)
        {
            var buffered = _buffer.AsSpan(_start, _end - _start);
            int length = buffered.IsEmpty ? 0 : _frameLength(buffered);
            if (length < 0 || length > _buffer.Length)
                throw new InvalidDataException("not a valid frame");
            if (length > 0 && buffered.Length >= length)
            {
                _pending = length;
                return _buffer.AsMemory(_start, length);
            }
            if (_end == _buffer.Length || (length > 0 && _start + length > _buffer.Length))
            {
                // Move what is left of the stream to the front to make room for the rest of the frame.
                buffered.CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return null;
            _end += read;
        }
    }
}
