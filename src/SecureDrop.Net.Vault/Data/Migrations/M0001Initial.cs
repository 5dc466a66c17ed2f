using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// The first schema. Rows hold ids, coarse days, ciphertext sizes and key fingerprints: never content, original
/// file names, codenames or anything that ties a source to a connection.
/// </summary>
[Migration(1, "Sources, submissions, items, journalists")]
public sealed class M0001Initial : Migration
{
    public override void Up()
    {
        Create.Table("sources")
            .WithColumn("id").AsString(32).PrimaryKey()
            .WithColumn("lookup_id").AsString(64).NotNullable().Unique()
            .WithColumn("designation").AsString(100).NotNullable()
            .WithColumn("created_day").AsString(10).NotNullable()
            .WithColumn("last_activity_day").AsString(10).NotNullable();

        Create.Table("submissions")
            .WithColumn("id").AsString(32).PrimaryKey()
            .WithColumn("source_id").AsString(32).NotNullable().ForeignKey("fk_submissions_source", "sources", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("number").AsInt32().NotNullable()
            .WithColumn("received_day").AsString(10).NotNullable()
            .WithColumn("state").AsString(10).NotNullable();
        Create.UniqueConstraint("uq_submissions_source_number").OnTable("submissions").Columns("source_id", "number");

        Create.Table("items")
            .WithColumn("id").AsString(32).PrimaryKey()
            .WithColumn("submission_id").AsString(32).NotNullable().ForeignKey("fk_items_submission", "submissions", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("position").AsInt32().NotNullable()
            .WithColumn("kind").AsString(10).NotNullable()
            .WithColumn("ciphertext_bytes").AsInt64().NotNullable()
            .WithColumn("newsroom_key").AsString(40).NotNullable();
        Create.Index("ix_items_submission").OnTable("items").OnColumn("submission_id");

        Create.Table("journalists")
            .WithColumn("id").AsString(32).PrimaryKey()
            .WithColumn("username").AsString(64).NotNullable().Unique()
            .WithColumn("is_admin").AsBoolean().NotNullable()
            .WithColumn("kdf_salt").AsBinary(int.MaxValue).NotNullable()
            .WithColumn("verifier").AsBinary(int.MaxValue).NotNullable()
            .WithColumn("wrapped_vault_key").AsBinary(int.MaxValue).NotNullable()
            .WithColumn("created_day").AsString(10).NotNullable();
    }

    public override void Down()
    {
        Delete.Table("journalists");
        Delete.Table("items");
        Delete.Table("submissions");
        Delete.Table("sources");
    }
}
