using System.Text.RegularExpressions;

namespace SecureDrop.Net.Proof.Tests.Invariants;

/// <summary>
/// ARCHITECTURE.md invariant 6 (secrets compared in constant time): the places that compare secret-derived bytes
/// use CryptographicOperations.FixedTimeEquals, and no other byte comparison (SequenceEqual) appears in src/
/// without being named here, so a new one is looked at before it lands.
/// </summary>
public sealed partial class SecretComparisonTests
{
    // Each allowed SequenceEqual with why it compares nothing secret.
    private static readonly Dictionary<string, string> AllowedSequenceEqual = new(StringComparer.Ordinal)
    {
        ["src/SecureDrop.Net.Vault/Settings/PngLogo.cs"] = "compares an uploaded logo's bytes with the fixed PNG signature and chunk names",
        ["src/SecureDrop.Net.Crypto/Aead/AesOcb.cs"] = "compares this chunk's associated data (the public SEIPD v2 header) with the one already hashed",
        ["src/SecureDrop.Net.Crypto/Certificates/SignatureVerifier.cs"] = "compares a recovered RSA signature block with the public digest it signs",
        ["src/SecureDrop.Net.Crypto/Certificates/S2kSpecifier.cs"] = "compares an S2K specifier's octets with the fixed GNU extension magic",
        ["src/SecureDrop.Net.Crypto/SessionKeys/DecryptionKey.cs"] = "compares the public key derived from an unlocked secret with the certificate's public key",
        ["src/SecureDrop.Net.Submission/Hosting/TorCircuitLine.cs"] = "compares tor's PROXY line with its fixed words and the circuit-id address prefix tor publishes",
        ["src/SecureDrop.Net.Crypto/SessionKeys/Pkesk.cs"] = "compares a session-key packet's recipient fingerprint with a key's public fingerprint",
    };

    [Theory]
    [InlineData("src/SecureDrop.Net.Custody/Journalists/JournalistCredentials.cs", "passphrase verifier")]
    [InlineData("src/SecureDrop.Net.Crypto/Messages/SeipdReader.cs", "MDC of a decrypted message")]
    [InlineData("src/SecureDrop.Net.Vault/Audit/AuditLog.cs", "audit chain hashes")]
    public void SecretComparison_UsesFixedTimeEquals(string file, string what)
    {
        var source = SourceTree.Read(file);

        Assert.True(source.Contains("CryptographicOperations.FixedTimeEquals(", StringComparison.Ordinal), $"{file} compares the {what} without FixedTimeEquals.");
    }

    [Fact]
    public void ByteComparisonsInSource_AreConstantTimeOrNamedAsNotSecret()
    {
        var offenders = SourceTree.CSharpFiles()
            .Where(f => SequenceEqual().IsMatch(SourceTree.Read(f)) && !AllowedSequenceEqual.ContainsKey(f))
            .ToList();

        Assert.True(offenders.Count == 0, "SequenceEqual in: " + string.Join(", ", offenders) + ". Use CryptographicOperations.FixedTimeEquals for anything secret, or name the file in AllowedSequenceEqual with why it is not.");
    }

    [GeneratedRegex(@"\.SequenceEqual\(")]
    private static partial Regex SequenceEqual();
}
