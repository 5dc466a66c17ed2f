using System.Security.Cryptography;
using System.Text;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Removes the passphrase protection of every secret key packet of a transferable key, so the key can be sealed
/// under the vault key instead; and puts it back (Argon2 + AES-256-OCB) for an export to the key ceremony.
/// Passphrases are UTF-8, as GnuPG, Sequoia and OpenPGP.js encode them.
/// </summary>
internal static class KeyUnlocking
{
    /// <summary>RFC 9106's second recommended option: t = 3, p = 4, m = 64 MiB.</summary>
    public const int ExportPasses = 3;
    public const int ExportParallelism = 4;
    public const int ExportMemoryExponent = 16;

    /// <summary>The same key with every secret unprotected (stubs stay stubs); the key itself if nothing is protected.</summary>
    /// <exception cref="CryptoException">No passphrase for a protected key, the wrong one, or a protection we cannot read.</exception>
    public static TransferableKey Unprotect(TransferableKey key, ReadOnlySpan<char> passphrase)
    {
        if (!key.AllKeys.Any(k => k.Secret is { IsProtected: true }))
        {
            return key;
        }

        if (passphrase.IsEmpty)
        {
            throw new CryptoException(CryptoFailure.NoPassphrase, "The secret key is protected by a passphrase and no passphrase was given.");
        }

        byte[] raw = Utf8(passphrase);
        try
        {
            return Rewrite(key, component =>
            {
                if (component.Secret is not { IsProtected: true } secret)
                {
                    return null;
                }

                byte[] material = SecretKeyUnlock.Unlock(secret, component.Packet.Tag, raw);
                try
                {
                    return SecretKeyPart.EncodeUnprotected(component.Key, material);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(material);
                }
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>
    /// The binary transferable secret key with every secret protected under <paramref name="passphrase"/> (Argon2id
    /// t=3, p=4, 64 MiB; AES-256-OCB), as RFC 9580 recommends. <paramref name="key"/> must be unprotected.
    /// </summary>
    public static byte[] EncodeProtected(TransferableKey key, ReadOnlySpan<char> passphrase)
    {
        byte[] raw = Utf8(passphrase);
        try
        {
            TransferableKey locked = Rewrite(key, component =>
            {
                if (component.Secret is not { } secret || secret.IsStub)
                {
                    return null;
                }

                if (secret.IsProtected)
                {
                    throw new CryptoException(CryptoFailure.WrongKind, "The secret key is still protected; unprotect it before exporting it.");
                }

                var s2k = S2kSpecifier.NewArgon2(RandomNumberGenerator.GetBytes(16), ExportPasses, ExportParallelism, ExportMemoryExponent);
                return SecretKeyUnlock.ProtectAead(component.Key, component.Packet.Tag, secret.Data, raw, s2k);
            });
            using var output = new MemoryStream();
            locked.Write(output, component => component.Packet);
            return output.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>The key with the secret packets <paramref name="newBody"/> gives a body for replaced; null keeps a packet.</summary>
    private static TransferableKey Rewrite(TransferableKey key, Func<KeyComponent, byte[]?> newBody)
    {
        var replaced = new Dictionary<KeyComponent, RawPacket>();
        foreach (KeyComponent component in key.AllKeys)
        {
            if (newBody(component) is { } body)
            {
                replaced[component] = component.Packet.WithBody(component.Packet.Tag, body);
            }
        }

        var output = new MemoryStream(replaced.Values.Sum(p => p.Body.Length) + (64 * 1024));
        try
        {
            key.Write(output, component => replaced.TryGetValue(component, out RawPacket? packet) ? packet : component.Packet);
            return TransferableKey.ReadAll(RawPackets.Read(output.GetBuffer().AsSpan(0, (int)output.Length)))[0];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output.GetBuffer());
            foreach (RawPacket packet in replaced.Values)
            {
                CryptographicOperations.ZeroMemory(packet.Body);
            }
        }
    }

    private static byte[] Utf8(ReadOnlySpan<char> passphrase)
    {
        byte[] raw = new byte[Encoding.UTF8.GetByteCount(passphrase)];
        Encoding.UTF8.GetBytes(passphrase, raw);
        return raw;
    }
}
