using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>The audit log of journalists' and admins' actions (never of sources'), each entry chained to the last by a hash.</summary>
[Migration(4, "Audit log")]
public sealed class M0004AuditLog : Migration
{
    public override void Up()
    {
        Create.Table("audit_events")
            .WithColumn("position").AsInt64().PrimaryKey()
            .WithColumn("at").AsString(40).NotNullable()
            .WithColumn("actor_id").AsString(32).Nullable()
            .WithColumn("action").AsString(64).NotNullable()
            .WithColumn("subject").AsString(200).Nullable()
            .WithColumn("previous_hash").AsBinary(32).NotNullable()
            .WithColumn("hash").AsBinary(32).NotNullable();
    }

    public override void Down() => Delete.Table("audit_events");
}
