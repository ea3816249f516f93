using System.Runtime.InteropServices;

namespace Tessera.Media.Transport;

// struct iovec and struct mmsghdr (struct msghdr + msg_len) as laid out by 64-bit Linux, shared by
// sendmmsg(2) in DatagramBatch and recvmmsg(2) in DatagramReader.
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVector
{
    public byte* Base;
    public nuint Length;
}

[StructLayout(LayoutKind.Explicit, Size = 64)]
internal unsafe struct MessageHeader
{
    [FieldOffset(0)] public byte* Name;
    [FieldOffset(8)] public uint NameLength;
    [FieldOffset(16)] public IoVector* Vectors;
    [FieldOffset(24)] public nuint VectorCount;
    [FieldOffset(32)] public void* Control;
    [FieldOffset(40)] public nuint ControlLength;
    [FieldOffset(48)] public int Flags;
    [FieldOffset(56)] public uint Length; // msg_len, bytes sent or received, follows the 56-byte struct msghdr
}
