using System.Text.Json;

namespace SecureDrop.Net.Crypto.Tests;

/// <summary>One key OpenPGP.js made: its kind, armored secret key and certificate, and the passphrase protecting it.</summary>
internal sealed record OpenPgpJsKey(string Name, string SecretKey, string PublicKey, string? Passphrase);

/// <summary>
/// OpenPGP.js 6.3.2 (npm <c>openpgp</c>, installed into .tools/ by ops/dev/install-test-dependencies.sh) driven in
/// batches by one node process per step: it generates keys of every kind a newsroom may bring (v4 and v6;
/// Curve25519 new and legacy, Curve448, NIST P-256/384/521, brainpool, RSA; unprotected, iterated S2K, Argon2 with
/// AEAD), encrypts to certificates with its defaults (SEIPD v2 where the key says it reads it) and decrypts.
/// </summary>
internal static class OpenPgpJsMatrix
{
    private const string Script = """
        import fs from 'node:fs';
        const openpgp = await import(process.argv[2]);
        const [command, jobsFile] = process.argv.slice(3);
        const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
        const results = [];
        for (const job of jobs) {
          try {
            if (command === 'generate') {
              const config = { v6Keys: !!job.v6, aeadProtect: !!job.aead };
              if (job.argon2) config.s2kType = openpgp.enums.s2k.argon2;
              const { privateKey, publicKey } = await openpgp.generateKey({
                ...job.options, userIDs: [{ name: 'Desk ' + job.name, email: 'desk@example.org' }],
                passphrase: job.passphrase || undefined, format: 'armored', config });
              results.push({ ok: true, secretKey: privateKey, publicKey });
            } else if (command === 'encrypt') {
              const encryptionKeys = await openpgp.readKey({ armoredKey: job.publicKey });
              const message = await openpgp.createMessage({ binary: Buffer.from(job.data, 'base64'), filename: 'from-openpgpjs.bin' });
              const encrypted = await openpgp.encrypt({ message, encryptionKeys, format: 'binary', config: { aeadProtect: !!job.aead } });
              results.push({ ok: true, data: Buffer.from(encrypted).toString('base64') });
            } else {
              let decryptionKeys = await openpgp.readPrivateKey({ armoredKey: job.secretKey });
              if (job.passphrase) decryptionKeys = await openpgp.decryptKey({ privateKey: decryptionKeys, passphrase: job.passphrase });
              const message = await openpgp.readMessage({ binaryMessage: Buffer.from(job.data, 'base64') });
              const { data } = await openpgp.decrypt({ message, decryptionKeys, format: 'binary', expectSigned: false });
              results.push({ ok: true, data: Buffer.from(data).toString('base64') });
            }
          } catch (e) {
            results.push({ ok: false, error: String(e && e.message || e) });
          }
        }
        process.stdout.write(JSON.stringify(results));
        """;

    /// <summary>The kinds of key generated: name, generateKey options, v6, AEAD protection (Argon2) or a plain passphrase.</summary>
    public static readonly (string Name, object Options, bool V6, bool Aead, string? Passphrase)[] Kinds =
    [
        ("v4-curve25519", new { type = "curve25519" }, false, false, null),
        ("v4-curve25519-legacy", new { type = "ecc", curve = "curve25519Legacy" }, false, false, null),
        ("v4-curve448", new { type = "curve448" }, false, false, null),
        ("v4-nistP256", new { type = "ecc", curve = "nistP256" }, false, false, null),
        ("v4-nistP384", new { type = "ecc", curve = "nistP384" }, false, false, null),
        ("v4-nistP521", new { type = "ecc", curve = "nistP521" }, false, false, null),
        ("v4-brainpoolP256r1", new { type = "ecc", curve = "brainpoolP256r1" }, false, false, null),
        ("v4-brainpoolP384r1", new { type = "ecc", curve = "brainpoolP384r1" }, false, false, null),
        ("v4-brainpoolP512r1", new { type = "ecc", curve = "brainpoolP512r1" }, false, false, null),
        ("v4-rsa3072", new { type = "rsa", rsaBits = 3072 }, false, false, null),
        ("v4-curve25519-passphrase", new { type = "curve25519" }, false, false, "passphrase ünïcode"),
        ("v4-curve25519-argon2-aead", new { type = "curve25519" }, false, true, "passphrase ünïcode"),
        ("v6-curve25519", new { type = "curve25519" }, true, false, null),
        ("v6-curve448", new { type = "curve448" }, true, false, null),
        ("v6-nistP256", new { type = "ecc", curve = "nistP256" }, true, false, null),
        ("v6-nistP521", new { type = "ecc", curve = "nistP521" }, true, false, null),
        ("v6-brainpoolP384r1", new { type = "ecc", curve = "brainpoolP384r1" }, true, false, null),
        ("v6-rsa3072", new { type = "rsa", rsaBits = 3072 }, true, false, null),
        ("v6-curve25519-argon2-aead", new { type = "curve25519" }, true, true, "correct horse"),
    ];

