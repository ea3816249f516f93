using System.Security.Cryptography;

namespace Tessera.Media.Dtls;

/// <summary>
/// A certificate fingerprint as carried by SDP a=fingerprint (RFC 8122 §5): hash name and the
/// digest of the DER certificate, written as upper-case hex pairs separated by colons.
/// Only sha-256 is produced; sha-256/384/512 are accepted from peers.
/// </summary>
public sealed record DtlsFingerprint(string Algorithm, byte[] Value)
{
    public static DtlsFingerprint Sha256Of(ReadOnlySpan<byte> der) => new("sha-256", SHA256.HashData(der));

    /// <summary>"sha-256 AB:CD:…", the value of an SDP a=fingerprint line.</summary>
    public string ToSdpValue() => $"{Algorithm} {string.Join(':', Value.Select(b => b.ToString("X2")))}";

    public override string ToString() => ToSdpValue();

    /// <summary>Parses "hash-func fingerprint" from SDP; hash names are case-insensitive.</summary>
    public static bool TryParse(string text, out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        var parts = text.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
            return false;
        string algorithm = parts[0].ToLowerInvariant();
        int expected = algorithm switch { "sha-256" => 32, "sha-384" => 48, "sha-512" => 64, _ => 0 };
        if (expected == 0)
            return false;
        var hexPairs = parts[1].Trim().Split(':');
        if (hexPairs.Length != expected)
            return false;
        var value = new byte[expected];
        for (int i = 0; i < expected; i++)
        {
            if (hexPairs[i].Length != 2 || !byte.TryParse(hexPairs[i], System.Globalization.NumberStyles.HexNumber, null, out value[i]))
                return false;
        }
        fingerprint = new DtlsFingerprint(algorithm, value);
        return true;
    }

    /// <summary>Whether a DER certificate hashes to this fingerprint (constant time).</summary>
    public bool Matches(ReadOnlySpan<byte> der)
    {
        byte[] digest = Algorithm switch
        {
            "sha-256" => SHA256.HashData(der),
            "sha-384" => SHA384.HashData(der),
            "sha-512" => SHA512.HashData(der),
            _ => [],
        };
        return digest.Length == Value.Length && CryptographicOperations.FixedTimeEquals(digest, Value);
    }

    public bool Equals(DtlsFingerprint? other) =>
        other is not null && Algorithm == other.Algorithm && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => HashCode.Combine(Algorithm, Value.Length > 0 ? Value[0] : 0);
}
