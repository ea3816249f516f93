using Tessera.Media.Srtp;

namespace Tessera.Media.Dtls;

/// <summary>
/// SRTP master keys exported from a DTLS-SRTP handshake (RFC 5764 §4.2): the exporter output is
/// client key | server key | client salt | server salt.
/// </summary>
public sealed record DtlsSrtpKeys(SrtpProfile Profile, byte[] ClientKey, byte[] ServerKey, byte[] ClientSalt, byte[] ServerSalt)
{
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    public static int ExporterLength(SrtpProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());

    public static DtlsSrtpKeys FromExporter(SrtpProfile profile, ReadOnlySpan<byte> material)
    {
        int k = profile.MasterKeyLength();
        int s = profile.MasterSaltLength();
        if (material.Length != 2 * (k + s))
            throw new ArgumentException("Keying material has the wrong length for the profile.", nameof(material));
        return new DtlsSrtpKeys(profile,
            material[..k].ToArray(),
            material[k..(2 * k)].ToArray(),
            material[(2 * k)..(2 * k + s)].ToArray(),
            material[(2 * k + s)..].ToArray());
    }

    /// <summary>Contexts for our side of the handshake: each side protects with its own key and unprotects with the other's.</summary>
    public (SrtpContext Outgoing, SrtpContext Incoming) CreateContexts(DtlsRole role) =>
        role == DtlsRole.Server ? CreateServerContexts() : CreateClientContexts();

    /// <summary>Contexts for the DTLS server side: protect with the server's key, unprotect with the client's.</summary>
    public (SrtpContext Outgoing, SrtpContext Incoming) CreateServerContexts() =>
        (new SrtpContext(Profile, ServerKey, ServerSalt), new SrtpContext(Profile, ClientKey, ClientSalt));

    /// <summary>Contexts for the DTLS client side (used by tests and by a client endpoint).</summary>
    public (SrtpContext Outgoing, SrtpContext Incoming) CreateClientContexts() =>
        (new SrtpContext(Profile, ClientKey, ClientSalt), new SrtpContext(Profile, ServerKey, ServerSalt));
}
