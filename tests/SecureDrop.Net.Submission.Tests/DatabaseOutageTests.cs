using Npgsql;

namespace SecureDrop.Net.Submission.Tests;

/// <summary>PostgreSQL unavailable for a moment: the source is told "busy, try again", and nothing partial is kept.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task DatabaseUnavailable_SubmitAnswersBusy_KeepsNothing_AndWorksAgainAfterwards()
    {
        // The form (and its token) is fetched before the outage: rendering it reads the settings too.
        await using var front = await SignedInSource.StartAsync();
        var (instance, source, database, submitPage) = (front.Instance, front.Source, front.Database, front.SubmitPage);
        await SetConnectionsAllowedAsync(database, allowed: false);
        try
        {
            // A tip needs the instance settings (the limits), which the front end keeps for a few seconds.
            await Task.Delay(Core.Settings.InstanceSettingsStore.CacheFor + TimeSpan.FromMilliseconds(500));
            using var form = SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(submitPage), "during the outage", ("outage.bin", new byte[50_000]));
            using var refused = await source.Http.PostAsync(new Uri("/submit", UriKind.Relative), form);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("busy", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            // Nothing but the source made at /generate, which waits in intake for its window.
            Assert.DoesNotContain(Directory.GetFiles(instance.Data.IntakeDirectory), f => !f.EndsWith(Core.Sources.PendingSources.Suffix, StringComparison.Ordinal));
        }
        finally
        {
            await SetConnectionsAllowedAsync(database, allowed: true);
        }

        using var accepted = await source.SubmitAsync("after the outage");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // Received into intake (its item and its envelope) for the ingest window; no row until the window closes.
        Assert.Single(Directory.GetFiles(instance.Data.IntakeDirectory, "*.gpg"));
        Assert.Single(Directory.GetFiles(instance.Data.IntakeDirectory, "*" + Core.Submissions.IntakeEnvelope.Suffix));
    }

    [Fact]
    public async Task DatabaseFailsWhileATipUploads_TheStoredTipIsAnsweredReceived_NotBusy()
    {
        await using var front = await SignedInSource.StartAsync();
        var (instance, app, source, database, submitPage) = (front.Instance, front.App, front.Source, front.Database, front.SubmitPage);
        var message = $"stored while the database failed {Guid.NewGuid():N}";
        using var form = SourceClient.SubmissionForm(HtmlForms.AntiforgeryToken(submitPage), message, ("large.bin", new byte[24 * 1024 * 1024]));
        var body = await form.ReadAsByteArrayAsync();
        // 20 MiB sent is more than the socket and Kestrel buffers hold: the front end is reading the upload, so it
        // has read the settings for it, when the database goes away.
        using var upload = new PausedContent(body, pauseAt: 20 * 1024 * 1024, form.Headers.ContentType!);
        var posting = source.Http.PostAsync(new Uri("/submit", UriKind.Relative), upload);
        await upload.Paused.WaitAsync(TimeSpan.FromSeconds(60));
        await SetConnectionsAllowedAsync(database, allowed: false);
        try
        {
            // Past the store's few seconds of cache: a page that reads the settings now meets the outage (the control).
            await Task.Delay(Core.Settings.InstanceSettingsStore.CacheFor + TimeSpan.FromMilliseconds(500));
            using var probe = new HttpClient { BaseAddress = app.Address };
            using (var landing = await probe.GetAsync(new Uri("/", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, landing.StatusCode);
            }

            upload.Resume();
            using var answered = await posting;
            var page = await answered.Content.ReadAsStringAsync();
            // The tip is in intake, so the source must be told it was received: "busy" would have them send it again.
            Assert.Single(Directory.GetFiles(instance.Data.IntakeDirectory, "*" + Core.Submissions.IntakeEnvelope.Suffix));
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.Contains("id=\"received\"", page, StringComparison.Ordinal);
        }
        finally
        {
            upload.Resume();
            await SetConnectionsAllowedAsync(database, allowed: true);
        }
    }

    /// <summary>A front end on PostgreSQL and a source signed in with the submit form's page in hand.</summary>
    private sealed class SignedInSource : IAsyncDisposable
    {
        private SignedInSource(TestInstance instance, RunningApp app, SourceClient source, string submitPage)
        {
            (Instance, App, Source, SubmitPage) = (instance, app, source, submitPage);
            Database = new NpgsqlConnectionStringBuilder(instance.Settings.Values.Single()).Database!;
        }

        public TestInstance Instance { get; }

        public RunningApp App { get; }

        public SourceClient Source { get; }

        public string Database { get; }

        public string SubmitPage { get; }

        public static async Task<SignedInSource> StartAsync()
        {
            var instance = await TestInstance.CreateAsync(Store.PostgreSql);
            var app = await RunningApp.StartAsync(url => SubmissionApp.Build(instance.Data, url, instance.Settings));
            var source = new SourceClient(app.Address);
            await source.GenerateAndContinueAsync();
            return new SignedInSource(instance, app, source, await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative)));
        }

        public async ValueTask DisposeAsync()
        {
            Source.Dispose();
            await App.DisposeAsync();
            Instance.Dispose();
        }
    }

    /// <summary>A request body sent up to <c>pauseAt</c> bytes, then held until <see cref="Resume"/>.</summary>
    private sealed class PausedContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly int _pauseAt;
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public PausedContent(byte[] body, int pauseAt, System.Net.Http.Headers.MediaTypeHeaderValue contentType)
        {
            _body = body;
            _pauseAt = pauseAt;
            Headers.ContentType = contentType;
        }

        public Task Paused => _paused.Task;

        public void Resume() => _resume.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body.AsMemory(0, _pauseAt));
            await stream.FlushAsync();
            _paused.TrySetResult();
            await _resume.Task;
            await stream.WriteAsync(_body.AsMemory(_pauseAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }

    private static async Task SetConnectionsAllowedAsync(string database, bool allowed)
    {
        await using var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS {(allowed ? "true" : "false")}");
        if (!allowed)
        {
            await admin.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @database", new { database });
        }
    }
}
