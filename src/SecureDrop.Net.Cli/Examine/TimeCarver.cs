using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// Finds timestamps the way a forensic examiner carves them: written as text (ISO 8601, PostgreSQL's and syslog's
/// forms, Unix milliseconds) or as binary integers (.NET ticks, PostgreSQL microseconds since 2000, Unix
/// milliseconds; either byte order) near an id, in live rows, free pages, WAL frames and dead tuples alike. Only
/// values between <see cref="NotBefore"/> and <see cref="NotAfter"/> count, which keeps random bytes from passing
/// for times.
/// </summary>
internal sealed partial class TimeCarver(DateTimeOffset notBefore, DateTimeOffset notAfter)
{
    /// <summary>How far from an id a binary or textual timestamp still counts as belonging to it.</summary>
    public const int Reach = 384;

    private static readonly DateTimeOffset PostgreSqlEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset NotBefore { get; } = notBefore;

    public DateTimeOffset NotAfter { get; } = notAfter;

    public bool Plausible(DateTimeOffset time) => time >= NotBefore && time <= NotAfter;

    /// <summary>Every plausible timestamp written as text in <paramref name="text"/>.</summary>
    public IEnumerable<DateTimeOffset> InText(string text)
    {
        foreach (Match match in IsoTime().Matches(text))
        {
            var value = match.Value.Replace(' ', 'T').Replace("UTC", "Z", StringComparison.Ordinal).Replace("TZ", "Z", StringComparison.Ordinal);
            if (value.EndsWith("+00", StringComparison.Ordinal))
            {
                value += ":00";
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) && Plausible(time))
            {
                yield return time;
            }
        }

        foreach (Match match in UnixMilliseconds().Matches(text))
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(match.Value, CultureInfo.InvariantCulture));
            if (Plausible(time))
            {
                yield return time;
            }
        }

        foreach (Match match in Ticks().Matches(text))
        {
            if (long.TryParse(match.Value, CultureInfo.InvariantCulture, out var ticks) && FromTicks(ticks) is { } time)
            {
                yield return time;
            }
        }
    }

    /// <summary>Every plausible binary timestamp (8 octets, either byte order) starting within <paramref name="bytes"/>.</summary>
    public IEnumerable<DateTimeOffset> InBinary(ReadOnlyMemory<byte> bytes)
    {
        for (var at = 0; at + 8 <= bytes.Length; at++)
        {
            var span = bytes.Span.Slice(at, 8);
            foreach (var value in (long[])[BinaryPrimitives.ReadInt64BigEndian(span), BinaryPrimitives.ReadInt64LittleEndian(span)])
            {
                if (FromTicks(value) is { } ticks)
                {
                    yield return ticks;
                }

                if (value > 0 && value < 10_000_000_000_000_000 && PostgreSqlEpoch.AddTicks(value * 10) is var postgres && Plausible(postgres))
                {
                    yield return postgres;
                }

                if (value is > 0 and < 100_000_000_000_000 && DateTimeOffset.FromUnixTimeMilliseconds(value) is var unix && Plausible(unix))
                {
                    yield return unix;
                }
            }
        }
    }

    /// <summary>Plausible timestamps near each id occurrence in a file's raw bytes (text and binary), by id.</summary>
    public IEnumerable<(string Id, DateTimeOffset Time)> NearIds(byte[] content, Func<string, bool> isId)
    {
        foreach (var (id, at) in HexIds(content))
        {
            if (!isId(id))
            {
                continue;
            }

            var start = Math.Max(0, at - Reach);
            var end = Math.Min(content.Length, at + 32 + Reach);
            var window = content.AsMemory(start, end - start);
            foreach (var time in InBinary(window).Concat(InText(Encoding.Latin1.GetString(window.Span))))
            {
                yield return (id, time);
            }
        }
    }

    /// <summary>Every run of exactly 32 lower-case hex digits in raw bytes, and where it starts.</summary>
    public static IEnumerable<(string Id, int At)> HexIds(byte[] content)
    {
        var at = 0;
        while (at < content.Length)
        {
            if (!IsHex(content[at]))
            {
                at++;
                continue;
            }

            var end = at;
            while (end < content.Length && IsHex(content[end]))
            {
                end++;
            }

            // A longer run (hex of something else) may still hold an id, e.g. an id written twice without a separator.
            for (var start = at; start + 32 <= end; start += 32)
            {
                yield return (Encoding.ASCII.GetString(content, start, 32), start);
            }

            at = end;
        }
    }

    private DateTimeOffset? FromTicks(long ticks) =>
        ticks > DateTime.MinValue.Ticks && ticks < DateTime.MaxValue.Ticks && new DateTimeOffset(ticks, TimeSpan.Zero) is var time && Plausible(time) ? time : null;

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f');

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?( ?UTC|Z|[+-]\d{2}(:?\d{2})?)?")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"(?<!\d)1\d{12}(?!\d)")]
    private static partial Regex UnixMilliseconds();

    [GeneratedRegex(@"(?<!\d)6\d{17}(?!\d)")]
    private static partial Regex Ticks();
}
