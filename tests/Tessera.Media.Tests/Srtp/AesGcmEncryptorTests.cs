using System.Security.Cryptography;
using Tessera.Media.Srtp;

namespace Tessera.Media.Tests.Srtp;

public class AesGcmEncryptorTests
{
    // NIST GCM test case 4 (AES-128, 60-byte plaintext, 20-byte AAD, 96-bit IV).
    [Fact]
    public void Matches_the_nist_test_vector()
    {
        if (!AesGcmEncryptor.IsSupported)
            return; // elsewhere the transform uses .NET's AesGcm alone (covered by SrtpVectorTests)
        using var encryptor = new AesGcmEncryptor(Hex.Parse("feffe9928665731c6d6a8f9467308308"));
        var data = Hex.Parse("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        var tag = new byte[16];
        encryptor.Encrypt(Hex.Parse("cafebabefacedbaddecaf888"), data, tag, Hex.Parse("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
        Assert.Equal("42831EC2217774244B7221B784D0D49CE3AA212F2C02A4E035C17E2329ACA12E21D514B25466931C7D8F6A5AAC84AA051BA30B396A0AAC973D58E091",
            Convert.ToHexString(data));
        Assert.Equal("5BC94FBC3221A5DB94FAE95AE7121A47", Convert.ToHexString(tag));
    }

    // Its keys are wiped on disposal, after which it refuses to work rather than encrypt under zero keys.
    [Fact]
    public void A_disposed_encryptor_refuses_to_encrypt()
    {
        if (!AesGcmEncryptor.IsSupported)
            return;
        var encryptor = new AesGcmEncryptor(new byte[16]);
        encryptor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encryptor.Encrypt(new byte[12], new byte[32], new byte[16], new byte[12]));
    }

    // Every length of data and associated data the SRTP send path can see, against .NET's AES-GCM.
    [Fact]
    public void Agrees_with_the_platform_cipher_for_every_length()
    {
        if (!AesGcmEncryptor.IsSupported)
            return; // elsewhere the transform uses .NET's AesGcm alone (covered by SrtpVectorTests)
        var random = new Random(17);
        var key = new byte[16];
        random.NextBytes(key);
        using var encryptor = new AesGcmEncryptor(key);
        using var reference = new AesGcm(key, 16);
        var iv = new byte[12];
        foreach (int associatedLength in new[] { 0, 1, 12, 15, 16, 17, 28, 60 })
        {
            for (int length = 0; length <= 1300; length += length < 80 ? 1 : 37)
            {
                random.NextBytes(iv);
                var associated = new byte[associatedLength];
                random.NextBytes(associated);
                var plain = new byte[length];
                random.NextBytes(plain);
                var expected = new byte[length];
                var expectedTag = new byte[16];
                reference.Encrypt(iv, plain, expected, expectedTag, associated);
                var data = (byte[])plain.Clone();
                var tag = new byte[16];
                encryptor.Encrypt(iv, data, tag, associated);
                Assert.True(expected.AsSpan().SequenceEqual(data), $"ciphertext differs: {length} bytes, {associatedLength} associated");
                Assert.True(expectedTag.AsSpan().SequenceEqual(tag), $"tag differs: {length} bytes, {associatedLength} associated");
                // The same into another buffer (the send path writes into the outgoing datagram), input untouched.
                var input = (byte[])plain.Clone();
                var output = new byte[length];
                var outputTag = new byte[16];
                encryptor.Encrypt(iv, input, output, outputTag, associated);
                Assert.True(expected.AsSpan().SequenceEqual(output), $"ciphertext elsewhere differs: {length} bytes, {associatedLength} associated");
                Assert.True(expectedTag.AsSpan().SequenceEqual(outputTag), $"tag elsewhere differs: {length} bytes, {associatedLength} associated");
                Assert.True(plain.AsSpan().SequenceEqual(input), "the plaintext was changed");
            }
        }
    }
}
