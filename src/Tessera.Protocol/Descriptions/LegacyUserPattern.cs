using System.Text.Json.Serialization;
using Tessera.Auth.Passwords;

namespace Tessera.Protocol.Descriptions;

/// <summary>An entry of the pre-0.9 <c>op</c>/<c>presenter</c>/<c>other</c> lists (files.md §4.3).</summary>
public sealed record LegacyUserPattern
{
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("password")] public Password? Password { get; init; }
}
