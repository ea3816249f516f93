using Tessera.Media.Codecs;
using Tessera.Media.Sfu;

namespace Tessera.Media.Tests.Sfu;

/// <summary>The per-packet layer decision on its own: limits change only where a receiver can follow.</summary>
public class LayerFilterTests
{
    private static PacketLayers Packet(int spatial, int temporal, bool startsPicture = false, bool endsLayerFrame = false, bool keyframe = false) =>
        new(spatial, temporal, startsPicture, endsLayerFrame, Scalable: true, StartsKeyframe: keyframe);

    [Fact]
    public void Everything_passes_until_a_limit_is_wanted()
    {
        var filter = new LayerFilter();
        Assert.True(filter.Admit(Packet(2, 2), sourceMarker: false, out bool marker));
        Assert.False(marker);
    }

    [Fact]
    public void A_lower_temporal_limit_waits_for_the_next_picture()
    {
        var filter = new LayerFilter();
        filter.Want(LayerFilter.All, temporal: 0, highestSent: 0);
        Assert.True(filter.Admit(Packet(0, 1), false, out _)); // mid-picture: still the old limit
        Assert.False(filter.Admit(Packet(0, 1, startsPicture: true), false, out _));
        Assert.True(filter.Admit(Packet(0, 0, startsPicture: true), false, out _));
    }

    [Fact]
    public void A_higher_temporal_limit_waits_for_a_base_layer_picture()
    {
        var filter = new LayerFilter();
        filter.ForceTemporal(0);
        filter.Want(LayerFilter.All, LayerFilter.All, highestSent: 0);
        Assert.False(filter.Admit(Packet(0, 1, startsPicture: true), false, out _));
        Assert.True(filter.Admit(Packet(0, 0, startsPicture: true), false, out _));
        Assert.True(filter.Admit(Packet(0, 1, startsPicture: true), false, out _));
    }

    [Fact]
    public void A_higher_spatial_limit_waits_for_a_keyframe_and_says_it_needs_one()
    {
        var filter = new LayerFilter();
        filter.ForceSpatial(0);
        Assert.True(filter.Want(spatial: 2, LayerFilter.All, highestSent: 2));
        Assert.False(filter.Admit(Packet(1, 0, startsPicture: true), false, out _));
        Assert.True(filter.Admit(Packet(0, 0, startsPicture: true, keyframe: true), false, out _));
        Assert.True(filter.Admit(Packet(1, 0), false, out _));
        Assert.False(filter.Want(spatial: 2, LayerFilter.All, highestSent: 2)); // reached: no more keyframes needed
    }

    [Fact]
    public void The_ceiling_caps_what_is_wanted_and_the_top_forwarded_layer_gets_the_marker()
    {
        var filter = new LayerFilter();
        Assert.False(filter.SetCeiling(0)); // lowers: no keyframe needed
        Assert.True(filter.Admit(Packet(0, 0, startsPicture: true, endsLayerFrame: true), false, out bool marker));
        Assert.True(marker);
        Assert.False(filter.Admit(Packet(1, 0, endsLayerFrame: true), false, out _));
        Assert.True(filter.SetCeiling(LayerFilter.All)); // raising it needs a keyframe
    }
}
