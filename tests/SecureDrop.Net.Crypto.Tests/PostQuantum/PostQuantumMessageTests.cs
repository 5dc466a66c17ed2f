namespace SecureDrop.Net.Crypto.Tests.PostQuantum;

/// <summary>
/// The default (post-quantum) newsroom key through the public API: what is encrypted to it carries one v3 session key
/// packet of algorithm 35 and no classic one, replies to a post-quantum source key and the newsroom carry two, and a
/// classic item re-wrapped to it keeps its payload byte for byte while gpg sees only the algorithm-35 packet.
/// </summary>
public sealed class PostQuantumMessageTests
{
    [Fact]
    public void DefaultKey_IsPostQuantum_AndItsMessagesAreSeipdV1WithOneAlgorithm35Packet()
    {
        using NewsroomSecretKey key = TestData.NewPostQuantumKey();
        byte[] plaintext = TestData.RandomBytes(10_000);

        byte[] message = TestData.Encrypt(key.PublicKey, plaintext);

        MessageEnvelope envelope = MessageEnvelope.Read(new MemoryStream(message));
        Pkesk packet = Assert.Single(envelope.PublicKeyPackets);
        Assert.True(key.PublicKey.IsPostQuantum);
        Assert.Equal("ML-KEM-768+X25519, v4, post-quantum", KeyDescription.Of(key.PublicKey));
        Assert.Equal((3, KeyAlgorithm.MlKem768X25519, 1), (packet.Version, packet.Algorithm, envelope.Version));
        Assert.Equal(plaintext, TestData.Decrypt(key, message).Plaintext);
    }

    [Fact]
    public void Reply_ToPostQuantumSourceAndNewsroomKeys_HasTwoAlgorithm35Packets_AndEachOpensIt()
    {
        using NewsroomSecretKey newsroom = TestData.NewPostQuantumKey();
        using SourceReplySecretKey source = SourceReplySecretKey.Generate(TestData.KeyCreated);
        using var output = new MemoryStream();
        using (Stream reply = MessageEncryptor.OpenReply(output, source.PublicKey, newsroom.PublicKey, "reply.txt"))
        {
            reply.Write("We read it."u8);
        }

        byte[] message = output.ToArray();
        using var sink = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(message), source, sink);

        Assert.All(MessageEnvelope.Read(new MemoryStream(message)).PublicKeyPackets, p => Assert.Equal(KeyAlgorithm.MlKem768X25519, p.Algorithm));
        Assert.Equal(2, MessageEnvelope.Read(new MemoryStream(message)).PublicKeyPackets.Count());
        Assert.Equal("We read it.", Encoding.UTF8.GetString(sink.ToArray()));
        Assert.Equal("We read it.", Encoding.UTF8.GetString(TestData.Decrypt(newsroom, message).Plaintext));
    }

    [Fact]
    public async Task ClassicItem_RewrappedToPostQuantumKey_KeepsItsPayload_AndGpgSeesOnlyAlgorithm35()
    {
        using NewsroomSecretKey classic = TestData.NewKey();
        using NewsroomSecretKey postQuantum = TestData.NewPostQuantumKey();
        byte[] plaintext = TestData.RandomBytes(300_000);
        byte[] item = TestData.Encrypt(classic.PublicKey, plaintext);
        using var rewrapped = new MemoryStream();

        MessageRewrapper.Rewrap(new MemoryStream(item), classic, postQuantum.PublicKey, rewrapped);

        byte[] result = rewrapped.ToArray();
        MessageEnvelope before = MessageEnvelope.Read(new MemoryStream(item));
        MessageEnvelope after = MessageEnvelope.Read(new MemoryStream(result));
        int payloadBefore = before.Leading.Sum(p => p.Encoded.Length);
        int payloadAfter = after.Leading.Sum(p => p.Encoded.Length);
        Assert.Equal(item.AsSpan(payloadBefore).ToArray(), result.AsSpan(payloadAfter).ToArray());
        Assert.Equal(plaintext, TestData.Decrypt(postQuantum, result).Plaintext);
        Assert.Throws<CryptoException>(() => TestData.Decrypt(classic, result));
        await using var gpg = new Gpg();
        using var scratch = new TempDirectory();
        string listed = (await gpg.RunAsync(stdin: null, "--list-packets", scratch.File("item.gpg", result))).StdoutText;
        string[] sessionPackets = listed.Split('\n').Where(l => l.StartsWith(":pubkey enc packet:", StringComparison.Ordinal)).ToArray();
        Assert.StartsWith(":pubkey enc packet: version 3, algo 35,", Assert.Single(sessionPackets), StringComparison.Ordinal);
    }

    [Fact]
    public void SeipdV2Item_ToAV6Key_RewrapsWithAV6Packet_ToAnotherV6Key()
    {
        using NewsroomSecretKey first = NewsroomSecretKey.Import(Vectors.Read("rfc9980/v6-eddsa-sample-sk.asc"), default, TestData.KeyCreated.AddYears(2));
        using NewsroomSecretKey second = NewsroomSecretKey.Import(Vectors.Read("rfc9580/a4-v6-secret-key.asc"), default, TestData.KeyCreated.AddYears(2));
        byte[] plaintext = TestData.RandomBytes(600_000);
        byte[] item = TestData.Encrypt(first.PublicKey, plaintext);
        using var rewrapped = new MemoryStream();

        MessageRewrapper.Rewrap(new MemoryStream(item), first, second.PublicKey, rewrapped);

        MessageEnvelope after = MessageEnvelope.Read(new MemoryStream(rewrapped.ToArray()));
        Pkesk packet = Assert.Single(after.PublicKeyPackets);
        Assert.Equal((6, 2, KeyAlgorithm.X25519), (packet.Version, after.Version, packet.Algorithm));
        Assert.Equal(plaintext, TestData.Decrypt(second, rewrapped.ToArray()).Plaintext);
    }
}
