using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;

namespace Tessera.Bench.Join;

/// <summary>
/// How a joiner authenticates: the join messages are all encoded before the clock starts.
/// Tokens come from a pre-minted pool of distinct tokens that joiners cycle through
/// (JWTs are valid for an hour, invitations until 2999), so minting never loads the client.
/// </summary>
public sealed class JoinMethod
{
    private readonly byte[][] _messages;

    private JoinMethod(string name, byte[][] messages)
    {
        Name = name;
        _messages = messages;
    }

    public string Name { get; }
    public int PoolSize => _messages.Length;

    /// <summary>The join message for a joiner's n-th attempt; distinct joiners never share one at the same time.</summary>
    public byte[] Message(int joiner, int joiners, long attempt) =>
        _messages[(int)((joiner + attempt * joiners) % _messages.Length)];

    public static JoinMethod Password(string group, int joiners) =>
        new("password", Enumerable.Range(0, joiners).Select(j => Wire.PasswordJoin(group, $"user{j}", Fixture.Password)).ToArray());

    public static JoinMethod Jwt(string name, JsonWebKey key, Uri serverBase, string group, int pool)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var audience = new Uri(serverBase, $"/group/{group}/").ToString();
        var messages = new byte[pool][];
        for (var i = 0; i < pool; i++)
        {
            var claims = $$"""{"sub":"jwt{{i}}","aud":"{{audience}}","permissions":["present","message"],"iat":{{now - 1}},"exp":{{now + 3600}}}""";
            messages[i] = Wire.TokenJoin(group, JwtSigner.Sign(claims, key));
        }
        return new(name, messages);
    }

    public static JoinMethod Invitation(string group, int pool) =>
        new("invitation", Enumerable.Range(0, pool).Select(i => Wire.TokenJoin(group, Fixture.InvitationToken(i))).ToArray());
}
