namespace SecureDrop.Net.Crypto.Tests.Backups;

/// <summary>Backup encryption: round trips with a passphrase and with a key, tamper, truncation and wrong secrets.</summary>
public sealed class BackupEncryptionTests
{
    private const string Passphrase = "five random words make a passphrase";

    [Fact]
    public void Passphrase_RoundTrip_GivesTheSameBytes()
    {
        var content = TestData.RandomBytes(300_000);
        var encrypted = EncryptWithPassphrase(content);

        using var input = new MemoryStream(encrypted);
        using var decryption = BackupDecryption.Open(input, Passphrase);
        using var output = new MemoryStream();
        decryption.Content.CopyTo(output);
        decryption.Verify();

        Assert.Equal(content, output.ToArray());
        Assert.True(BackupDecryption.Inspect(new MemoryStream(encrypted)).Passphrase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Key_RoundTrip_GivesTheSameBytes_AndNamesTheKeyId(bool postQuantum)
    {
        using var key = postQuantum ? TestData.NewPostQuantumKey() : TestData.NewKey();
        var content = TestData.RandomBytes(50_000);
        using var buffer = new MemoryStream();
        using (var stream = BackupEncryption.Open(buffer, key.PublicKey))
        {
            stream.Write(content);
        }

        var (passphrase, keyIds) = BackupDecryption.Inspect(new MemoryStream(buffer.ToArray()));
        using var decryption = BackupDecryption.Open(new MemoryStream(buffer.ToArray()), key);
        using var output = new MemoryStream();
        decryption.Content.CopyTo(output);
        decryption.Verify();

        Assert.Equal(content, output.ToArray());
        Assert.False(passphrase);
        Assert.Equal(key.PublicKey.EncryptionKeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture), Assert.Single(keyIds));
        // To a post-quantum operator key the one session key packet is ML-KEM-768+X25519 (RFC 9980), no classic one.
        Pkesk packet = Assert.Single(MessageEnvelope.Read(new MemoryStream(buffer.ToArray())).PublicKeyPackets);
        Assert.Equal(postQuantum ? KeyAlgorithm.MlKem768X25519 : KeyAlgorithm.Ecdh, packet.Algorithm);
    }

    [Fact]
    public void FlippedBit_FailsTheIntegrityCheck()
    {
        var encrypted = EncryptWithPassphrase(TestData.RandomBytes(100_000));
        encrypted[encrypted.Length / 2] ^= 0x10;

        using var decryption = BackupDecryption.Open(new MemoryStream(encrypted), Passphrase);

        var error = Assert.Throws<CryptoException>(decryption.Verify);
        Assert.Contains("integrity", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.Tampered, error.Reason);
    }

    [Fact]
    public void Truncated_IsReportedAsDamaged()
    {
        var encrypted = EncryptWithPassphrase(TestData.RandomBytes(100_000));

        using var decryption = BackupDecryption.Open(new MemoryStream(encrypted[..(encrypted.Length / 2)]), Passphrase);

        var error = Assert.Throws<CryptoException>(decryption.Verify);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongPassphrase_IsRefusedBeforeAnyContent()
    {
        var encrypted = EncryptWithPassphrase(TestData.RandomBytes(1_000));

        var error = Assert.Throws<CryptoException>(() => BackupDecryption.Open(new MemoryStream(encrypted), "another passphrase of some length"));
        Assert.Contains("passphrase is wrong", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.WrongPassphrase, error.Reason);
    }

    [Fact]
    public void ShortPassphrase_IsRefused()
    {
        var error = Assert.Throws<CryptoException>(() => BackupEncryption.Open(new MemoryStream(), "too short"));
        Assert.Contains("20", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.WeakPassphrase, error.Reason);
    }

    [Fact]
    public void NotAnOpenPgpMessage_IsRefusedClearly()
    {
        var error = Assert.Throws<CryptoException>(() => BackupDecryption.Open(new MemoryStream("just text, not a backup"u8.ToArray()), Passphrase));
        Assert.Contains("not an encrypted sdnet backup", error.Message, StringComparison.Ordinal);
        Assert.Equal(CryptoFailure.Malformed, error.Reason);
    }

    private static byte[] EncryptWithPassphrase(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var stream = BackupEncryption.Open(buffer, Passphrase))
        {
            stream.Write(content);
        }

        return buffer.ToArray();
    }
}
