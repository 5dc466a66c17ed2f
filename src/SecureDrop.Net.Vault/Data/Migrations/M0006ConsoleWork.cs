using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// What the console needs to work with thousands of sources: an encrypted metadata header per item (name, size and
/// type without decrypting the item), read flags, and per source a star, a status, labels, and counters kept up to
/// date as submissions arrive, are read and are deleted, so the sources list never aggregates over every item.
/// </summary>
[Migration(6, "Console: item headers, read state, stars, statuses, labels")]
public sealed class M0006ConsoleWork : Migration
{
    public override void Up()
    {
        Alter.Table("items")
            .AddColumn("metadata").AsBinary(int.MaxValue).Nullable()
            .AddColumn("is_read").AsBoolean().NotNullable().WithDefaultValue(false);

        Alter.Table("sources")
            .AddColumn("starred").AsBoolean().NotNullable().WithDefaultValue(false)
            .AddColumn("status").AsString(16).NotNullable().WithDefaultValue("new")
            .AddColumn("ready_submissions").AsInt32().NotNullable().WithDefaultValue(0)
            .AddColumn("unread_items").AsInt32().NotNullable().WithDefaultValue(0);

        Create.Table("source_labels")
            .WithColumn("source_id").AsString(32).NotNullable().ForeignKey("fk_source_labels_source", "sources", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("label").AsString(40).NotNullable();
        // SQLite cannot add a primary key to an existing table: a unique index does the same job on both stores.
        Create.Index("ux_source_labels").OnTable("source_labels")
            .OnColumn("source_id").Ascending().OnColumn("label").Ascending().WithOptions().Unique();
        Create.Index("ix_source_labels_label").OnTable("source_labels").OnColumn("label").Ascending().OnColumn("source_id").Ascending();

        // The list's order (starred first, most recent first) is this index read backwards: keyset paging
        // seeks into it instead of sorting ten thousand rows per page.
        Create.Index("ix_sources_list").OnTable("sources")
            .OnColumn("starred").Ascending().OnColumn("last_activity_day").Ascending().OnColumn("id").Ascending();

        Execute.Sql(
            """
            UPDATE sources SET
                ready_submissions = (SELECT count(*) FROM submissions s WHERE s.source_id = sources.id AND s.state = 'ready'),
                unread_items = (SELECT count(*) FROM items i JOIN submissions s ON s.id = i.submission_id
                                WHERE s.source_id = sources.id AND s.state = 'ready')
            """);
    }

    public override void Down()
    {
        Delete.Index("ix_sources_list").OnTable("sources");
        Delete.Table("source_labels");
        foreach (var column in new[] { "starred", "status", "ready_submissions", "unread_items" })
        {
            Delete.Column(column).FromTable("sources");
        }

        Delete.Column("metadata").FromTable("items");
        Delete.Column("is_read").FromTable("items");
    }
}
