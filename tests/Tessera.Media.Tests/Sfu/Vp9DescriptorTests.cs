using Tessera.Media.Codecs;
using Tessera.Media.Sfu;

namespace Tessera.Media.Tests.Sfu;

public class Vp9DescriptorTests
{
    private static byte LayerByte(int tid, bool u, int sid, bool d) => (byte)((tid << 5) | (u ? 0x10 : 0) | (sid << 1) | (d ? 1 : 0));

    [Fact]
    public void Non_flexible_mode_with_a_15_bit_picture_id_and_tl0picidx()
    {
        // I=1 P=1 L=1 F=0 B=1 E=0 V=0 Z=1; M=1 picture id 0x1234; TID 2 U SID 1 D; TL0PICIDX 77; then frame data.
        byte[] payload = [0xE9, 0x80 | 0x12, 0x34, LayerByte(2, true, 1, true), 77, 0xAB, 0xCD];
        Assert.True(Vp9Descriptor.TryParse(payload, out var d));
        Assert.True(d.HasPictureId && d.InterPicturePredicted && d.HasLayerIndices && !d.FlexibleMode);
        Assert.True(d.StartOfFrame && !d.EndOfFrame && !d.HasScalabilityStructure && d.NotReferencedByUpperLayers);
        Assert.Equal(0x1234, d.PictureId);
        Assert.Equal((2, true, 1, true), (d.TemporalLayer, d.SwitchingUpPoint, d.SpatialLayer, d.InterLayerDependency));
        Assert.Equal(77, d.Tl0PictureIndex);
        Assert.Equal(5, d.Length);
        Assert.False(d.StartsPicture); // spatial layer 1 continues a picture
    }

    [Fact]
    public void Flexible_mode_with_reference_indices_and_a_7_bit_picture_id()
    {
        // I=1 P=1 L=1 F=1 B=0 E=1; picture id 5; TID 1 SID 0; P_DIFF 1 (N=1), P_DIFF 2 (N=0).
        byte[] payload = [0xF4, 0x05, LayerByte(1, false, 0, false), (1 << 1) | 1, 2 << 1, 0x00];
        Assert.True(Vp9Descriptor.TryParse(payload, out var d));
        Assert.True(d.FlexibleMode && d.EndOfFrame && !d.StartOfFrame);
        Assert.Equal((5, 1, 0), (d.PictureId, d.TemporalLayer, d.SpatialLayer));
        Assert.Equal(-1, d.Tl0PictureIndex);
        Assert.Equal(2, d.ReferenceCount);
        Assert.Equal(5, d.Length);
    }

    [Fact]
    public void Keyframe_start_with_a_scalability_structure()
    {
        // I=0 P=0 L=1 F=0 B=1 E=1 V=1; TID 0 SID 0; TL0PICIDX 0; SS: 3 layers with resolutions,
        // one picture group entry with one reference.
        var ss = new List<byte> { (2 << 5) | 0x10 | 0x08 };
        for (int i = 0; i < 3; i++)
            ss.AddRange([0x01, 0x40, 0x00, 0xB4]);
        ss.AddRange([1, 0x04, 1]);
        byte[] payload = [0x2E, LayerByte(0, false, 0, false), 0, .. ss, 0x9D];
        Assert.True(Vp9Descriptor.TryParse(payload, out var d));
        Assert.True(d.HasScalabilityStructure && d.StartsPicture && d.StartsKeyframe);
        Assert.Equal(-1, d.PictureId);
        Assert.Equal(payload.Length - 1, d.Length);
    }

    [Fact]
    public void Without_layer_indices_the_packet_is_the_base_layer()
    {
        Assert.True(Vp9Descriptor.TryParse([0x08, 0x11], out var d)); // B only
        Assert.Equal((0, 0, true), (d.SpatialLayer, d.TemporalLayer, d.StartsKeyframe));
        Assert.Equal(1, d.Length);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x80 })]                         // I=1, picture id missing
    [InlineData(new byte[] { 0x80, 0x81 })]                   // M=1, second picture id byte missing
    [InlineData(new byte[] { 0x20 })]                         // L=1, layer byte missing
    [InlineData(new byte[] { 0x20, 0x00 })]                   // non-flexible: TL0PICIDX missing
    [InlineData(new byte[] { 0x70, 0x00, 0x03 })]             // flexible P=1: P_DIFF announces another that is missing
    [InlineData(new byte[] { 0x70, 0x00, 0x03, 0x03, 0x03, 0x02 })] // four P_DIFFs: at most three
    [InlineData(new byte[] { 0x02 })]                         // V=1, SS missing
    [InlineData(new byte[] { 0x02, 0x50, 0x01, 0x02 })]       // SS with resolutions of 3 layers, truncated
    [InlineData(new byte[] { 0x02, 0x08, 0x02, 0x04 })]       // SS picture group: second entry missing
    [InlineData(new byte[] { 0x30, 0x01 })]                   // D=1 on spatial layer 0
    public void Truncated_or_inconsistent_descriptors_are_refused(byte[] payload) =>
        Assert.False(Vp9Descriptor.TryParse(payload, out _));

    [Fact]
    public void Random_garbage_never_throws_and_never_claims_more_than_it_has()
    {
        var random = new Random(9628);
        var buffer = new byte[12];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer);
            if (Vp9Descriptor.TryParse(buffer.AsSpan(0, length), out var d))
                Assert.InRange(d.Length, 1, length);
        }
    }
}
