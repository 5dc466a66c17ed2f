namespace SecureDrop.Net.Crypto.Tests;

/// <summary>
/// A theory over known answers too costly for every run: RFC 9580 A.12's Argon2 samples each take 2 GiB (m = 2^21
/// KiB) and tens of seconds of BouncyCastle's Argon2 on a busy two-core machine. One of them runs always; the rest
/// run with SDNET_LONG_VECTORS=1 (the nightly and release runs set it).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LongVectorTheoryAttribute : TheoryAttribute
{
    public LongVectorTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("SDNET_LONG_VECTORS") != "1")
        {
            Skip = "Each case derives a 2 GiB Argon2 key (RFC 9580 A.12); set SDNET_LONG_VECTORS=1 to run them. A.12.3 runs always.";
        }
    }
}
