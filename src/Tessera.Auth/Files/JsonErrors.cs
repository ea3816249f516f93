using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Tessera.Auth.Files;

/// <summary>
/// Turns the serializer's errors about a configuration file into sentences for the person who
/// edits it: the field by its JSON name, what was expected, the line and column, and for an
/// unknown field the nearest known one. The serializer speaks of .NET types and members, which
/// mean nothing to an administrator.
/// </summary>
public static partial class JsonErrors
{
    /// <param name="error">What the serializer threw while reading <paramref name="target"/>.</param>
    /// <param name="target">The type the whole file was read as.</param>
    /// <param name="options">The options it was read with (they name the JSON fields).</param>
    /// <param name="hints">What to do instead, for unknown fields that are known mistakes (old settings).</param>
    public static string Describe(JsonException error, Type target, JsonSerializerOptions options,
                                  IReadOnlyDictionary<string, string>? hints = null)
    {
        string where = Position(error);
        string message = error.Message;
        string field = FieldOf(error.Path);

        if (UnknownMember().Match(message) is { Success: true } unknown)
        {
            string name = unknown.Groups["name"].Value;
            if (hints is not null && hints.TryGetValue(name, out var instead))
                return $"unknown field \"{name}\"{where}: {instead}";
            string? suggestion = Nearest(name, KnownFields(target, unknown.Groups["type"].Value, options));
            string hint = suggestion is null ? "" : $"; did you mean \"{suggestion}\"?";
            return $"unknown field \"{name}\"{where}{hint}";
        }
        if (NotConvertible().Match(message) is { Success: true } mismatch)
        {
            string expected = Expected(mismatch.Groups["type"].Value);
            return field.Length > 0 ? $"field \"{field}\" must be {expected}{where}" : $"the file must hold {expected}{where}";
        }
        // Syntax errors and our own converters' messages: keep the sentence, drop the serializer's trailer.
        string sentence = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        string about = field.Length > 0 && error.InnerException is null && !sentence.Contains('\'') ? $" (field \"{field}\")" : "";
        return $"{sentence}{about}{where}";
    }

    /// <summary>" at line L column C", 1-based, or nothing when the serializer gave no position.</summary>
    private static string Position(JsonException error) =>
        error.LineNumber is long line ? $" at line {line + 1} column {(error.BytePositionInLine ?? 0) + 1}" : "";

    /// <summary>The last name of a JSON path such as <c>$.users['bob'].password</c> or <c>$.codecs[2]</c>.</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return "";
        var names = PathName().Matches(path);
        return names.Count == 0 ? "" : names[^1].Groups["name"].Value is { Length: > 0 } dotted ? dotted : names[^1].Groups["quoted"].Value;
    }

    private static string Expected(string dotnetType)
    {
        string t = dotnetType.Trim();
        if (t.StartsWith("System.Nullable`1[", StringComparison.Ordinal))
            t = t["System.Nullable`1[".Length..].TrimEnd(']');
        return t switch
        {
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt64" or "System.Int16" or "System.UInt16" or "System.Byte" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.DateTimeOffset" or "System.DateTime" => "a date and time (RFC 3339, e.g. \"2026-12-04T10:00:00Z\")",
            "System.TimeSpan" => "a duration",
            _ when t.Contains("Dictionary", StringComparison.Ordinal) => "an object",
            _ when t.Contains("List", StringComparison.Ordinal) || t.EndsWith("[]", StringComparison.Ordinal)
                   || t.Contains("Enumerable", StringComparison.Ordinal) => "a list",
            _ => "an object",
        };
    }

    /// <summary>The JSON names of the fields of the type named <paramref name="typeName"/>, found from <paramref name="root"/>.</summary>
    private static IReadOnlyList<string> KnownFields(Type root, string typeName, JsonSerializerOptions options)
    {
        var resolver = options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver();
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>([root]);
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (!seen.Add(type))
                continue;
            JsonTypeInfo? info;
            try
            {
                info = resolver.GetTypeInfo(type, options);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                continue;
            }
            if (info is null)
                continue;
            if (info.Kind == JsonTypeInfoKind.Object && (type.FullName == typeName || type.Name == typeName))
                return info.Properties.Select(p => p.Name).ToList();
            if (info.Kind == JsonTypeInfoKind.Object)
                foreach (var p in info.Properties)
                    queue.Enqueue(p.PropertyType);
            if (info.ElementType is { } element)
                queue.Enqueue(element);
            if (Nullable.GetUnderlyingType(type) is { } underlying)
                queue.Enqueue(underlying);
            foreach (var derived in info.PolymorphismOptions?.DerivedTypes ?? [])
                queue.Enqueue(derived.DerivedType);
        }
        return [];
    }

    /// <summary>The known name closest to <paramref name="name"/>, if it is close enough to be a typo.</summary>
    public static string? Nearest(string name, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            int d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
                (best, bestDistance) = (candidate, d);
        }
        // One edit in four characters, at least one: "publc" → "public", not "x" → "op".
        return best is not null && bestDistance <= Math.Max(1, name.Length / 4) ? best : null;
    }

    /// <summary>Edit distance with transpositions (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"The JSON property '(?<name>.*?)' could not be mapped to any \.NET member contained in type '(?<type>[^']+)'")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"could not be converted to (?<type>.+?)\. Path:")]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"\.(?<name>[^.\[\]]+)|\['(?<quoted>[^']*)'\]")]
    private static partial Regex PathName();
}
