namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>
/// Keys that Sequoia (<c>sqop</c>, <c>sq</c>) and GopenPGP (<c>gosop</c>) generate: we import them, they decrypt
/// what we encrypt to them, and we decrypt what they encrypt with them.
/// </summary>
public sealed class ToolKeyInteropTests
{
    // {dir} is the test's scratch directory: sq insists on writing a revocation certificate somewhere.
    public static TheoryData<string, string[]> Generators => new()
    {
        { "sqop", ["sqop", "generate-key", "Desk <desk@example.org>"] },
        { "sqop", ["sqop", "generate-key", "--with-key-password", "{dir}/password", "Desk <desk@example.org>"] },
        { "sqop", ["sq", "key", "generate", "--userid", "<desk@example.org>", "--cipher-suite", "cv25519", "--export", "-", "--rev-cert", "{dir}/rev"] },
        { "sqop", ["sq", "key", "generate", "--userid", "<desk@example.org>", "--cipher-suite", "rsa3k", "--export", "-", "--rev-cert", "{dir}/rev"] },
        { "sqop", ["sq", "key", "generate", "--userid", "<desk@example.org>", "--cipher-suite", "rsa4k", "--export", "-", "--rev-cert", "{dir}/rev"] },
    };

    [Theory]
    [MemberData(nameof(Generators))]
    public async Task ToolGeneratedKey_ImportsAndRoundTripsBothWays(string sop, string[] generate)
    {
        using var scratch = new TempDirectory();
        string passwordFile = scratch.File("password", Encoding.UTF8.GetBytes("PASSWORD"));
        string[] arguments = generate[1..].Select(a => a.Replace("{dir}", scratch.Path, StringComparison.Ordinal)).ToArray();
        byte[] secret = (await ToolRunner.RunAsync(generate[0], arguments)).EnsureSuccess().Stdout;
        bool protectedKey = generate.Contains("--with-key-password");
        string keyFile = scratch.File("key.asc", secret);
        string certificateFile = scratch.File(
            "cert.asc", (await ToolRunner.RunAsync(sop, ["extract-cert"], secret)).EnsureSuccess().Stdout);
        byte[] plaintext = Encoding.UTF8.GetBytes("to the desk " + Convert.ToBase64String(TestData.RandomBytes(3000)));

        using NewsroomSecretKey key = NewsroomSecretKey.Import(secret, protectedKey ? "PASSWORD" : default);
        string[] unlock = protectedKey ? ["--with-key-password", passwordFile] : [];
        ToolResult theyDecrypt = await ToolRunner.RunAsync(sop, ["decrypt", .. unlock, keyFile], TestData.Encrypt(key.PublicKey, plaintext));
        byte[] theirs = (await ToolRunner.RunAsync(sop, ["encrypt", certificateFile], plaintext)).EnsureSuccess().Stdout;

        Assert.Equal(plaintext, theyDecrypt.EnsureSuccess().Stdout);
        Assert.Equal(plaintext, TestData.Decrypt(key, theirs).Plaintext);
        Assert.Equal(key.PublicKey.Fingerprint, NewsroomPublicKey.Parse(await File.ReadAllBytesAsync(certificateFile)).Fingerprint);
    }

    /// <remarks>
    /// Debian's gosop (2022 snapshot) generates RSA 2048 only, below our 3072-bit floor: its keys are refused, with
    /// the reason. Messages gosop encrypts to our keys are covered in <see cref="SopInteropTests"/>.
    /// </remarks>
    [Fact]
    public async Task GosopGeneratedKey_IsRefusedAsTooWeak()
    {
        byte[] secret = (await ToolRunner.RunAsync("gosop", ["generate-key", "Desk <desk@example.org>"])).EnsureSuccess().Stdout;

        TestData.AssertImportRefused(secret, "at least 3072 bits");
    }
}
