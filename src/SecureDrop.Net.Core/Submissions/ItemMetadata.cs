using System.Text.Json;
using System.Text.Json.Serialization;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Core.Submissions;

/// <summary>
/// What the console lists about an item without decrypting the item itself: the original file name, the plaintext
/// size and the content type the browser declared. It is sealed at ingress as a small OpenPGP message to the
/// newsroom key (so the database holds it only encrypted, like the name inside the item), padded to a fixed
/// length so its size says nothing about the name's. Only the sealing is here: opening a header needs a newsroom
/// secret key, so it is SecureDrop.Net.Custody's (ItemMetadataOpening).
/// </summary>
public sealed record ItemMetadata(string FileName, long Size, string ContentType)
{
    /// <summary>Plaintext length of every header: room for a 255-byte name and a content type, JSON-escaped.</summary>
    private const int PaddedBytes = 1024;
    private const int MaxContentTypeChars = 100;

    public static byte[] Seal(NewsroomPublicKey recipient, string fileName, long size, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        using var key = SharedMessageKey.For(recipient);
        return Seal(key, fileName, size, contentType);
    }

    /// <summary>
    /// Seals the header of an item just encrypted under <paramref name="key"/>: the header reuses the item's session
    /// key and public-key packet (one asymmetric operation per item, not two), and tells whoever can read one of the
    /// two nothing the other does not (<see cref="SharedMessageKey"/>).
    /// </summary>
    public static byte[] Seal(SharedMessageKey key, string fileName, long size, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fileName);
        var type = string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType.Trim();
        if (type.Length > MaxContentTypeChars)
        {
            type = type[..MaxContentTypeChars];
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new Header(fileName, size, type), HeaderJson.Default.Header);
        var padded = new byte[Math.Max(PaddedBytes, json.Length)];
        json.CopyTo(padded, 0);
        padded.AsSpan(json.Length).Fill((byte)' ');
        using var output = new MemoryStream();
        // Small buffers: a header is a few hundred octets, and the default (large) buffers cost a text submission to a
        // post-quantum key about 80 µs more each time (benchmarks/RESULTS.md, 2026-12-07).
        using (var encryptor = MessageEncryptor.Open(output, key, "", MessageBuffers.StartSmall()))
        {
            encryptor.Write(padded);
        }

        Array.Clear(padded);
        return output.ToArray();
    }

    /// <summary>
    /// Reads the plaintext of a sealed header, once SecureDrop.Net.Custody (which holds the keys) has decrypted it.
    /// </summary>
    /// <exception cref="CryptoException">When the plaintext is not a header.</exception>
    public static ItemMetadata Parse(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            var header = JsonSerializer.Deserialize(plaintext.TrimEnd((byte)' '), HeaderJson.Default.Header)
                ?? throw new CryptoException(CryptoFailure.Malformed, "The item's metadata header is empty.");
            return new ItemMetadata(header.Name ?? "", header.Size, header.Type ?? "application/octet-stream");
        }
        catch (JsonException)
        {
            throw new CryptoException(CryptoFailure.Malformed, "The item's metadata header is not readable.");
        }
    }

    internal sealed record Header(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("size")] long Size,
        [property: JsonPropertyName("type")] string? Type);
}

[JsonSerializable(typeof(ItemMetadata.Header))]
internal sealed partial class HeaderJson : JsonSerializerContext;
