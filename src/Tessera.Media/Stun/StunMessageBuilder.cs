using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Media.Stun;

/// <summary>
/// Builds a STUN message attribute by attribute. MESSAGE-INTEGRITY and FINGERPRINT are computed
/// over what has been written so far, so add them last, in that order.
/// </summary>
public sealed class StunMessageBuilder
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public StunMessageBuilder(StunMessageType type, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != StunConstants.TransactionIdLength)
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(transactionId));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, type.ToWire());
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunConstants.MagicCookie);
        transactionId.CopyTo(_buffer.AsSpan(8));
        _length = StunConstants.HeaderLength;
        UpdateLengthField();
    }

    /// <summary>Byte used to pad attribute values to 4 bytes; RFC 8489 says any value, RFC 5769 vectors use 0x20.</summary>
    public byte PaddingByte { get; set; }

    public static byte[] NewTransactionId() => RandomNumberGenerator.GetBytes(StunConstants.TransactionIdLength);

    public StunMessageBuilder Add(ushort type, ReadOnlySpan<byte> value)
    {
        int padded = (value.Length + 3) & ~3;
        Span<byte> slot = Reserve(type, value.Length, padded);
        value.CopyTo(slot);
        slot[value.Length..padded].Fill(PaddingByte);
        return this;
    }

    public StunMessageBuilder AddUsername(string username) => Add(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));

    public StunMessageBuilder AddSoftware(string software) => Add(StunAttributeType.Software, Encoding.UTF8.GetBytes(software));

    public StunMessageBuilder AddPriority(uint priority)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, priority);
        return Add(StunAttributeType.Priority, v);
    }

    public StunMessageBuilder AddUseCandidate() => Add(StunAttributeType.UseCandidate, ReadOnlySpan<byte>.Empty);

    public StunMessageBuilder AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    public StunMessageBuilder AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    private StunMessageBuilder AddUInt64(ushort type, ulong value)
    {
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(v, value);
        return Add(type, v);
    }

    public StunMessageBuilder AddXorMappedAddress(IPEndPoint endPoint)
    {
        Span<byte> v = stackalloc byte[20];
        int length = XorAddress.EncodedLength(endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint);
        XorAddress.Encode(endPoint, _buffer.AsSpan(8, StunConstants.TransactionIdLength), v);
        return Add(StunAttributeType.XorMappedAddress, v[..length]);
    }

    public StunMessageBuilder AddErrorCode(StunErrorCode error)
    {
        if (error.Code is < 300 or > 699)
            throw new ArgumentOutOfRangeException(nameof(error), "STUN error codes are 300-699.");
        byte[] reason = Encoding.UTF8.GetBytes(error.Reason);
        var v = new byte[4 + reason.Length];
        v[2] = (byte)(error.Code / 100);
        v[3] = (byte)(error.Code % 100);
        reason.CopyTo(v, 4);
        return Add(StunAttributeType.ErrorCode, v);
    }

    public StunMessageBuilder AddUnknownAttributes(IReadOnlyList<ushort> types)
    {
        var v = new byte[types.Count * 2];
        for (int i = 0; i < types.Count; i++)
            BinaryPrimitives.WriteUInt16BigEndian(v.AsSpan(i * 2), types[i]);
        return Add(StunAttributeType.UnknownAttributes, v);
    }

    /// <summary>Appends MESSAGE-INTEGRITY keyed with <paramref name="key"/> (for ICE: the ice-pwd as UTF-8).</summary>
    public StunMessageBuilder AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int start = _length;
        Span<byte> slot = Reserve(StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength, StunConstants.MessageIntegrityLength);
        ComputeIntegrity(_buffer.AsSpan(0, start), _length, key, slot);
        return this;
    }

    public StunMessageBuilder AddMessageIntegrity(string password) => AddMessageIntegrity(Encoding.UTF8.GetBytes(password));

    public StunMessageBuilder AddFingerprint()
    {
        int start = _length;
        Span<byte> slot = Reserve(StunAttributeType.Fingerprint, 4, 4);
        uint crc = Crc32.Compute(_buffer.AsSpan(0, start)) ^ StunConstants.FingerprintXor;
        BinaryPrimitives.WriteUInt32BigEndian(slot, crc);
        return this;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public int CopyTo(Span<byte> destination)
    {
        _buffer.AsSpan(0, _length).CopyTo(destination);
        return _length;
    }

    /// <summary>
    /// HMAC-SHA1 over <paramref name="prefix"/> (the message up to the integrity attribute) with the
    /// header's length field replaced so that the message appears to end at <paramref name="endOfIntegrity"/>.
    /// </summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> prefix, int endOfIntegrity, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
        Span<byte> header = stackalloc byte[StunConstants.HeaderLength];
        prefix[..StunConstants.HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(endOfIntegrity - StunConstants.HeaderLength));
        hmac.AppendData(header);
        hmac.AppendData(prefix[StunConstants.HeaderLength..]);
        hmac.GetHashAndReset(destination);
    }

    private Span<byte> Reserve(ushort type, int valueLength, int paddedLength)
    {
        int needed = _length + 4 + paddedLength;
        if (needed > ushort.MaxValue)
            throw new InvalidOperationException("STUN message too long.");
        if (needed > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length + 2), (ushort)valueLength);
        var slot = _buffer.AsSpan(_length + 4, paddedLength);
        _length = needed;
        UpdateLengthField();
        return slot;
    }

    private void UpdateLengthField() =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(_length - StunConstants.HeaderLength));
}
