using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Data;

namespace SecureDrop.Net.Core.Secrets;

/// <summary>
/// ASP.NET Core DataProtection for one role (submission or reviewer): its own key ring in the data directory,
/// each key's secret encrypted at rest with AES-256-GCM under a key-encryption key file readable by that role only,
/// instead of the plain XML that DataProtection writes (and warns about) on Linux. Keys roll over on
/// DataProtection's own schedule (90 days); a restart reads the same ring, so cookies and antiforgery tokens stay valid.
/// </summary>
/// <remarks>
/// Threat answered: a copy of the key ring alone (a backup of dataprotection/, a mis-set permission on it, the ring
/// of one role read by another role's user) no longer lets anyone forge or open the role's cookies and tokens.
/// Not answered: whoever can read the key-encryption key file as well — the role's own user, root, a copy of the
/// whole data directory — can decrypt the ring. See SECURITY.md.
/// </remarks>
public static class DataProtectionAtRest
{
    public static IDataProtectionBuilder AddSecureDropDataProtection(this IServiceCollection services, DataDirectory data, string role, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(data);
        var encryptionKey = DataProtectionKeyEncryptionKey.OpenOrCreate(data.DataProtectionKeyFile(role));
        services.AddSingleton(encryptionKey);
        services.Configure<KeyManagementOptions>(options => options.XmlEncryptor = new AesGcmXmlEncryptor(encryptionKey));
        var ring = new DirectoryInfo(data.DataProtectionDirectory(role));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(
            options => options.XmlRepository = new RingRepository(ring, provider.GetRequiredService<ILoggerFactory>())));
        return services.AddDataProtection().SetApplicationName(applicationName);
    }
}

/// <summary>
/// DataProtection's file-system ring, except that a key the operator's sdnet makes as root ('sdnet secrets
/// rotate-dataprotection') is given to the ring directory's owner, so the role's own user can still read it.
/// </summary>
internal sealed class RingRepository : FileSystemXmlRepository
{
    public RingRepository(DirectoryInfo directory, ILoggerFactory loggerFactory)
        : base(directory, loggerFactory)
    {
    }

    public override void StoreElement(XElement element, string friendlyName)
    {
        base.StoreElement(element, friendlyName);
        if (OperatingSystem.IsWindows() || UnixFiles.EffectiveUserId != 0)
        {
            return;
        }

        var owner = UnixFiles.Stat(Directory.FullName).Uid;
        var stored = Path.Combine(Directory.FullName, friendlyName + ".xml");
        if (owner != 0 && File.Exists(stored))
        {
            UnixFiles.SetOwner(stored, owner, uint.MaxValue);
        }
    }
}

/// <summary>The 32-byte key that encrypts one role's DataProtection keys at rest.</summary>
public sealed class DataProtectionKeyEncryptionKey
{
    private readonly byte[] _key;

    private DataProtectionKeyEncryptionKey(byte[] key)
    {
        _key = key;
    }

    /// <summary>The key itself: it also seals the role's other secrets at rest (the worker's SMTP password).</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>Reads the key file, creating it (owner-only, random) at a role's first start.</summary>
    public static DataProtectionKeyEncryptionKey OpenOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            try
            {
                var fresh = RandomNumberGenerator.GetBytes(32);
                DataDirectory.WriteOwnerOnlyFile(path, fresh);
                return new DataProtectionKeyEncryptionKey(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process of the same role created it first: use theirs.
            }
        }

        byte[] key;
        try
        {
            key = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new DataDirectoryException($"The DataProtection key file '{path}' cannot be read by this user. It must belong to the user this role runs as (chown it, mode 600).", exception);
        }

        return key.Length == 32
            ? new DataProtectionKeyEncryptionKey(key)
            : throw new DataDirectoryException($"The DataProtection key file '{path}' is damaged (not 32 bytes). Restore it from a backup; without it the role's key ring cannot be read and its sessions end.");
    }
}

internal static class AesGcmKeyXml
{
    public const string ElementName = "sdnetEncryptedKey";
    public static ReadOnlySpan<byte> AssociatedData => "sdnet dataprotection key at rest v1"u8;
}

/// <summary>Encrypts a DataProtection key's XML with AES-256-GCM (random 96-bit nonce, 128-bit tag).</summary>
internal sealed class AesGcmXmlEncryptor : IXmlEncryptor
{
    private readonly DataProtectionKeyEncryptionKey _key;

    public AesGcmXmlEncryptor(DataProtectionKeyEncryptionKey key)
    {
        _key = key;
    }

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[12 + plaintext.Length + 16];
        try
        {
            RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
            using var aes = new AesGcm(_key.Key, 16);
            aes.Encrypt(sealedBytes.AsSpan(0, 12), plaintext, sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), AesGcmKeyXml.AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var element = new XElement(AesGcmKeyXml.ElementName,
            new XComment(" Encrypted with AES-256-GCM under this role's DataProtection key file (see SECURITY.md). "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="AesGcmXmlEncryptor"/> sealed; DataProtection creates it by type name with the service provider.</summary>
public sealed class AesGcmXmlDecryptor : IXmlDecryptor
{
    private readonly DataProtectionKeyEncryptionKey _key;

    public AesGcmXmlDecryptor(IServiceProvider services)
    {
        _key = services.GetRequiredService<DataProtectionKeyEncryptionKey>();
    }

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value")
            ?? throw new CryptographicException("The encrypted DataProtection key has no value."));
        if (sealedBytes.Length < 28)
        {
            throw new CryptographicException("The encrypted DataProtection key is truncated.");
        }

        var plaintext = new byte[sealedBytes.Length - 28];
        try
        {
            using var aes = new AesGcm(_key.Key, 16);
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), plaintext, AesGcmKeyXml.AssociatedData);
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
