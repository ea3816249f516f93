using System.Buffers.Binary;
using System.Diagnostics;
using Tessera.Media.Srtp;

// Micro-benchmark of the SRTP hot path: CPU µs per protect/unprotect of a 1,200-byte RTP packet.
// Run with: dotnet run -c Release --project bench/Tessera.Bench.Media [iterations]
int iterations = args.Length > 0 ? int.Parse(args[0]) : 200_000;
const int PacketSize = 1200;

foreach (var profile in new[] { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm })
{
    var key = new byte[16];
    var salt = new byte[profile.MasterSaltLength()];
    Random.Shared.NextBytes(key);
    Random.Shared.NextBytes(salt);
    using var sender = new SrtpContext(profile, key, salt);
    using var receiver = new SrtpContext(profile, key, salt);

    var plain = new byte[PacketSize];
    Random.Shared.NextBytes(plain);
    plain[0] = 0x80;
    plain[1] = 96;
    var buffer = new byte[PacketSize + 64];

    // Protect: copy in, rewrite the sequence number, protect in place.
    double protectUs = Measure(iterations, i =>
    {
        plain.CopyTo(buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)i);
        buffer[1] = 96;
        sender.ProtectRtp(buffer, PacketSize);
    }, out long protectAlloc);

    // Unprotect: packets protected in advance, each with a fresh index (the replay window accepts them).
    using var sender2 = new SrtpContext(profile, key, salt);
    const int Distinct = 4096;
    var wire = new byte[Distinct][];
    int wireLength = 0;
    int next = 0;
    void Refill()
    {
        for (int j = 0; j < Distinct; j++)
        {
            var b = new byte[PacketSize + 64];
            plain.CopyTo(b, 0);
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)next++);
            wireLength = sender2.ProtectRtp(b, PacketSize);
            wire[j] = b;
        }
    }
    var work = new byte[PacketSize + 64];
    double unprotectUs = 0;
    long unprotectAlloc = 0;
    int rounds = Math.Max(1, iterations / Distinct);
    for (int r = -2; r < rounds; r++) // two unmeasured rounds to warm up
    {
        Refill();
        double us = Measure(Distinct, i =>
        {
            wire[i].AsSpan(0, wireLength).CopyTo(work);
            if (receiver.UnprotectRtp(work, wireLength, out _) != SrtpStatus.Ok)
                throw new InvalidOperationException("unprotect failed");
        }, out long a, warmUp: false);
        if (r < 0)
            continue;
        unprotectUs += us / rounds;
        unprotectAlloc += a;
    }
    Console.WriteLine($"{profile,-22} protect {protectUs,6:F2} CPU µs/packet ({protectAlloc} B allocated)   unprotect {unprotectUs,6:F2} CPU µs/packet ({unprotectAlloc} B allocated)");
}

ForwardingBench.Run(60_000);

static double Measure(int n, Action<int> body, out long allocated, bool warmUp = true)
{
    if (warmUp)
        for (int i = 0; i < 20_000; i++)
            body(i); // tier up before measuring
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    long before = GC.GetAllocatedBytesForCurrentThread();
    for (int i = 0; i < n; i++)
        body(i);
    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    // Process CPU time rather than wall time: on a shared machine the wall clock counts other people's work.
    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    return used.TotalMicroseconds / n;
}
