namespace Tessera.Media.Stun;

/// <summary>
/// A method plus a class, packed into the 14-bit message type field where the class bits
/// are interleaved with the method bits (RFC 8489 §5, figure 3).
/// </summary>
public readonly record struct StunMessageType(StunMethod Method, StunClass Class)
{
    public static readonly StunMessageType BindingRequest = new(StunMethod.Binding, StunClass.Request);
    public static readonly StunMessageType BindingSuccess = new(StunMethod.Binding, StunClass.SuccessResponse);
    public static readonly StunMessageType BindingError = new(StunMethod.Binding, StunClass.ErrorResponse);
    public static readonly StunMessageType BindingIndication = new(StunMethod.Binding, StunClass.Indication);

    public ushort ToWire()
    {
        int m = (int)Method;
        int c = (int)Class;
        int value = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2)
                  | ((c & 0x1) << 4) | ((c & 0x2) << 7);
        return (ushort)value;
    }

    public static StunMessageType FromWire(ushort wire)
    {
        int m = (wire & 0x000F) | ((wire & 0x00E0) >> 1) | ((wire & 0x3E00) >> 2);
        int c = ((wire >> 4) & 0x1) | ((wire >> 7) & 0x2);
        return new StunMessageType((StunMethod)m, (StunClass)c);
    }
}
