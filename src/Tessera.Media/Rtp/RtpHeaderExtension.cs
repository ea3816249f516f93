namespace Tessera.Media.Rtp;

/// <summary>One header extension element (RFC 8285): its id and where its data sits in the packet.</summary>
public readonly record struct RtpHeaderExtension(int Id, int DataOffset, int DataLength);
