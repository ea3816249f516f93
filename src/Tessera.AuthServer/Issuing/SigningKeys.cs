using System.Text.Json;
using Tessera.Auth.Jwk;
using Tessera.AuthServer.Configuration;

namespace Tessera.AuthServer.Issuing;

/// <summary>
/// The configured keys: the first one signs; the public parts of all of them are published so
/// the conference server keeps accepting tokens of a key being rotated out. Symmetric (oct)
/// keys have no public part and are not published.
/// </summary>
public sealed class SigningKeys
{
    private SigningKeys(JsonWebKey signer, string jwksJson)
    {
        Signer = signer;
        JwksJson = jwksJson;
    }

    public JsonWebKey Signer { get; }

    /// <summary><c>{"keys":[...]}</c>, ready to serve.</summary>
    public string JwksJson { get; }

    /// <exception cref="ConfigException">No key, an unusable key, or a public key where a private one is needed.</exception>
    public static SigningKeys FromConfig(IReadOnlyList<JsonElement> keys)
    {
        if (keys.Count == 0)
            throw new ConfigException("'keys' is empty: give at least one private JWK (tessera-ctl gen-key --alg ES256 prints one)");
        var parsed = new List<JsonWebKey>();
        for (var i = 0; i < keys.Count; i++)
        {
            JsonWebKey key;
            try
            {
                key = JsonWebKeyParser.Parse(keys[i]);
            }
            catch (Exception e) when (e is JwkFormatException or JsonException or ArgumentException)
            {
                throw new ConfigException($"keys[{i}]: not a usable JWK: {e.Message}", e);
            }
            if (!key.IsValid) throw new ConfigException($"keys[{i}]: not a usable JWK: {key.Problem}");
            if (!key.IsPrivate)
                throw new ConfigException($"keys[{i}] ({key}) is a public key; the authorisation server needs the private key " +
                                          "(put the public part in the groups' authKeys instead)");
            parsed.Add(key);
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in parsed.Where(k => k.KeyType != "oct"))
            {
                using var publicJwk = JsonDocument.Parse(key.ToPublicJwk());
                publicJwk.RootElement.WriteTo(writer);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return new SigningKeys(parsed[0], System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
