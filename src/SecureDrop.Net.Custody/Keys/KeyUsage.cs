using SecureDrop.Net.Core.Keys;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Keys;

/// <summary>What one newsroom key still opens: item files, items' sealed metadata headers, and replies.</summary>
public sealed record KeyUsageCount(long Items, long Headers, long Replies)
{
    public static KeyUsageCount None { get; } = new(0, 0, 0);

    public long Total => Items + Headers + Replies;

    public override string ToString() => $"{Items} item(s), {Headers} metadata header(s), {Replies} reply(ies)";
}

/// <summary>
/// Which newsroom keys the stored data still needs, from the metadata: item and reply rows record their key, and a
/// metadata header is asked which keys it is encrypted to (its recipient key ids; nothing is decrypted). A retired
/// key may be destroyed only when everything here is on other keys.
/// </summary>
public sealed record KeyUsage(IReadOnlyDictionary<string, KeyUsageCount> ByKey, KeyUsageCount NotOnActive)
{
    public KeyUsageCount For(string fingerprint) => ByKey.GetValueOrDefault(fingerprint) ?? KeyUsageCount.None;

    public static async Task<KeyUsage> ReadAsync(NewsroomKeys keys, ItemKeyStore submissions, ReplyStore replies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(submissions);
        ArgumentNullException.ThrowIfNull(replies);
        var active = keys.LoadActivePublicKey();
        var items = await submissions.ItemCountsByKeyAsync(cancellationToken).ConfigureAwait(false);
        var replyCounts = await replies.CountsByKeyAsync(cancellationToken).ConfigureAwait(false);
        var fingerprints = keys.FingerprintsByEncryptionKeyId();
        var headers = new Dictionary<string, long>(StringComparer.Ordinal);
        long headersNotOnActive = 0;
        foreach (var (_, metadata) in await submissions.MetadataHeadersAsync(cancellationToken).ConfigureAwait(false))
        {
            var recipients = RecipientsOf(metadata);
            if (!recipients.Contains(active.EncryptionKeyId))
            {
                headersNotOnActive++;
            }

            foreach (var fingerprint in recipients.Select(id => fingerprints.GetValueOrDefault(id)).OfType<string>().Distinct())
            {
                headers[fingerprint] = headers.GetValueOrDefault(fingerprint) + 1;
            }
        }

        var byKey = items.Keys.Concat(replyCounts.Keys).Concat(headers.Keys).Distinct(StringComparer.Ordinal).ToDictionary(
            fingerprint => fingerprint,
            fingerprint => new KeyUsageCount(items.GetValueOrDefault(fingerprint), headers.GetValueOrDefault(fingerprint), replyCounts.GetValueOrDefault(fingerprint)),
            StringComparer.Ordinal);
        var notOnActive = new KeyUsageCount(
            items.Where(pair => pair.Key != active.Fingerprint).Sum(pair => pair.Value),
            headersNotOnActive,
            replyCounts.Where(pair => pair.Key != active.Fingerprint).Sum(pair => pair.Value));
        return new KeyUsage(byKey, notOnActive);
    }

    /// <summary>The key ids a sealed header is encrypted to; none when it is not readable as a message.</summary>
    public static IReadOnlyList<ulong> RecipientsOf(byte[] sealedMessage)
    {
        ArgumentNullException.ThrowIfNull(sealedMessage);
        try
        {
            using var input = new MemoryStream(sealedMessage, writable: false);
            return MessageDecryptor.ReadRecipientKeyIds(input);
        }
        catch (CryptoException)
        {
            return [];
        }
    }
}
