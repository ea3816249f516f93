using System.Text;
using System.Text.Json;

namespace Tessera.Auth.Tokens;

/// <summary>
/// The decoded content of <c>tokens.jsonl</c>: a sequence of JSON objects (whitespace between them
/// is free, normally one per line). Unlike Galène, a corrupt object does not disable the store:
/// decoding resumes at the next line, the problem is reported, and the unreadable text is kept so
/// that a rewrite does not destroy what an operator may still want to repair.
/// </summary>
internal sealed class TokenFileContent
{
    public static readonly TokenFileContent Empty = new([], [], [], true);

    private TokenFileContent(List<StatefulToken> tokens, List<string> problems, List<string> unreadable, bool endsWithNewline)
    {
        // Later duplicates win, but the first position is kept for a stable order.
        var byToken = new Dictionary<string, StatefulToken>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var t in tokens)
        {
            if (!byToken.ContainsKey(t.Token)) order.Add(t.Token);
            byToken[t.Token] = t;
        }
        ByToken = byToken;
        Tokens = order.Select(t => byToken[t]).ToList();
        Problems = problems;
        UnreadableText = unreadable;
        EndsWithNewline = endsWithNewline;
    }

    public IReadOnlyDictionary<string, StatefulToken> ByToken { get; }

    /// <summary>Distinct tokens in file order.</summary>
    public IReadOnlyList<StatefulToken> Tokens { get; }

    /// <summary>One human-readable line per object that could not be used (no secrets quoted).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Raw text of the lines that could not be decoded.</summary>
    public IReadOnlyList<string> UnreadableText { get; }

    public bool EndsWithNewline { get; }

    public static TokenFileContent Parse(byte[] data)
    {
        var tokens = new List<StatefulToken>();
        var problems = new List<string>();
        var unreadable = new List<string>();
        var position = 0;
        while (true)
        {
            while (position < data.Length && IsJsonWhitespace(data[position])) position++;
            if (position >= data.Length) break;
            var line = 1 + data.AsSpan(0, position).Count((byte)'\n');
            var reader = new Utf8JsonReader(data.AsSpan(position),
                                            new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 16 });
            try
            {
                using var document = JsonDocument.ParseValue(ref reader);
                position += (int)reader.BytesConsumed;
                try
                {
                    tokens.Add(StatefulTokenJson.Read(document.RootElement));
                }
                catch (FormatException e)
                {
                    problems.Add($"line {line}: {e.Message}");
                    unreadable.Add(document.RootElement.GetRawText());
                }
            }
            catch (JsonException)
            {
                var end = data.AsSpan(position).IndexOf((byte)'\n');
                var stop = end < 0 ? data.Length : position + end;
                problems.Add($"line {line}: not valid JSON, skipped");
                unreadable.Add(Encoding.UTF8.GetString(data, position, stop - position).TrimEnd('\r'));
                position = end < 0 ? data.Length : stop + 1;
            }
        }
        var endsWithNewline = data.Length == 0 || data[^1] == (byte)'\n';
        return new TokenFileContent(tokens, problems, unreadable, endsWithNewline);
    }

    private static bool IsJsonWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
