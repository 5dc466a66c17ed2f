using System.Diagnostics;
using SecureDrop.Net.Cli.Decrypt;

namespace SecureDrop.Net.Cli.Tests;

/// <summary>
/// The air-gapped path: 'sdnet keys export-secret' writes the newsroom key armored under Argon2 + AES-256-OCB, and
/// 'sdnet decrypt' opens an exported item with it on no instance — with the name stored inside the message, nothing
/// left behind when the passphrase is wrong or the item was altered; and it opens what OpenPGP.js encrypts
/// (SEIPD v1 and v2) to a key OpenPGP.js made.
/// </summary>
public sealed class DecryptCommandTests
{
    private const string ExportPassphrase = "five random words for the ceremony";

    [Fact]
    public async Task ExportSecretThenDecrypt_OpensAPostQuantumItemUnderItsStoredName()
    {
        using var instance = await TestInstance.CreateAsync();
        using var work = new TempDirectory();
        var keyFile = work.Combine("newsroom-secret.asc");
        var fingerprint = instance.Keys.LoadActivePublicKey().Fingerprint;
        byte[] plaintext = Encoding.UTF8.GetBytes("the documents " + new string('x', 5000));
        var item = work.Combine("item.gpg");
        await File.WriteAllBytesAsync(item, Encrypt(instance.Keys.LoadActivePublicKey(), plaintext, "budget 2026.pdf"));
        var outDir = Directory.CreateDirectory(work.Combine("out")).FullName;

        var (exportCode, _, exportError) = await RunAsync(
            $"{instance.Secrets.AdminPassphrase}\n{ExportPassphrase}\n{ExportPassphrase}", "keys", "export-secret", fingerprint, "--data", instance.Data.Root, "--as", "admin", "--out", keyFile);
        var (code, _, error) = await RunAsync(ExportPassphrase, "decrypt", "--key", keyFile, "--out", outDir, item);

        Assert.True(exportCode == 0, exportError);
        Assert.True(code == 0, error);
        string armored = await File.ReadAllTextAsync(keyFile);
        Assert.StartsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----", armored, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(Path.Combine(outDir, "budget 2026.pdf")));
        Assert.Single(Directory.GetFiles(outDir));
        Assert.Contains(await new Vault.Audit.AuditLog(instance.Database, TimeProvider.System).RecentAsync(10), e => e.Action == "export newsroom secret key" && e.Subject == fingerprint);
    }

