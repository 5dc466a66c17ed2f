using System.Security.Cryptography;
using SecureDrop.Net.Core.Replies;

namespace SecureDrop.Net.Core.Tests;

/// <summary>
/// A source whose reply key predates post-quantum reply keys gets an ML-KEM subkey at its next sign-in: stored once,
/// replies from then on go to it, and the replies sent before still open.
/// </summary>
public sealed class SourceReplyKeyUpgradeTests
{
    [Fact]
    public async Task ClassicReplyKey_GetsAPostQuantumSubkeyAtSignIn_AndOldRepliesStillOpen()
    {
        using var instance = await TestInstance.CreateAsync();
        var keys = new SourceReplyKeys(instance.Database, TimeProvider.System);
        var lookupId = Ids.New();
        var wrappingKey = RandomNumberGenerator.GetBytes(32);
        using var classicNewsroomShape = NewsroomSecretKey.Generate("SecureDrop.Net source", TimeProvider.System.GetUtcNow().AddDays(-30), NewsroomKeyAlgorithm.Curve25519);
        using var classic = SourceReplySecretKey.FromStorageBytes(classicNewsroomShape.ExportForStorage());
        // As SourceReplyKeys binds a sealed key to its row (its private Binding).
        var sealedKey = classic.Seal(wrappingKey, Encoding.ASCII.GetBytes("sdnet source reply key " + lookupId));
        var sourceId = await new SourceStore(instance.Database, TimeProvider.System).CreateAsync(lookupId, classic.PublicKey.ToBinary(), sealedKey);
        var newsroom = instance.Keys.LoadActivePublicKey();
        byte[] before = Reply(classic.PublicKey, newsroom, "sent before the upgrade");

        using var upgraded = await keys.UnlockOrCreateAsync(sourceId, lookupId, wrappingKey);
        using var again = await keys.UnlockOrCreateAsync(sourceId, lookupId, wrappingKey);

        var stored = await keys.PublicKeyAsync(sourceId);
        Assert.False(classic.PublicKey.IsPostQuantum);
        Assert.True(upgraded.PublicKey.IsPostQuantum);
        Assert.True(stored!.IsPostQuantum);
        Assert.Equal(classic.PublicKey.Fingerprint, upgraded.PublicKey.Fingerprint);
        Assert.Equal(Convert.ToHexString(upgraded.PublicKey.ToBinary()), Convert.ToHexString(again.PublicKey.ToBinary()));
        Assert.Equal("sent before the upgrade", Open(upgraded, before));
        Assert.Equal("sent after", Open(again, Reply(stored, newsroom, "sent after")));
    }

    private static byte[] Reply(SourceReplyPublicKey source, NewsroomPublicKey newsroom, string text)
    {
        using var output = new MemoryStream();
        using (var reply = MessageEncryptor.OpenReply(output, source, newsroom, "reply.txt"))
        {
            reply.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static string Open(SourceReplySecretKey key, byte[] reply)
    {
        using var plaintext = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(reply), key, plaintext);
        return Encoding.UTF8.GetString(plaintext.ToArray());
    }
}
