namespace SecureDrop.Net.Crypto;

/// <summary>OpenPGP symmetric (RFC 9580 §9.3) and AEAD (§9.6) algorithm ids with their sizes.</summary>
internal static class SymmetricAlgorithms
{
    public const int Idea = 1;
    public const int TripleDes = 2;
    public const int Cast5 = 3;
    public const int Blowfish = 4;
    public const int Aes128 = 7;
    public const int Aes192 = 8;
    public const int Aes256 = 9;
    public const int Twofish = 10;
    public const int Camellia128 = 11;
    public const int Camellia192 = 12;
    public const int Camellia256 = 13;

    public const int Eax = 1;
    public const int Ocb = 2;
    public const int Gcm = 3;

    public static bool IsAes(int algorithm) => algorithm is Aes128 or Aes192 or Aes256;

    /// <summary>Key size in octets, or -1 for an unknown id.</summary>
    public static int KeySize(int algorithm) => algorithm switch
    {
        Idea or Cast5 or Blowfish or Aes128 or Camellia128 => 16,
        TripleDes or Aes192 or Camellia192 => 24,
        Aes256 or Twofish or Camellia256 => 32,
        _ => -1,
    };

    /// <summary>Block size in octets, or -1 for an unknown id.</summary>
    public static int BlockSize(int algorithm) => algorithm switch
    {
        Idea or TripleDes or Cast5 or Blowfish => 8,
        Aes128 or Aes192 or Aes256 or Twofish or Camellia128 or Camellia192 or Camellia256 => 16,
        _ => -1,
    };

    /// <summary>Nonce size of an AEAD mode (EAX 16, OCB 15, GCM 12 octets), or -1.</summary>
    public static int NonceSize(int aead) => aead switch
    {
        Eax => 16,
        Ocb => 15,
        Gcm => 12,
        _ => -1,
    };

    public static string Name(int algorithm) => algorithm switch
    {
        Idea => "IDEA",
        TripleDes => "TripleDES",
        Cast5 => "CAST5",
        Blowfish => "Blowfish",
        Aes128 => "AES-128",
        Aes192 => "AES-192",
        Aes256 => "AES-256",
        Twofish => "Twofish",
        Camellia128 => "Camellia-128",
        Camellia192 => "Camellia-192",
        Camellia256 => "Camellia-256",
        _ => $"symmetric algorithm {algorithm}",
    };

    public static string AeadName(int aead) => aead switch
    {
        Eax => "EAX",
        Ocb => "OCB",
        Gcm => "GCM",
        _ => $"AEAD mode {aead}",
    };
}
