using System.Globalization;
using System.Text.RegularExpressions;

namespace Tessera.Auth.Tokens;

/// <summary>
/// RFC 3339 timestamps as Galène writes and reads them: any fraction and offset on input;
/// output in UTC with up to nine fractional digits and trailing zeros removed.
/// </summary>
public static partial class Rfc3339
{
    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$",
                    RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        int Part(int i) => int.Parse(m.Groups[i].ValueSpan, CultureInfo.InvariantCulture);
        var (year, month, day, hour, minute, second) = (Part(1), Part(2), Part(3), Part(4), Part(5), Part(6));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)) return false;
        if (hour > 23 || minute > 59 || second > 59 || year < 1) return false;
        var offset = TimeSpan.Zero;
        if (!m.Groups[8].Success)
        {
            var offsetHours = Part(10);
            var offsetMinutes = Part(11);
            if (offsetHours > 23 || offsetMinutes > 59) return false;
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (m.Groups[9].Value == "-") offset = -offset;
        }
        long ticks = 0;
        if (m.Groups[7].Success)
        {
            // Ticks are 100 ns: keep seven digits, drop the rest.
            var digits = m.Groups[7].Value.PadRight(7, '0')[..7];
            ticks = long.Parse(digits, CultureInfo.InvariantCulture);
        }
        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>UTC, nanosecond notation, trailing zeros trimmed (<c>2026-07-29T13:52:24.6173901Z</c>).</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = (utc.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return fraction.Length == 0 ? text + "Z" : text + "." + fraction + "Z";
    }
}
