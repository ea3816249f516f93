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

/// <summary>
/// Native memory for <c>sendmmsg</c>/<c>recvmmsg</c>: <see cref="Count"/> slots, each a data
/// buffer and an address buffer with the iovec and header that point at them. Freed once.
/// </summary>
internal sealed unsafe class MessageSlots : IDisposable
{
    public readonly int Count;
    public readonly int DataSize;
    public readonly int AddressSize;
    public readonly MessageHeader* Headers;
    public readonly IoVector* Vectors;
    private readonly byte* _data;
    private readonly byte* _addresses;
    private bool _disposed;

    public MessageSlots(int count, int dataSize, int addressSize)
    {
        Count = count;
        DataSize = dataSize;
        AddressSize = addressSize;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)(count * dataSize), 64);
        _addresses = (byte*)NativeMemory.AllocZeroed((nuint)(count * addressSize));
        Headers = (MessageHeader*)NativeMemory.AllocZeroed((nuint)(count * sizeof(MessageHeader)));
        Vectors = (IoVector*)NativeMemory.AllocZeroed((nuint)(count * sizeof(IoVector)));
        for (int i = 0; i < count; i++)
        {
            Vectors[i].Base = _data + i * dataSize;
            Headers[i].Name = _addresses + i * addressSize;
            Headers[i].Vectors = &Vectors[i];
            Headers[i].VectorCount = 1;
        }
    }

    public bool IsDisposed => _disposed;

    public Span<byte> Data(int index) => new(_data + index * DataSize, DataSize);

    public Span<byte> Address(int index) => new(_addresses + index * AddressSize, AddressSize);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        NativeMemory.AlignedFree(_data);
        NativeMemory.Free(_addresses);
        NativeMemory.Free(Headers);
        NativeMemory.Free(Vectors);
    }
}
