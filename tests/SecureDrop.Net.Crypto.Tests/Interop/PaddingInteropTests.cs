namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>
/// Every stock tool reads our padded messages back to exactly the original bytes, whatever shape the padding
/// takes; and the record of which padding encodings inside SEIPD v1 each tool accepts (docs/SECURITY-REPORT.md).
/// </summary>
public sealed class PaddingInteropTests
{
    public static TheoryData<string> Tools => ["gpg", "sq", "sqop", "gosop", "openpgp.js"];

    /// <summary>
    /// Plaintexts of 200 to 204 octets (no name) leave 3,375 down to 3,371 octets of padding below the floor: every
    /// remainder modulo 5, so every form of marker our padding uses; 700,000 octets make a literal packet with
    /// partial lengths, spread over several decrypted segments, with Padmé padding above the floor.
    /// </summary>
    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Tool_DecryptsOurPaddedMessages_ToExactlyTheOriginalBytes(string tool)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        foreach (int length in (int[])[200, 201, 202, 203, 204, 700_000])
        {
            byte[] plaintext = Plaintext(tool, length);

            ToolResult result = await DecryptAsync(tool, key, TestData.Encrypt(key.PublicKey, plaintext, ""));

            Assert.True(plaintext.AsSpan().SequenceEqual(result.EnsureSuccess().Stdout), $"{tool}: {length} octets differ");
        }
    }

    /// <summary>
    /// RFC 9580's Padding packet after the literal, inside SEIPD v1: what Debian's Sequoia (sequoia-openpgp 1.12,
    /// behind sq and sqop) refuses, and why our SEIPD v1 padding is made of marker packets instead.
    /// </summary>
    [Theory]
    [InlineData("gpg", true)]
    [InlineData("gosop", true)]
    [InlineData("openpgp.js", true)]
    [InlineData("sq", false)]
    [InlineData("sqop", false)]
    public async Task Tool_OnPaddingPacketsInSeipdV1_AcceptsOrRefusesAsRecorded(string tool, bool accepts)
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] plaintext = Plaintext(tool, 5000);

        ToolResult result = await DecryptAsync(tool, key, Messages.PaddingTests.Encrypt(key.PublicKey, plaintext, PaddingEncoding.PaddingPackets));

        Assert.Equal(accepts, result.ExitCode == 0);
        Assert.Equal(accepts, plaintext.AsSpan().SequenceEqual(result.Stdout));
    }

    /// <summary>Debian's gosop mangles output that is not UTF-8 (see <see cref="SopInteropTests"/>): it gets text.</summary>
    private static byte[] Plaintext(string tool, int length) => tool == "gosop"
        ? Encoding.ASCII.GetBytes(Convert.ToBase64String(TestData.RandomBytes(length))[..length])
        : TestData.RandomBytes(length);

    private static async Task<ToolResult> DecryptAsync(string tool, NewsroomSecretKey key, byte[] message)
    {
        byte[] secret = TestData.ArmoredSecret(key);
        switch (tool)
        {
            case "gpg":
                await using (var gpg = new Gpg())
                {
                    await gpg.ImportAsync(secret);
                    return await gpg.RunAsync(message, "--decrypt");
                }

            case "openpgp.js":
                var (ok, data, error) = (await OpenPgpJsMatrix.DecryptAsync([(new OpenPgpJsKey("ours", Encoding.ASCII.GetString(secret), "", null), message)]))[0];
                return new ToolResult(tool, ok ? 0 : 1, data, error);
            default:
                using (var scratch = new TempDirectory())
                {
                    string keyFile = scratch.File("key.asc", secret);
                    string[] arguments = tool == "sq" ? ["decrypt", "--recipient-key", keyFile] : ["decrypt", keyFile];
                    return await ToolRunner.RunAsync(tool, arguments, message);
                }
        }
    }
}
