namespace Tessera.Media.Srtp;

/// <summary>
/// Sliding 64-entry replay window (RFC 3711 §3.3.2) over a monotonically numbered index.
/// <see cref="Check"/> never changes state; <see cref="Accept"/> is called only once the packet authenticated.
/// </summary>
internal struct ReplayWindow
{
    public const int Size = 64;
    private ulong _highest;
    private ulong _bitmap; // bit k set = (_highest - k) was received
    private bool _started;

    public readonly SrtpStatus Check(ulong index)
    {
        if (!_started || index > _highest)
            return SrtpStatus.Ok;
        ulong delta = _highest - index;
        if (delta >= Size)
            return SrtpStatus.ReplayTooOld;
        return (_bitmap & (1UL << (int)delta)) != 0 ? SrtpStatus.ReplayDuplicate : SrtpStatus.Ok;
    }

    public void Accept(ulong index)
    {
        if (!_started)
        {
            _started = true;
            _highest = index;
            _bitmap = 1;
            return;
        }
        if (index > _highest)
        {
            ulong shift = index - _highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            _bitmap |= 1UL << (int)(_highest - index);
        }
    }
}
