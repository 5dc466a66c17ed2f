using System.Text;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Fuzz;

/// <summary>NewsroomPublicKey.Parse: armored or binary transferable public keys.</summary>
internal sealed class PublicKeyTarget : FuzzTarget
{
    public override string Name => "public-key";

    public override void Run(byte[] input)
    {
        var key = NewsroomPublicKey.Parse(input);
        if (key.Fingerprint.Length != 40)
        {
            throw new FuzzFinding($"A parsed key has a fingerprint of {key.Fingerprint.Length} characters.");
        }

        // What was accepted must survive its own export: the landing page serves ToArmored().
        var again = NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(key.ToArmored()));
        if (again.Fingerprint != key.Fingerprint)
        {
            throw new FuzzFinding("The armored export of an accepted key parses to another fingerprint.");
        }
    }

    public override bool IsDocumented(Exception exception) => exception is CryptoException;
}

/// <summary>NewsroomSecretKey.Import: what `sdnet init --import-key` reads (gpg --export-secret-keys).</summary>
internal sealed class SecretKeyTarget : FuzzTarget
{
    public override string Name => "secret-key";

    public override void Run(byte[] input)
    {
        // The first byte chooses a passphrase, so protected keys are tried both with and without one.
        var passphrase = input.Length > 0 && (input[0] & 1) == 1 ? "fuzz passphrase" : null;
        using var key = NewsroomSecretKey.Import(input, passphrase);
        if (key.PublicKey.Fingerprint.Length != 40)
        {
            throw new FuzzFinding("An imported key has a malformed fingerprint.");
        }
    }

    public override bool IsDocumented(Exception exception) => exception is CryptoException;
}

/// <summary>MessageDecryptor: a stored item, decrypted with a fixed newsroom key (fuzz/keys/fuzz-newsroom.key).</summary>
internal sealed class MessageTarget : FuzzTarget
{
    private readonly NewsroomSecretKey _key = FuzzData.LoadKey();

    public override string Name => "message";

    public override int MaxInputBytes => 256 * 1024;

    public override void Run(byte[] input)
    {
        using var ciphertext = new MemoryStream(input, writable: false);
        using var plaintext = new MemoryStream();
        var name = MessageDecryptor.Decrypt(ciphertext, _key, plaintext);
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new FuzzFinding("A decrypted item's file name holds a NUL.");
        }

        using var again = new MemoryStream(input, writable: false);
        _ = MessageDecryptor.ReadRecipientKeyIds(again);
    }

    public override bool IsDocumented(Exception exception) => exception is CryptoException;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Codename.Normalize and Read on any text a login form could carry.</summary>
internal sealed class CodenameTarget : FuzzTarget
{
    public override string Name => "codename";

    public override int MaxInputBytes => 16 * 1024;

    public override void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var normalized = Codename.Normalize(text);
        if (Codename.Normalize(normalized) != normalized)
        {
            throw new FuzzFinding("Normalize is not idempotent.");
        }

        if (normalized.Length > 0 && (char.IsWhiteSpace(normalized[0]) || char.IsWhiteSpace(normalized[^1]) || normalized.Contains("  ", StringComparison.Ordinal)))
        {
            throw new FuzzFinding("Normalize left white space at an end or doubled.");
        }

        var reading = Codename.Read(text);
        if (reading.IsCodename && (reading.Canonical!.Split(' ').Length != reading.List!.WordCount || reading.Canonical.Any(c => char.ToLowerInvariant(c) != c)
            || Codename.Read(reading.Canonical).Canonical != reading.Canonical))
        {
            throw new FuzzFinding("A codename does not read as its list's number of lower-case words, or its canonical text reads differently.");
        }

        Outcome = $"{normalized.Split(' ').Length} word(s), read as: {reading.Status}";
    }
}
