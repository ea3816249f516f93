using Tessera.Media.Rtcp;

namespace Tessera.Media.Processing;

/// <summary>A receiver's PLI or FIR becomes a (rate-limited) keyframe request to the publisher.</summary>
public sealed class KeyframeRelay : IFeedbackProcessor
{
    private readonly Action _requestKeyframe;

    public KeyframeRelay(Action requestKeyframe) => _requestKeyframe = requestKeyframe;

    public void OnFeedback(RtcpPacket packet)
    {
        if (packet is PictureLossIndication or FullIntraRequest)
            _requestKeyframe();
    }
}
