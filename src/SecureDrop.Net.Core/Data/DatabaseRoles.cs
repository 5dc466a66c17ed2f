using Dapper;

namespace SecureDrop.Net.Core.Data;

/// <summary>
/// On PostgreSQL the processes connect as different roles, so a compromised front end cannot read what it has no
/// business reading. Two group roles (NOLOGIN) carry the grants; an operator creates one login role per process
/// as a member (see ops/postgres/README.md):
/// <list type="bullet">
/// <item><c>sdnet_frontend</c>: read only the source columns a login needs (and the reply key columns, to unlock or
/// first create a source's reply key); read replies and mark them deleted, nothing more; no access at all to
/// journalists or notification state; read the instance settings and logo; Hangfire's tables, to enqueue a
/// reply's deletion. It inserts nothing: new sources and submissions wait in intake/ for their ingest window, whose
/// run (the worker, as the backend) records them, so no commit of the front end's dates a tip.</item>
/// <item><c>sdnet_backend</c> (console and worker): everything in the instance's schema and Hangfire's.</item>
/// </list>
/// Applied at init and by 'sdnet migrate'; every statement can be repeated.
/// </summary>
public static class DatabaseRoles
{
    public const string FrontEnd = "sdnet_frontend";
    public const string Backend = "sdnet_backend";

    private const string Grants = """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sdnet_frontend') THEN CREATE ROLE sdnet_frontend NOLOGIN; END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sdnet_backend') THEN CREATE ROLE sdnet_backend NOLOGIN; END IF;
        END
        $$;
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM sdnet_frontend;
        GRANT USAGE ON SCHEMA public TO sdnet_frontend;
        GRANT SELECT ON "VersionInfo" TO sdnet_frontend;
        GRANT SELECT (id, lookup_id, designation, reply_public_key, reply_secret_sealed) ON sources TO sdnet_frontend;
        GRANT UPDATE (reply_public_key, reply_secret_sealed) ON sources TO sdnet_frontend;
        GRANT SELECT (id, source_id, number, after_submission, sent_day, ciphertext_bytes, newsroom_key, deleted) ON replies TO sdnet_frontend;
        GRANT UPDATE (deleted) ON replies TO sdnet_frontend;
        GRANT SELECT (id, source_id, number) ON submissions TO sdnet_frontend;
        GRANT SELECT ON instance_settings, instance_logo TO sdnet_frontend;
        GRANT USAGE ON SCHEMA hangfire TO sdnet_frontend;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hangfire TO sdnet_frontend;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA hangfire TO sdnet_frontend;
        GRANT USAGE ON SCHEMA public, hangfire TO sdnet_backend;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sdnet_backend;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hangfire TO sdnet_backend;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public, hangfire TO sdnet_backend;
        """;

    public static async Task ApplyAsync(MetadataDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider != DatabaseProvider.PostgreSql)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(Grants).ConfigureAwait(false);
    }
}
