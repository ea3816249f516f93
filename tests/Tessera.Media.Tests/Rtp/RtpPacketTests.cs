using Tessera.Media.Rtp;

namespace Tessera.Media.Tests.Rtp;

public class RtpPacketTests
{
    // V=2 P=1 X=1 CC=1, M=1 PT=111, seq 0x1234, ts 0xDEADBEEF, ssrc 0x01020304, csrc 0x0A0B0C0D,
    // one-byte extension block (2 words): id 1 len 1 [0x7F], id 3 len 3 [1 2 3], padding, then payload AA BB and 2 padding bytes.
    private static readonly byte[] HandBuilt = Hex.Parse("""
        B1 EF 12 34 DE AD BE EF 01 02 03 04 0A 0B 0C 0D
        BE DE 00 02 10 7F 32 01 02 03 00 00
        AA BB 00 02
        """);

    [Fact]
    public void Hand_built_packet_parses()
    {
        Assert.True(RtpPacket.TryParse(HandBuilt, out var p));
        Assert.True(p.Marker);
        Assert.Equal(111, p.PayloadType);
        Assert.Equal(0x1234, p.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, p.Timestamp);
        Assert.Equal(0x01020304u, p.Ssrc);
        Assert.Equal(1, p.CsrcCount);
        Assert.Equal(0x0A0B0C0Du, p.GetCsrc(HandBuilt, 0));
        Assert.Equal(28, p.HeaderLength);
        Assert.Equal(2, p.PaddingLength);
        Assert.Equal(2, p.PayloadLength);
        var ext = p.GetExtensions(HandBuilt);
        Assert.Equal([1, 3], ext.Select(e => e.Id));
        Assert.Equal(new byte[] { 0x7F }, HandBuilt.AsSpan(ext[0].DataOffset, ext[0].DataLength).ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, HandBuilt.AsSpan(ext[1].DataOffset, ext[1].DataLength).ToArray());
    }

    [Fact]
    public void Builder_reproduces_the_hand_built_packet()
    {
        var b = new RtpPacketBuilder
        {
            Marker = true, PayloadType = 111, SequenceNumber = 0x1234, Timestamp = 0xDEADBEEF, Ssrc = 0x01020304,
            Payload = [0xAA, 0xBB], PaddingLength = 2,
        };
        b.Csrcs.Add(0x0A0B0C0D);
        b.Extensions.Add((1, [0x7F]));
        b.Extensions.Add((3, [1, 2, 3]));
        Assert.Equal(Convert.ToHexString(HandBuilt), Convert.ToHexString(b.ToArray()));
    }

    [Fact]
    public void Two_byte_extensions_round_trip()
    {
        var b = new RtpPacketBuilder { PayloadType = 96, Ssrc = 9, Payload = [1, 2, 3] };
        b.Extensions.Add((20, new byte[20]));
        b.Extensions.Add((2, []));
        var bytes = b.ToArray();
        Assert.True(RtpPacket.TryParse(bytes, out var p));
        Assert.True(p.IsTwoByteExtension);
        var ext = p.GetExtensions(bytes);
        Assert.Equal([(20, 20), (2, 0)], ext.Select(e => (e.Id, e.DataLength)));
        Assert.Equal(3, p.PayloadLength);
    }

    [Fact]
    public void Wrong_version_or_truncation_is_refused()
    {
        var bad = (byte[])HandBuilt.Clone();
        bad[0] = 0x71;
        Assert.False(RtpPacket.TryParse(bad, out _));
        Assert.False(RtpPacket.TryParse(HandBuilt.AsSpan(0, 20), out _)); // extension cut off
        var badPadding = (byte[])HandBuilt.Clone();
        badPadding[^1] = 200;
        Assert.False(RtpPacket.TryParse(badPadding, out _));
    }

    [Fact]
    public void Rewriting_changes_only_the_targeted_field()
    {
        var p = (byte[])HandBuilt.Clone();
        RtpRewriter.SetSsrc(p, 0xCAFEBABE);
        RtpRewriter.SetPayloadType(p, 96);
        RtpRewriter.SetSequenceNumber(p, 7);
        RtpRewriter.SetTimestamp(p, 90000);
        Assert.True(RtpPacket.TryParse(p, out var r));
        Assert.Equal(0xCAFEBABEu, r.Ssrc);
        Assert.Equal(96, r.PayloadType);
        Assert.True(r.Marker); // preserved
        Assert.Equal(7, r.SequenceNumber);
        Assert.Equal(90000u, r.Timestamp);
        Assert.Equal(HandBuilt[12..], p[12..]);
    }

    [Fact]
    public void Stripping_keeps_only_negotiated_extension_ids()
    {
        var p = (byte[])HandBuilt.Clone();
        var keep = new bool[16];
        keep[3] = true;
        int length = RtpRewriter.StripExtensions(p, p.Length, keep);
        var stripped = p[..length];
        Assert.True(RtpPacket.TryParse(stripped, out var r));
        Assert.Equal([3], r.GetExtensions(stripped).Select(e => e.Id));
        Assert.Equal(24, r.HeaderLength); // extension block shrank to one word
        Assert.Equal(new byte[] { 0xAA, 0xBB }, stripped.AsSpan(r.PayloadOffset, r.PayloadLength).ToArray());
        Assert.Equal(2, r.PaddingLength);
    }

    [Fact]
    public void Stripping_every_element_removes_the_extension_block()
    {
        var p = (byte[])HandBuilt.Clone();
        int length = RtpRewriter.StripExtensions(p, p.Length, new bool[16]);
        var stripped = p[..length];
        Assert.True(RtpPacket.TryParse(stripped, out var r));
        Assert.False(r.HasExtension);
        Assert.Equal(16, r.HeaderLength);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, stripped.AsSpan(r.PayloadOffset, r.PayloadLength).ToArray());
    }
}
