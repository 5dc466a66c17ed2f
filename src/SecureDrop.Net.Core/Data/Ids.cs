using System.Security.Cryptography;

namespace SecureDrop.Net.Core.Data;

/// <summary>Opaque random identifiers: they reveal neither order nor time of creation.</summary>
public static class Ids
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>True for a string that has the shape of an id, so user input can be checked before any lookup.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 32 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
