using System.Buffers.Binary;
using Tessera.Media.Srtp;

namespace Tessera.Bench.SfuFloor;

/// <summary>
/// What the generator, the forwarder and the sinks agree on without signalling: SSRCs and SRTP keys
/// are functions of the publisher or down-stream index (no ICE, no DTLS: keys are fixed at start-up).
/// Down stream d = publisher × subscribers + subscriber carries that publisher's audio and video.
/// </summary>
internal static class Streams
{
    public const SrtpProfile Profile = SrtpProfile.AeadAes128Gcm; // what browsers negotiate
    public const uint PublisherSsrcBase = 0x1000_0000u;
    public const uint DownstreamSsrcBase = 0x2000_0000u;
    public const byte Audio = 0, Video = 1;

    public static uint PublisherSsrc(int publisher, byte kind) => PublisherSsrcBase + (uint)publisher * 2 + kind;

    public static uint DownstreamSsrc(int downstream, byte kind) => DownstreamSsrcBase + (uint)downstream * 2 + kind;

    /// <summary>The SRTP context of a publisher's up stream (<paramref name="upstream"/>) or of a down stream.</summary>
    public static SrtpContext Context(bool upstream, int index)
    {
        var key = new byte[Profile.MasterKeyLength()];
        var salt = new byte[Profile.MasterSaltLength()];
        BinaryPrimitives.WriteInt32BigEndian(key, index);
        key[4] = upstream ? (byte)1 : (byte)2;
        BinaryPrimitives.WriteInt32BigEndian(salt, ~index);
        return new SrtpContext(Profile, key, salt);
    }
}
