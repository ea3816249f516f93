using System.Security.Cryptography;

namespace Tessera.Media.Ice;

/// <summary>ICE username fragment and password (RFC 8445 §5.3): at least 4 and 22 ice-chars.</summary>
public sealed record IceCredentials(string Ufrag, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static IceCredentials Generate() => new(RandomString(8), RandomString(24));

    private static string RandomString(int length) => RandomNumberGenerator.GetString(IceChars, length);
}
