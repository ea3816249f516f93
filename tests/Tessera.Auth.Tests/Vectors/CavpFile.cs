namespace Tessera.Auth.Tests.Vectors;

/// <summary>
/// Reads NIST CAVP response files (".rsp"): "[section]" lines, "name = value" lines, and records
/// that end with a "Result" line. Values set earlier in a section (such as an RSA modulus) carry
/// over into later records.
/// </summary>
internal static class CavpFile
{
    public const string VectorRoot = "/usr/lib/python3/dist-packages/cryptography_vectors/asymmetric";

    public sealed record Record(string Section, IReadOnlyDictionary<string, string> Values)
    {
        public string this[string name] => Values[name];

        public bool ExpectedPass => Values["Result"].StartsWith('P');

        public byte[] Bytes(string name) => Convert.FromHexString(Values[name].Length % 2 == 0 ? Values[name] : "0" + Values[name]);
    }

    /// <summary>Every record of the file; fails the test with instructions when the file is missing.</summary>
    public static IReadOnlyList<Record> Read(string relativePath)
    {
        var path = Path.Combine(VectorRoot, relativePath);
        if (!File.Exists(path))
            Assert.Fail($"NIST test vector file {path} is missing: install the Debian package python3-cryptography-vectors " +
                        "(scripts/install-test-deps.sh does this).");
        var records = new List<Record>();
        var section = "";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
                values.Clear();
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq < 0) continue;
            values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            if (line.StartsWith("Result", StringComparison.Ordinal))
                records.Add(new Record(section, new Dictionary<string, string>(values)));
        }
        return records;
    }
}
