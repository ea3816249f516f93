using System.Net;

namespace Tessera.Server.Streams;

/// <summary>The <c>--ice-address</c> values: repeatable, each possibly a comma-separated list.</summary>
public static class IceAddressList
{
    /// <exception cref="FormatException">A value is not an IP address.</exception>
    public static IReadOnlyList<IPAddress> Parse(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
              .Select(a => IPAddress.TryParse(a, out var ip) ? ip : throw new FormatException($"--ice-address: \"{a}\" is not an IP address"))
              .Distinct()
              .ToList();
}
