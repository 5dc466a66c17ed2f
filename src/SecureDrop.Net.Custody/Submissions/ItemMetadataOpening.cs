using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Custody.Submissions;

/// <summary>
/// Opening an item's sealed <see cref="ItemMetadata"/> header, which needs a newsroom secret key: a static extension
/// of <see cref="ItemMetadata"/> declared here, so <c>ItemMetadata.Open(...)</c> compiles only where custody does.
/// </summary>
public static class ItemMetadataOpening
{
    extension(ItemMetadata)
    {
        /// <summary>Opens a header sealed by <see cref="ItemMetadata"/>.Seal.</summary>
        /// <exception cref="CryptoException">When the header is not for this key, altered, or not a header.</exception>
        public static ItemMetadata Open(byte[] sealedHeader, NewsroomSecretKey key) => ItemMetadata.Open(sealedHeader, new NewsroomKeyRing(key));

        /// <summary>Opens a header sealed by <see cref="ItemMetadata"/>.Seal with whichever key of the ring it was sealed to.</summary>
        /// <exception cref="CryptoException">When no key of the ring opens it, or it is altered, or not a header.</exception>
        public static ItemMetadata Open(byte[] sealedHeader, NewsroomKeyRing keys)
        {
            ArgumentNullException.ThrowIfNull(sealedHeader);
            using var input = new MemoryStream(sealedHeader, writable: false);
            // A header is 1 KiB padded: its plaintext fits the first rented buffer, which is cleared at dispose.
            using var plaintext = new PlaintextBuffer(sealedHeader.Length);
            MessageDecryptor.Decrypt(input, keys, plaintext);
            return ItemMetadata.Parse(plaintext.Written);
        }
    }
}
