using System.Globalization;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>Progress of a long operation: a bar redrawn in place on a terminal, otherwise a plain line per step.</summary>
internal sealed class Progress
{
    private const int BarWidth = 30;
    private readonly TextWriter _output;
    private readonly bool _terminal;
    private readonly string _what;
    private readonly int _total;
    private int _lastShown = -1;

    public Progress(TextWriter output, bool terminal, string what, int total)
    {
        _output = output;
        _terminal = terminal;
        _what = what;
        _total = total;
    }

    /// <summary>Shows <paramref name="done"/> of the total; plain lines only every tenth of the way (and at the end).</summary>
    public async Task ReportAsync(int done)
    {
        var step = Math.Max(1, _total / 10);
        if (done == _lastShown || (!_terminal && done != _total && done / step == _lastShown / step && _lastShown >= 0))
        {
            return;
        }

        _lastShown = done;
        var text = string.Create(CultureInfo.InvariantCulture, $"{_what}: {done}/{_total} item(s)");
        if (_terminal)
        {
            var filled = _total == 0 ? BarWidth : done * BarWidth / _total;
            await _output.WriteAsync($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {text}");
            if (done == _total)
            {
                await _output.WriteLineAsync();
            }
        }
        else
        {
            await _output.WriteLineAsync(text);
        }

        await _output.FlushAsync();
    }
}
