using System.Globalization;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>/admin/keys: the active and retired newsroom keys with fingerprints and creation dates, and how a re-wrap stands.</summary>
public sealed class KeysPageTests : ConsoleTestBase
{
    [Fact]
    public async Task KeysPage_ShowsActiveAndRetiredKeys_WithFingerprintsDates_AndWhatARewrapStillHasToDo()
    {
        await Seed.SubmissionAsync(Instance, "sent to the first key");
        var keys = Instance.Keys;
        var first = keys.LoadActivePublicKey();
        var vaultKey = VaultKey.UnwrapWithRecovery(File.ReadAllBytes(Instance.Data.RecoveryWrapFile), VaultKey.ParseRecoveryKey(Instance.Secrets.RecoveryKey));
        var created = new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero);
        using (var second = NewsroomSecretKey.Generate("Second newsroom key", created))
        {
            new SealedNewsroomKeys(keys).Add(second, vaultKey, activate: true, "2026-03-14");
        }

        var active = keys.LoadActivePublicKey();
        using var admin = await SignedInAsync();

        var page = System.Net.WebUtility.HtmlDecode(await admin.Http.GetStringAsync(new Uri("/admin/keys", UriKind.Relative)));

        var table = page[page.IndexOf("<table id=\"keys\"", StringComparison.Ordinal)..page.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.Contains(active.DisplayFingerprint, table, StringComparison.Ordinal);
        Assert.Contains(first.DisplayFingerprint, table, StringComparison.Ordinal);
        Assert.Contains("active", table, StringComparison.Ordinal);
        Assert.Contains("retired", table, StringComparison.Ordinal);
        Assert.Contains("2026-03-14", table, StringComparison.Ordinal);
        Assert.Contains(first.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), table, StringComparison.Ordinal);
        Assert.Contains("On older keys: 1 item(s), 1 metadata header(s), 0 reply(ies)", HtmlForms.ElementText(page, "rewrap"), StringComparison.Ordinal);
    }
}
