using System.Text.Json;
using SecureDrop.Net.Proof.Tests.Faults;

namespace SecureDrop.Net.Proof.Tests.Seizure;

/// <summary>
/// The forensic examiner (<c>sdnet examine</c>) on a seized instance (invariant 9): sources submit through the real
/// front end in two ingest windows, each closed as the jobs dashboard's "Trigger now" does, and a third window is
/// left open. The examiner reads everything a seizure takes (file times, the metadata and Hangfire stores through SQL
/// and raw, PostgreSQL's WAL and table files, the logs), on the running server and again after a clean stop. For
/// every ingested submission the interval it establishes holds the true arrival and is no narrower than the window
/// that took it; every item's size range holds the true size and is Padmé's whole bucket; no kind of evidence puts
/// a window's eight submissions in their order of arrival (or its reverse: 2 in 40,320 by chance); nothing dates a
/// tip's source (its creation, a visit) inside the window the tip arrived in. What it finds
/// about the submissions still in flight is the exposure SECURITY.md states, and is checked here too: their arrival
/// to within a second — the control that shows the examiner does find what a disk keeps.
/// </summary>
public sealed class ExaminerTests
{
    private const int PerWindow = 8;

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task ServerSeizedRunningAndStopped_ExaminerPlacesNoSubmissionWithinItsWindow_NorItsSize_NorTheirOrder(Store store)
    {
        using var key = NewsroomSecretKey.Generate("Examined newsroom", TimeProvider.System.GetUtcNow());
        using var instance = await TestInstance.CreateAsync(store, key);
        // A day-long window: no scheduled close (they fall at midnight UTC) takes the third window's tips mid-test.
        await using var deployment = await Deployment.StartAsync(instance, new Dictionary<string, string> { ["Ingest__Window"] = "1.00:00:00" });
        var sources = new List<SourceClient>();
        for (var i = 0; i < 4; i++)
        {
            var source = new SourceClient(deployment.FrontEnd);
            await source.GenerateAndContinueAsync();
            sources.Add(source);
        }

        try
        {
            var tips = new List<Tip>();
            for (var window = 0; window < 3; window++)
            {
                // Sources take turns in a different order each time; one tip carries a file past the floor.
                for (var i = 0; i < (window < 2 ? PerWindow : 3); i++)
                {
                    tips.Add(await SubmitAsync(sources[(i + window) % sources.Count], window, i));
                }

                if (window < 2)
                {
                    await deployment.CloseIngestWindowAsync();
                }
            }

            var truth = await MatchAsync(instance, key, tips);
            var logs = Path.Combine(instance.Root, "logs");
            deployment.WriteLogs(logs);
            var running = await ExamineAsync(deployment, logs, store);
            Judge(running, truth, tips, "running");

            await deployment.StopAsync();
            deployment.WriteLogs(logs);
            var stopped = await ExamineAsync(deployment, logs, store);
            Judge(stopped, truth, tips, "stopped");
        }
        finally
        {
            sources.ForEach(source => source.Dispose());
        }
    }

    private static async Task<Tip> SubmitAsync(SourceClient source, int window, int index)
    {
        var marker = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        // Lengths spread over the floor and past it, so sizes differ as tips do.
        var message = $"tip {marker} " + new string('x', 40 + (index * 700));
        (string, byte[])[] files = index == 3 ? [($"doc-{marker}.pdf", System.Security.Cryptography.RandomNumberGenerator.GetBytes(300_000 + window))] : [];
        var sent = TimeProvider.System.GetUtcNow();
        using (var response = await source.SubmitAsync(message, files))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return new Tip(marker, window, sent, TimeProvider.System.GetUtcNow(), Encoding.UTF8.GetByteCount(message), files.Select(f => (long)f.Item2.Length).ToArray());
    }

