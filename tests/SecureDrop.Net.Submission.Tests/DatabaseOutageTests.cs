using System.Net;
using Dapper;
using Npgsql;
using SecureDrop.Net.Testing;

namespace SecureDrop.Net.Submission.Tests;

/// <summary>PostgreSQL unavailable for a moment: the source is told "busy, try again", and nothing partial is kept.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task DatabaseUnavailable_SubmitAnswersBusy_KeepsNothing_AndWorksAgainAfterwards()
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        await using var app = await RunningApp.StartAsync(url => SubmissionApp.Build(instance.Data, url, instance.Settings));
        using var source = new SourceClient(app.Address);
        await source.GenerateAndContinueAsync();
        var database = new NpgsqlConnectionStringBuilder(instance.Settings.Values.Single()).Database!;

        // The form (and its token) is fetched before the outage: rendering it reads the settings too.
        var submitPage = await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
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
