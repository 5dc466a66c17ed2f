using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A transferable secret key whose secret material is unprotected (no passphrase): what sealed storage holds and
/// what decrypts. Its decryption keys are the encryption-capable subkeys (by the key flags of a verified binding
/// signature) whose algorithm we accept and whose secret is present; each was checked against its public key.
/// </summary>
/// <remarks>
/// Threat: theft of the key material. It lives unprotected only here, in memory; <see cref="Dispose"/> clears the
/// decryption keys' material and the secret packets' bodies.
/// </remarks>
internal sealed class UnprotectedKey : IDisposable
{
    private readonly List<DecryptionKey> _decryptionKeys;

    private UnprotectedKey(TransferableKey key, List<DecryptionKey> decryptionKeys)
    {
        Key = key;
        _decryptionKeys = decryptionKeys;
    }

    public TransferableKey Key { get; }

    public IReadOnlyList<DecryptionKey> DecryptionKeys => _decryptionKeys;

    /// <exception cref="CryptoException">A public key, protected secret material, or a decryption subkey whose secret is damaged.</exception>
    public static UnprotectedKey Create(TransferableKey key)
    {
        if (!key.IsSecret)
        {
            throw new CryptoException(CryptoFailure.WrongKind, "The data holds a public key only; a secret key is needed (gpg --export-secret-keys).");
        }

        if (key.AllKeys.Any(k => k.Secret is { IsProtected: true }))
        {
            throw new CryptoException(CryptoFailure.NoPassphrase, "The secret key is still protected by a passphrase.");
        }

        var decryptionKeys = new List<DecryptionKey>();
        try
        {
            foreach ((KeyComponent subkey, _) in CertificateValidation.EncryptionCapable(key))
            {
                // Older encryption subkeys still decrypt what was sent to them, unless their algorithm is refused.
                if (CertificatePolicy.RejectEncryptionSubkey(key.Primary.Key, subkey.Key) is null
                    && subkey.Secret is { IsStub: false } secret)
                {
                    decryptionKeys.Add(DecryptionKey.Create(subkey.Key, secret.Data.ToArray()));
                }
            }
        }
        catch
        {
            decryptionKeys.ForEach(k => k.Dispose());
            throw;
        }

        return new UnprotectedKey(key, decryptionKeys);
    }

    /// <summary>The binary transferable secret key, unprotected; the caller seals and clears it.</summary>
    public byte[] Encode()
    {
        int size = Key.AllKeys.Sum(k => k.Packet.Body.Length + 8) + (64 * 1024);
        var output = new MemoryStream(size);
        try
        {
            Key.Write(output, component => component.Packet);
            return output.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output.GetBuffer());
        }
    }

    public void Dispose()
    {
        foreach (DecryptionKey key in _decryptionKeys)
        {
            key.Dispose();
        }

        _decryptionKeys.Clear();
        foreach (KeyComponent component in Key.AllKeys)
        {
            if (component.Secret is not null)
            {
                CryptographicOperations.ZeroMemory(component.Packet.Body);
                CryptographicOperations.ZeroMemory(component.Secret.Data);
            }
        }
    }
}
