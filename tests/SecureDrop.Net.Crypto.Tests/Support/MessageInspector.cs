using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto.Tests;

/// <summary>What a message looks like on the wire, read with BouncyCastle independently of the decryptor.</summary>
internal sealed record MessageShape(
    IReadOnlyList<PacketTag> OuterPackets,
    int SeipdVersion,
    SymmetricKeyAlgorithmTag SessionAlgorithm,
    IReadOnlyList<string> InnerObjects,
    char LiteralFormat,
    string? FileName,
    DateTime ModificationTime,
    bool MdcVerified);

internal static class MessageInspector
{
    public static MessageShape Inspect(byte[] message, NewsroomSecretKey key)
    {
        var outer = new List<PacketTag>();
        int seipdVersion = -1;
        var packets = new BcpgInputStream(new MemoryStream(message));
        while (packets.ReadPacket() is { } packet)
        {
            if (packet is SymmetricEncIntegrityPacket seipd)
            {
                seipdVersion = seipd.Version;
            }

            if (packet is InputStreamPacket body)
            {
                body.GetInputStream().CopyTo(Stream.Null);
            }

            outer.Add(packet switch
            {
                PublicKeyEncSessionPacket => PacketTag.PublicKeyEncryptedSession,
                SymmetricEncIntegrityPacket => PacketTag.SymmetricEncryptedIntegrityProtected,
                SymmetricEncDataPacket => PacketTag.SymmetricKeyEncrypted,
                _ => PacketTag.Reserved,
            });
        }

        var list = (PgpEncryptedDataList)new PgpObjectFactory(message).NextPgpObject();
        var data = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().Single();
        // BouncyCastle's own reading of the key (a classic one), independent of our packet layer.
        PgpPrivateKey privateKey = new PgpSecretKeyRing(key.ExportForStorage()).GetSecretKey(data.KeyId).ExtractPrivateKeyRaw(null);
        SymmetricKeyAlgorithmTag algorithm = data.GetSymmetricAlgorithm(privateKey);
        var inner = new List<string>();
        char format = '\0';
        string? fileName = null;
        DateTime modified = default;
        var factory = new PgpObjectFactory(data.GetDataStream(privateKey));
        while (factory.NextPgpObject() is { } item)
        {
            inner.Add(item.GetType().Name);
            switch (item)
            {
                case PgpLiteralData literal:
                    format = (char)literal.Format;
                    fileName = literal.FileName;
                    modified = literal.ModificationTime;
                    literal.GetInputStream().CopyTo(Stream.Null);
                    break;
                case PgpCompressedData compressed:
                    compressed.GetDataStream().CopyTo(Stream.Null);
                    break;
            }
        }

        return new MessageShape(outer, seipdVersion, algorithm, inner, format, fileName, modified, data.Verify());
    }
}
