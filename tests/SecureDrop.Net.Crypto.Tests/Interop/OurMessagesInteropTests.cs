namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>
/// What the newer features produce, read by each stock tool: messages to several recipients, re-wrapped
/// messages, generated RSA 4096 keys, and the SEIPD framing on its own under a known session key.
/// </summary>
public sealed class OurMessagesInteropTests
{
    public static TheoryData<string> Tools => ["gpg", "sqop", "gosop"];

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Tool_DecryptsMessageToTwoRecipients_WithOnlyTheSecondKey(string tool)
    {
        using NewsroomSecretKey newsroom = TestData.NewKey();
        using NewsroomSecretKey reply = TestData.NewKey("reply");
        byte[] plaintext = Encoding.UTF8.GetBytes("a reply to the source");

        byte[] decrypted = await DecryptWithToolAsync(tool, reply, TestData.Encrypt([newsroom.PublicKey, reply.PublicKey], plaintext));

        Assert.Equal(plaintext, decrypted);
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Tool_DecryptsRewrappedMessage_WithOnlyTheNewKey(string tool)
    {
        using NewsroomSecretKey oldKey = TestData.NewKey();
        using NewsroomSecretKey newKey = TestData.NewKey();
        byte[] plaintext = Encoding.UTF8.GetBytes(Convert.ToBase64String(TestData.RandomBytes(200_000)));
        byte[] rewrapped = Messages.RewrapTests.Rewrap(TestData.Encrypt(oldKey.PublicKey, plaintext), oldKey, newKey.PublicKey);

        Assert.Equal(plaintext, await DecryptWithToolAsync(tool, newKey, rewrapped));
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Tool_UsesOurRsa4096Key_BothWays(string tool)
    {
        using NewsroomSecretKey key = NewsroomSecretKey.FromStorageBytes(SharedKeys.Rsa4096StorageBytes);
        byte[] plaintext = Encoding.UTF8.GetBytes("rsa newsroom");

        byte[] decrypted = await DecryptWithToolAsync(tool, key, TestData.Encrypt(key.PublicKey, plaintext));
        byte[] theirs = await EncryptWithToolAsync(tool, key.PublicKey, plaintext);

        Assert.Equal(plaintext, decrypted);
        Assert.Equal(plaintext, TestData.Decrypt(key, theirs).Plaintext);
    }

    [Fact]
    public async Task GpgMessage_WithItsSessionKeyShown_DecryptsThroughOurPayloadReaderAlone()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = await TestData.GpgHoldingAsync(key);
        byte[] plaintext = TestData.RandomBytes(70_000);
        byte[] message = (await gpg.RunAsync(plaintext, "-z", "0", "--encrypt", "-r", key.Fingerprint)).EnsureSuccess().Stdout;

        ToolResult shown = (await gpg.RunAsync(message, "--show-session-key", "--status-fd", "2", "--decrypt")).EnsureSuccess();
        string sessionKey = shown.Stderr.Split('\n').Single(l => l.StartsWith("[GNUPG:] SESSION_KEY ", StringComparison.Ordinal)).Split(' ')[2];

        Assert.Equal(plaintext, PayloadProbe.Decrypt(message, sessionKey));
    }

    [Fact]
    public async Task Gpg_DecryptsOurPayload_WithTheSessionKeyAlone()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        await using var gpg = new Gpg();
        byte[] plaintext = TestData.RandomBytes(70_000);
        (byte[] message, string sessionKey) = PayloadProbe.Encrypt(key.PublicKey, plaintext);

        // No key in this GnuPG home: only the session key given on the command line can open the payload.
        ToolResult result = await gpg.RunAsync(message, "--override-session-key", sessionKey, "--status-fd", "2", "--decrypt");

        Assert.Equal(plaintext, result.EnsureSuccess().Stdout);
        Assert.Contains("[GNUPG:] GOODMDC", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<byte[]> DecryptWithToolAsync(string tool, NewsroomSecretKey key, byte[] message)
    {
        if (tool == "gpg")
        {
            await using var gpg = await TestData.GpgHoldingAsync(key);
            return (await gpg.RunAsync(message, "--decrypt")).EnsureSuccess().Stdout;
        }

        using var scratch = new TempDirectory();
        string keyFile = scratch.File("key.asc", TestData.ArmoredSecret(key));
        return (await ToolRunner.RunAsync(tool, ["decrypt", keyFile], message)).EnsureSuccess().Stdout;
    }

    private static async Task<byte[]> EncryptWithToolAsync(string tool, NewsroomPublicKey recipient, byte[] plaintext)
    {
        if (tool == "gpg")
        {
            await using var gpg = new Gpg();
            await gpg.ImportAsync(recipient.ToBinary());
            return (await gpg.RunAsync(plaintext, "--encrypt", "-r", recipient.Fingerprint)).EnsureSuccess().Stdout;
        }

        using var scratch = new TempDirectory();
        string certificateFile = scratch.File("cert.asc", Encoding.ASCII.GetBytes(recipient.ToArmored()));
        return (await ToolRunner.RunAsync(tool, ["encrypt", certificateFile], plaintext)).EnsureSuccess().Stdout;
    }
}
