using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// Instance settings an admin changes from the console: one row (id 1); a null column means "use the environment
/// setting". The front end's PostgreSQL role may only read it.
/// </summary>
[Migration(7, "Instance settings")]
public sealed class M0007InstanceSettings : Migration
{
    public override void Up()
    {
        Create.Table("instance_settings")
            .WithColumn("id").AsInt32().NotNullable().PrimaryKey()
            .WithColumn("organisation_name").AsString(100).Nullable()
            .WithColumn("max_submission_bytes").AsInt64().Nullable()
            .WithColumn("max_files").AsInt32().Nullable()
            .WithColumn("text_only").AsBoolean().Nullable();
    }

    public override void Down() => Delete.Table("instance_settings");
}
