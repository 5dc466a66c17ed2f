using System.Security.Cryptography;
using System.Text;
using OtpNet;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Journalists;

/// <summary>
/// Time-based one-time codes (RFC 6238, 30-second steps, 6 digits, SHA-1: what every authenticator app speaks),
/// through Otp.NET. A code from the step before or after is accepted for clock drift; a step, once used, is not.
/// The secret is stored sealed under the vault key, which only a passphrase opens.
/// </summary>
public static class TotpCodes
{
    public const string Issuer = "SecureDrop.Net";

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(20);

    public static string Display(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    public static Uri ProvisioningUri(byte[] secret, string username) =>
        new($"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(username)}?secret={Display(secret)}&issuer={Uri.EscapeDataString(Issuer)}");

    /// <summary>The time step the code belongs to, or null if it matches none within ±1 step of now.</summary>
    public static long? MatchingStep(byte[] secret, string? code, DateTimeOffset now)
    {
        if (code is null || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(secret);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The code for a moment, for tests and for showing that enrolment works.</summary>
    public static string Code(byte[] secret, DateTimeOffset at) => new Totp(secret).ComputeTotp(at.UtcDateTime);

    public static byte[] Seal(byte[] secret, ReadOnlySpan<byte> vaultKey, string journalistId) =>
        SecretBox.Seal(vaultKey, secret, Context(journalistId));

    public static byte[] Open(byte[] sealedSecret, ReadOnlySpan<byte> vaultKey, string journalistId) =>
        SecretBox.Open(vaultKey, sealedSecret, Context(journalistId));

    private static byte[] Context(string journalistId) => Encoding.ASCII.GetBytes("sdnet totp secret " + journalistId);
}
