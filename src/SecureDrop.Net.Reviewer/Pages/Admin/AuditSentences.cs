using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Vault.Audit;

namespace SecureDrop.Net.Reviewer.Pages.Admin;

/// <summary>
/// Turns audit entries into sentences a person reads ("alice opened the conversation with quiet heron"): the
/// journalist by user name, a source by its designation, an item or a submission by what it is and whose, a
/// journalist named as subject by user name. What no longer exists (deleted since) says so, with the start of its id.
/// </summary>
internal sealed partial class AuditSentences
{
    private static readonly Dictionary<string, string> Phrases = new(StringComparer.Ordinal)
    {
        ["sign-in"] = "signed in",
        ["failed sign-in"] = "failed to sign in: wrong passphrase",
        ["failed second factor"] = "failed to sign in: wrong authenticator code",
        ["api sign-in"] = "signed in to the API",
        ["failed api sign-in"] = "failed to sign in to the API",
        ["failed sdnet unlock"] = "failed to unlock sdnet: wrong passphrase",
        ["passphrase re-entered"] = "typed their passphrase again for an admin action",
        ["failed passphrase re-entry"] = "typed a wrong passphrase for an admin action",
        ["view source"] = "opened the conversation with {0}",
        ["view item"] = "read {0}",
        ["download item"] = "downloaded {0}",
        ["download ciphertext"] = "downloaded the encrypted original of {0}",
        ["download scrubbed"] = "downloaded a metadata-scrubbed copy of {0}",
        ["download zip"] = "downloaded a zip of {0}",
        ["delete source"] = "deleted the source {0}",
        ["delete submission"] = "deleted {0}",
        ["reply"] = "replied to {0}",
        ["star source"] = "starred {0}",
        ["unstar source"] = "unstarred {0}",
        ["set source status"] = "set the status of {0}",
        ["add label"] = "labelled {0}",
        ["remove label"] = "removed the label of {0}",
        ["mark read"] = "marked {0} read",
        ["mark unread"] = "marked {0} unread",
        ["add journalist"] = "added the journalist {0}",
        ["add admin"] = "added the admin {0}",
        ["disable journalist"] = "disabled {0}",
        ["enable journalist"] = "enabled {0}",
        ["unlock journalist"] = "cleared the lockout of {0}",
        ["reset authenticator"] = "reset the authenticator of {0}",
        ["reset passphrase"] = "issued a new passphrase to {0}",
        ["settings changed"] = "changed the settings: {0}",
        ["logo set"] = "set the newsroom logo",
        ["logo removed"] = "removed the newsroom logo",
        ["change notification settings"] = "changed their notification settings",
        ["add newsroom key"] = "added the newsroom key {0}",
        ["rotate newsroom key"] = "made {0} the active newsroom key",
        ["destroy newsroom key"] = "destroyed the newsroom key {0}",
        ["re-wrap started in the console"] = "started a re-wrap to the key {0} in the console",
    };

    private readonly MetadataDatabase _database;

    public AuditSentences(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>One sentence per entry, in the entries' order; <paramref name="names"/> maps journalist ids to user names.</summary>
    public async Task<IReadOnlyList<string>> DescribeAsync(IReadOnlyList<AuditEntry> entries, IReadOnlyDictionary<string, string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(names);
        var ids = entries.SelectMany(e => HexId().Matches(e.Subject ?? "").Select(m => m.Value)).Distinct(StringComparer.Ordinal).ToArray();
        var things = await NameThingsAsync(ids, cancellationToken);
        foreach (var (id, name) in names)
        {
            things.TryAdd(id, name);
        }

        return entries.Select(e => Sentence(e, names, things)).ToList();
    }

    private static string Sentence(AuditEntry entry, IReadOnlyDictionary<string, string> names, Dictionary<string, string> things)
    {
        string who = entry.ActorId is null ? "sdnet (on the server)" : names.GetValueOrDefault(entry.ActorId, Gone("a journalist", entry.ActorId));
        string subject = HexId().Replace(entry.Subject ?? "", m => things.GetValueOrDefault(m.Value, Gone("something", m.Value)));
        string action = entry.Action;
        string suffix = "";
        if (action.EndsWith(" (sdnet)", StringComparison.Ordinal))
        {
            action = action[..^" (sdnet)".Length];
            suffix = ", with sdnet on the server";
        }

        if (action.StartsWith("failed", StringComparison.Ordinal) && entry.ActorId is not null)
        {
            // The actor of a failed sign-in is the account tried, not a person known to be its owner.
            who = $"Someone using the account {who}";
        }

        string phrase = Phrases.TryGetValue(action, out var known)
            ? string.Format(CultureInfo.InvariantCulture, known, subject.Length == 0 ? "—" : subject)
            : subject.Length == 0 ? action : $"{action}: {subject}";
        return $"{who} {phrase}{suffix}.";
    }

    private async Task<Dictionary<string, string>> NameThingsAsync(string[] ids, CancellationToken cancellationToken)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return named;
        }

        await using DbConnection connection = await _database.OpenAsync(cancellationToken);
        foreach (var chunk in ids.Chunk(200))
        {
            var arguments = new { Ids = chunk };
            foreach (var row in await connection.QueryAsync<(string Id, string Designation)>(
                new CommandDefinition("SELECT id, designation FROM sources WHERE id IN @Ids", arguments, cancellationToken: cancellationToken)))
            {
                named[row.Id] = row.Designation;
            }

            foreach (var row in await connection.QueryAsync<(string Id, int Number, string Designation)>(
                new CommandDefinition("SELECT sub.id, sub.number, s.designation FROM submissions sub JOIN sources s ON s.id = sub.source_id WHERE sub.id IN @Ids", arguments, cancellationToken: cancellationToken)))
            {
                named[row.Id] = $"submission {row.Number} of {row.Designation}";
            }

            foreach (var row in await connection.QueryAsync<(string Id, string Kind, int Number, string Designation)>(
                new CommandDefinition("SELECT i.id, i.kind, sub.number, s.designation FROM items i JOIN submissions sub ON sub.id = i.submission_id JOIN sources s ON s.id = sub.source_id WHERE i.id IN @Ids", arguments, cancellationToken: cancellationToken)))
            {
                named[row.Id] = $"{(row.Kind == "message" ? "the message" : "a file")} of submission {row.Number} of {row.Designation}";
            }
        }

        return named;
    }

    private static string Gone(string what, string id) => $"{what} since deleted ({id[..Math.Min(8, id.Length)]}…)";

    [GeneratedRegex("\\b[0-9a-f]{32}\\b")]
    private static partial Regex HexId();
}