    [Fact]
    public async Task Decrypt_WrongPassphraseOrAlteredItem_IsRefused_AndLeavesNothing()
    {
        using var work = new TempDirectory();
        using var key = NewsroomSecretKey.Generate("Newsroom", TimeProvider.System.GetUtcNow());
        var keyFile = work.Combine("key.asc");
        await File.WriteAllTextAsync(keyFile, key.ExportProtected(ExportPassphrase));
        byte[] message = Encrypt(key.PublicKey, new byte[40_000], "a.bin");
        message[message.Length / 2] ^= 1;
        var item = work.Combine("item.gpg");
        await File.WriteAllBytesAsync(item, message);
        var outDir = Directory.CreateDirectory(work.Combine("out")).FullName;

        var (wrongCode, _, wrongError) = await RunAsync("not the passphrase", "decrypt", "--key", keyFile, "--out", outDir, item);
        var (alteredCode, _, alteredError) = await RunAsync(ExportPassphrase, "decrypt", "--key", keyFile, "--out", outDir, item);

        AssertFails(wrongCode, wrongError, "passphrase is wrong");
        AssertFails(alteredCode, alteredError, "discard any output");
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [Theory]
    [InlineData("../../.bashrc", ".bashrc")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("..", "item")]
    [InlineData("", "item")]
    [InlineData("a\u0007b.txt", "a_b.txt")]
    [InlineData("dir\\name.txt", "name.txt")]
    public void StoredName_BecomesAPlainFileNameInsideTheChosenDirectory(string stored, string expected) =>
        Assert.Equal(expected, DecryptCommand.SafeFileName(stored));

    [Fact]
    public async Task Decrypt_OpensWhatOpenPgpJsEncrypts_SeipdV1AndV2_ToAKeyItMade()
    {
        using var work = new TempDirectory();
        await RunNodeAsync(work.Path);
        byte[] expected = Encoding.UTF8.GetBytes("from OpenPGP.js");

        foreach (var name in new[] { "v1", "v2" })
        {
            var output = work.Combine(name + ".out");
            var (code, _, error) = await RunAsync("js passphrase", "decrypt", "--key", work.Combine($"secret-{name}.asc"), "--out", output, work.Combine(name + ".pgp"));

            Assert.True(code == 0, name + ": " + error);
            Assert.Equal(expected, await File.ReadAllBytesAsync(output));
        }

        Assert.Equal(1, SeipdVersion(await File.ReadAllBytesAsync(work.Combine("v1.pgp"))));
        Assert.Equal(2, SeipdVersion(await File.ReadAllBytesAsync(work.Combine("v2.pgp"))));
    }

    /// <summary>The version octet of the encrypted data packet (tag 18) of a message in new-format packets.</summary>
    private static int SeipdVersion(byte[] message)
    {
        int at = 0;
        while (true)
        {
            int tag = message[at] & 0x3F;
            int l1 = message[at + 1];
            (int header, int length) = l1 switch
            {
                < 192 => (2, l1),
                < 224 => (3, ((l1 - 192) << 8) + message[at + 2] + 192),
                255 => (6, (message[at + 2] << 24) | (message[at + 3] << 16) | (message[at + 4] << 8) | message[at + 5]),
                _ => (2, -1),
            };
            if (tag == 18)
            {
                return message[at + header];
            }

            at += header + length;
        }
    }

    private static byte[] Encrypt(NewsroomPublicKey key, byte[] plaintext, string name)
    {
        using var output = new MemoryStream();
        using (var encrypting = MessageEncryptor.Open(output, key, name))
        {
            encrypting.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>
    /// OpenPGP.js 6.3.2 (from .tools/, ops/dev/install-test-dependencies.sh): "from OpenPGP.js" as SEIPD v1 to a v4
    /// Curve25519 key it made (iterated S2K), and as SEIPD v2 to a v6 key it made (Argon2 + AEAD).
    /// </summary>
    private static async Task RunNodeAsync(string directory)
    {
        const string Script = """
            import fs from 'node:fs';
            const openpgp = await import(process.argv[2]);
            const dir = process.argv[3];
            // v1: a v4 key protected the classic way (iterated S2K); v2: a v6 key under Argon2 + AEAD, which says it reads SEIPD v2.
            for (const [name, v6] of [['v1', false], ['v2', true]]) {
              const config = v6 ? { v6Keys: true, aeadProtect: true, s2kType: openpgp.enums.s2k.argon2 } : {};
              const { privateKey, publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Desk' }], passphrase: 'js passphrase', format: 'armored', config });
              fs.writeFileSync(dir + '/secret-' + name + '.asc', privateKey);
              const encryptionKeys = await openpgp.readKey({ armoredKey: publicKey });
              const message = await openpgp.createMessage({ text: 'from OpenPGP.js', format: 'binary' });
              fs.writeFileSync(dir + '/' + name + '.pgp', await openpgp.encrypt({ message, encryptionKeys, format: 'binary', config: { aeadProtect: v6 } }));
            }
            """;
        string module = OpenPgpJsModule();
        string script = Path.Combine(directory, "make.mjs");
        await File.WriteAllTextAsync(script, Script);
        var start = new ProcessStartInfo("node") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { script, new Uri(module).AbsoluteUri, directory })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        string error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, "OpenPGP.js: " + error);
    }

    private static string OpenPgpJsModule()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, ".tools", "node_modules", "openpgp", "dist", "node", "openpgp.mjs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("OpenPGP.js is missing: run ops/dev/install-test-dependencies.sh.");
    }
}
