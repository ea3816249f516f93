using System.Text.Json;
using Tessera.Auth.Jwt;

namespace Tessera.Auth.Tests.Jwt;

public class JwtClaimsBuildTests : JwtTestBase
{
    [Fact]
    public void Built_claims_signed_by_the_signer_pass_the_verifier()
    {
        var key = TestKeys.Private("ES256", kid: "portal");
        var claims = JwtClaims.Build("ada", "https://meet.example.net/group/lab/", ["present", "message"], Now,
                                     TimeSpan.FromMinutes(5), issuer: "https://auth.example.net/", includeSubgroups: true);
        var result = Verify(JwtSigner.Sign(claims, key), [TestKeys.Public("ES256", kid: "portal")], group: "lab/r3",
                            canonicalHost: "meet.example.net");
        Assert.True(result.Success, result.FailureReason);
        Assert.Equal("ada", result.Subject);
        Assert.Equal(["present", "message"], result.Permissions);
        Assert.True(result.IncludeSubgroups);
        Assert.Equal(Now.AddMinutes(5), result.Expires);
    }

    [Fact]
    public void Optional_claims_are_omitted()
    {
        using var doc = JsonDocument.Parse(JwtClaims.Build(null, "https://h/group/g/", [], Now, TimeSpan.FromSeconds(30)));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["aud", "permissions", "iat", "exp"], names);
        Assert.Equal(NowSeconds + 30, doc.RootElement.GetProperty("exp").GetInt64());
    }
}
