using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// The ingest window an admin chose on the console (minutes; null: the environment's Ingest:Window). Submissions
/// recorded in state 'intake' by earlier versions are taken by the first ingest window run.
/// </summary>
[Migration(9, "Ingest window setting")]
public sealed class M0009IngestWindow : Migration
{
    public override void Up() =>
        Alter.Table("instance_settings").AddColumn("ingest_window_minutes").AsInt32().Nullable();

    public override void Down() =>
        Delete.Column("ingest_window_minutes").FromTable("instance_settings");
}
