using System.Text.Json;

namespace Tessera.Auth.Jwk;

/// <summary>
/// A parsed JWK. Keys read from a group file may be invalid (auth.md §5.2: an invalid key only
/// makes the tokens that select it fail), so an instance carries either usable key material or a
/// <see cref="Problem"/>. Valid instances hold the imported crypto objects and are meant to be
/// kept and reused across verifications.
/// </summary>
public sealed class JsonWebKey
{
    /// <summary>Members that carry secrets and never appear in a public JWK (RFC 7518 §6).</summary>
    private static readonly HashSet<string> PrivateMembers = new(StringComparer.Ordinal) { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };

    private readonly KeyMaterial? _material;

    internal JsonWebKey(string json, string? keyType, string? algorithm, string? keyId,
                        JwsAlgorithm? supportedAlgorithm, KeyMaterial? material, string? problem)
    {
        Json = json;
        KeyType = keyType;
        Algorithm = algorithm;
        KeyId = keyId;
        SupportedAlgorithm = problem is null ? supportedAlgorithm : null;
        _material = problem is null ? material : null;
        Problem = problem;
    }

    /// <summary>The JWK exactly as supplied.</summary>
    public string Json { get; }

    /// <summary><c>kty</c> when it is a string, else null.</summary>
    public string? KeyType { get; }

    /// <summary><c>alg</c> when it is a string, else null. Token headers are matched against this exactly.</summary>
    public string? Algorithm { get; }

    /// <summary><c>kid</c> when it is a non-empty string; an empty or non-string <c>kid</c> counts as absent (§5.3).</summary>
    public string? KeyId { get; }

    /// <summary>The algorithm, when the key is valid.</summary>
    public JwsAlgorithm? SupportedAlgorithm { get; }

    /// <summary>Why the key cannot be used; null for a valid key.</summary>
    public string? Problem { get; }

    public bool IsValid => Problem is null;

    /// <summary>True when the key can sign (private EC/RSA/OKP keys, and every oct key).</summary>
    public bool IsPrivate => _material?.IsPrivate ?? false;

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="signingInput"/> with this key's
    /// declared algorithm. This is the single signature path of <c>JwtVerifier</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key is invalid.</exception>
    public bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature) =>
        Material.Verify(signingInput, signature);

    /// <summary>Signs with the private key (JOSE signature encoding: R‖S for ECDSA).</summary>
    /// <exception cref="InvalidOperationException">The key is invalid or public only.</exception>
    public byte[] Sign(ReadOnlySpan<byte> signingInput)
    {
        if (!Material.IsPrivate) throw new InvalidOperationException("a public key cannot sign");
        return Material.Sign(signingInput);
    }

    private KeyMaterial Material => _material ?? throw new InvalidOperationException($"invalid key: {Problem}");

    /// <summary>The JWK without its private members (every other member is kept).</summary>
    /// <exception cref="InvalidOperationException">An <c>oct</c> key (a shared secret has no public form) or an invalid key.</exception>
    public string ToPublicJwk()
    {
        if (!IsValid) throw new InvalidOperationException($"invalid key: {Problem}");
        if (KeyType == "oct") throw new InvalidOperationException("a symmetric (oct) key has no public form");
        using var document = JsonDocument.Parse(Json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (!PrivateMembers.Contains(member.Name)) member.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Never prints key bytes.</summary>
    public override string ToString() =>
        $"JWK(kty={KeyType ?? "?"}, alg={Algorithm ?? "?"}, kid={KeyId ?? "-"}{(IsValid ? "" : ", invalid: " + Problem)})";
}
