using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace SecureDrop.Net.Submission.Localization;

/// <summary>
/// ICU MessageFormat, the part of it the front end's strings use: <c>{name}</c>, <c>{name, number}</c>,
/// <c>{name, plural, =0 {…} one {…} other {…}}</c> with <c>#</c> for the number, and
/// <c>{name, select, key {…} other {…}}</c>, nested; apostrophes as ICU's default (DOUBLE_OPTIONAL) mode reads them.
/// A translator writes whole sentences per case (a Korean sentence is built around its particles, an English one
/// around its plurals) instead of the code gluing fragments together.
/// </summary>
/// <remarks>
/// Written here because no MessageFormat implementation can be had for this build: the package registry it restores
/// from serves none ("MessageFormat", "Linguini.Bundle" and "SmartFormat" are not served; ICU4N 60.1.0-alpha.440 keeps
/// its MessageFormat internal and its public PluralRules cost the front end 23 MiB and 0.4 s to load, measured), and
/// the front end runs without ICU (invariant globalization). The syntax is ICU's, so the resource strings move to a
/// library unchanged once one is served. Plural categories come from <see cref="PluralCategory"/>.
/// </remarks>
internal sealed class MessageFormat
{
    private static readonly ConcurrentDictionary<string, MessageFormat> Parsed = new(StringComparer.Ordinal);
    private readonly Node[] _nodes;

    private MessageFormat(Node[] nodes)
    {
        _nodes = nodes;
    }

    /// <summary>Parses (once per distinct pattern) and formats.</summary>
    /// <exception cref="FormatException">The pattern is malformed or names an argument not given.</exception>
    public static string Format(string pattern, CultureInfo culture, IReadOnlyDictionary<string, object> arguments)
    {
        ArgumentNullException.ThrowIfNull(culture);
        ArgumentNullException.ThrowIfNull(arguments);
        var message = Parsed.GetOrAdd(pattern, static p => Parse(p));
        var output = new StringBuilder();
        message.Write(output, culture, arguments, pluralNumber: null);
        return output.ToString();
    }

