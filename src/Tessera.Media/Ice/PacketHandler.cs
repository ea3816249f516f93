namespace Tessera.Media.Ice;

/// <summary>Receives one datagram in the endpoint's receive buffer; it may be modified in place (SRTP) but not kept.</summary>
public delegate void PacketHandler(Span<byte> packet);
