// AFL++ entry point: `Tessera.Fuzz TARGET` runs under afl-fuzz; `Tessera.Fuzz TARGET FILE...`
// replays inputs (a crash AFL saved, say) without AFL — with the plain build: instrumented
// assemblies only run inside Fuzzer.OutOfProcess.Run. Targets: see Targets.cs.
using SharpFuzz;
using Tessera.Fuzz;

if (args.Length == 0 || !Targets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Tessera.Fuzz {{{string.Join('|', Targets.All.Keys)}}} [FILE...]");
    return 2;
}
if (args.Length > 1)
{
    foreach (var file in args.Skip(1)) target(File.ReadAllBytes(file));
    Console.WriteLine($"{args.Length - 1} input(s) replayed without a crash");
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;