    public static MessageFormat Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var reader = new Reader(pattern);
        var nodes = reader.ReadMessage(inPlural: false, nested: false);
        return new MessageFormat(nodes);
    }

    private void Write(StringBuilder output, CultureInfo culture, IReadOnlyDictionary<string, object> arguments, decimal? pluralNumber) =>
        Write(_nodes, output, culture, arguments, pluralNumber);

    private static void Write(Node[] nodes, StringBuilder output, CultureInfo culture, IReadOnlyDictionary<string, object> arguments, decimal? pluralNumber)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case PoundNode:
                    output.Append(FormatNumber(pluralNumber!.Value));
                    break;
                case ArgumentNode argument:
                    var value = Value(arguments, argument.Name);
                    output.Append(value switch
                    {
                        string s => s,
                        _ when IsNumber(value) => FormatNumber(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
                        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                        _ => value.ToString(),
                    });
                    break;
                case PluralNode plural:
                    var number = Convert.ToDecimal(Value(arguments, plural.Name), CultureInfo.InvariantCulture);
                    var exact = "=" + number.ToString(CultureInfo.InvariantCulture);
                    var chosen = plural.Cases.GetValueOrDefault(exact)
                        ?? plural.Cases.GetValueOrDefault(PluralCategory.Of(culture, number))
                        ?? plural.Cases["other"];
                    Write(chosen, output, culture, arguments, number);
                    break;
                case SelectNode select:
                    var key = Convert.ToString(Value(arguments, select.Name), CultureInfo.InvariantCulture) ?? "";
                    Write(select.Cases.GetValueOrDefault(key) ?? select.Cases["other"], output, culture, arguments, pluralNumber);
                    break;
            }
        }
    }

    private static object Value(IReadOnlyDictionary<string, object> arguments, string name) =>
        arguments.TryGetValue(name, out var value) ? value : throw new FormatException($"The message needs an argument named '{name}'.");

    private static bool IsNumber(object value) => value is int or long or short or byte or uint or ulong or ushort or decimal or double or float;

    // Digits grouped by thousands, the same in English and Korean (1,234); invariant because the front end has no ICU.
    private static string FormatNumber(decimal number) => number.ToString("#,0.##", CultureInfo.InvariantCulture);

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record PoundNode : Node;

    private sealed record ArgumentNode(string Name) : Node;

    private sealed record PluralNode(string Name, Dictionary<string, Node[]> Cases) : Node;

    private sealed record SelectNode(string Name, Dictionary<string, Node[]> Cases) : Node;

    private sealed class Reader
    {
        private readonly string _pattern;
        private int _position;

        public Reader(string pattern)
        {
            _pattern = pattern;
        }

        public Node[] ReadMessage(bool inPlural, bool nested)
        {
            var nodes = new List<Node>();
            var text = new StringBuilder();
            while (_position < _pattern.Length)
            {
                char c = _pattern[_position];
                if (c == '}')
                {
                    if (!nested)
                    {
                        throw Error("an unmatched '}'");
                    }

                    break;
                }

                _position++;
                if (c == '\'')
                {
                    ReadQuoted(text, inPlural);
                }
                else if (c == '#' && inPlural)
                {
                    Flush();
                    nodes.Add(new PoundNode());
                }
                else if (c == '{')
                {
                    Flush();
                    nodes.Add(ReadArgument());
                }
                else
                {
                    text.Append(c);
                }
            }

            if (nested && _position >= _pattern.Length)
            {
                throw Error("a '{' that is never closed");
            }

            Flush();
            return [.. nodes];

            void Flush()
            {
                if (text.Length > 0)
                {
                    nodes.Add(new TextNode(text.ToString()));
                    text.Clear();
                }
            }
        }

        // ICU's DOUBLE_OPTIONAL apostrophes: '' is one apostrophe; an apostrophe before { } (or # in a plural) starts a
        // quoted run up to the next single apostrophe; any other apostrophe is itself ("journalists' replies").
        private void ReadQuoted(StringBuilder text, bool inPlural)
        {
            if (_position < _pattern.Length && _pattern[_position] == '\'')
            {
                text.Append('\'');
                _position++;
                return;
            }

            if (_position >= _pattern.Length || !(_pattern[_position] is '{' or '}' || (inPlural && _pattern[_position] == '#')))
            {
                text.Append('\'');
                return;
            }

            while (_position < _pattern.Length)
            {
                char c = _pattern[_position++];
                if (c == '\'')
                {
                    if (_position < _pattern.Length && _pattern[_position] == '\'')
                    {
                        text.Append('\'');
                        _position++;
                        continue;
                    }

                    return;
                }

                text.Append(c);
            }
        }

        private Node ReadArgument()
        {
            string name = ReadWord();
            SkipSpace();
            if (Take('}'))
            {
                return new ArgumentNode(name);
            }

            Expect(',');
            string type = ReadWord();
            SkipSpace();
            if (type == "number" && Take('}'))
            {
                return new ArgumentNode(name);
            }

            if (type is not ("plural" or "select"))
            {
                throw Error($"an argument type '{type}' (only number, plural and select are supported)");
            }

            Expect(',');
            var cases = new Dictionary<string, Node[]>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (Take('}'))
                {
                    break;
                }

                string key = ReadWord();
                SkipSpace();
                Expect('{');
                cases[key] = ReadMessage(inPlural: type == "plural", nested: true);
                Expect('}');
            }

            if (!cases.ContainsKey("other"))
            {
                throw Error($"a {type} of '{name}' without an 'other' case");
            }

            return type == "plural" ? new PluralNode(name, cases) : new SelectNode(name, cases);
        }

        private string ReadWord()
        {
            SkipSpace();
            int start = _position;
            while (_position < _pattern.Length && (char.IsLetterOrDigit(_pattern[_position]) || _pattern[_position] is '_' or '=' or '-' or '.'))
            {
                _position++;
            }

            return _position > start ? _pattern[start.._position] : throw Error("a name or key missing");
        }

        private void SkipSpace()
        {
            while (_position < _pattern.Length && char.IsWhiteSpace(_pattern[_position]))
            {
                _position++;
            }
        }

        private bool Take(char c)
        {
            if (_position < _pattern.Length && _pattern[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!Take(c))
            {
                throw Error($"'{c}' expected");
            }
        }

        private FormatException Error(string what) => new($"Malformed message at character {_position}: {what}. Pattern: {_pattern}");
    }
}
