namespace Tessera.Media.Sdp;

public sealed class SdpFormatException(string message) : FormatException(message);
