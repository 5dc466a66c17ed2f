using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Turns a passphrase into a key per an S2K specifier (RFC 9580 §3.7.1): simple, salted, iterated and salted (each
/// hash context preloaded with one more zero octet when the key is longer than the hash), or Argon2id.
/// </summary>
/// <remarks>
/// Threat: a key file whose Argon2 parameters ask for terabytes of memory, or billions of passes, to exhaust the
/// machine that opens it. The memory exponent is capped at <see cref="MaxArgon2MemoryExponent"/> (2 GiB, what RFC
/// 9580's own samples use) and passes at <see cref="MaxArgon2Passes"/>; a key beyond them is refused with the reason.
/// </remarks>
internal static class S2kDerivation
{
    public const int MaxArgon2MemoryExponent = 21;
    public const int MaxArgon2Passes = 64;

    public static byte[] Derive(S2kSpecifier s2k, ReadOnlySpan<byte> passphrase, int keySize) => s2k.Type switch
    {
        S2kSpecifier.Argon2 => Argon2(s2k, passphrase, keySize),
        S2kSpecifier.Simple or S2kSpecifier.Salted or S2kSpecifier.IteratedSalted => Hashed(s2k, passphrase, keySize),
        _ => throw new CryptoException(CryptoFailure.UnsupportedKey,
            $"The secret key is protected with an S2K method of type {s2k.Type}, which is not supported; re-export it protected with Argon2 or an iterated and salted S2K."),
    };

    private static byte[] Argon2(S2kSpecifier s2k, ReadOnlySpan<byte> passphrase, int keySize)
    {
        int minimumExponent = 3 + (int)Math.Ceiling(Math.Log2(Math.Max(1, s2k.Parallelism)));
        if (s2k.Passes < 1 || s2k.Parallelism < 1 || s2k.MemoryExponent < minimumExponent)
        {
            throw new CryptoException(CryptoFailure.Malformed, "The secret key's Argon2 parameters are invalid (RFC 9580 §3.7.1.4); the key is malformed.");
        }

        if (s2k.MemoryExponent > MaxArgon2MemoryExponent || s2k.Passes > MaxArgon2Passes)
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey,
                $"The secret key's Argon2 protection asks for 2^{s2k.MemoryExponent} KiB of memory and {s2k.Passes} passes, beyond this tool's limit of 2 GiB and {MaxArgon2Passes} passes; re-export it with less.");
        }

        byte[] key = new byte[keySize];
        Argon2id.Derive(passphrase, s2k.Salt, [], [], s2k.Passes, 1 << s2k.MemoryExponent, s2k.Parallelism, key);
        return key;
    }

    private static byte[] Hashed(S2kSpecifier s2k, ReadOnlySpan<byte> passphrase, int keySize)
    {
        if (HashAlgorithms.Create(s2k.HashAlgorithm) is not { } probe)
        {
            throw new CryptoException(CryptoFailure.UnsupportedKey, $"The secret key's S2K uses hash algorithm {s2k.HashAlgorithm}, which is not supported; re-export it with SHA-256.");
        }

        int hashSize = probe.GetDigestSize();
        byte[] salted = [.. s2k.Salt, .. passphrase];
        long total = s2k.Type == S2kSpecifier.IteratedSalted ? Math.Max(s2k.IterationOctets, salted.Length) : salted.Length;
        byte[] key = new byte[keySize];
        byte[] run = Repeat(salted, total);
        byte[] hash = new byte[hashSize];
        try
        {
            for (int context = 0, at = 0; at < keySize; context++, at += hashSize)
            {
                IDigest digest = HashAlgorithms.Create(s2k.HashAlgorithm)!;
                for (int i = 0; i < context; i++)
                {
                    digest.Update(0);
                }

                for (long left = total; left > 0; left -= run.Length)
                {
                    digest.BlockUpdate(run, 0, (int)Math.Min(left, run.Length));
                }

                digest.DoFinal(hash, 0);
                hash.AsSpan(0, Math.Min(hashSize, keySize - at)).CopyTo(key.AsSpan(at));
            }

            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
            CryptographicOperations.ZeroMemory(run);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>
    /// Salt and passphrase repeated to fill up to 64 KiB (a whole number of repetitions), so tens of megabytes of
    /// iterated S2K go to the hash in a few thousand calls rather than millions.
    /// </summary>
    private static byte[] Repeat(byte[] salted, long total)
    {
        if (salted.Length == 0)
        {
            return [];
        }

        int copies = (int)Math.Max(1, Math.Min(total, 64 * 1024) / salted.Length);
        byte[] run = new byte[copies * salted.Length];
        for (int i = 0; i < copies; i++)
        {
            salted.CopyTo(run, i * salted.Length);
        }

        return run;
    }
}
