using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto.Tests.OpenPgp;

/// <summary>Our AES-NI CFB-128 encryption and decryption against the standard's vectors and .NET's (OpenSSL) output.</summary>
public sealed class AesCfbKnownAnswerTests
{
    [Fact]
    public void Cfb128Aes256Encrypt_Sp800_38aF3_17_MatchesTheStandard()
    {
        byte[] key = Convert.FromHexString("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4");
        byte[] iv = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
        byte[] plaintext = Convert.FromHexString(
            "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710");
        byte[] ciphertext = new byte[plaintext.Length];

        // The path AesCfb takes on this CPU: our AES-NI loop where there is AES-NI, .NET's CFB otherwise.
        if (AesNiCfb.IsSupported)
        {
            byte[] roundKeys = new byte[AesNiCfb.RoundKeyBytes];
            AesNiCfb.ExpandKey(key, roundKeys);
            AesNiCfb.Encrypt(roundKeys, plaintext, ciphertext, iv);
            Assert.Equal(ciphertext[^16..], iv);
        }
        else
        {
            using var aes = Aes.Create();
            aes.Key = key;
            aes.EncryptCfb(plaintext, iv, ciphertext, PaddingMode.None, 128);
        }

        // NIST SP 800-38A F.3.17, CFB128-AES256.Encrypt.
        Assert.Equal(
            "DC7E84BFDA79164B7ECD8486985D386039FFED143B28B1C832113C6331E5407BDF10132415E54B92A13ED0A8267AE2F975A385741AB9CEF82031623D55B1E471",
            Convert.ToHexString(ciphertext));
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(4096, 3)]
    [InlineData(100_003, 7)]
    [InlineData(1 << 20, 2)]
    public void AesCfbEncrypt_InPieces_MatchesDotNetCfbInOneCall(int length, int pieces)
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);
        using var reference = Aes.Create();
        reference.Key = key;
        // CFB is a stream mode: the first bytes of the zero-padded input's ciphertext are the ciphertext.
        byte[] expected = reference.EncryptCfb(plaintext, new byte[16], PaddingMode.Zeros, 128)[..length];
        byte[] actual = plaintext.ToArray();

        using (var cipher = new AesCfb(key))
        {
            // Whole blocks per call, in place as the SEIPD writer does; only the last piece may end mid-block.
            int step = Math.Max(16, length / pieces / 16 * 16);
            for (int at = 0; at < length; at += step)
            {
                Span<byte> piece = actual.AsSpan(at, Math.Min(step, length - at));
                cipher.Encrypt(piece, piece);
            }
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Cfb128Aes256Decrypt_Sp800_38aF3_18_MatchesTheStandard()
    {
        byte[] key = Convert.FromHexString("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4");
        byte[] iv = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
        byte[] ciphertext = Convert.FromHexString(
            "DC7E84BFDA79164B7ECD8486985D386039FFED143B28B1C832113C6331E5407BDF10132415E54B92A13ED0A8267AE2F975A385741AB9CEF82031623D55B1E471");
        byte[] plaintext = new byte[ciphertext.Length];

        // The path the SEIPD reader takes: the previous block (here the IV) in front of the ciphertext.
        using (var cipher = new AesCfb(key))
        {
            cipher.DecryptAfterPrevious([.. iv, .. ciphertext], plaintext);
        }

        // NIST SP 800-38A F.3.18, CFB128-AES256.Decrypt.
        Assert.Equal(
            "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710",
            Convert.ToHexString(plaintext));
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(4096, 3)]
    [InlineData(100_003, 7)]
    [InlineData((1 << 20) + 5, 2)]
    public void AesCfbDecrypt_InPieces_MatchesDotNetCfbInOneCall(int length, int pieces)
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] ciphertext = RandomNumberGenerator.GetBytes(length);
        using var reference = Aes.Create();
        reference.Key = key;
        // CFB is a stream mode: decrypting the zero-padded ciphertext gives the plaintext in its first bytes.
        byte[] padded = new byte[(length + 15) / 16 * 16];
        ciphertext.CopyTo(padded, 0);
        byte[] expected = reference.DecryptCfb(padded, new byte[16], PaddingMode.None, 128)[..length];
        byte[] actual = new byte[length];

        using (var cipher = new AesCfb(key))
        {
            // As the SEIPD reader does: whole blocks, each call with the ciphertext block before it in front (the
            // zero IV first); only the last piece may end mid-block.
            int step = Math.Max(16, length / pieces / 16 * 16);
            byte[] previous = new byte[16];
            for (int at = 0; at < length; at += step)
            {
                int count = Math.Min(step, length - at);
                cipher.DecryptAfterPrevious([.. previous, .. ciphertext.AsSpan(at, count)], actual.AsSpan(at, count));
                previous = count >= 16 ? ciphertext[(at + count - 16)..(at + count)] : previous;
            }
        }

        Assert.Equal(expected, actual);
    }
}
