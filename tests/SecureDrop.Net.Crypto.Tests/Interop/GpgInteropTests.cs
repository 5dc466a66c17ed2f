namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>Both directions with stock GnuPG 2.2, each test in its own throwaway GNUPGHOME.</summary>
public sealed class GpgInteropTests
{
    [Fact]
    public async Task Gpg_DecryptsOurMessage_ToOriginalBytesAndFileName()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = await TestData.GpgHoldingAsync(key);
        byte[] plaintext = TestData.RandomBytes(300_000);

        ToolResult result = await gpg.RunAsync(TestData.Encrypt(key.PublicKey, plaintext, "report.pdf"), "--status-fd", "2", "--decrypt");

        result.EnsureSuccess();
        Assert.Equal(plaintext, result.Stdout);
        Assert.Contains("[GNUPG:] PLAINTEXT 62 0 report.pdf", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("[GNUPG:] DECRYPTION_OKAY", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("[GNUPG:] GOODMDC", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3 * 1024 * 1024 + 7)]
    [InlineData(4 * 512 * 1024)]
    [InlineData(9 * 1024 * 1024 + 13)]
    public async Task Gpg_DecryptsOurMultiSegmentMessage_AndWeDecryptItsOwn(int length)
    {
        // Large enough that our writer and reader run their threads (hashing, the CFB chain, decrypting), across
        // segment boundaries that fall inside literal-packet chunks; the largest reuses every segment it has.
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = await TestData.GpgHoldingAsync(key);
        byte[] plaintext = TestData.RandomBytes(length);

        ToolResult ours = await gpg.RunAsync(TestData.Encrypt(key.PublicKey, plaintext, "big.bin"), "--status-fd", "2", "--decrypt");
        byte[] theirs = (await gpg.RunAsync(plaintext, "-z", "0", "--encrypt", "-r", key.Fingerprint, "--set-filename", "big.bin"))
            .EnsureSuccess().Stdout;

        ours.EnsureSuccess();
        Assert.Equal(plaintext, ours.Stdout);
        Assert.Contains("[GNUPG:] GOODMDC", ours.Stderr, StringComparison.Ordinal);
        Assert.Equal(plaintext, TestData.Decrypt(key, theirs).Plaintext);
    }

    [Fact]
    public async Task Gpg_ImportsOurGeneratedKeys_AndEncryptsToThem()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = new Gpg();

        await gpg.ImportAsync(Encoding.ASCII.GetBytes(key.PublicKey.ToArmored()));
        await gpg.ImportAsync(TestData.ArmoredSecret(key));
        ToolResult secrets = (await gpg.RunAsync(stdin: null, "--with-colons", "--list-secret-keys")).EnsureSuccess();
        byte[] message = (await gpg.RunAsync(Encoding.UTF8.GetBytes("hello newsroom"), "--encrypt", "-r", key.Fingerprint, "--set-filename", "note.txt"))
            .EnsureSuccess().Stdout;

        Assert.Contains(key.Fingerprint, secrets.StdoutText, StringComparison.Ordinal);
        (byte[] plaintext, string fileName) = TestData.Decrypt(key, message);
        Assert.Equal("hello newsroom", Encoding.UTF8.GetString(plaintext));
        Assert.Equal("note.txt", fileName);
    }

    [Theory]
    [InlineData(new string[0], "PgpCompressedData")]
    [InlineData(new[] { "-z", "0" }, "PgpLiteralData")]
    [InlineData(new[] { "--compress-algo", "zlib" }, "PgpCompressedData")]
    [InlineData(new[] { "--compress-algo", "bzip2" }, "PgpCompressedData")]
    [InlineData(new[] { "--cipher-algo", "AES128", "-z", "0" }, "PgpLiteralData")]
    [InlineData(new[] { "--cipher-algo", "CAMELLIA256" }, "PgpCompressedData")]
    [InlineData(new[] { "--cipher-algo", "AES192", "-z", "0" }, "PgpLiteralData")]
    [InlineData(new[] { "--cipher-algo", "TWOFISH", "-z", "0" }, "PgpLiteralData")]
    [InlineData(new[] { "--cipher-algo", "3DES", "-z", "0" }, "PgpLiteralData")]
    [InlineData(new[] { "--cipher-algo", "CAST5", "-z", "0" }, "PgpLiteralData")]
    public async Task Decrypt_GpgMessage_RoundTrips(string[] options, string innerPacket)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = new Gpg();
        await gpg.ImportAsync(key.PublicKey.ToBinary());
        byte[] plaintext = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible text ", 20_000)));

        byte[] message = (await gpg.RunAsync(plaintext, [.. options, "--encrypt", "-r", key.Fingerprint, "--set-filename", "t.txt"]))
            .EnsureSuccess().Stdout;

        Assert.Equal(innerPacket, MessageInspector.Inspect(message, key).InnerObjects[0]);
        TestData.AssertDecrypts(key, message, plaintext, "t.txt");
    }

    [Fact]
    public async Task Decrypt_GpgArmoredSignedMessageToTwoHiddenRecipients_RoundTrips()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = new Gpg();
        await gpg.ImportAsync(key.PublicKey.ToBinary());
        await gpg.QuickGenKeyAsync("Sender", "future-default", "default");

        byte[] message = (await gpg.RunAsync(
                [9, 8, 7], "--armor", "--throw-keyids", "--local-user", "Sender", "--sign", "--encrypt", "-r", "Sender", "-r", key.Fingerprint))
            .EnsureSuccess().Stdout;

        Assert.Equal([0UL, 0UL], MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(message)));
        Assert.Equal([9, 8, 7], TestData.Decrypt(key, message).Plaintext);
    }

    [Theory]
    [InlineData("future-default", "default", null)]
    [InlineData("rsa3072", "cert", "rsa3072")]
    public async Task GpgKey_ImportsAndRoundTripsBothWays(string algorithm, string usage, string? encryptionSubkey)
    {
        await using var gpg = new Gpg();
        string fingerprint = await gpg.QuickGenKeyAsync("Desk <desk@example.org>", algorithm, usage);
        if (encryptionSubkey is not null)
        {
            await gpg.AddKeyAsync(fingerprint, encryptionSubkey, "encr");
        }

        using NewsroomSecretKey key = NewsroomSecretKey.Import(await gpg.ExportSecretAsync(fingerprint, armor: true));
        byte[] ours = TestData.Encrypt(key.PublicKey, [1, 2, 3, 4], "ours.bin");
        ToolResult gpgDecrypted = (await gpg.RunAsync(ours, "--decrypt")).EnsureSuccess();
        byte[] theirs = (await gpg.RunAsync([5, 6, 7, 8], "--encrypt", "-r", fingerprint)).EnsureSuccess().Stdout;

        Assert.Equal(fingerprint, key.Fingerprint);
        Assert.Equal([1, 2, 3, 4], gpgDecrypted.Stdout);
        Assert.Equal([5, 6, 7, 8], TestData.Decrypt(key, theirs).Plaintext);
    }
}
