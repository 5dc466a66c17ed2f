using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Core.Tests;

/// <summary>The audit chain detects an edited, deleted or reordered entry, on both stores.</summary>
public sealed class AuditLogTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task UntouchedChain_Verifies(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var log = await LogWithEntriesAsync(instance);

        var verification = await log.VerifyAsync();

        Assert.True(verification.Intact);
        Assert.Equal(5, verification.Entries);
    }

    [Theory]
    [InlineData(Store.Sqlite, "UPDATE audit_events SET action = 'view source' WHERE position = 3", 3)]
    [InlineData(Store.Sqlite, "UPDATE audit_events SET at = '2020-01-01T00:00:00.0000000+00:00' WHERE position = 2", 2)]
    [InlineData(Store.Sqlite, "DELETE FROM audit_events WHERE position = 2", 2)]
    [InlineData(Store.Sqlite, "UPDATE audit_events SET position = -position WHERE position IN (2, 3); UPDATE audit_events SET position = 5 - position WHERE position IN (-2, -3)", 2)]
    [InlineData(Store.PostgreSql, "UPDATE audit_events SET subject = 'someone else' WHERE position = 4", 4)]
    [InlineData(Store.PostgreSql, "DELETE FROM audit_events WHERE position = 3", 3)]
    public async Task TamperedChain_IsCaughtAtTheTamperedEntry(Store store, string tampering, long expectedPosition)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var log = await LogTamperedAsync(instance, tampering);

        var verification = await log.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(expectedPosition, verification.FirstBadPosition);
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task NewestEntriesCutOff_AreCaughtByTheHeadAnchoredOutsideTheDatabase(Store store)
    {
        using var instance = await TestInstance.CreateAsync(store);
        var log = await LogTamperedAsync(instance, "DELETE FROM audit_events WHERE position >= 4");

        var verification = await log.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBadPosition);
        Assert.Contains("anchored", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WholeChainRewritten_IsCaughtByTheAnchoredHead()
    {
        using var instance = await TestInstance.CreateAsync();
        var log = await LogTamperedAsync(instance, "DELETE FROM audit_events");

        await LogWithEntriesAsync(instance);
        var verification = await log.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBadPosition);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(instance.Data.Root, "audit-head")));
    }

    /// <summary>A log with five entries, then <paramref name="tampering"/> done to its rows in the database.</summary>
    private static async Task<AuditLog> LogTamperedAsync(TestInstance instance, string tampering)
    {
        var log = await LogWithEntriesAsync(instance);
        await instance.ExecuteSqlAsync(tampering);
        return log;
    }

    private static async Task<AuditLog> LogWithEntriesAsync(TestInstance instance)
    {
        var log = new AuditLog(instance.Database, TimeProvider.System);
        await log.RecordAsync("0123456789abcdef0123456789abcdef", "sign-in");
        await log.RecordAsync("0123456789abcdef0123456789abcdef", "view source", "fedcba9876543210fedcba9876543210");
        await log.RecordAsync("0123456789abcdef0123456789abcdef", "download item", "00112233445566778899aabbccddeeff");
        await log.RecordAsync("0123456789abcdef0123456789abcdef", "delete source", "fedcba9876543210fedcba9876543210");
        await log.RecordAsync(null, "failed sign-in");
        return log;
    }
}
