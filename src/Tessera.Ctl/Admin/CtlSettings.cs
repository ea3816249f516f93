using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Ctl.Admin;

/// <summary>
/// galenectl's own configuration file, same place and format: <c>$XDG_CONFIG_HOME/galene/galenectl.json</c>
/// (<c>~/.config/galene/galenectl.json</c>), holding the server's URL and the administrator's
/// credentials; unknown fields are an error. Flags given on the command line win over it.
/// </summary>
public sealed record CtlSettings
{
    public const string DefaultServer = "https://localhost:8443";

    [JsonPropertyName("server")] public string? Server { get; init; }
    [JsonPropertyName("admin-username")] public string? AdminUsername { get; init; }
    [JsonPropertyName("admin-password")] public string? AdminPassword { get; init; }
    [JsonPropertyName("admin-token")] public string? AdminToken { get; init; }

    public static string DefaultPath()
    {
        var configHome = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
            configHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "galene", "galenectl.json");
    }

    /// <summary>The file's settings; an absent file is empty settings.</summary>
    /// <exception cref="CtlException">The file exists but is not valid.</exception>
    public static CtlSettings Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new CtlSettings();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CtlException($"cannot read {path}: {e.Message}");
        }
        try
        {
            return JsonSerializer.Deserialize<CtlSettings>(bytes, Strict) ?? new CtlSettings();
        }
        catch (JsonException e)
        {
            throw new CtlException($"{path}: {e.Message}");
        }
    }

    /// <summary>Never prints the password or token.</summary>
    public override string ToString() => $"CtlSettings(server={Server}, admin-username={AdminUsername})";

    internal static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };
}
