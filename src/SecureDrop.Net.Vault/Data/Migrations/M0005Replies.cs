using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// Replies from journalists to sources. Each source gets a reply key: the public half on its row, the secret half
/// sealed under a key derived from its codename (so only someone who knows the codename opens it). A reply's
/// ciphertext lies in vault/ like an item; its row holds ids, numbers, a coarse day, its size and the newsroom key's
/// fingerprint, never content. <c>after_submission</c> places it in the conversation; <c>deleted</c> is set by the
/// front end when the source deletes it, until the delete job has erased file and row.
/// </summary>
[Migration(5, "Replies and source reply keys")]
public sealed class M0005Replies : Migration
{
    public override void Up()
    {
        Alter.Table("sources")
            .AddColumn("reply_public_key").AsBinary(int.MaxValue).Nullable()
            .AddColumn("reply_secret_sealed").AsBinary(int.MaxValue).Nullable();

        Create.Table("replies")
            .WithColumn("id").AsString(32).PrimaryKey()
            .WithColumn("source_id").AsString(32).NotNullable().ForeignKey("fk_replies_source", "sources", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("number").AsInt32().NotNullable()
            .WithColumn("after_submission").AsInt32().NotNullable()
            .WithColumn("sent_day").AsString(10).NotNullable()
            .WithColumn("ciphertext_bytes").AsInt64().NotNullable()
            .WithColumn("newsroom_key").AsString(40).NotNullable()
            .WithColumn("deleted").AsBoolean().NotNullable().WithDefaultValue(false);
        Create.UniqueConstraint("uq_replies_source_number").OnTable("replies").Columns("source_id", "number");
    }

    public override void Down()
    {
        Delete.Table("replies");
        Delete.Column("reply_secret_sealed").FromTable("sources");
        Delete.Column("reply_public_key").FromTable("sources");
    }
}
