namespace SecureDrop.Net.Crypto.Tests.Aead;

/// <summary>
/// SEIPD v2 as we write it (AES-256, OCB, 256 KiB chunks) reads back byte for byte at every size around the chunk
/// and segment boundaries (where the parallel workers start); a flipped bit, a cut, an appended octet, a swapped
/// pair of chunks and the wrong session key all fail before the end is reported.
/// </summary>
public sealed class SeipdV2Tests
{
    private const int Chunk = 1 << 18;

    [Theory]
    [InlineData(1)]
    [InlineData(3584)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData((8 * Chunk) - 1)]
    [InlineData((8 * Chunk) + 5)]
    [InlineData((41 * Chunk) + 12345)]
    public void WrittenThenRead_GivesThePlaintextBack(int length)
    {
        byte[] plaintext = TestData.RandomBytes(length);
        using SessionKey session = SessionKey.NewAes256();

        byte[] packet = Write(session, plaintext, pieces: 7919);

        Assert.Equal(plaintext, Read(session, packet));
    }

    [Fact]
    public void Tampered_FlippedBitTruncatedExtendedOrWrongKey_Fail()
    {
        byte[] plaintext = TestData.RandomBytes((3 * Chunk) + 100);
        using SessionKey session = SessionKey.NewAes256();
        byte[] packet = Write(session, plaintext);
        using SessionKey other = SessionKey.NewAes256();

        byte[] flipped = (byte[])packet.Clone();
        flipped[packet.Length / 2] ^= 0x01;
        byte[] truncated = Reframe(packet, body => body[..^(16 + 100 + 16)]);
        byte[] extended = Reframe(packet, body => [.. body, 0]);
        byte[] swapped = Reframe(packet, body =>
        {
            int first = 36;
            int unit = Chunk + 16;
            return [.. body[..first], .. body[(first + unit)..(first + (2 * unit))], .. body[first..(first + unit)], .. body[(first + (2 * unit))..]];
        });

        Assert.Throws<CryptoException>(() => Read(session, flipped));
        Assert.Throws<CryptoException>(() => Read(session, truncated));
        Assert.Throws<CryptoException>(() => Read(session, extended));
        Assert.Throws<CryptoException>(() => Read(session, swapped));
        Assert.Throws<CryptoException>(() => Read(other, packet));
    }

    private static byte[] Write(SessionKey session, byte[] plaintext, int pieces = int.MaxValue)
    {
        using var output = new MemoryStream();
        using (var writer = new SeipdV2Writer(session, bytes => output.Write(bytes)))
        {
            for (int at = 0; at < plaintext.Length; at += pieces)
            {
                writer.Write(plaintext.AsSpan(at, Math.Min(pieces, plaintext.Length - at)));
            }

            writer.Finish();
        }

        return output.ToArray();
    }

    private static byte[] Read(SessionKey session, byte[] packet)
    {
        MessageEnvelope envelope = MessageEnvelope.Read(new MemoryStream(packet));
        using var reader = new SeipdV2Reader(envelope.PayloadBody, envelope.V2Parameters(session));
        using var plaintext = new MemoryStream();
        reader.CopyTo(plaintext);
        return plaintext.ToArray();
    }

    /// <summary>The packet with its body (partial lengths removed) changed, written again with one definite length.</summary>
    private static byte[] Reframe(byte[] packet, Func<byte[], byte[]> change)
    {
        var input = new MemoryStream(packet);
        PacketHeader header = PacketHeader.Read(input)!.Value;
        using var body = new MemoryStream();
        new PacketBodyStream(input, header).CopyTo(body);
        byte[] changed = change(body.ToArray());
        return [.. RawPacket.NewHeader(18, changed.Length), .. changed];
    }
}
