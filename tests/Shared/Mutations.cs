using CsCheck;

namespace Tessera.Tests.Shared;

/// <summary>
/// Inputs for parser property tests: valid samples damaged the way fuzzers damage them (bit
/// flips, truncation, inserted and deleted runs, extreme length fields, splices of two samples),
/// so that the tests spend their time near the valid shapes where parsers are most fragile,
/// plus wholly random bytes. Linked into each test project that needs it.
/// </summary>
public static class Mutations
{
    /// <summary>A seed damaged by 1–4 random edits, chosen reproducibly from CsCheck's random int.</summary>
    public static Gen<byte[]> Of(params byte[][] seeds) =>
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int, (index, randomness) => Mutate(seeds, index, randomness));

    /// <summary>Mutated seeds half the time, arbitrary bytes the other half.</summary>
    public static Gen<byte[]> OrRandom(int maxLength, params byte[][] seeds) =>
        Gen.Frequency((1, Of(seeds)), (1, Gen.Byte.Array[0, maxLength]));

    private static byte[] Mutate(byte[][] seeds, int index, int randomness)
    {
        var random = new Random(randomness);
        var data = new List<byte>(seeds[index]);
        for (var edits = random.Next(1, 5); edits > 0; edits--)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(8))
            {
                case 0 when data.Count > 0: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: data.RemoveRange(at, data.Count - at); break;
                case 2 when data.Count > 0: data[at] = (byte)random.Next(256); break;
                case 3: data.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256))); break;
                case 4: data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 9))); break;
                case 5 when data.Count > 1:
                    // An extreme 16-bit length or count field.
                    var big = random.Next(3) switch { 0 => 0xFFFF, 1 => 0x8000, _ => 0 };
                    data[at] = (byte)(big >> 8);
                    if (at + 1 < data.Count) data[at + 1] = (byte)big;
                    break;
                case 6:
                    var other = seeds[random.Next(seeds.Length)];
                    var cut = other.Length == 0 ? 0 : random.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.Skip(cut));
                    break;
                default:
                    if (data.Count > 0) data.InsertRange(at, data.Take(Math.Min(data.Count, random.Next(1, 64))).ToList());
                    break;
            }
        }
        return data.ToArray();
    }
}
