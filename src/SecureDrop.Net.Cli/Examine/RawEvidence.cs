using System.Buffers.Binary;
using System.Text;

namespace SecureDrop.Net.Cli.Examine;

/// <summary>
/// The raw bytes of the databases as seized, read the way a forensic examiner reads them rather than through SQL:
/// timestamps carved near every id (free pages, WAL frames, dead tuples, deleted rows included), and the order
/// in which ids first appear in SQLite's WAL (frames are appended in commit order).
/// </summary>
internal static class RawEvidence
{
    public static void Carve(Evidence evidence, IEnumerable<string> files, TimeCarver carver, string channel)
    {
        foreach (var file in files.Where(File.Exists))
        {
            byte[] content;
            try
            {
                content = File.ReadAllBytes(file);
            }
            catch (IOException exception)
            {
                evidence.Notes.Add($"{file} could not be read ({exception.Message}).");
                continue;
            }

            foreach (var (id, time) in carver.NearIds(content, evidence.SubmissionOfId.ContainsKey).Distinct())
            {
                evidence.Traces.Add(new Trace(evidence.SubmissionOfId[id], channel, time, file));
            }
        }
    }

    /// <summary>
    /// A SQLite WAL (a 32-octet header, then frames of a 24-octet header and one page): the index of the first frame
    /// holding each submission's ids. Frames are appended as transactions commit, so this is commit order.
    /// </summary>
    public static void WalOrder(Evidence evidence, string wal)
    {
        if (!File.Exists(wal))
        {
            return;
        }

        var content = File.ReadAllBytes(wal);
        if (content.Length < 32)
        {
            return;
        }

        var pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(8, 4));
        if (pageSize is < 512 or > 65536)
        {
            evidence.Notes.Add($"{wal} has no readable WAL header.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var frame = 0;
        for (var at = 32; at + 24 + pageSize <= content.Length; at += 24 + pageSize, frame++)
        {
            var page = Encoding.Latin1.GetString(content, at + 24, pageSize);
            foreach (var submission in evidence.SubmissionsIn(page))
            {
                if (seen.Add(submission))
                {
                    evidence.Positions.Add(new Position(submission, $"wal frame of {Path.GetFileName(wal)}", frame));
                }
            }
        }
    }
}