    /// <summary>Which submission id is which tip: each message item, decrypted with the newsroom key, names its marker.</summary>
    private static async Task<Dictionary<string, Tip>> MatchAsync(TestInstance instance, NewsroomSecretKey key, List<Tip> tips)
    {
        var byMarker = tips.ToDictionary(t => t.Marker, StringComparer.Ordinal);
        var truth = new Dictionary<string, Tip>(StringComparer.Ordinal);
        await using var connection = await instance.Database.OpenAsync();
        var messages = await connection.QueryAsync<(string Item, string Submission)>("SELECT id, submission_id FROM items WHERE kind = 'message'");
        foreach (var (item, submission) in messages)
        {
            truth[submission] = byMarker[MarkerOf(Path.Combine(instance.Data.VaultDirectory, item + ".gpg"), key)];
        }

        // Still in flight: the envelope names the submission, its message item is in intake/.
        foreach (var envelope in Directory.GetFiles(instance.Data.IntakeDirectory, "*.submission"))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(envelope));
            var message = document.RootElement.GetProperty("items").EnumerateArray().First(i => i.GetProperty("kind").GetString() == "message");
            truth[Path.GetFileNameWithoutExtension(envelope)] = byMarker[MarkerOf(Path.Combine(instance.Data.IntakeDirectory, message.GetProperty("id").GetString() + ".gpg"), key)];
        }

        Assert.Equal(tips.Count, truth.Count);
        return truth;
    }

    private static string MarkerOf(string path, NewsroomSecretKey key)
    {
        using var input = File.OpenRead(path);
        using var plaintext = new MemoryStream();
        MessageDecryptor.Decrypt(input, key, plaintext);
        return Encoding.UTF8.GetString(plaintext.ToArray()).Split(' ')[1];
    }

    /// <summary>Runs <c>sdnet examine --json</c> on the deployment's instance (PostgreSQL: with the test cluster's data directory).</summary>
    internal static async Task<JsonElement> ExamineAsync(Deployment deployment, string logs, Store store)
    {
        string[] postgres = [];
        if (store == Store.PostgreSql)
        {
            var pgdata = Environment.GetEnvironmentVariable("SDNET_TEST_PGDATA") ?? Path.Combine(Path.GetTempPath(), "sdnet-test-postgres");
            Assert.True(Directory.Exists(Path.Combine(pgdata, "pg_wal")), $"The test cluster's data directory ({pgdata}) is needed to read its WAL: set SDNET_TEST_PGDATA.");
            postgres = ["--pg-data", pgdata];
        }

        var (_, output) = await SdnetProcess.RunAsync(
            ["examine", "--data", deployment.Instance.Data.Root, "--temp", deployment.Temp, "--logs", logs, .. postgres, "--json"], deployment.Environment);
        var json = output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)];
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static void Judge(JsonElement examination, Dictionary<string, Tip> truth, List<Tip> tips, string state)
    {
        var report = examination.GetProperty("report");
        Assert.True(examination.GetProperty("belowTargets").GetArrayLength() == 0, $"{state}: below target:\n{examination.GetProperty("belowTargets")}");
        var runs = report.GetProperty("Runs").EnumerateArray().Select(r => r.GetProperty("Start").GetDateTimeOffset()).ToList();
        var findings = report.GetProperty("Submissions").EnumerateArray().ToDictionary(f => f.GetProperty("SubmissionId").GetString()!, StringComparer.Ordinal);
        Assert.Equal(truth.Keys.Order(), findings.Keys.Order());
        foreach (var (id, tip) in truth)
        {
            var finding = findings[id];
            var low = finding.GetProperty("Low").ValueKind == JsonValueKind.Null ? DateTimeOffset.MinValue : finding.GetProperty("Low").GetDateTimeOffset();
            var high = finding.GetProperty("High").GetDateTimeOffset();
            // Sound: the interval holds the moment the tip was sent and acknowledged (a second of slack for clocks).
            Assert.True(low <= tip.Acknowledged.AddSeconds(1) && high >= tip.Sent.AddSeconds(-1), $"{state}: {id} placed in {low:O} – {high:O}, sent {tip.Sent:O}");
            if (tip.Window == 2)
            {
                // In flight: the exposure SECURITY.md states (the intake files' times), and the examiner's control.
                Assert.True(finding.GetProperty("InFlight").GetBoolean(), $"{state}: {id} should be in flight");
                Assert.True(high - low < TimeSpan.FromSeconds(2), $"{state}: the examiner missed an in-flight tip's intake times ({finding.GetProperty("Basis")})");
                continue;
            }

            // Links: nothing dates its source (a creation, a visit) inside the window the tip arrived in.
            Assert.True(finding.GetProperty("Links").GetArrayLength() == 0, $"{state}: {id} is linked to a moment by its source: {finding.GetProperty("Links")}");
            var run = finding.GetProperty("Run").GetInt32();
            var window = run > 0 ? runs[run] - runs[run - 1] : TimeSpan.MaxValue;
            Assert.True(run > 0 ? high - low >= window - TimeSpan.FromSeconds(2) : low == DateTimeOffset.MinValue || high - low >= TimeSpan.FromMinutes(1),
                $"{state}: {id} placed within {high - low}, its window was {window} ({finding.GetProperty("Basis")})");
            foreach (var size in finding.GetProperty("Sizes").EnumerateArray())
            {
                var (lowBytes, highBytes) = (size.GetProperty("Low").GetInt64(), size.GetProperty("High").GetInt64());
                Assert.True(size.GetProperty("Padded").GetBoolean(), $"{state}: item {size.GetProperty("ItemId")} unpadded");
                Assert.Contains(tip.Sizes, s => s >= lowBytes && s <= highBytes);
                var inner = size.GetProperty("InnerBytes").GetInt64();
                // The whole bucket (less a few octets of literal framing that a longer length may need).
                Assert.True(highBytes - lowBytes + 1 >= inner - MessagePadding.MinimumPadding - FirstInBucket(inner) - 8, $"{state}: item size known to {lowBytes}–{highBytes}, less than Padmé's bucket below {inner}");
            }
        }

        foreach (var order in report.GetProperty("Orders").EnumerateArray().Where(o => o.GetProperty("Run").ValueKind != JsonValueKind.Null))
        {
            var seen = order.GetProperty("Order").EnumerateArray().Select(e => e.GetString()!).ToList();
            if (seen.Count < PerWindow)
            {
                continue;
            }

            var arrival = seen.OrderBy(id => tips.IndexOf(truth[id])).ToList();
            Assert.False(seen.SequenceEqual(arrival) || seen.SequenceEqual(Enumerable.Reverse(arrival)), $"{state}: '{order.GetProperty("Channel")}' orders a window's submissions as they arrived");
        }
    }

    /// <summary>The smallest inner length our padding turns into <paramref name="inner"/>: the bottom of its bucket.</summary>
    private static long FirstInBucket(long inner)
    {
        long low = 0, high = inner;
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = MessagePadding.PaddedLength(middle) >= inner ? (low, middle) : (middle + 1, high);
        }

        return low;
    }

    private sealed record Tip(string Marker, int Window, DateTimeOffset Sent, DateTimeOffset Acknowledged, long MessageBytes, long[] FileBytes)
    {
        public IEnumerable<long> Sizes => FileBytes.Prepend(MessageBytes);
    }
}
