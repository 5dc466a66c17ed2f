using Org.BouncyCastle.Bcpg;

namespace SecureDrop.Net.Crypto;

/// <summary>ASCII armor (RFC 4880 §6) for messages that travel in mail; no "Version:" header names the library.</summary>
public static class OpenPgpArmor
{
    /// <summary>Returns a stream that armors what is written to it into <paramref name="output"/>; dispose it to write the footer.</summary>
    public static Stream Wrap(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new ArmoredOutputStream(output, addVersionHeader: false);
    }
}
