using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SecureDrop.Net.Proof.Tests.BadInput;

/// <summary>Which running app a corpus request goes to.</summary>
public enum CorpusTarget
{
    FrontEnd,
    Console,
}

/// <summary>Send the body a few bytes at a time, as a slow-loris client would (bounded: at most <see cref="Chunks"/> pieces).</summary>
public sealed record Trickle(int Bytes, int DelayMs, int Chunks);

/// <summary>
/// One hostile request of the corpus (tests/SecureDrop.Net.Proof.Tests/Corpus/*.json, made by generate.py) and what
/// the server must answer. The request is raw bytes written as a Latin-1 string, with placeholders for what only the
/// running instance knows (cookies, form tokens, ids): see <see cref="Render"/>.
/// </summary>
public sealed partial record CorpusCase
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public required string Name { get; init; }

    public required CorpusTarget Target { get; init; }

    public required string Request { get; init; }

    /// <summary>The statuses that are right; 0 means the server closes the connection without an answer.</summary>
    public required IReadOnlyList<int> Statuses { get; init; }

    /// <summary>Text the (HTML-decoded) body must contain: the plain message that names the problem.</summary>
    public string? Contains { get; init; }

    /// <summary>Text that must not appear anywhere in the response, head or body (e.g. a cookie value the client chose).</summary>
    public string? Absent { get; init; }

    public bool HalfClose { get; init; }

    public Trickle? Trickle { get; init; }

    /// <summary>Why this is the right answer, for the reader of the corpus.</summary>
    public string? Why { get; init; }

    public override string ToString() => Name;

    public static IReadOnlyList<CorpusCase> Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Corpus", file + ".json");
        return JsonSerializer.Deserialize<List<CorpusCase>>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>
    /// The request's bytes: <c>{{repeat N}}…{{/repeat}}</c> is expanded (with <c>{{i}}</c> the index), every
    /// <c>{{name}}</c> is replaced from <paramref name="context"/>, and <c>{{length}}</c> becomes the byte length of
    /// the body (everything after the first blank line).
    /// </summary>
    public byte[] Render(IReadOnlyDictionary<string, string> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = RepeatBlock().Replace(Request, match =>
        {
            var count = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var block = match.Groups[2].Value;
            var expanded = new StringBuilder(block.Length * count);
            for (var i = 0; i < count; i++)
            {
                expanded.Append(block.Replace("{{i}}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            }

            return expanded.ToString();
        });
        text = Placeholder().Replace(text, match => match.Groups[1].Value == "length"
            ? match.Value
            : context.TryGetValue(match.Groups[1].Value, out var value) ? value : throw new KeyNotFoundException($"Case '{Name}' uses an unknown placeholder {match.Value}."));
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (text.Contains("{{length}}", StringComparison.Ordinal))
        {
            var body = split < 0 ? 0 : text.Length - split - 4;
            text = text.Replace("{{length}}", body.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return Encoding.Latin1.GetBytes(text);
    }

    [GeneratedRegex(@"\{\{repeat (\d+)\}\}(.*?)\{\{/repeat\}\}", RegexOptions.Singleline)]
    private static partial Regex RepeatBlock();

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();
}
