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

    public static (byte[] Plaintext, string FileName) Decrypt(NewsroomSecretKey key, byte[] ciphertext)
    {
        using var input = new MemoryStream(ciphertext);
        using var sink = new MemoryStream();
        string name = MessageDecryptor.Decrypt(input, key, sink);
        return (sink.ToArray(), name);
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
