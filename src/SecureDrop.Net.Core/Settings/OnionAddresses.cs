using System.Security.Cryptography;
using System.Text;

namespace SecureDrop.Net.Core.Settings;

/// <summary>
/// Tor v3 onion addresses (rend-spec-v3 §6): base32 of the service's 32-byte ed25519 key, a 2-byte checksum and the
/// version byte 3 — 56 characters — then ".onion". A mistyped address would send every Tor Browser visitor to a
/// site that is not the newsroom's, so the checksum is verified, not only the shape.
/// </summary>
public static class OnionAddresses
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The origin <c>http://&lt;56&gt;.onion</c> for an address given with or without scheme and trailing slash; null if it is not one.</summary>
    public static string? Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Problem(text) is null ? "http://" + Host(text) : null;
    }

    /// <summary>What is wrong with the address, in words an admin can act on; null when it is a valid v3 address.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var host = Host(text);
        if (!host.EndsWith(".onion", StringComparison.Ordinal))
        {
            return "must be a Tor v3 onion address: 56 letters a–z and digits 2–7, then .onion (e.g. http://…xyzd.onion).";
        }

        var label = host[..^".onion".Length];
        if (label.Length != 56 || label.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            return $"the part before .onion must be 56 characters of a–z and 2–7 (a v3 address); this one has {label.Length}.";
        }

        var bytes = Base32(label);
        if (bytes[34] != 3)
        {
            return "is not a version 3 onion address (its last character must be d).";
        }

        if (SHA3_256.IsSupported)
        {
            var input = new byte[15 + 32 + 1];
            Encoding.ASCII.GetBytes(".onion checksum").CopyTo(input, 0);
            bytes.AsSpan(0, 32).CopyTo(input.AsSpan(15));
            input[^1] = 3;
            var checksum = SHA3_256.HashData(input);
            if (checksum[0] != bytes[32] || checksum[1] != bytes[33])
            {
                return "its checksum does not match: a character is mistyped. Copy the address from the onion service's hostname file.";
            }
        }

        return null;
    }

    private static string Host(string text)
    {
        var host = text.Trim().ToLowerInvariant();
        foreach (var scheme in new[] { "http://", "https://" })
        {
            if (host.StartsWith(scheme, StringComparison.Ordinal))
            {
                host = host[scheme.Length..];
                break;
            }
        }

        return host.TrimEnd('/');
    }

    private static byte[] Base32(string label)
    {
        var bytes = new byte[35];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in label)
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes[index++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return bytes;
    }
}
