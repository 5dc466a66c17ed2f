using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Vault.Settings;

namespace SecureDrop.Net.Core.Tests;

/// <summary>The checks behind the console's onion address and logo fields.</summary>
public sealed class SettingsValueTests
{
    private const string Onion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad";

    [Theory]
    [InlineData(Onion + ".onion")]
    [InlineData("http://" + Onion + ".onion")]
    [InlineData("https://" + Onion + ".onion/")]
    [InlineData("  HTTP://DUCKDUCKGOGG42XJOC72X3SJASOWOARFBGCMVFIMAFTT6TWAGSWZCZAD.ONION ")]
    public void ValidV3Address_IsNormalisedToAnHttpOrigin(string text)
    {
        Assert.Null(OnionAddresses.Problem(text));
        Assert.Equal($"http://{Onion}.onion", OnionAddresses.Normalize(text));
    }

    [Theory]
    [InlineData("newsroom.example", "v3 onion address")]
    [InlineData("expyuzz4wqqyqhjn.onion", "56 characters")]
    [InlineData("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzcza1.onion", "56 characters")]
    [InlineData("duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczab.onion", "version 3")]
    [InlineData("euckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion", "checksum")]
    [InlineData("http://" + Onion + ".onion/path", "v3 onion address")]
    public void OtherText_IsRefusedSayingWhy(string text, string reason)
    {
        Assert.Contains(reason, OnionAddresses.Problem(text), StringComparison.Ordinal);
        Assert.Null(OnionAddresses.Normalize(text));
    }

    [Fact]
    public void Png_IsRebuiltWithoutItsTextChunks()
    {
        var png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAGXRFWHRBdXRob3IAY2FuYXJ5LWF1dGhvci03ZjNhCtXPOgAAABBJREFUeJxjEGg4AEQMEAoAIg4FQX+FS7MAAAAASUVORK5CYII=");

        var check = PngLogo.Check(png);

        Assert.Null(check.Problem);
        Assert.Equal((2, 2), (check.Width, check.Height));
        Assert.Equal(png.Length - (12 + 25), check.Png!.Length);
        Assert.Null(PngLogo.Check(check.Png).Problem);
        Assert.DoesNotContain("canary", System.Text.Encoding.Latin1.GetString(check.Png), StringComparison.Ordinal);
    }

    [Fact]
    public void Png_WithDataAfterItsEnd_IsRefused()
    {
        var png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAGXRFWHRBdXRob3IAY2FuYXJ5LWF1dGhvci03ZjNhCtXPOgAAABBJREFUeJxjEGg4AEQMEAoAIg4FQX+FS7MAAAAASUVORK5CYII=");

        Assert.Contains("after the PNG's end", PngLogo.Check([.. png, 0x3C, 0x73]).Problem, StringComparison.Ordinal);
    }
}
