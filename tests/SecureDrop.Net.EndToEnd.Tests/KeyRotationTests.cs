using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using SecureDrop.Net.Core.Jobs;

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// Key rotation with real processes: submit → rotate (to a key made by gpg on an "air-gapped" keyring) → submit →
/// rewrap → destroy the old key → every item, its metadata header and a journalist's reply decrypt in the console
/// and with gpg holding only the new key, and the source still reads the reply. The
/// running front end takes the new key without a restart; the worker never serves the re-wrap queue.
/// </summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task SubmitRotateSubmitRewrapDestroy_EveryItemDecryptsWithOnlyTheNewKey()
    {
        using var instance = await TestInstance.CreateAsync();
        var oldKey = instance.Keys.LoadActivePublicKey();
        using var gpg = new Gpg();
        var newFingerprint = await gpg.QuickGenerateKeyAsync("Newsroom 2027 <tips@newsroom.example>");
        await gpg.AddKeyAsync(newFingerprint, "cv25519", "encr");
        var keyFile = Path.Combine(instance.Root, "new-key.asc");
        await File.WriteAllBytesAsync(keyFile, await gpg.ExportSecretAsync(newFingerprint, armor: true));

        var frontEnd = Serving.FreeAddress();
        var console = Serving.FreeAddress();
        await using var submission = await Serving.StartAsync(instance, "submission", frontEnd);
        await using var reviewer = await Serving.StartAsync(instance, "reviewer", console);
        await using var worker = await Serving.StartAsync(instance, "worker");

        using var source = new SourceClient(frontEnd);
        await source.GenerateAndContinueAsync();
        var first = "Before the rotation: the ledger is on the third floor.";
        var attachment = System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000);
        using (var response = await source.SubmitAsync(first, ("ledger.bin", attachment)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var journalist = new JournalistClient(console);
        using (var login = await journalist.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        await IngestWindow.CloseNowAsync(instance);
        var sourcePage = Assert.Single(await journalist.WaitForSourcesAsync(1, TimeSpan.FromSeconds(60)));
        Assert.Contains(first, await ConversationAsync(journalist, sourcePage), StringComparison.Ordinal);
        var replyText = "Before the rotation: thank you, we are looking into it.";
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["reply"] = replyText,
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(await journalist.Http.GetStringAsync(new Uri(sourcePage, UriKind.Relative))),
        }))
        using (var replied = await journalist.Http.PostAsync(new Uri(sourcePage + "?handler=reply", UriKind.Relative), form))
        {
            Assert.Equal(HttpStatusCode.OK, replied.StatusCode);
            Assert.Contains(replyText, WebUtility.HtmlDecode(await replied.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        Assert.Contains(replyText, WebUtility.HtmlDecode(await source.LookupAsync()), StringComparison.Ordinal);

        var (rotateCode, rotateOutput) = await SdnetProcess.RunAsync(
            ["keys", "rotate", "--data", instance.Data.Root, "--as", "admin", "--import", keyFile], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(rotateCode == 0, rotateOutput);

        // The running front end shows and encrypts to the new key, without a restart.
        using var http = new HttpClient { BaseAddress = frontEnd };
        var spaced = string.Join(' ', newFingerprint.Chunk(4).Select(c => new string(c)));
        await Serving.WaitUntilAsync(async () => (await http.GetStringAsync(new Uri("/", UriKind.Relative))).Contains(spaced, StringComparison.Ordinal), TimeSpan.FromSeconds(30), submission);

        var second = "After the rotation: the second ledger is in the basement.";
        using (var response = await source.SubmitAsync(second))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The journalist signed in before the rotation reads the new item too, once its window has closed.
        await IngestWindow.CloseNowAsync(instance);
        await Serving.WaitUntilAsync(async () => (await ConversationAsync(journalist, sourcePage)).Contains(second, StringComparison.Ordinal), TimeSpan.FromSeconds(60), worker);
        Assert.Equal(1, await CountAsync(instance, $"SELECT count(*) FROM items WHERE newsroom_key = '{newFingerprint}'"));
        Assert.Equal(3, await CountAsync(instance, "SELECT count(*) FROM items WHERE metadata IS NOT NULL"));
        var adminKeys = WebUtility.HtmlDecode(await journalist.Http.GetStringAsync(new Uri("/admin/keys", UriKind.Relative)));
        Assert.Contains("On older keys: 2 item(s), 2 metadata header(s), 1 reply(ies)", adminKeys, StringComparison.Ordinal);

        // Refused while anything still needs the old key: items, their headers and the reply.
        var (refusedCode, refusedOutput) = await SdnetProcess.RunAsync(["keys", "destroy", oldKey.Fingerprint, "--data", instance.Data.Root, "--as", "admin"], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(refusedCode == 1, refusedOutput);
        Assert.Contains("1 reply(ies)", refusedOutput, StringComparison.Ordinal);

        var (rewrapCode, rewrapOutput) = await SdnetProcess.RunAsync(["keys", "rewrap", "--data", instance.Data.Root, "--as", "admin"], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(rewrapCode == 0, rewrapOutput);
        Assert.Contains("re-wrapped: 3/3 item(s)", rewrapOutput, StringComparison.Ordinal);
        Assert.Contains("Every item is on the active key, with its metadata header, and every reply", await journalist.Http.GetStringAsync(new Uri("/admin/keys", UriKind.Relative)), StringComparison.Ordinal);

        var (destroyCode, destroyOutput) = await SdnetProcess.RunAsync(["keys", "destroy", oldKey.Fingerprint, "--data", instance.Data.Root, "--as", "admin"], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(destroyCode == 0, destroyOutput);
        Assert.Single(Directory.GetFiles(instance.Data.KeysDirectory, "newsroom-*.secret"));

        // A new console session holds only the new key, and reads everything.
        // Each TOTP code works once: wait for the authenticator's next code.
        await Task.Delay(TimeSpan.FromSeconds(31 - (TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() % 30)));
        using var later = new JournalistClient(console) { TotpSecret = journalist.TotpSecret };
        using (var login = await later.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        var conversation = await ConversationAsync(later, sourcePage);
        Assert.Contains(first, conversation, StringComparison.Ordinal);
        Assert.Contains(second, conversation, StringComparison.Ordinal);
        Assert.Contains(replyText, conversation, StringComparison.Ordinal);
        Assert.Contains("ledger.bin", conversation, StringComparison.Ordinal);
        Assert.Contains("48.8 KiB", conversation, StringComparison.Ordinal);
        Assert.Contains(replyText, WebUtility.HtmlDecode(await source.LookupAsync()), StringComparison.Ordinal);
        var download = Assert.Single(
            HtmlForms.Links(await later.Http.GetStringAsync(new Uri(sourcePage, UriKind.Relative)), "/items/"),
            link => link.EndsWith("/download", StringComparison.Ordinal));
        Assert.Equal(attachment, await later.Http.GetByteArrayAsync(new Uri(download, UriKind.Relative)));

        // gpg, whose keyring has only the new key, decrypts every exported item.
        var export = Path.Combine(instance.Root, "export");
        var (exportCode, exportOutput) = await SdnetProcess.RunAsync(["export", "--data", instance.Data.Root, "--out", export], instance.Environment);
        Assert.True(exportCode == 0, exportOutput);
        var plaintexts = new List<byte[]>();
        foreach (var item in Directory.GetFiles(export, "*.gpg"))
        {
            await gpg.RunAsync("--output", item + ".out", "--decrypt", item);
            plaintexts.Add(await File.ReadAllBytesAsync(item + ".out"));
        }

        // The reply (its other packet is to the source's reply key) and the file's header, with only the new key.
        string replyId;
        byte[] header;
        await using (var connection = await instance.Database.OpenAsync())
        {
            replyId = await connection.ExecuteScalarAsync<string>("SELECT id FROM replies") ?? "";
            header = (await connection.QueryAsync<byte[]>("SELECT metadata FROM items WHERE kind = 'file'")).Single();
        }

        var replyOut = Path.Combine(instance.Root, "reply.out");
        await gpg.RunAsync("--output", replyOut, "--decrypt", new ItemFiles(instance.Data).VaultPath(replyId));
        Assert.Equal(replyText, await File.ReadAllTextAsync(replyOut));
        var headerFile = Path.Combine(instance.Root, "header.gpg");
        await File.WriteAllBytesAsync(headerFile, header);
        await gpg.RunAsync("--output", headerFile + ".out", "--decrypt", headerFile);
        Assert.Contains("ledger.bin", await File.ReadAllTextAsync(headerFile + ".out"), StringComparison.Ordinal);

        Assert.Equal(3, plaintexts.Count);
        Assert.Contains(plaintexts, p => p.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(first)));
        Assert.Contains(plaintexts, p => p.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(second)));
        Assert.Contains(plaintexts, p => p.AsSpan().SequenceEqual(attachment));
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task RewrapKilledMidRun_RunAgain_FinishesAndEveryItemOpensWithTheNewKey(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        const int Items = 150;
        const int Replies = 10;
        var (sourceId, replyKey) = await Seed.SourceWithReplyKeyAsync(instance.Database);
        using var sourceReplyKey = replyKey;
        for (var i = 0; i < Items; i++)
        {
            await Seed.SubmissionForSourceAsync(instance.Database, sourceId, $"message {i}");
        }

        var replyIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Replies; i++)
        {
            replyIds.Add(await Seed.ReplyAsync(instance.Database, sourceId, $"reply {i}"));
        }

        var (code, output) = await SdnetProcess.RunAsync(["keys", "rotate", "--data", instance.Data.Root, "--as", "admin"], instance.Environment, instance.Secrets.AdminPassphrase);
        Assert.True(code == 0, output);
        var active = instance.Keys.LoadActivePublicKey();

        await using (var doomed = SdnetProcess.Start(["keys", "rewrap", "--data", instance.Data.Root, "--as", "admin", "--workers", "1"], instance.Environment, instance.Secrets.AdminPassphrase))
        {
            await Serving.WaitUntilAsync(async () => await CountAsync(instance, $"SELECT count(*) FROM items WHERE newsroom_key = '{active.Fingerprint}'") > 0, TimeSpan.FromSeconds(120), doomed);
            doomed.Kill();
        }

        var doneAtKill = await CountAsync(instance, $"SELECT count(*) FROM items WHERE newsroom_key = '{active.Fingerprint}'");
        (code, output) = await SdnetProcess.RunAsync(["keys", "rewrap", "--data", instance.Data.Root, "--as", "admin"], instance.Environment, instance.Secrets.AdminPassphrase);

        Assert.True(code == 0, output);
        Assert.True(doneAtKill < Items, "The first run finished before it could be killed; the test proved nothing.");
        Assert.Equal(Items, await CountAsync(instance, $"SELECT count(*) FROM items WHERE newsroom_key = '{active.Fingerprint}'"));
        Assert.Equal(Replies, await CountAsync(instance, $"SELECT count(*) FROM replies WHERE newsroom_key = '{active.Fingerprint}'"));
        var files = new ItemFiles(instance.Data);
        Assert.Empty(Directory.GetFiles(instance.Data.VaultDirectory, "*.rewrap"));
        Assert.Equal(Items + Replies, files.VaultItemIds().Count);
        foreach (var id in files.VaultItemIds())
        {
            using var stream = files.OpenVaultItem(id);
            var recipients = MessageDecryptor.ReadRecipientKeyIds(stream);
            if (replyIds.Contains(id))
            {
                // The newsroom packet re-wrapped, the source's packet kept: the source still reads it.
                Assert.Equal(2, recipients.Count);
                Assert.Contains(active.EncryptionKeyId, recipients);
                stream.Position = 0;
                using var plaintext = new MemoryStream();
                MessageDecryptor.Decrypt(stream, sourceReplyKey, plaintext);
                Assert.StartsWith("reply ", Encoding.UTF8.GetString(plaintext.ToArray()), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal([active.EncryptionKeyId], recipients);
            }
        }

        var headers = await new ItemKeyStore(instance.Database).MetadataHeadersAsync();
        Assert.Equal(Items, headers.Count);
        Assert.All(headers, header => Assert.Equal([active.EncryptionKeyId], KeyUsage.RecipientsOf(header.Metadata)));
    }

    [Fact]
    public async Task Worker_NeverServesTheRewrapQueue()
    {
        using var instance = await TestInstance.CreateAsync();
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
        var storage = HangfireStorage.Open(instance.Database);
        var rewrap = new BackgroundJobClient(storage).Create(Job.FromExpression<RewrapJob>(job => job.RunAsync(Ids.New())), new EnqueuedState(RewrapJob.Queue));
        // Something the worker does serve, as a witness that it ran: a submission waiting in intake, which the
        // ingest window's close (triggered now) takes.
        var submissionId = await RecordWithoutIngestAsync(instance);

        await using var worker = await Serving.StartAsync(instance, "worker");
        await IngestWindow.CloseNowAsync(instance);
        await Serving.WaitUntilAsync(async () => await CountAsync(instance, $"SELECT count(*) FROM submissions WHERE id = '{submissionId}' AND state = 'ready'") == 1, TimeSpan.FromSeconds(60), worker);

        using var connection = storage.GetConnection();
        Assert.Equal(EnqueuedState.StateName, connection.GetJobData(rewrap)!.State);
        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount(RewrapJob.Queue));
    }

    private static async Task<string> RecordWithoutIngestAsync(TestInstance instance)
    {
        var sourceId = await new Core.Sources.SourceStore(instance.Database, TimeProvider.System).CreateAsync(Ids.New());
        var files = new ItemFiles(instance.Data);
        var itemId = Ids.New();
        var recipient = instance.Keys.LoadActivePublicKey();
        await using (var writer = files.BeginIntake(itemId))
        {
            await using (var encryptor = MessageEncryptor.Open(writer.Stream, recipient, ""))
            {
                await encryptor.WriteAsync("witness"u8.ToArray());
            }

            await writer.CommitAsync();
            var submissionId = Ids.New();
            new IntakeLedger(instance.Data).Add(new IntakeEnvelope(submissionId, sourceId, [new NewItem(itemId, ItemKind.Message, writer.Length, recipient.Fingerprint)]));
            return submissionId;
        }
    }

    private static async Task<string> ConversationAsync(JournalistClient journalist, string sourcePage) =>
        WebUtility.HtmlDecode(await journalist.Http.GetStringAsync(new Uri(sourcePage, UriKind.Relative)));

    private static async Task<long> CountAsync(TestInstance instance, string sql)
    {
        await using var connection = await instance.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
