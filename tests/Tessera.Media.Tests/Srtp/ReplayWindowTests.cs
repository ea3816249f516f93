using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Srtp;

public class ReplayWindowTests
{
    [Fact]
    public void Window_accepts_each_index_once_and_forgets_past_64()
    {
        var w = new ReplayWindow();
        w.Accept(1000);
        Assert.Equal(SrtpStatus.ReplayDuplicate, w.Check(1000));
        Assert.Equal(SrtpStatus.Ok, w.Check(1000 - 63));
        Assert.Equal(SrtpStatus.ReplayTooOld, w.Check(1000 - 64));
        w.Accept(999);
        Assert.Equal(SrtpStatus.ReplayDuplicate, w.Check(999));
        w.Accept(1100); // a jump beyond the window clears it
        Assert.Equal(SrtpStatus.ReplayTooOld, w.Check(999));
        Assert.Equal(SrtpStatus.Ok, w.Check(1099));
    }

    [Fact]
    public void Rollover_estimate_follows_rfc3711_appendix_a()
    {
        var roc = new RolloverCounter();
        roc.Update(0x0000_FFF0);
        Assert.Equal(0x1_0005ul, roc.Estimate(5));        // just after the wrap: ROC + 1
        roc.Update(0x1_0005);
        Assert.Equal(0x0_FFF8ul, roc.Estimate(0xFFF8));   // late packet from before the wrap: ROC - 1
        Assert.Equal(0x1_0100ul, roc.Estimate(0x100));
    }
}
