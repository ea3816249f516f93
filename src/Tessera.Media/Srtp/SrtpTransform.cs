namespace Tessera.Media.Srtp;

/// <summary>
/// The cryptographic half of a profile: encrypts/authenticates one packet in place given its index.
/// Index bookkeeping (ROC, replay) is the context's business.
/// </summary>
internal abstract class SrtpTransform : IDisposable
{
    public abstract int RtpTagLength { get; }
    public abstract int RtcpTrailerLength { get; }

    /// <summary>Encrypts packet[headerLength..length] and appends the tag; returns the new length.</summary>
    public abstract int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index);

    /// <summary>
    /// Protects <paramref name="source"/> (header and payload) into <paramref name="destination"/>,
    /// which does not overlap it; returns the protected length. A transform whose cipher can write
    /// elsewhere than its input saves the copy this one makes.
    /// </summary>
    public virtual int ProtectRtp(ReadOnlySpan<byte> source, Span<byte> destination, int headerLength, uint ssrc, ulong index)
    {
        source.CopyTo(destination);
        return ProtectRtp(destination, headerLength, source.Length, ssrc, index);
    }

    /// <summary>Authenticates and decrypts; on failure the buffer is left as it was received.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index, out int plainLength);

    /// <summary>Encrypts from byte 8, appends the trailer with the E flag set and <paramref name="index"/>.</summary>
    public abstract int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>Reads the SRTCP index from the trailer (without verifying).</summary>
    public abstract uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet, int length);

    public abstract bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint indexWord, out int plainLength);

    public abstract void Dispose();
}
