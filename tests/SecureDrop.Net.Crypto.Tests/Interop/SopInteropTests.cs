namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>
/// The Stateless OpenPGP command line of Sequoia (<c>sqop</c>) and GopenPGP (<c>gosop</c>): both must read our
/// keys and messages, and we must read theirs.
/// </summary>
public sealed class SopInteropTests
{
    /// <remarks>
    /// Debian's gosop (git snapshot 2022-11-15) mangles non-UTF-8 plaintext on output, whoever encrypted it (its own
    /// and sqop's messages too), so it gets text; sqop gets arbitrary bytes.
    /// </remarks>
    [Theory]
    [InlineData("sqop", true)]
    [InlineData("gosop", false)]
    public async Task Sop_DecryptsOurMessage_WithOurExportedKey(string sop, bool binaryPlaintext)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        using var scratch = new TempDirectory();
        string keyFile = scratch.File("key.asc", TestData.ArmoredSecret(key));
        byte[] random = TestData.RandomBytes(150_000);
        byte[] plaintext = binaryPlaintext ? random : System.Text.Encoding.UTF8.GetBytes(Convert.ToBase64String(random));

        ToolResult result = await ToolRunner.RunAsync(sop, ["decrypt", keyFile], TestData.Encrypt(key.PublicKey, plaintext));

        Assert.Equal(plaintext, result.EnsureSuccess().Stdout);
    }

    [Theory]
    [InlineData("sqop")]
    [InlineData("gosop")]
    public async Task Sop_EncryptsToOurPublicKey_WeDecrypt(string sop)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        using var scratch = new TempDirectory();
        string certificateFile = scratch.File("cert.asc", System.Text.Encoding.ASCII.GetBytes(key.PublicKey.ToArmored()));
        byte[] plaintext = TestData.RandomBytes(100_000);

        byte[] message = (await ToolRunner.RunAsync(sop, ["encrypt", certificateFile], plaintext)).EnsureSuccess().Stdout;

        Assert.Equal(plaintext, TestData.Decrypt(key, message).Plaintext);
    }
}
