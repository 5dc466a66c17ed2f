namespace SecureDrop.Net.Crypto;

/// <summary>
/// What a derived key is for. The purpose's name is bound into every derivation as Argon2 associated data, so the
/// same secret and salt give unrelated keys for different purposes (a lookup id can never unlock a reply key).
/// </summary>
/// <remarks>The names are part of the derived values: renaming a member changes every key derived with it.</remarks>
public enum KeyDerivationPurpose
{
    /// <summary>The source lookup id, derived from the codename.</summary>
    SourceLookup,

    /// <summary>The key that unlocks a source's reply secret key, derived from the codename.</summary>
    SourceReplyKey,

    /// <summary>A journalist's passphrase hash or key-wrapping key.</summary>
    JournalistPassphrase,

    /// <summary>The key derived from the printed recovery key.</summary>
    RecoveryKey,
}
