using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Argon2id version 0x13 (RFC 9106) over BouncyCastle's generator, with every input explicit so the RFC's
/// known-answer test runs through the very function production derivations use.
/// </summary>
internal static class Argon2id
{
    public static void Derive(
        ReadOnlySpan<byte> password,
        ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData,
        int iterations,
        int memoryKiB,
        int parallelism,
        Span<byte> output)
    {
        // BouncyCastle takes arrays: hold each copy only for this call and clear it, whatever happens.
        byte[] passwordCopy = password.ToArray();
        byte[] result = new byte[output.Length];
        var builder = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithIterations(iterations)
            .WithMemoryAsKB(memoryKiB)
            .WithParallelism(parallelism)
            .WithSalt(salt.ToArray())
            // Empty arrays, not null: Argon2 hashes both the same (length 0), but BouncyCastle 2.7.0's
            // Builder.Clear() throws ArgumentNullException on a null array.
            .WithSecret(secret.ToArray())
            .WithAdditional(associatedData.ToArray());
        try
        {
            var generator = new Argon2BytesGenerator();
            generator.Init(builder.Build());
            generator.GenerateBytes(passwordCopy, result);
            result.CopyTo(output);
        }
        finally
        {
            // Build() hands the builder's own arrays to the parameters, so clearing the builder clears both.
            builder.Clear();
            CryptographicOperations.ZeroMemory(passwordCopy);
            CryptographicOperations.ZeroMemory(result);
        }
    }
}
