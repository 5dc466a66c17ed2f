using System.Buffers;
using System.Formats.Tar;
using System.Security.Cryptography;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>What a fully read and checked backup held.</summary>
internal sealed record BackupContents(BackupHeader Header, BackupManifest Manifest);

/// <summary>
/// Reads a decrypted backup archive front to back: the header, each file (hashed with SHA-256 as it passes, and
/// handed to <c>place</c>, which says where its bytes go), then the manifest; then checks the MDC and that every
/// file matches the manifest exactly. Any mismatch throws <see cref="BackupDamagedException"/>.
/// </summary>
internal static class BackupReader
{
    public static BackupContents Read(BackupDecryption decryption, BackupProgress progress, Func<string, Stream> place)
    {
        BackupHeader? header = null;
        BackupManifest? manifest = null;
        var seen = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        try
        {
            using var tar = new TarReader(decryption.Content, leaveOpen: true);
            while (tar.GetNextEntry() is { } entry)
            {
                if (manifest is not null)
                {
                    throw new BackupDamagedException("The backup has entries after its manifest.");
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    throw new BackupDamagedException("The backup holds an entry that is not a regular file.");
                }

                if (header is null)
                {
                    header = entry.Name == BackupArchive.HeaderName && entry.DataStream is not null
                        ? BackupArchive.Deserialize<BackupHeader>(entry.DataStream, "header")
                        : throw new BackupDamagedException("The archive does not start with an sdnet backup header.");
                    if (header.Format != BackupArchive.Format)
                    {
                        throw new BackupDamagedException($"The backup is in format {header.Format}; this sdnet reads format {BackupArchive.Format}.");
                    }

                    progress.Start(header.Files, header.Bytes);
                    continue;
                }

                if (entry.Name == BackupArchive.ManifestName)
                {
                    manifest = entry.DataStream is null
                        ? throw new BackupDamagedException("The backup's manifest is empty.")
                        : BackupArchive.Deserialize<BackupManifest>(entry.DataStream, "manifest");
                    continue;
                }

                if (!BackupArchive.IsSafePath(entry.Name) || seen.ContainsKey(entry.Name))
                {
                    throw new BackupDamagedException("The backup holds an unexpected or repeated path; it was not made by sdnet or was altered.");
                }

                seen[entry.Name] = Copy(entry, place(entry.Name), progress);
                progress.FileDone();
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or System.Text.Json.JsonException or EndOfStreamException or ArgumentException)
        {
            throw new BackupDamagedException("The backup is damaged or truncated: its archive does not read (" + exception.Message + ").", exception);
        }

        decryption.Verify();
        progress.Finish();
        if (header is null || manifest is null)
        {
            throw new BackupDamagedException("The backup is incomplete: it has no manifest at its end.");
        }

        Compare(manifest, seen);
        return new BackupContents(header, manifest);
    }

    private static ManifestEntry Copy(TarEntry entry, Stream target, BackupProgress progress)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        // The backup's plaintext (the database, sealed keys, settings) passes through this buffer: cleared after use.
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using (target)
            {
                if (entry.DataStream is not null)
                {
                    int read;
                    while ((read = entry.DataStream.Read(buffer)) > 0)
                    {
                        hash.AppendData(buffer.AsSpan(0, read));
                        target.Write(buffer.AsSpan(0, read));
                        bytes += read;
                        progress.Bytes(read);
                    }
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ManifestEntry(entry.Name, bytes, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void Compare(BackupManifest manifest, Dictionary<string, ManifestEntry> seen)
    {
        var listed = manifest.Files.ToDictionary(entry => entry.Path, StringComparer.Ordinal);
        var missing = listed.Keys.Count(path => !seen.ContainsKey(path));
        var unlisted = seen.Keys.Count(path => !listed.ContainsKey(path));
        var different = seen.Values.Count(entry => listed.TryGetValue(entry.Path, out var expected)
            && (expected.Bytes != entry.Bytes || !string.Equals(expected.Sha256, entry.Sha256, StringComparison.Ordinal)));
        if (missing + unlisted + different > 0)
        {
            throw new BackupDamagedException($"The backup does not match its manifest: {missing} file(s) missing, {unlisted} not listed, {different} with a wrong SHA-256.");
        }
    }
}

/// <summary>A backup that is damaged, truncated, altered or not ours; the message says which.</summary>
internal sealed class BackupDamagedException : IOException
{
    public BackupDamagedException(string message)
        : base(message)
    {
    }

    public BackupDamagedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupDamagedException()
    {
    }
}
