using Tessera.Auth.Jwk;

namespace Tessera.Auth.Tests.Jwk;

public class Base64UrlStrictTests
{
    [Theory]
    [InlineData("", new byte[0])]
    [InlineData("AA", new byte[] { 0 })]
    [InlineData("AAA", new byte[] { 0, 0 })]
    [InlineData("_-8", new byte[] { 0xff, 0xef })]
    public void Decodes_unpadded_base64url(string text, byte[] expected) =>
        Assert.Equal(expected, Base64UrlStrict.TryDecode(text));

    [Theory]
    [InlineData("AA==")]
    [InlineData("AAA=")]
    [InlineData("A")]
    [InlineData("AB+C")]
    [InlineData("AB/C")]
    [InlineData("AB C")]
    [InlineData("ABC\n")]
    public void Refuses_padding_wrong_alphabet_whitespace_and_impossible_lengths(string text) =>
        Assert.Null(Base64UrlStrict.TryDecode(text));
}
