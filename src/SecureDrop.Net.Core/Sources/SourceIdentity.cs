using System.Security.Cryptography;
using System.Text;
using SecureDrop.Net.Core.Data;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Sources;

/// <summary>
/// Turns a codename into the lookup id stored with the source: Argon2id keyed with this instance's secret salt,
/// so a stolen database cannot be searched for a codename without also stealing the salt, and each guess costs
/// a 64 MiB derivation. The codename itself is never stored.
/// </summary>
public sealed class SourceIdentity
{
    private readonly byte[] _instanceSalt;

    public SourceIdentity(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _instanceSalt = File.ReadAllBytes(data.SourceSaltFile);
    }

    public static void CreateInstanceSalt(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var salt = RandomNumberGenerator.GetBytes(32);
        DataDirectory.WriteOwnerOnlyFile(data.SourceSaltFile, salt);
    }

    /// <summary>
    /// The second derivation (purpose <see cref="KeyDerivationPurpose.SourceReplyKey"/>): the 32-byte key that seals
    /// the source's reply secret key. The caller clears it.
    /// </summary>
    public byte[] ReplyWrappingKey(string normalizedCodename)
    {
        var secret = Encoding.UTF8.GetBytes(normalizedCodename);
        var output = new byte[KeyDerivation.OutputBytes];
        try
        {
            KeyDerivation.DeriveKey(secret, _instanceSalt, KeyDerivationPurpose.SourceReplyKey, output);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Derives the lookup id of a well-formed codename (normalise it first with <see cref="Codename.Normalize"/>).</summary>
    public string LookupId(string normalizedCodename)
    {
        var secret = Encoding.UTF8.GetBytes(normalizedCodename);
        Span<byte> output = stackalloc byte[KeyDerivation.OutputBytes];
        try
        {
            KeyDerivation.DeriveKey(secret, _instanceSalt, KeyDerivationPurpose.SourceLookup, output);
            return Convert.ToHexStringLower(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(output);
        }
    }
}
