namespace Tessera.Media.Tests;

internal static class Hex
{
    public static byte[] Parse(string text) =>
        Convert.FromHexString(string.Concat(text.Where(Uri.IsHexDigit)));
}
