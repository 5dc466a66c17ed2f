using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// The rest of the console's instance settings: retention, the notification period and the onion address (null:
/// the environment setting), and the organisation's logo (a PNG, checked and stripped of metadata before it is
/// stored). The front end's PostgreSQL role may only read them.
/// </summary>
[Migration(8, "More instance settings and the logo")]
public sealed class M0008MoreInstanceSettings : Migration
{
    public override void Up()
    {
        Alter.Table("instance_settings")
            .AddColumn("retention_days").AsInt32().Nullable()
            .AddColumn("notification_period_minutes").AsInt32().Nullable()
            .AddColumn("onion_address").AsString(100).Nullable();
        Create.Table("instance_logo")
            .WithColumn("id").AsInt32().NotNullable().PrimaryKey()
            .WithColumn("png").AsBinary(int.MaxValue).NotNullable();
    }

    public override void Down()
    {
        Delete.Table("instance_logo");
        Delete.Column("retention_days").FromTable("instance_settings");
        Delete.Column("notification_period_minutes").FromTable("instance_settings");
        Delete.Column("onion_address").FromTable("instance_settings");
    }
}
