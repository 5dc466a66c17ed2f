using System.Security.Cryptography;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>
/// Reads a newsroom secret key file for one import and clears the bytes read, whatever the outcome: a key exported
/// without a passphrase is secret key material in the clear, and must not stay in the heap until a collection.
/// </summary>
internal static class SecretKeyFile
{
    /// <summary><see cref="NewsroomSecretKey.Import"/> or <see cref="NewsroomSecretKey.ImportToDecrypt"/>.</summary>
    public delegate NewsroomSecretKey Importer(ReadOnlySpan<byte> data, ReadOnlySpan<char> passphrase);

    /// <summary>Imports the key with <paramref name="passphrase"/> (empty for an unprotected key).</summary>
    public static NewsroomSecretKey Import(FileInfo file, Importer import, string passphrase)
    {
        byte[] bytes = Read(file);
        try
        {
            return import(bytes, passphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Imports the key, asking for its passphrase only when it turns out to be protected.</summary>
    public static NewsroomSecretKey Import(FileInfo file, Importer import, Func<string> askPassphrase)
    {
        byte[] bytes = Read(file);
        try
        {
            try
            {
                return import(bytes, default);
            }
            catch (CryptoException exception) when (exception.Reason == CryptoFailure.NoPassphrase)
            {
                return import(bytes, askPassphrase());
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static byte[] Read(FileInfo file) =>
        file.Exists ? File.ReadAllBytes(file.FullName) : throw new IOException($"The key file '{file.FullName}' does not exist.");
}
