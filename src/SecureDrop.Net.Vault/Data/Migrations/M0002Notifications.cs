using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// Journalists' notification address and OpenPGP key, and the per-journalist digest state: whether something
/// waits, the last period a notice was sent in, and the random moment within a period it goes out.
/// </summary>
[Migration(2, "Notifications")]
public sealed class M0002Notifications : Migration
{
    public override void Up()
    {
        Alter.Table("journalists")
            .AddColumn("notify_email").AsString(254).Nullable()
            .AddColumn("notify_public_key").AsString(int.MaxValue).Nullable();

        Create.Table("notification_state")
            .WithColumn("journalist_id").AsString(32).PrimaryKey().ForeignKey("fk_notification_journalist", "journalists", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("pending").AsBoolean().NotNullable()
            .WithColumn("due_at").AsInt64().Nullable()
            .WithColumn("last_sent_period").AsInt64().NotNullable()
            .WithColumn("send_offset_seconds").AsInt32().NotNullable()
            .WithColumn("failures").AsInt32().NotNullable()
            .WithColumn("last_error").AsString(500).Nullable();
    }

    public override void Down()
    {
        Delete.Table("notification_state");
        Delete.Column("notify_public_key").FromTable("journalists");
        Delete.Column("notify_email").FromTable("journalists");
    }
}
