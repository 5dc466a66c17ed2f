using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// The one place where this system turns a human secret (a codename, a passphrase, a recovery key) into key
/// material: Argon2id (RFC 9106), 64 MiB, 3 passes, 1 lane, 32 bytes, with the purpose bound in as associated data.
/// </summary>
/// <remarks>
/// Threat: offline guessing after a database or backup leak. The memory cost makes each guess expensive on GPUs and
/// ASICs; the salt (at least 16 bytes, unique per secret or per instance) defeats precomputation. Each call holds
/// 64 MiB for about a second, so callers must bound how many run at once. Changing any constant here changes every
/// derived key in existing deployments: add a new purpose or a versioned scheme instead.
/// </remarks>
public static class KeyDerivation
{
    /// <summary>Argon2 memory cost in KiB (64 MiB).</summary>
    public const int MemoryKiB = 65536;

    /// <summary>Argon2 passes over memory.</summary>
    public const int Iterations = 3;

    /// <summary>Argon2 lanes. One: BouncyCastle runs lanes one after another, so more would only cost time.</summary>
    public const int Parallelism = 1;

    /// <summary>Length of every derived key in bytes.</summary>
    public const int OutputBytes = 32;

    /// <summary>Shortest accepted salt in bytes (RFC 9106 recommends 16).</summary>
    internal const int MinimumSaltBytes = 16;

    /// <summary>Derives a 32-byte key from <paramref name="secret"/> into <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="output"/> is not 32 bytes or the salt is shorter than 16 bytes.</exception>
    public static void DeriveKey(
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> salt,
        KeyDerivationPurpose purpose,
        Span<byte> output)
    {
        if (output.Length != OutputBytes)
        {
            throw new ArgumentException($"The output must be exactly {OutputBytes} bytes.", nameof(output));
        }

        if (salt.Length < MinimumSaltBytes)
        {
            throw new ArgumentException($"The salt must be at least {MinimumSaltBytes} bytes.", nameof(salt));
        }

        if (!Enum.IsDefined(purpose))
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown key derivation purpose.");
        }

        byte[] associatedData = Encoding.UTF8.GetBytes(purpose.ToString());
        Argon2id.Derive(secret, salt, ReadOnlySpan<byte>.Empty, associatedData, Iterations, MemoryKiB, Parallelism, output);
    }
}
