using Tessera.Media.Codecs;
using Tessera.Media.Sfu;

namespace Tessera.Media.Tests.Sfu;

public class KeyframeDetectorTests
{
    [Theory]
    // VP8: S=1 PID=0, then frame tag with P=0 (key) / P=1 (delta); with X: I (2-byte PictureID) + L + T
    [InlineData("vp8", new byte[] { 0x10, 0x00 }, true)]
    [InlineData("vp8", new byte[] { 0x10, 0x01 }, false)]
    [InlineData("vp8", new byte[] { 0x00, 0x00 }, false)]                      // not the start of a partition
    [InlineData("vp8", new byte[] { 0x90, 0xE0, 0x81, 0x23, 0x05, 0x40, 0x00 }, true)]
    [InlineData("vp8", new byte[] { 0x90, 0xE0, 0x81, 0x23, 0x05, 0x40, 0x01 }, false)]
    // VP9: P=0 and B=1
    [InlineData("vp9", new byte[] { 0x08 }, true)]
    [InlineData("vp9", new byte[] { 0x48 }, false)]
    [InlineData("vp9", new byte[] { 0x00 }, false)]
    // H.264: IDR, SPS, STAP-A with SPS, FU-A start of IDR, non-IDR slice, FU-A continuation
    [InlineData("h264", new byte[] { 0x65, 0x88 }, true)]
    [InlineData("h264", new byte[] { 0x67, 0x42 }, true)]
    [InlineData("h264", new byte[] { 0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE }, true)]
    [InlineData("h264", new byte[] { 0x7C, 0x85, 0x00 }, true)]
    [InlineData("h264", new byte[] { 0x41, 0x9A }, false)]
    [InlineData("h264", new byte[] { 0x7C, 0x05, 0x00 }, false)]
    // AV1: N bit of the aggregation header
    [InlineData("av1", new byte[] { 0x18 }, true)]
    [InlineData("av1", new byte[] { 0x10 }, false)]
    [InlineData("opus", new byte[] { 0x00 }, true)]
    [InlineData("vp8", new byte[] { }, false)]
    public void Keyframes_are_recognised(string codec, byte[] payload, bool expected) =>
        Assert.Equal(expected, KeyframeDetector.IsKeyframe(Enum.Parse<Codec>(codec, ignoreCase: true), payload));

    [Theory]
    [InlineData(new byte[] { 0x90, 0x20, 0x80, 0x00 }, 2)]               // X, T: TID 2
    [InlineData(new byte[] { 0x90, 0xE0, 0x81, 0x23, 0x05, 0x40 }, 1)]   // I (15-bit PictureID), L, T: TID 1
    [InlineData(new byte[] { 0x90, 0x80, 0x12, 0x00 }, null)]            // PictureID only: no TID
    [InlineData(new byte[] { 0x10, 0x00 }, null)]                        // no extension byte
    public void Vp8_temporal_layer_is_read(byte[] payload, int? expected) =>
        Assert.Equal(expected, Vp8Descriptor.TemporalLayer(payload));
}