    private static readonly Lazy<Task<IReadOnlyList<OpenPgpJsKey>>> SharedKeys = new(GenerateAllAsync);

    /// <summary>One key of every kind, generated once per test run (Argon2 and RSA take seconds in OpenPGP.js).</summary>
    public static Task<IReadOnlyList<OpenPgpJsKey>> KeysAsync() => SharedKeys.Value;

    /// <summary>
    /// OpenPGP.js encrypts <paramref name="jobs"/>' plaintext to each certificate: with its defaults, or with
    /// <c>aeadProtect</c> (SEIPD v2 to keys that read it) where a job asks for it.
    /// </summary>
    public static async Task<IReadOnlyList<(bool Ok, byte[] Data, string Error)>> EncryptAsync(IEnumerable<(string PublicKey, byte[] Plaintext, bool Aead)> jobs) =>
        await RunAsync("encrypt", jobs.Select(j => new { publicKey = j.PublicKey, data = Convert.ToBase64String(j.Plaintext), aead = j.Aead }));

    /// <summary>OpenPGP.js decrypts each message with its key.</summary>
    public static async Task<IReadOnlyList<(bool Ok, byte[] Data, string Error)>> DecryptAsync(IEnumerable<(OpenPgpJsKey Key, byte[] Message)> jobs) =>
        await RunAsync("decrypt", jobs.Select(j => new { secretKey = j.Key.SecretKey, passphrase = j.Key.Passphrase, data = Convert.ToBase64String(j.Message) }));

    /// <summary>
    /// Generates in a few node processes side by side: Argon2 (in WebAssembly) and RSA keys take seconds each, and
    /// one process for all of them could outlast the tool timeout on a loaded machine.
    /// </summary>
    private static async Task<IReadOnlyList<OpenPgpJsKey>> GenerateAllAsync()
    {
        var batches = Kinds.Chunk(4).ToList();
        JsonElement[][] results = await Task.WhenAll(batches.Select(async batch =>
        {
            using var scratch = new TempDirectory("sdnet-openpgpjs");
            string jobs = scratch.File("jobs.json", JsonSerializer.SerializeToUtf8Bytes(batch.Select(k => new { name = k.Name, options = k.Options, v6 = k.V6, aead = k.Aead, argon2 = k.Aead, passphrase = k.Passphrase })));
            return await RunScriptAsync(scratch, "generate", jobs);
        }));
        return Kinds.Zip(results.SelectMany(r => r), (kind, result) => result.GetProperty("ok").GetBoolean()
            ? new OpenPgpJsKey(kind.Name, result.GetProperty("secretKey").GetString()!, result.GetProperty("publicKey").GetString()!, kind.Passphrase)
            : throw new InvalidOperationException($"OpenPGP.js could not generate {kind.Name}: {result.GetProperty("error").GetString()}")).ToList();
    }

    private static async Task<IReadOnlyList<(bool Ok, byte[] Data, string Error)>> RunAsync(string command, IEnumerable<object> jobs)
    {
        using var scratch = new TempDirectory("sdnet-openpgpjs");
        string file = scratch.File("jobs.json", JsonSerializer.SerializeToUtf8Bytes(jobs.ToList()));
        JsonElement[] results = await RunScriptAsync(scratch, command, file);
        return results.Select(r => r.GetProperty("ok").GetBoolean()
            ? (true, Convert.FromBase64String(r.GetProperty("data").GetString()!), string.Empty)
            : (false, Array.Empty<byte>(), r.GetProperty("error").GetString() ?? string.Empty)).ToList();
    }

    private static async Task<JsonElement[]> RunScriptAsync(TempDirectory scratch, string command, string jobsFile)
    {
        string script = scratch.File("matrix.mjs", Encoding.UTF8.GetBytes(Script));
        ToolResult result = (await ToolRunner.RunAsync("node", [script, new Uri(ModulePath()).AbsoluteUri, command, jobsFile])).EnsureSuccess();
        return JsonSerializer.Deserialize<JsonElement[]>(result.Stdout)!;
    }

    /// <summary>$SDNET_OPENPGPJS (the package's dist/node/openpgp.mjs), or .tools/node_modules/openpgp in the repository.</summary>
    public static string ModulePath()
    {
        string? configured = Environment.GetEnvironmentVariable("SDNET_OPENPGPJS");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, ".tools", "node_modules", "openpgp", "dist", "node", "openpgp.mjs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "OpenPGP.js is missing. Install it with ops/dev/install-test-dependencies.sh (npm install --prefix .tools openpgp@6.3.2), or set SDNET_OPENPGPJS to dist/node/openpgp.mjs.");
    }
}
