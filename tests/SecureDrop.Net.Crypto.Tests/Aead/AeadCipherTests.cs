using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace SecureDrop.Net.Crypto.Tests.Aead;

/// <summary>
/// Our AES-OCB (and the GCM and EAX wrappers) against RFC 7253's first sample and BouncyCastle's own modes as an
/// independent reference, in place and out of place; a wrong tag fails and clears the output.
/// </summary>
public sealed class AeadCipherTests
{
    public static TheoryData<int, int> Modes => new()
    {
        { SymmetricAlgorithms.Ocb, 16 }, { SymmetricAlgorithms.Ocb, 32 }, { SymmetricAlgorithms.Gcm, 32 }, { SymmetricAlgorithms.Eax, 16 },
    };

    [Fact]
    public void AesOcb_Rfc7253FirstSample_EmptyMessage()
    {
        using var ocb = new AesOcb(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
        byte[] tag = new byte[16];

        ocb.Encrypt(Convert.FromHexString("BBAA99887766554433221100"), [], [], tag, []);

        Assert.Equal("785407BFFFC8AD9EDCC5520AC9111EE6", Convert.ToHexString(tag));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Encrypt_MatchesBouncyCastle_AndDecryptsInPlace(int mode, int keySize)
    {
        int cipher = keySize == 16 ? SymmetricAlgorithms.Aes128 : SymmetricAlgorithms.Aes256;
        byte[] key = TestData.RandomBytes(keySize);
        using AeadCipher aead = AeadCipher.Create(mode, cipher, key);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 64, 1000, 262_144, 262_149 })
        {
            byte[] nonce = TestData.RandomBytes(aead.NonceSize);
            byte[] ad = TestData.RandomBytes(length % 3 == 0 ? 5 : 13);
            byte[] plaintext = TestData.RandomBytes(length);
            byte[] ciphertext = new byte[length];
            byte[] tag = new byte[16];

            aead.Encrypt(nonce, plaintext, ciphertext, tag, ad);

            Assert.Equal(Reference(mode, key, nonce, ad, plaintext), (byte[])[.. ciphertext, .. tag]);
            Assert.True(aead.Decrypt(nonce, ciphertext, tag, ciphertext, ad));
            Assert.Equal(plaintext, ciphertext);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Decrypt_FlippedBitOrWrongAssociatedData_FailsAndClearsOutput(int mode, int keySize)
    {
        int cipher = keySize == 16 ? SymmetricAlgorithms.Aes128 : SymmetricAlgorithms.Aes256;
        using AeadCipher aead = AeadCipher.Create(mode, cipher, TestData.RandomBytes(keySize));
        byte[] nonce = TestData.RandomBytes(aead.NonceSize);
        byte[] plaintext = TestData.RandomBytes(100);
        byte[] ciphertext = new byte[100];
        byte[] tag = new byte[16];
        aead.Encrypt(nonce, plaintext, ciphertext, tag, [1, 2, 3]);
        byte[] output = new byte[100];

        ciphertext[42] ^= 0x10;
        bool flipped = aead.Decrypt(nonce, ciphertext, tag, output, [1, 2, 3]);
        ciphertext[42] ^= 0x10;
        bool otherData = aead.Decrypt(nonce, ciphertext, tag, output, [1, 2, 4]);

        Assert.False(flipped);
        Assert.False(otherData);
        Assert.All(output, b => Assert.Equal(0, b));
    }

    private static byte[] Reference(int mode, byte[] key, byte[] nonce, byte[] ad, byte[] plaintext)
    {
        IAeadBlockCipher reference = mode switch
        {
            SymmetricAlgorithms.Ocb => new OcbBlockCipher(new AesEngine(), new AesEngine()),
            SymmetricAlgorithms.Gcm => new GcmBlockCipher(new AesEngine()),
            _ => new EaxBlockCipher(new AesEngine()),
        };
        reference.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce, ad));
        byte[] output = new byte[reference.GetOutputSize(plaintext.Length)];
        int written = reference.ProcessBytes(plaintext, 0, plaintext.Length, output, 0);
        reference.DoFinal(output, written);
        return output;
    }
}
