using Npgsql;

namespace SecureDrop.Net.Submission.Tests;

/// <summary>On PostgreSQL the front end runs as a member of sdnet_frontend: it works, and it cannot read journalists.</summary>
public sealed class FrontEndRoleTests
{
    [Fact]
    public async Task FrontEndRole_CanTakeSubmissions_ButCannotReadJournalistsOrOtherColumns()
    {
        using var instance = await TestInstance.CreateAsync(Store.PostgreSql);
        var login = "sdnet_test_web_" + Guid.NewGuid().ToString("N")[..12];
        const string Password = "front-end-test-password";
        await using (var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString))
        {
            await admin.ExecuteAsync($"CREATE ROLE {login} LOGIN PASSWORD '{Password}' IN ROLE {DatabaseRoles.FrontEnd}");
        }

        try
        {
            var frontEndConnection = new NpgsqlConnectionStringBuilder(instance.Settings.Values.Single()) { Username = login, Password = Password }.ToString();
            var settings = new Dictionary<string, string?> { ["Database:PostgreSql"] = frontEndConnection };
            await using (var app = await RunningApp.StartAsync(url => SubmissionApp.Build(instance.Data, url, settings)))
            {
                using var source = new SourceClient(app.Address);
                var codename = await source.GenerateAndContinueAsync();
                using var response = await source.SubmitAsync("through the restricted role", ("f.bin", [1, 2, 3]));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                // The worker's part, as the backend: the window closes and records the source and the submission.
                await Seed.IngestWindowJob(instance.Database).CloseNowAsync();
                await using (var connection = await instance.Database.OpenAsync())
                {
                    var sourceId = await connection.ExecuteScalarAsync<string>("SELECT id FROM sources");
                    await Seed.ReplyAsync(instance.Database, sourceId!, "reply through the restricted role");
                }

                using var returning = new SourceClient(app.Address);
                using var loginResponse = await returning.LoginAsync(codename);
                Assert.Equal(HttpStatusCode.OK, loginResponse.StatusCode);
                Assert.Equal("/lookup", loginResponse.RequestMessage?.RequestUri?.AbsolutePath);
                var lookup = await loginResponse.Content.ReadAsStringAsync();
                Assert.Contains("reply through the restricted role", lookup, StringComparison.Ordinal);
                using var deleted = await returning.DeleteReplyAsync(lookup, HtmlForms.HiddenValue(lookup, "reply"));
                Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
                Assert.DoesNotContain("reply through the restricted role", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            await using var restricted = new NpgsqlConnection(frontEndConnection);
            await restricted.OpenAsync();
            // Replies: read them and mark them deleted, nothing more (the worker's delete job removes rows and files).
            Assert.Equal(0L, await restricted.ExecuteScalarAsync<long>("SELECT count(*) FROM replies WHERE deleted = false"));
            await restricted.ExecuteAsync("UPDATE replies SET deleted = true WHERE id = 'none'");
            // Instance settings: read only (the console writes them).
            Assert.Equal(0L, await restricted.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_settings"));
            Assert.Equal(0L, await restricted.ExecuteScalarAsync<long>("SELECT count(*) FROM instance_logo"));
            foreach (var sql in new[] { "SELECT count(*) FROM journalists", "SELECT count(*) FROM notification_state", "SELECT created_day FROM sources", "SELECT kind FROM items", "DELETE FROM submissions",
                "DELETE FROM replies", "INSERT INTO sources (id) VALUES ('x')", "UPDATE sources SET last_activity_day = 'x'",
                "INSERT INTO submissions (id, source_id, number, received_day, state) VALUES ('a', 'b', 1, 'd', 'ready')", "INSERT INTO items (id) VALUES ('a')",
                "INSERT INTO replies (id, source_id, number, after_submission, sent_day, ciphertext_bytes, newsroom_key) VALUES ('a', 'b', 1, 0, 'd', 1, 'k')",
                "UPDATE replies SET newsroom_key = 'x'", "SELECT count(*) FROM audit_events",
                "INSERT INTO instance_settings (id, organisation_name) VALUES (1, 'x')", "UPDATE instance_settings SET text_only = false",
                "INSERT INTO instance_logo (id, png) VALUES (1, '\\x00')", "DELETE FROM instance_logo" })
            {
                var error = await Assert.ThrowsAsync<PostgresException>(() => restricted.ExecuteScalarAsync(sql));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString);
            await admin.ExecuteAsync($"DROP OWNED BY {login}; DROP ROLE {login}");
        }
    }
}
