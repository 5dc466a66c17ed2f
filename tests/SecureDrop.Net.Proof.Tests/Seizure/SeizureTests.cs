using System.Security.Cryptography;
using SecureDrop.Net.Proof.Tests.Faults;

namespace SecureDrop.Net.Proof.Tests.Seizure;

/// <summary>
/// "The server was seized" (issue 8; invariants 1 and 4): a scripted day on the three real processes — several
/// sources submit messages and files, one through a forged X-Forwarded-For with a distinctive user agent,
/// journalists read, download, reply and delete, an operator rotates the newsroom key — then everything a seizure
/// takes (the data directory with SQLite and its -wal/-shm, Hangfire storage and DataProtection key rings; the
/// processes' TMPDIR; every process's stdout/stderr; on PostgreSQL a pg_dump of the database, Hangfire's schema
/// included) is searched for every secret, raw and as base64, hex and UTF-16. Zero hits is the only pass. The
/// deleted submission's ciphertext, captured before the delete, is found nowhere afterwards. The forensic examiner
/// then reads the same seizure for times and sizes (invariant 9).
/// </summary>
public sealed class SeizureTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task ServerSeizedAfterADayOfUse_NoSecretIsFoundInAnyEncoding_AndTheDeletedSubmissionIsGone(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        await using var deployment = await Deployment.StartAsync(instance);
        var canaries = new Dictionary<string, byte[]>();
        var sources = new List<Source>();
        for (var i = 0; i < 3; i++)
        {
            sources.Add(await Source.SubmitAsync(deployment.FrontEnd, forged: i == 2, canaries));
        }

        using var journalist = new JournalistClient(deployment.Console);
        using (var login = await journalist.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        // Journalists read every conversation and download every file, once the window closes.
        await deployment.CloseIngestWindowAsync();
        var paths = await journalist.WaitForSourcesAsync(3, TimeSpan.FromSeconds(120));
        Assert.Equal(3, paths.Count);
        var pageOf = new Dictionary<Source, string>();
        foreach (var path in paths)
        {
            var page = WebUtility.HtmlDecode(await journalist.Http.GetStringAsync(new Uri(path, UriKind.Relative)));
            pageOf[Assert.Single(sources, s => page.Contains(s.Message, StringComparison.Ordinal))] = path;
            foreach (var link in HtmlForms.Links(page, "/items/").Where(l => l.EndsWith("/download", StringComparison.Ordinal)))
            {
                var bytes = await journalist.Http.GetByteArrayAsync(new Uri(link, UriKind.Relative));
                Assert.Contains(sources, s => s.File.Content.AsSpan().SequenceEqual(bytes));
            }
        }

        // A reply, read by its source at the next visit.
        var replyText = $"Canary reply {Marker()}: meet the desk — 답장";
        canaries["reply text"] = Encoding.UTF8.GetBytes(replyText);
        var replied = sources[0];
        var repliedPage = await journalist.Http.GetStringAsync(new Uri(pageOf[replied], UriKind.Relative));
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["reply"] = replyText, ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(repliedPage) }))
        using (var reply = await journalist.Http.PostAsync(new Uri(pageOf[replied] + "?handler=reply", UriKind.Relative), form))
        {
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }

        using (var returning = new SourceClient(deployment.FrontEnd))
        using (var back = await returning.LoginAsync(replied.Codename))
        {
            Assert.Contains(replyText, WebUtility.HtmlDecode(await back.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // A delete: the doomed submission's ciphertext is captured first, to be searched for afterwards.
        var doomedSourceId = pageOf[sources[1]].Split('/')[^1];
        var doomed = (await QueryAsync(instance, "SELECT id FROM submissions WHERE source_id = @doomedSourceId", new { doomedSourceId })).Single();
        var doomedItems = await QueryAsync(instance, "SELECT id FROM items WHERE submission_id = @doomed", new { doomed });
        Assert.Equal(2, doomedItems.Count);
        var deletedCiphertext = doomedItems.ToDictionary(id => $"deleted item {id}", id => Chunk(File.ReadAllBytes(Path.Combine(instance.Data.VaultDirectory, id + ".gpg"))));
        var keptItem = (await QueryAsync(instance, "SELECT i.id FROM items i JOIN submissions s ON s.id = i.submission_id WHERE s.source_id <> @doomedSourceId", new { doomedSourceId }))[0];
        var keptCiphertext = Chunk(File.ReadAllBytes(Path.Combine(instance.Data.VaultDirectory, keptItem + ".gpg")));
        var confirm = await journalist.Http.GetStringAsync(new Uri($"/submissions/{doomed}/delete", UriKind.Relative));
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(confirm) }))
        using (var deleted = await journalist.Http.PostAsync(new Uri($"/submissions/{doomed}/delete", UriKind.Relative), form))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await deployment.WaitUntilAsync(async () => await deployment.CountAsync("SELECT count(*) FROM items WHERE submission_id = @doomed", new { doomed }) == 0
            && doomedItems.All(id => !File.Exists(Path.Combine(instance.Data.VaultDirectory, id + ".gpg"))), TimeSpan.FromSeconds(90), "the delete job");

        // The operator rotates the newsroom key (passphrase on stdin); a source follows up on the new key.
        var (rotateCode, rotateOutput) = await SdnetProcess.RunAsync(["keys", "rotate", "--data", instance.Data.Root, "--as", "admin"], deployment.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(rotateCode == 0, rotateOutput);
        await sources[2].FollowUpAsync(canaries);
        await deployment.CloseIngestWindowAsync();
        await deployment.WaitUntilAsync(async () => await deployment.CountAsync("SELECT count(*) FROM submissions WHERE state = 'ready'") == 3
            && Directory.GetFiles(instance.Data.IntakeDirectory).Length == 0, TimeSpan.FromSeconds(90), "the worker to ingest the follow-up");

        // Seized while running (SQLite's -wal and -shm as they are), and again after a shutdown.
        var logs = Path.Combine(instance.Root, "logs");
        var scanned = new List<string> { instance.Data.Root, deployment.Temp, logs };
        await File.WriteAllTextAsync(Path.Combine(Directory.CreateDirectory(logs).FullName, "keys-rotate.log"), rotateOutput);
        deployment.WriteLogs(logs);
        Assert.Empty(ForensicScan.Find(scanned, canaries));
        await deployment.StopAsync();
        deployment.WriteLogs(logs);
        if (store == Store.PostgreSql)
        {
            var dumps = Directory.CreateDirectory(Path.Combine(instance.Root, "pg_dump")).FullName;
            await TestPostgres.DumpAsync(instance.Environment["Database__PostgreSql"], Path.Combine(dumps, "instance.sql"));
            var dump = await File.ReadAllTextAsync(Path.Combine(dumps, "instance.sql"));
            Assert.Contains("COPY public.items", dump, StringComparison.Ordinal);
            Assert.Contains("hangfire", dump, StringComparison.OrdinalIgnoreCase);
            scanned.Add(dumps);
        }

        // What an examiner learns from the same seizure, beyond secrets: after this day of use (reads, downloads, a
        // reply, a delete, a rotation, a follow-up) no stored submission is placed closer than its window, and no item's
        // size closer than Padmé's bucket (ExaminerTests measures order and links on a busier instance).
        var examination = await ExaminerTests.ExamineAsync(deployment, logs, store);
        Assert.True(examination.GetProperty("belowTargets").GetArrayLength() == 0, $"below target:\n{examination.GetProperty("belowTargets")}");
        var examined = examination.GetProperty("report").GetProperty("Submissions").EnumerateArray().ToList();
        Assert.Equal(3, examined.Count);
        Assert.All(examined, finding => Assert.NotEqual(0, finding.GetProperty("Sizes").GetArrayLength()));

        // The key rings were there to be searched.
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(instance.Data.Root, "dataprotection"), "*", SearchOption.AllDirectories));
        Assert.Empty(ForensicScan.Find(scanned, canaries));
        Assert.Empty(ForensicScan.Find(scanned, deletedCiphertext));
        // The control: the same search finds a kept item's ciphertext, so an empty result above means something.
        Assert.NotEmpty(ForensicScan.Find([instance.Data.Root], new Dictionary<string, byte[]> { ["kept item"] = keptCiphertext }));
    }

    private static byte[] Chunk(byte[] ciphertext)
    {
        Assert.True(ciphertext.Length >= 96, "The vault item is too small to sample.");
        var start = ciphertext.Length / 2 - 24;
        return ciphertext[start..(start + 48)];
    }

    private static async Task<List<string>> QueryAsync(TestInstance instance, string sql, object parameters)
    {
        await using var connection = await instance.Database.OpenAsync();
        return [.. await connection.QueryAsync<string>(sql, parameters)];
    }

    private static string Marker() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private sealed class Source(SourceClient client, string codename, string message, (string Name, byte[] Content) file)
    {
        public string Codename { get; } = codename;

        public string Message { get; } = message;

        public (string Name, byte[] Content) File { get; } = file;

        public static async Task<Source> SubmitAsync(Uri frontEnd, bool forged, Dictionary<string, byte[]> canaries)
        {
            var marker = Marker();
            var client = new SourceClient(frontEnd);
            if (forged)
            {
                // A proxy (or the source's own tooling) that claims an address, and a user agent nobody else sends.
                client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.231, 203.0.113.57");
                client.Http.DefaultRequestHeaders.UserAgent.Clear();
                client.Http.DefaultRequestHeaders.UserAgent.ParseAdd($"SeizureAgent/{marker[..6]} (X11; Linux)");
                canaries["forged address"] = Encoding.UTF8.GetBytes("198.51.100.231");
                canaries["second forged address"] = Encoding.UTF8.GetBytes("203.0.113.57");
                canaries["user agent"] = Encoding.UTF8.GetBytes($"SeizureAgent/{marker[..6]}");
            }

            var codename = await client.GenerateAndContinueAsync();
            var message = $"Canary message {marker}: the shipments leave from dock 4 — Ünïcödé 한국어";
            var file = ($"canary-file-{marker} 문서.pdf", RandomNumberGenerator.GetBytes(40_000 + (forged ? 1 : 0)));
            using (var response = await client.SubmitAsync(message, file))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            canaries[$"codename {marker}"] = Encoding.UTF8.GetBytes(codename);
            canaries[$"message {marker}"] = Encoding.UTF8.GetBytes(message);
            canaries[$"message marker {marker}"] = Encoding.UTF8.GetBytes(marker);
            canaries[$"file name {marker}"] = Encoding.UTF8.GetBytes(file.Item1);
            canaries[$"file bytes {marker}"] = file.Item2[1000..1064];
            return new Source(client, codename, message, file);
        }

        public SourceClient Client { get; } = client;

        public async Task FollowUpAsync(Dictionary<string, byte[]> canaries)
        {
            var followUp = $"Canary follow-up {Marker()} after the rotation";
            canaries["follow-up"] = Encoding.UTF8.GetBytes(followUp);
            using var response = await Client.SubmitAsync(followUp);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
