using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// How a secret key packet is protected. Unlocking one with a passphrase is the newsroom side's business
/// (PassphraseProtection in SecureDrop.Net.Crypto.Newsroom); this side only tells the kinds apart.
/// </summary>
internal static class SecretKeyProtection
{
    /// <summary>
    /// A gpg stub carries no secret (GNU extension S2K 101: <c>--export-secret-subkeys</c> leaves the primary as
    /// one, and keys on a smartcard are "divert to card" stubs).
    /// </summary>
    public static bool IsStub(PgpSecretKey key) => key.IsPrivateKeyEmpty || key.S2k?.Type == S2k.GnuDummyS2K;

    public static bool IsProtected(PgpSecretKey key) => !IsStub(key) && key.S2kUsage != SecretKeyPacket.UsageNone;
}
