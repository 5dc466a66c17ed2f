namespace SecureDrop.Net.Crypto;

/// <summary>
/// Why a <see cref="CryptoException"/> was thrown. The kinds keep apart what the person did (a wrong passphrase,
/// the wrong file), what happened to the data (altered, cut short) and what this program does not do (a key version
/// or algorithm it does not implement): a refusal must never blame the person for the program's limit.
/// </summary>
public enum CryptoFailure
{
    /// <summary>The input is not what the operation reads: not OpenPGP, not a key or message, a packet that does not parse.</summary>
    Malformed,

    /// <summary>The input ends early: inside a packet, or before its encrypted data.</summary>
    Truncated,

    /// <summary>
    /// An integrity check failed or what must decode did not: the data was altered or damaged after it was made
    /// (a flipped bit, data appended). Any output already released must be discarded.
    /// </summary>
    Tampered,

    /// <summary>
    /// Sealed data or a session key did not open, and its check cannot tell a wrong key from altered data
    /// (an AEAD tag, a session key checksum).
    /// </summary>
    WrongKeyOrAltered,

    /// <summary>A sound key in a form this program does not implement (a version, algorithm, curve or protection): our limit.</summary>
    UnsupportedKey,

    /// <summary>A sound message in a form this program does not implement (a packet version, cipher, AEAD mode, compression): our limit.</summary>
    UnsupportedMessage,

    /// <summary>A key read in full and refused on purpose: too weak, expired, revoked, or with no key to encrypt to.</summary>
    KeyRefused,

    /// <summary>A message read and refused on purpose: not encrypted, or without integrity protection.</summary>
    MessageRefused,

    /// <summary>
    /// The wrong kind of input for the operation: a secret key where a public key is expected (or the reverse), several
    /// keys where one is expected, a backup to a passphrase given a key (or the reverse), armor where binary is stored.
    /// </summary>
    WrongKind,

    /// <summary>The secret key is protected by a passphrase and none was given: ask for it and try again.</summary>
    NoPassphrase,

    /// <summary>The passphrase did not pass the check the format defines (an AEAD tag, a SHA-1 check value, a checksum).</summary>
    WrongPassphrase,

    /// <summary>A new passphrase is too short to protect what it protects.</summary>
    WeakPassphrase,

    /// <summary>The message or backup is not encrypted to the key given.</summary>
    NotForThisKey,

    /// <summary>The key that the data needs is not held here (a retired key destroyed, a missing reply key).</summary>
    KeyNotAvailable,
}
