using System.Text.Json;

namespace Tessera.AuthServer.Http;

/// <summary>The JSON body of <c>POST /</c>: <c>{"username", "password", "location"}</c>, all strings.</summary>
public sealed record LoginRequest(string Username, string Password, string Location)
{
    /// <exception cref="JsonException">Not JSON.</exception>
    /// <exception cref="FormatException">JSON, but not an object with the three string fields.</exception>
    public static async Task<LoginRequest> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(body, default, cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object");
        return new LoginRequest(Field(root, "username"), Field(root, "password"), Field(root, "location"));
    }

    private static string Field(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"'{name}' must be a string");

    /// <summary>Keeps the password out of any accidental log line.</summary>
    public override string ToString() => $"LoginRequest(username={Username}, location={Location})";
}
