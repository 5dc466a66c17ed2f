using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace SecureDrop.Net.Crypto;

/// <summary>OpenPGP hash algorithm ids (RFC 9580 §9.5) as BouncyCastle digests, with the v6 salt size of each.</summary>
internal static class HashAlgorithms
{
    public const int Md5 = 1;
    public const int Sha1 = 2;
    public const int Ripemd160 = 3;
    public const int Sha256 = 8;
    public const int Sha384 = 9;
    public const int Sha512 = 10;
    public const int Sha224 = 11;
    public const int Sha3_256 = 12;
    public const int Sha3_512 = 14;

    /// <summary>A fresh digest, or null for an algorithm we do not verify with (MD5, RIPEMD-160, unknown ids).</summary>
    public static IDigest? Create(int algorithm) => algorithm switch
    {
        Sha1 => new Sha1Digest(),
        Sha224 => new Sha224Digest(),
        Sha256 => new Sha256Digest(),
        Sha384 => new Sha384Digest(),
        Sha512 => new Sha512Digest(),
        Sha3_256 => new Sha3Digest(256),
        Sha3_512 => new Sha3Digest(512),
        _ => null,
    };

    /// <summary>The salt a v6 signature must carry for <paramref name="algorithm"/> (RFC 9580 §9.5), or -1.</summary>
    public static int SaltSize(int algorithm) => algorithm switch
    {
        Sha224 or Sha256 or Sha3_256 => 16,
        Sha384 => 24,
        Sha512 or Sha3_512 => 32,
        _ => -1,
    };

    /// <summary>The DER DigestInfo prefix that PKCS #1 v1.5 RSA signatures put before the digest (RFC 9580 §5.2.2).</summary>
    public static byte[]? DigestInfoPrefix(int algorithm) => algorithm switch
    {
        Sha1 => Convert.FromHexString("3021300906052B0E03021A05000414"),
        Sha224 => Convert.FromHexString("302D300D06096086480165030402040500041C"),
        Sha256 => Convert.FromHexString("3031300D060960864801650304020105000420"),
        Sha384 => Convert.FromHexString("3041300D060960864801650304020205000430"),
        Sha512 => Convert.FromHexString("3051300D060960864801650304020305000440"),
        Sha3_256 => Convert.FromHexString("3031300D060960864801650304020805000420"),
        Sha3_512 => Convert.FromHexString("3051300D060960864801650304020A05000440"),
        _ => null,
    };
}
