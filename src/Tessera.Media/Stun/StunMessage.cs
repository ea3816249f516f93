using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Media.Stun;

/// <summary>
/// A parsed STUN message. Holds its own copy of the datagram so that MESSAGE-INTEGRITY and
/// FINGERPRINT can be checked against the exact bytes that were received.
/// </summary>
public sealed class StunMessage
{
    private readonly byte[] _raw;
    private readonly List<StunAttribute> _attributes;

    private StunMessage(byte[] raw, StunMessageType type, List<StunAttribute> attributes)
    {
        _raw = raw;
        Type = type;
        _attributes = attributes;
    }

    public StunMessageType Type { get; }
    public ReadOnlySpan<byte> TransactionId => _raw.AsSpan(8, StunConstants.TransactionIdLength);
    public ReadOnlySpan<byte> Raw => _raw;
    public IReadOnlyList<StunAttribute> Attributes => _attributes;

    /// <summary>
    /// Quick test used by the demultiplexer: top two bits zero, length a multiple of 4 and
    /// consistent with the datagram, magic cookie present.
    /// </summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> data)
    {
        if (data.Length < StunConstants.HeaderLength || (data[0] & 0xC0) != 0)
            return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        return (length & 3) == 0
            && length + StunConstants.HeaderLength == data.Length
            && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == StunConstants.MagicCookie;
    }

    public static bool TryParse(ReadOnlySpan<byte> data, out StunMessage? message)
    {
        message = null;
        if (!LooksLikeStun(data))
            return false;
        var attributes = new List<StunAttribute>();
        int offset = StunConstants.HeaderLength;
        bool sawFingerprint = false;
        while (offset < data.Length)
        {
            if (sawFingerprint || data.Length - offset < 4)
                return false; // FINGERPRINT must be last; no trailing partial header
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            int padded = (length + 3) & ~3;
            if (offset + 4 + padded > data.Length)
                return false;
            attributes.Add(new StunAttribute(type, offset + 4, length));
            if (type == StunAttributeType.Fingerprint)
            {
                if (length != StunConstants.FingerprintLength)
                    return false;
                sawFingerprint = true;
            }
            if (type == StunAttributeType.MessageIntegrity && length != StunConstants.MessageIntegrityLength)
                return false;
            offset += 4 + padded;
        }
        var type0 = StunMessageType.FromWire(BinaryPrimitives.ReadUInt16BigEndian(data));
        message = new StunMessage(data.ToArray(), type0, attributes);
        return true;
    }

    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        foreach (var attribute in _attributes)
        {
            if (attribute.Type == type)
            {
                value = _raw.AsSpan(attribute.ValueOffset, attribute.ValueLength);
                return true;
            }
            // Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are not protected: ignore them.
            if (attribute.Type == StunAttributeType.MessageIntegrity && type != StunAttributeType.Fingerprint)
                break;
        }
        value = default;
        return false;
    }

    public bool Has(ushort type) => TryGetAttribute(type, out _);

    public string? Username =>
        TryGetAttribute(StunAttributeType.Username, out var v) ? Encoding.UTF8.GetString(v) : null;

    public string? Software =>
        TryGetAttribute(StunAttributeType.Software, out var v) ? Encoding.UTF8.GetString(v) : null;

    public uint? Priority =>
        TryGetAttribute(StunAttributeType.Priority, out var v) && v.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(v) : null;

    public bool UseCandidate => Has(StunAttributeType.UseCandidate);

    public ulong? IceControlling =>
        TryGetAttribute(StunAttributeType.IceControlling, out var v) && v.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(v) : null;

    public ulong? IceControlled =>
        TryGetAttribute(StunAttributeType.IceControlled, out var v) && v.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(v) : null;

    public IPEndPoint? XorMappedAddress =>
        TryGetAttribute(StunAttributeType.XorMappedAddress, out var v) && XorAddress.TryDecode(v, TransactionId, out var ep) ? ep : null;

    public StunErrorCode? ErrorCode
    {
        get
        {
            if (!TryGetAttribute(StunAttributeType.ErrorCode, out var v) || v.Length < 4)
                return null;
            int code = (v[2] & 0x7) * 100 + v[3];
            return new StunErrorCode(code, Encoding.UTF8.GetString(v[4..]));
        }
    }

    /// <summary>Comprehension-required attributes this implementation does not understand.</summary>
    public IReadOnlyList<ushort> UnknownRequiredAttributes()
    {
        var unknown = new List<ushort>();
        foreach (var a in _attributes)
        {
            if (!StunAttributeType.IsComprehensionRequired(a.Type))
                continue;
            switch (a.Type)
            {
                case StunAttributeType.MappedAddress:
                case StunAttributeType.Username:
                case StunAttributeType.MessageIntegrity:
                case StunAttributeType.ErrorCode:
                case StunAttributeType.UnknownAttributes:
                case StunAttributeType.XorMappedAddress:
                case StunAttributeType.Priority:
                case StunAttributeType.UseCandidate:
                    break;
                default:
                    unknown.Add(a.Type);
                    break;
            }
        }
        return unknown;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY: HMAC-SHA1 keyed with <paramref name="key"/> over the message up to the
    /// attribute, with the header length rewritten to end just after it (RFC 8489 §14.5).
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        StunAttribute? integrity = null;
        foreach (var a in _attributes)
        {
            if (a.Type == StunAttributeType.MessageIntegrity)
            {
                integrity = a;
                break;
            }
        }
        if (integrity is not { } mi)
            return false;
        Span<byte> expected = stackalloc byte[StunConstants.MessageIntegrityLength];
        StunMessageBuilder.ComputeIntegrity(_raw.AsSpan(0, mi.HeaderOffset), mi.ValueOffset + mi.ValueLength, key, expected);
        return CryptographicOperations.FixedTimeEquals(expected, _raw.AsSpan(mi.ValueOffset, mi.ValueLength));
    }

    /// <summary>Checks FINGERPRINT, which must be the last attribute.</summary>
    public bool VerifyFingerprint()
    {
        if (_attributes.Count == 0 || _attributes[^1].Type != StunAttributeType.Fingerprint)
            return false;
        var fp = _attributes[^1];
        uint expected = Crc32.Compute(_raw.AsSpan(0, fp.HeaderOffset)) ^ StunConstants.FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(fp.ValueOffset)) == expected;
    }

    /// <summary>
    /// The checks an ICE agent applies to an incoming request with short-term credentials:
    /// a FINGERPRINT that matches, then a MESSAGE-INTEGRITY valid under <paramref name="key"/>.
    /// </summary>
    public StunCheckResult CheckRequest(ReadOnlySpan<byte> key)
    {
        if (!Has(StunAttributeType.Fingerprint))
            return StunCheckResult.MissingFingerprint;
        if (!VerifyFingerprint())
            return StunCheckResult.BadFingerprint;
        if (!Has(StunAttributeType.MessageIntegrity) || Username is null)
            return StunCheckResult.MissingIntegrity;
        if (!VerifyMessageIntegrity(key))
            return StunCheckResult.BadIntegrity;
        return StunCheckResult.Ok;
    }
}
