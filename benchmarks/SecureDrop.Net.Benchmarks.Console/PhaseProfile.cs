using System.Diagnostics;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Submissions;
using SecureDrop.Net.Testing;
using SecureDrop.Net.Vault.Audit;
using SecureDrop.Net.Vault.Sources;
using SecureDrop.Net.Vault.Submissions;

/// <summary>
/// What a source's page is made of, each part timed alone in this process (no HTTP, no Razor): the reads it runs,
/// one message decryption, one sealed file header opened, and the audit entry a view appends. Shows where the page's
/// server time goes; the page itself is measured over HTTP by Program.
/// </summary>
internal static class PhaseProfile
{
    public static readonly string[] Heading =
    [
        "",
        "The parts of a source's page, each alone in the benchmark process (CPU: the process's CPU time per round; allocated: bytes per round; gen2: full collections during the rounds):",
        "",
        "| part | rounds | mean ms | CPU ms | allocated KiB | gen2 |",
        "|---|---|---|---|---|---|",
    ];

    public static async Task<IReadOnlyList<string>> RunAsync(TestInstance instance, NewsroomSecretKey key, string sourceId, int rounds)
    {
        var time = TimeProvider.System;
        var sources = new SourceRecords(instance.Database);
        var triage = new SourceTriage(instance.Database);
        var submissions = new ItemStore(instance.Database);
        var replies = new ReplyStore(instance.Database, time);
        var audit = new AuditLog(instance.Database, time);
        var ring = new NewsroomKeyRing(key);
        var items = await submissions.ItemsOfSourceAsync(sourceId);
        var message = items.First(i => i.IsMessage);
        var file = items.First(i => !i.IsMessage);
        var ciphertext = await File.ReadAllBytesAsync(Path.Combine(instance.Data.VaultDirectory, message.Id + ".gpg"));

        var lines = new List<string>();
        async Task TimeAsync(string name, Func<Task> action)
        {
            for (var i = 0; i < 10; i++)
            {
                await action();
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var gen2 = GC.CollectionCount(2);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < rounds; i++)
            {
                await action();
            }

            var wall = clock.Elapsed.TotalMilliseconds / rounds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / rounds;
            lines.Add($"| {name} | {rounds} | {wall:F3} | {cpuMs:F3} | {(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / rounds:F1} | {GC.CollectionCount(2) - gen2} |");
        }

        await TimeAsync("read: source row", () => sources.GetAsync(sourceId));
        await TimeAsync("read: labels", () => triage.LabelsOfAsync(sourceId));
        await TimeAsync("read: items of the source", () => submissions.ItemsOfSourceAsync(sourceId));
        await TimeAsync("read: replies of the source", () => replies.OfSourceAsync(sourceId));
        await TimeAsync("decrypt one message (file read + X25519 + AES + MDC)", () =>
        {
            using var input = new MemoryStream(ciphertext);
            using var output = new MemoryStream();
            MessageDecryptor.Decrypt(input, ring, output);
            return Task.CompletedTask;
        });
        await TimeAsync("open one sealed file header (X25519 + AES + MDC)", () =>
        {
            ItemMetadata.Open(file.Metadata!, ring);
            return Task.CompletedTask;
        });
        await TimeAsync("append one audit entry (synchronous commit + audit-head)", () => audit.RecordAsync(null, "benchmark", sourceId));
        return lines;
    }
}
