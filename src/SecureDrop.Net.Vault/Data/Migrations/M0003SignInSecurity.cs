using FluentMigrator;

namespace SecureDrop.Net.Vault.Data.Migrations;

/// <summary>
/// Second factor and lockout for journalists: the TOTP secret (sealed under the vault key, so a copied database
/// does not yield it), the last accepted time step (a code works once), failed attempts, and lock/disable flags.
/// </summary>
[Migration(3, "Journalist sign-in security")]
public sealed class M0003SignInSecurity : Migration
{
    public override void Up()
    {
        Alter.Table("journalists")
            .AddColumn("totp_secret_sealed").AsBinary(int.MaxValue).Nullable()
            .AddColumn("totp_last_step").AsInt64().NotNullable().WithDefaultValue(0)
            .AddColumn("failed_attempts").AsInt32().NotNullable().WithDefaultValue(0)
            .AddColumn("locked").AsBoolean().NotNullable().WithDefaultValue(false)
            .AddColumn("disabled").AsBoolean().NotNullable().WithDefaultValue(false);
    }

    public override void Down()
    {
        foreach (var column in new[] { "totp_secret_sealed", "totp_last_step", "failed_attempts", "locked", "disabled" })
        {
            Delete.Column(column).FromTable("journalists");
        }
    }
}
