namespace SecureDrop.Net.Crypto.Tests.Messages;

/// <summary>
/// An item and its sealed header under one session key (<see cref="SharedMessageKey"/>): one public-key packet made
/// once and written into both, each payload its own (SEIPD v1: its own random prefix; SEIPD v2: its own salt), each
/// message whole on its own for us, gpg and OpenPGP.js.
/// </summary>
public sealed class SharedMessageKeyTests
{
    [Fact]
    public void ToThePostQuantumKey_BothMessagesCarryTheSameAlgorithm35Packet_AndTheirOwnPayload()
    {
        using NewsroomSecretKey key = TestData.NewPostQuantumKey();

        (byte[] item, byte[] header) = EncryptTwo(key.PublicKey, TestData.RandomBytes(5000), TestData.RandomBytes(1024));

        (MessageEnvelope itemEnvelope, MessageEnvelope headerEnvelope) = (Envelope(item), Envelope(header));
        Assert.Equal(KeyAlgorithm.MlKem768X25519, Assert.Single(itemEnvelope.PublicKeyPackets).Algorithm);
        Assert.Equal(Packets(itemEnvelope), Packets(headerEnvelope));
        Assert.Equal((1, 1), (itemEnvelope.Version, headerEnvelope.Version));
        // SEIPD v1: the first ciphertext block is the random prefix under the shared key; different, so from the second
        // block on each message runs under its own IV.
        Assert.NotEqual(FirstBlock(itemEnvelope), FirstBlock(headerEnvelope));
    }

    [Fact]
    public void ToAV6Key_BothMessagesCarryTheSameV6Packet_AndEachSeipdV2PacketItsOwnSalt()
    {
        using NewsroomSecretKey key = NewsroomSecretKey.Import(Vectors.Read("rfc9580/a4-v6-secret-key.asc"), default, TestData.KeyCreated.AddYears(2));
        byte[] plaintext = TestData.RandomBytes(300_000);

        (byte[] item, byte[] header) = EncryptTwo(key.PublicKey, plaintext, "header"u8.ToArray());

        (MessageEnvelope itemEnvelope, MessageEnvelope headerEnvelope) = (Envelope(item), Envelope(header));
        Assert.Equal((6, 2), (Assert.Single(itemEnvelope.PublicKeyPackets).Version, itemEnvelope.Version));
        Assert.Equal(Packets(itemEnvelope), Packets(headerEnvelope));
        Assert.NotEqual(itemEnvelope.PayloadPrefix[4..], headerEnvelope.PayloadPrefix[4..]);
        Assert.Equal(plaintext, TestData.Decrypt(key, item).Plaintext);
        Assert.Equal("header"u8.ToArray(), TestData.Decrypt(key, header).Plaintext);
    }

    [Fact]
    public void WithoutSharing_TwoMessagesHaveTwoPackets_AndAKeyDisposedStartsNoMore()
    {
        using NewsroomSecretKey key = TestData.NewPostQuantumKey();
        byte[] first = TestData.Encrypt(key.PublicKey, "one"u8.ToArray());
        byte[] second = TestData.Encrypt(key.PublicKey, "two"u8.ToArray());
        var shared = SharedMessageKey.For(key.PublicKey);
        shared.Dispose();

        Assert.NotEqual(Packets(Envelope(first)), Packets(Envelope(second)));
        Assert.Throws<ObjectDisposedException>(() => MessageEncryptor.Open(new MemoryStream(), shared, ""));
    }

    [Fact]
    public async Task Gpg_DecryptsBothMessages_AndShowsOneSessionKeyForThem()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] plaintext = Encoding.UTF8.GetBytes("a tip, then its header");
        (byte[] item, byte[] header) = EncryptTwo(key.PublicKey, plaintext, "{\"name\":\"\"}"u8.ToArray());
        await using var gpg = new Gpg();
        await gpg.ImportAsync(TestData.ArmoredSecret(key));

        ToolResult itemRead = (await gpg.RunAsync(item, "--show-session-key", "--status-fd", "2", "--decrypt")).EnsureSuccess();
        ToolResult headerRead = (await gpg.RunAsync(header, "--show-session-key", "--status-fd", "2", "--decrypt")).EnsureSuccess();

        Assert.Equal(plaintext, itemRead.Stdout);
        Assert.Equal("{\"name\":\"\"}"u8.ToArray(), headerRead.Stdout);
        Assert.Contains("[GNUPG:] GOODMDC", headerRead.Stderr, StringComparison.Ordinal);
        Assert.Equal(SessionKeyShown(itemRead), SessionKeyShown(headerRead));
    }

    [Fact]
    public async Task OpenPgpJs_DecryptsBothSeipdV2Messages_ToAV6Key()
    {
        OpenPgpJsKey v6 = (await OpenPgpJsMatrix.KeysAsync()).First(k => k.Name.StartsWith("v6", StringComparison.Ordinal));
        NewsroomPublicKey certificate = NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(v6.PublicKey));
        byte[] plaintext = TestData.RandomBytes(70_000);

        (byte[] item, byte[] header) = EncryptTwo(certificate, plaintext, "header"u8.ToArray());

        Assert.Equal(2, Envelope(item).Version);
        IReadOnlyList<(bool Ok, byte[] Data, string Error)> read = await OpenPgpJsMatrix.DecryptAsync([(v6, item), (v6, header)]);
        Assert.True(read[0].Ok && read[1].Ok, $"OpenPGP.js: {read[0].Error} {read[1].Error}");
        Assert.Equal(plaintext, read[0].Data);
        Assert.Equal("header"u8.ToArray(), read[1].Data);
    }

    /// <summary>Two messages under one shared key, as the front end writes an item and then its header.</summary>
    private static (byte[] Item, byte[] Header) EncryptTwo(NewsroomPublicKey recipient, byte[] item, byte[] header)
    {
        using var key = SharedMessageKey.For(recipient);
        return (Encrypt(key, item, "evidence.pdf"), Encrypt(key, header, ""));
    }

    private static byte[] Encrypt(SharedMessageKey key, byte[] plaintext, string name)
    {
        using var output = new MemoryStream();
        using (Stream encrypting = MessageEncryptor.Open(output, key, name, MessageBuffers.StartSmall()))
        {
            encrypting.Write(plaintext);
        }

        return output.ToArray();
    }

    private static MessageEnvelope Envelope(byte[] message) => MessageEnvelope.Read(new MemoryStream(message));

    private static byte[][] Packets(MessageEnvelope envelope) => envelope.Leading.Select(p => p.Encoded).ToArray();

    private static byte[] FirstBlock(MessageEnvelope envelope)
    {
        var block = new byte[16];
        envelope.PayloadBody.ReadExactly(block);
        return block;
    }

    private static string SessionKeyShown(ToolResult result) =>
        result.Stderr.Split('\n').Single(l => l.StartsWith("[GNUPG:] SESSION_KEY ", StringComparison.Ordinal)).Split(' ')[2];
}
