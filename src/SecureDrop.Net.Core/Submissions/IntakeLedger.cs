using System.Text.Json;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Submissions;

/// <summary>
/// Submissions received and not yet ingested: one envelope file each in intake/, beside their items. The front end
/// adds an envelope when it acknowledges a submission; the worker reads them all when the ingest window closes and
/// removes each once its rows are in. Nothing else records a submission before that: no database row, no job.
/// </summary>
public sealed class IntakeLedger
{
    private readonly DataDirectory _data;

    public IntakeLedger(DataDirectory data)
    {
        _data = data;
    }

    /// <summary>
    /// Adds an envelope durably: when this returns, the submission survives a crash of any process and a power cut
    /// (file flushed, renamed, directory flushed), and the source may be told it was received.
    /// </summary>
    public void Add(IntakeEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        WriteDurably(_data, Checked(envelope.SubmissionId) + IntakeEnvelope.Suffix, envelope.ToJson());
    }

    /// <summary>
    /// Every envelope in intake/, with the time its file was written: the worker takes the day of arrival from it and
    /// stores nothing finer. A file that vanished or does not parse is skipped (a crash mid-write leaves a .part).
    /// </summary>
    public IReadOnlyList<(IntakeEnvelope Envelope, DateTimeOffset Written)> Envelopes()
    {
        var envelopes = new List<(IntakeEnvelope, DateTimeOffset)>();
        foreach (var file in new DirectoryInfo(_data.IntakeDirectory).EnumerateFiles("*" + IntakeEnvelope.Suffix))
        {
            var id = Path.GetFileNameWithoutExtension(file.Name);
            try
            {
                if (Ids.IsWellFormed(id))
                {
                    var envelope = IntakeEnvelope.FromJson(id, File.ReadAllBytes(file.FullName));
                    file.Refresh();
                    envelopes.Add((envelope, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)));
                }
            }
            catch (Exception exception) when (exception is IOException or JsonException)
            {
            }
        }

        return envelopes;
    }

    /// <summary>Removes an ingested submission's envelope. Safe to repeat.</summary>
    public void Remove(string submissionId) => File.Delete(Path.Combine(_data.IntakeDirectory, Checked(submissionId) + IntakeEnvelope.Suffix));

    /// <summary>
    /// Writes a small file into intake/ so that it survives a crash and a power cut once this returns: under a
    /// temporary name, flushed, renamed, and the directory flushed. Readable by the worker in the multi-user layout.
    /// </summary>
    internal static void WriteDurably(DataDirectory data, string name, byte[] content)
    {
        var path = Path.Combine(data.IntakeDirectory, name);
        var partial = path + ".part";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(partial, options))
            {
                DataDirectory.FitToLayout(stream.SafeFileHandle, partial, LayoutSharing.GroupReadWrite);
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(partial, path);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        UnixFiles.SyncDirectory(data.IntakeDirectory);
    }

    private static string Checked(string id) =>
        Ids.IsWellFormed(id) ? id : throw new ArgumentException("Not an id.", nameof(id));
}
