using System.Globalization;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>
/// Progress of a long operation: a bar redrawn in place on a terminal, otherwise a plain line at each tenth of the
/// work (and at the end), so logs stay short. Counts and sizes only, never file names.
/// </summary>
internal sealed class BackupProgress
{
    private const int BarWidth = 30;
    private readonly TextWriter _writer;
    private readonly string _verb;
    private readonly bool _terminal;
    private long _totalBytes;
    private int _totalFiles;
    private long _bytes;
    private int _files;
    private int _shown = -1;

    public BackupProgress(TextWriter writer, string verb)
    {
        _writer = writer;
        _verb = verb;
        _terminal = ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
    }

    public void Start(int files, long bytes)
    {
        _totalFiles = files;
        _totalBytes = bytes;
        Show(force: true);
    }

    public void Bytes(int count)
    {
        _bytes += count;
        Show(force: false);
    }

    public void FileDone()
    {
        _files++;
        Show(force: false);
    }

    public void Finish()
    {
        Show(force: true);
        if (_terminal)
        {
            _writer.WriteLine();
        }
    }

    private void Show(bool force)
    {
        var fraction = _totalBytes > 0 ? Math.Min(1.0, (double)_bytes / _totalBytes) : (_totalFiles > 0 ? (double)_files / _totalFiles : 1.0);
        var step = _terminal ? (int)(fraction * 100) : (int)(fraction * 10);
        if (!force && step == _shown)
        {
            return;
        }

        _shown = step;
        var counts = string.Create(CultureInfo.InvariantCulture, $"{_files}/{_totalFiles} files, {_bytes / 1048576.0:0.0}/{_totalBytes / 1048576.0:0.0} MiB");
        if (_terminal)
        {
            var filled = (int)(fraction * BarWidth);
            _writer.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_verb} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:0}% {counts}   "));
        }
        else
        {
            _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_verb}: {fraction * 100:0}% ({counts})"));
        }
    }
}
