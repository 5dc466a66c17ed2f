using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto.Tests;

internal static class TestData
{
    /// <summary>A fixed creation time so generated keys do not depend on the clock.</summary>
    public static readonly DateTimeOffset KeyCreated = new(2024, 5, 1, 12, 30, 15, TimeSpan.Zero);

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    /// <summary>A classic Curve25519 key, which every stock tool (gpg 2.2, sqop, gosop) reads.</summary>
    public static NewsroomSecretKey NewKey(string userId = "Newsroom <newsroom@example.org>") =>
        NewsroomSecretKey.Generate(userId, KeyCreated, NewsroomKeyAlgorithm.Curve25519);

    /// <summary>The default key: post-quantum (Ed25519 + ML-KEM-768+X25519), which only RFC 9980 readers open.</summary>
    public static NewsroomSecretKey NewPostQuantumKey(string userId = "Newsroom <newsroom@example.org>") =>
        NewsroomSecretKey.Generate(userId, KeyCreated);

    public static byte[] Encrypt(NewsroomPublicKey recipient, byte[] plaintext, string fileName = "tip.txt") =>
        Encrypt([recipient], plaintext, fileName);

    public static byte[] Encrypt(IReadOnlyList<NewsroomPublicKey> recipients, byte[] plaintext, string fileName = "tip.txt")
    {
        using var output = new MemoryStream();
        using (Stream encrypting = MessageEncryptor.Open(output, recipients, fileName))
        {
            encrypting.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>
    /// A message of <paramref name="mebibytes"/> MiB of random content, written through the streaming encryptor one MiB
    /// at a time (as an upload arrives), ready to read from its start.
    /// </summary>
    public static MemoryStream EncryptLarge(NewsroomPublicKey recipient, int mebibytes)
    {
        byte[] chunk = RandomBytes(1024 * 1024);
        var message = new MemoryStream();
        using (Stream encrypting = MessageEncryptor.Open(message, recipient, "big.bin"))
        {
            for (int i = 0; i < mebibytes; i++)
            {
                encrypting.Write(chunk);
            }
        }

        message.Position = 0;
        return message;
    }

    public static (byte[] Plaintext, string FileName) Decrypt(NewsroomSecretKey key, byte[] ciphertext)
    {
        using var input = new MemoryStream(ciphertext);
        using var sink = new MemoryStream();
        string name = MessageDecryptor.Decrypt(input, key, sink);
        return (sink.ToArray(), name);
    }

    /// <summary>Decrypting <paramref name="message"/> with <paramref name="key"/> gives back exactly <paramref name="plaintext"/> and <paramref name="fileName"/>.</summary>
    public static void AssertDecrypts(NewsroomSecretKey key, byte[] message, byte[] plaintext, string fileName)
    {
        (byte[] decrypted, string name) = Decrypt(key, message);
        Assert.Equal(plaintext, decrypted);
        Assert.Equal(fileName, name);
    }

    /// <summary>A throwaway GnuPG home holding <paramref name="key"/>'s secret key, as a journalist's gpg would.</summary>
    public static async Task<Gpg> GpgHoldingAsync(NewsroomSecretKey key)
    {
        var gpg = new Gpg();
        try
        {
            await gpg.ImportAsync(ArmoredSecret(key));
            return gpg;
        }
        catch
        {
            await gpg.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Importing <paramref name="key"/> as a newsroom secret key is refused with one <see cref="CryptoException"/> whose
    /// message names each of <paramref name="expected"/> (what is wrong and what to do), returned for its reason.
    /// </summary>
    public static CryptoException AssertImportRefused(byte[] key, params string[] expected)
    {
        var error = Assert.Throws<CryptoException>(() => NewsroomSecretKey.Import(key));
        foreach (string text in expected)
        {
            Assert.Contains(text, error.Message, StringComparison.Ordinal);
        }

        return error;
    }

    /// <summary>The exported secret key that <paramref name="make"/> creates (returning its fingerprint) in a throwaway gpg home.</summary>
    public static async Task<byte[]> GpgSecretKeyAsync(Func<Gpg, Task<string>> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        await using var gpg = new Gpg();
        return await gpg.ExportSecretAsync(await make(gpg));
    }

    /// <summary>The armored transferable secret key of <paramref name="key"/>, as gpg, sqop and gosop read it.</summary>
    public static byte[] ArmoredSecret(NewsroomSecretKey key)
    {
        byte[] binary = key.ExportForStorage();
        try
        {
            return System.Text.Encoding.ASCII.GetBytes(KeyRings.Armor(binary));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(binary);
        }
    }
}
