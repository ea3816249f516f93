namespace Tessera.Protocol;

/// <summary>
/// One connection's token bucket for a family of messages, and whether it was already told it is
/// over the rate: told once per burst, so a flood cannot fill its own queue with our answers.
/// </summary>
internal sealed class MessageAllowance(string refusal)
{
    private Tessera.Auth.Throttling.TokenBucket? _bucket;
    private bool _told;

    public bool Take(ClientSession session, int burst, double perSecond)
    {
        var now = session.Services.Time.GetUtcNow();
        _bucket ??= new Tessera.Auth.Throttling.TokenBucket(burst, now);
        if (_bucket.TryTake(now, burst, perSecond) == TimeSpan.Zero)
        {
            _told = false;
            return true;
        }
        if (!_told) session.SendError(refusal);
        _told = true;
        return false;
    }
}
