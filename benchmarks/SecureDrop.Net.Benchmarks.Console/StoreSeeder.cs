using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Testing;

/// <summary>
/// Fills a store directly (no front end, no worker): sources with counters, submissions, items with sealed
/// headers, some stars, labels and statuses. Every message item of the sampled sources points at one real
/// ciphertext in the vault (a symbolic link), so their pages decrypt real OpenPGP messages.
/// </summary>
internal static class StoreSeeder
{
    public static async Task<IReadOnlyList<string>> SeedAsync(TestInstance instance, int sources, int submissionsPerSource, int sampled)
    {
        var recipient = new NewsroomKeys(instance.Data).LoadActivePublicKey();
        var message = Encrypt(recipient, "A benchmark message of ordinary length: a few sentences that a source might send about what they saw, when, and who else knows. "u8.ToArray());
        var messageHeader = ItemMetadata.Seal(recipient, "", 140, "text/plain; charset=utf-8");
        var fileHeader = ItemMetadata.Seal(recipient, "report-final.pdf", 2_345_678, "application/pdf");
        var messageFile = Path.Combine(instance.Root, "benchmark-message.gpg");
        await File.WriteAllBytesAsync(messageFile, message);

        var sampledIds = new List<string>();
        await using var connection = await instance.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var s = 0; s < sources; s++)
        {
            var sourceId = Ids.New();
            var day = new DateOnly(2026, 1, 1).AddDays(s % 300).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var status = (s % 3) switch { 0 => "new", 1 => "in-progress", _ => "closed" };
            var unread = 0;
            var items = new List<ItemRow>();
            var submissions = new List<SubmissionRow>();
            var sample = s % (sources / sampled) == 0 && sampledIds.Count < sampled;
            for (var n = 1; n <= submissionsPerSource; n++)
            {
                var submissionId = Ids.New();
                submissions.Add(new SubmissionRow(submissionId, sourceId, n, day));
                var messageId = Ids.New();
                var read = n % 2 == 0;
                unread += read ? 0 : 1;
                items.Add(new ItemRow(messageId, submissionId, 0, "message", message.Length, recipient.Fingerprint, messageHeader, read));
                if (sample)
                {
                    File.CreateSymbolicLink(Path.Combine(instance.Data.VaultDirectory, messageId + ".gpg"), messageFile);
                }

                if (n % 4 == 0)
                {
                    items.Add(new ItemRow(Ids.New(), submissionId, 1, "file", 2_346_000L, recipient.Fingerprint, fileHeader, false));
                    unread++;
                }
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO sources (id, lookup_id, designation, created_day, last_activity_day, starred, status, ready_submissions, unread_items)
                VALUES (@sourceId, @sourceId, @designation, @day, @day, @starred, @status, @count, @unread)
                """,
                new { sourceId, designation = Designation.Generate(), day, starred = s % 20 == 0, status, count = submissionsPerSource, unread }, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO submissions (id, source_id, number, received_day, state) VALUES (@Id, @SourceId, @Number, @Day, 'ready')", submissions, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO items (id, submission_id, position, kind, ciphertext_bytes, newsroom_key, metadata, is_read) VALUES (@Id, @SubmissionId, @Position, @Kind, @Bytes, @Key, @Metadata, @Read)",
                items, transaction);
            if (s % 10 == 0)
            {
                await connection.ExecuteAsync("INSERT INTO source_labels (source_id, label) VALUES (@sourceId, @label)", new { sourceId, label = $"desk {s % 7}" }, transaction);
            }

            if (sample)
            {
                sampledIds.Add(sourceId);
            }
        }

        await transaction.CommitAsync();
        await connection.ExecuteAsync("ANALYZE", commandType: System.Data.CommandType.Text);

        return sampledIds;
    }

    private static byte[] Encrypt(NewsroomPublicKey recipient, byte[] plaintext)
    {
        using var output = new MemoryStream();
        using (var encryptor = MessageEncryptor.Open(output, recipient, ""))
        {
            encryptor.Write(plaintext);
        }

        return output.ToArray();
    }
}

internal sealed record SubmissionRow(string Id, string SourceId, int Number, string Day);

internal sealed record ItemRow(string Id, string SubmissionId, int Position, string Kind, long Bytes, string Key, byte[] Metadata, bool Read);
