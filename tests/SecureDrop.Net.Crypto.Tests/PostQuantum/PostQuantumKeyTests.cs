namespace SecureDrop.Net.Crypto.Tests.PostQuantum;

/// <summary>
/// The post-quantum key we generate (v4, Ed25519 primary, ML-KEM-768+X25519 subkey): its self-signatures verify,
/// messages to it round-trip in SEIPD v1 and v2, gpg sees a v3 session key packet of algorithm 35 and nothing
/// classic, and ML-KEM decapsulation with the wrong key or a tampered ciphertext fails closed.
/// </summary>
public sealed class PostQuantumKeyTests
{
    private static readonly DateTime Created = TestData.KeyCreated.UtcDateTime;

    private static readonly Lazy<byte[]> Shared = new(() => PostQuantumKeyGenerator.Generate("Newsroom <pq@example.org>", Created));

    [Fact]
    public void Generated_IsV4Ed25519WithVerifiedMlKemSubkey_AdvertisingSeipdV1Only()
    {
        TransferableKey key = Assert.Single(TransferableKey.ReadAll(RawPackets.Read(Shared.Value)));

        KeyComponent encryption = CertificateValidation.SelectEncryptionSubkey(key, TestData.KeyCreated.AddDays(1));

        Assert.Equal((4, KeyAlgorithm.Ed25519), (key.Primary.Key.Version, key.Primary.Key.Algorithm));
        Assert.Equal((4, KeyAlgorithm.MlKem768X25519), (encryption.Key.Version, encryption.Key.Algorithm));
        Assert.Equal(Created, key.Primary.Key.Created);
        Assert.False(CertificateValidation.SupportsSeipdV2(key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Message_RoundTrips(bool seipdV2)
    {
        using UnprotectedKey key = PacketComposer.Load(Shared.Value);
        byte[] plaintext = TestData.RandomBytes(70_000);

        byte[] message = PacketComposer.Encrypt([PacketComposer.EncryptionKey(key)], plaintext, seipdV2);

        Assert.Equal(plaintext, EnvelopeDecryption.WithKey(message, key).Plaintext);
    }

    [Fact]
    public async Task GpgListPackets_ShowsOneV3SessionKeyPacketOfAlgorithm35AndNoClassicOne()
    {
        using UnprotectedKey key = PacketComposer.Load(Shared.Value);
        byte[] message = PacketComposer.Encrypt([PacketComposer.EncryptionKey(key)], Encoding.UTF8.GetBytes("tip"), seipdV2: false);
        await using var gpg = new Gpg();
        using var scratch = new TempDirectory();

        ToolResult listed = await gpg.RunAsync(stdin: null, "--list-packets", scratch.File("item.gpg", message));

        string[] sessionPackets = listed.StdoutText.Split('\n').Where(l => l.StartsWith(":pubkey enc packet:", StringComparison.Ordinal)).ToArray();
        Assert.Equal($":pubkey enc packet: version 3, algo 35, keyid {PacketComposer.EncryptionKey(key).KeyId:X16}", Assert.Single(sessionPackets).Trim());
    }

    [Fact]
    public void Decapsulation_WrongKeyOrTamperedCiphertext_FailsClosed()
    {
        using UnprotectedKey key = PacketComposer.Load(Shared.Value);
        using UnprotectedKey other = PacketComposer.Load(PostQuantumKeyGenerator.Generate("Other", Created));
        KeyPacket recipient = PacketComposer.EncryptionKey(key);
        using SessionKey session = SessionKey.NewAes256();
        byte[] packet = SessionKeyEncryption.Encrypt(recipient, session, 3);
        Pkesk parsed = Pkesk.Parse(packet[3..]);

        foreach (int at in new[] { 0, 31, 32, 600, 32 + 1087, parsed.Fields.Length - 1 })
        {
            byte[] tampered = (byte[])packet.Clone();
            tampered[3 + 10 + at] ^= 0x04;
            Assert.Null(key.DecryptionKeys[0].TryDecrypt(Pkesk.Parse(tampered[3..]), 0));
        }

        Assert.Null(other.DecryptionKeys[0].TryDecrypt(parsed, 0));
        using SessionKey opened = key.DecryptionKeys[0].TryDecrypt(parsed, 0)!;
        Assert.Equal(session.Key.ToArray(), opened.Key.ToArray());
    }
}
