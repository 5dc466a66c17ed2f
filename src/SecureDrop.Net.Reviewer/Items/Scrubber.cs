using System.Diagnostics;
using System.Security.Cryptography;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Reviewer.Sessions;
using SecureDrop.Net.Vault.Submissions;

namespace SecureDrop.Net.Reviewer.Items;

/// <summary>
/// Metadata-scrubbed copies through Debian's <c>mat2</c>, where it is installed. mat2 works on files, so this is
/// the one place the console puts plaintext on disk: in a fresh owner-only directory under the data directory
/// (never the shared /tmp), for as long as mat2 and the download take, then erased. Formats mat2 has no cleaner
/// for are refused by their extension before anything is decrypted.
/// </summary>
internal sealed partial class Scrubber
{
    private static readonly TimeSpan MaxRun = TimeSpan.FromMinutes(5);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly DataDirectory _data;
    private readonly ItemReader _reader;
    private readonly ILogger<Scrubber> _logger;
    private readonly TimeProvider _time;
    private readonly Lazy<IReadOnlySet<string>> _extensions;
    private readonly string? _mat2;

    public Scrubber(DataDirectory data, ItemReader reader, TimeProvider time, ILogger<Scrubber> logger)
    {
        _data = data;
        _reader = reader;
        _time = time;
        _logger = logger;
        _mat2 = FindOnPath("mat2");
        _extensions = new Lazy<IReadOnlySet<string>>(ListExtensions);
    }

    public bool Available => _mat2 is not null && _extensions.Value.Count > 0;

    public string WorkDirectory => Path.Combine(_data.Root, "scrub");

    /// <summary>Whether mat2 lists a cleaner for this file name's extension.</summary>
    public bool Supports(string fileName)
    {
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        return Available && extension.Length > 1 && _extensions.Value.Contains(extension);
    }

    /// <summary>
    /// Decrypts the item into a fresh owner-only directory and runs mat2 on it. <paramref name="fileName"/> is the name
    /// from the item's sealed header; null for an item stored before headers existed, whose name the decryption itself
    /// gives (the file is named by its extension only after that, and not cleaned at all if mat2 has no cleaner for
    /// it): the result's <see cref="ScrubbedFile.Learned"/> then says what the one decryption learned.
    /// </summary>
    public async Task<ScrubbedFile> ScrubAsync(StoredItem item, string? fileName, UnlockedSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("mat2 runs on Debian; scrubbed copies need owner-only Unix directories.");
        }

        Directory.CreateDirectory(WorkDirectory, OwnerOnly);
        EraseAbandoned();
        var directory = Path.Combine(WorkDirectory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        Directory.CreateDirectory(directory, OwnerOnly);
        // mat2 picks its cleaner by extension; the rest of the original name never reaches the disk.
        var path = Path.Combine(directory, "item" + Path.GetExtension(fileName ?? "").ToLowerInvariant());
        try
        {
            // Unbuffered: the decryption writes straight from its own (zeroed) segments, leaving no copy in a FileStream buffer.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite, BufferSize = 0 };
            var decrypted = await Task.Run(() =>
            {
                using var file = new FileStream(path, options);
                // Checked as it is written; mat2 runs only on a file whose decryption returned, and a failure erases it.
                return _reader.DecryptTo(item, session, file, cancellationToken);
            }, cancellationToken);
            var learned = fileName is null ? decrypted : (DecryptedItem?)null;
            if (learned is { } found)
            {
                if (!Supports(found.Name))
                {
                    Erase(directory);
                    return new ScrubbedFile(null, null, null) { Learned = learned };
                }

                var named = path + Path.GetExtension(found.Name).ToLowerInvariant();
                File.Move(path, named);
                path = named;
            }

            var error = await RunMat2Async(path, cancellationToken);
            if (error is not null)
            {
                Erase(directory);
                return new ScrubbedFile(null, null, error) { Learned = learned };
            }

            return new ScrubbedFile(path, directory, null) { Learned = learned };
        }
        catch
        {
            Erase(directory);
            throw;
        }
    }

    /// <summary>Erases copies left behind by a download that never finished or a crash (older than two runs' limit).</summary>
    private void EraseAbandoned()
    {
        var cutoff = _time.GetUtcNow() - (2 * MaxRun);
        foreach (var directory in new DirectoryInfo(WorkDirectory).EnumerateDirectories())
        {
            if (new DateTimeOffset(directory.CreationTimeUtc, TimeSpan.Zero) < cutoff)
            {
                Erase(directory.FullName);
            }
        }
    }

    private async Task<string?> RunMat2Async(string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_mat2!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--inplace");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("mat2 did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MaxRun);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(stderr, stdout);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return "mat2 took too long and was stopped.";
        }

        LogMat2Exit(process.ExitCode);
        return process.ExitCode == 0
            ? null
            : "The file may be damaged or not of the kind its name says; mat2 left it uncleaned. Download the original or the ciphertext instead.";
    }

    /// <summary>Removes a scrub directory and what is in it, overwriting files first (plaintext lived there).</summary>
    public static void Erase(string? directory)
    {
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory))
        {
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                var zeros = new byte[64 * 1024];
                for (long written = 0, length = stream.Length; written < length; written += zeros.Length)
                {
                    stream.Write(zeros, 0, (int)Math.Min(zeros.Length, length - written));
                }
            }

            File.Delete(file);
        }

        Directory.Delete(directory, recursive: true);
    }

    private HashSet<string> ListExtensions()
    {
        var extensions = new HashSet<string>(StringComparer.Ordinal);
        if (_mat2 is null)
        {
            return extensions;
        }

        var start = new ProcessStartInfo(_mat2, "-l") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start);
        if (process is null)
        {
            return extensions;
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // Lines look like "  - image/jpeg (.jpe, .jpeg, .jfif, .jpg)".
        foreach (System.Text.RegularExpressions.Match match in ExtensionPattern().Matches(output))
        {
            extensions.Add(match.Value.ToLowerInvariant());
        }

        return extensions;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    [System.Text.RegularExpressions.GeneratedRegex(@"\.[A-Za-z0-9]{1,10}(?=[,)])")]
    private static partial System.Text.RegularExpressions.Regex ExtensionPattern();

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "mat2 exited with code {ExitCode}")]
    private partial void LogMat2Exit(int exitCode);
}

/// <summary>A scrubbed copy on disk, or why there is none. Opening it hands the file to the stream, which erases it on close.</summary>
/// <summary>A scrubbed copy (<see cref="Path"/> in its <see cref="Directory"/>), or why there is none.</summary>
internal sealed record ScrubbedFile(string? Path, string? Directory, string? Error)
{
    /// <summary>For an item stored before headers existed: the name and length its decryption gave.</summary>
    public DecryptedItem? Learned { get; init; }

    public Stream Open() => new ErasingFileStream(Path!, Directory!);

    private sealed class ErasingFileStream : FileStream
    {
        private readonly string _directory;

        public ErasingFileStream(string path, string directory)
            : base(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024)
        {
            _directory = directory;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                Scrubber.Erase(_directory);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Scrubber.Erase(_directory);
        }
    }
}
