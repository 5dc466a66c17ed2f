using Org.BouncyCastle.Bcpg;

namespace SecureDrop.Net.Crypto.Tests.Messages;

public sealed class WireFormatTests
{
    [Fact]
    public void Encrypt_WritesPkeskThenSeipdV1_Aes256_NoCompression_BinaryLiteralWithName_ThenMarkerPadding()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = TestData.Encrypt(key.PublicKey, TestData.RandomBytes(150_000), "leak.docx");

        MessageShape shape = MessageInspector.Inspect(message, key);

        Assert.Equal([PacketTag.PublicKeyEncryptedSession, PacketTag.SymmetricEncryptedIntegrityProtected], shape.OuterPackets);
        Assert.Equal(1, shape.SeipdVersion);
        Assert.Equal(SymmetricKeyAlgorithmTag.Aes256, shape.SessionAlgorithm);
        Assert.Equal("PgpLiteralData", shape.InnerObjects[0]);
        Assert.All(shape.InnerObjects.Skip(1), name => Assert.Equal("PgpMarker", name));
        Assert.Equal('b', shape.LiteralFormat);
        Assert.Equal("leak.docx", shape.FileName);
        Assert.Equal(DateTime.UnixEpoch, shape.ModificationTime);
        Assert.True(shape.MdcVerified);
    }

    [Fact]
    public void Encrypt_LargeInput_UsesPartialBodyLengths()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        byte[] message = TestData.Encrypt(key.PublicKey, TestData.RandomBytes(150_000));

        (int pkeskTag, int pkeskHeader, int pkeskBody, _) = Header(message, 0);
        (int seipdTag, _, _, bool partial) = Header(message, pkeskHeader + pkeskBody);

        Assert.Equal(1, pkeskTag);
        Assert.Equal(18, seipdTag);
        Assert.True(partial, "a streamed message uses partial body lengths instead of a length known in advance");
    }

    /// <summary>Reads one packet header (RFC 4880 §4.2): tag, header length, body length, partial flag.</summary>
    private static (int Tag, int HeaderLength, int BodyLength, bool Partial) Header(byte[] m, int at)
    {
        byte first = m[at];
        Assert.True((first & 0x80) != 0, "a packet header has its top bit set");
        if ((first & 0x40) == 0)
        {
            int tag = (first >> 2) & 0x0F;
            return (first & 3) switch
            {
                0 => (tag, 2, m[at + 1], false),
                1 => (tag, 3, (m[at + 1] << 8) | m[at + 2], false),
                2 => (tag, 5, (m[at + 1] << 24) | (m[at + 2] << 16) | (m[at + 3] << 8) | m[at + 4], false),
                _ => (tag, 1, -1, true),
            };
        }

        int newTag = first & 0x3F;
        int l1 = m[at + 1];
        return l1 switch
        {
            < 192 => (newTag, 2, l1, false),
            < 224 => (newTag, 3, ((l1 - 192) << 8) + m[at + 2] + 192, false),
            255 => (newTag, 6, (m[at + 2] << 24) | (m[at + 3] << 16) | (m[at + 4] << 8) | m[at + 5], false),
            _ => (newTag, 2, 1 << (l1 & 0x1F), true),
        };
    }
}
