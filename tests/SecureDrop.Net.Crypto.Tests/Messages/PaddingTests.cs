namespace SecureDrop.Net.Crypto.Tests.Messages;

/// <summary>
/// Padmé padding inside the encryption (<see cref="MessagePadding"/>): the stored length depends only on the
/// padded length, the padding costs at most 12 %, and we read every encoding of it back.
/// </summary>
public sealed class PaddingTests
{
    [Theory]
    // Worked through Algorithm 1 of Nikitin et al. (PETS 2019) by hand: E = ⌊log2 L⌋, S = ⌊log2 E⌋ + 1, the low E - S bits rounded up.
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(9, 10)] // E 3, S 2: 1 bit
    [InlineData(3584, 3584)] // E 11, S 4: 7 bits; 3584 = 28 * 128
    [InlineData(3585, 3712)]
    [InlineData(1_000_000, 1_015_808)] // E 19, S 5: 14 bits; 62 * 16384
    [InlineData(3_000_000, 3_014_656)] // E 21, S 5: 16 bits; 46 * 65536
    [InlineData(1L << 30, 1L << 30)]
    [InlineData((1L << 30) + 1, (1L << 30) + (1L << 25))] // E 30, S 5: 25 bits
    public void Padme_MatchesThePapersAlgorithm(long length, long padded) =>
        Assert.Equal(padded, MessagePadding.Padme(length));

    [Fact]
    public void PaddedLength_FromTheFloorTo64GiB_AddsAtMost12PercentAndLeavesFewDistinctLengths()
    {
        // Every length from the floor to 64 KiB, then a sweep of every power of two and its neighbours up to 64 GiB.
        IEnumerable<long> lengths = Enumerable.Range(MessagePadding.Floor, 65536).Select(i => (long)i)
            .Concat(Enumerable.Range(16, 21).SelectMany(bits => new[] { (1L << bits) - 9, (1L << bits) - 8, (1L << bits) + 1, (1L << bits) + 12_345 }));

        foreach (long length in lengths)
        {
            long padded = MessagePadding.PaddedLength(length);
            Assert.True(padded >= length + MessagePadding.MinimumPadding, $"{length} padded to {padded}");
            Assert.True(padded <= length * 1.12, $"{length} padded to {padded}: more than 12 %");
        }

        // Between 1 MiB and 2 MiB (E 20, S 5) Padmé keeps 5 bits after the leading one: 32 lengths for a million.
        int distinct = Enumerable.Range(0, 1 << 20).Select(i => MessagePadding.PaddedLength((1L << 20) + i)).Distinct().Count();
        Assert.InRange(distinct, 32, 33);
    }

    [Fact]
    public void Encrypt_MessagesUpToTheFloor_AllHaveOneStoredLength()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        int[] lengths = [0, 1, 80, 1000, MessagePadding.Floor - 64];

        var stored = lengths.Select(n => TestData.Encrypt(key.PublicKey, TestData.RandomBytes(n), "").Length).Distinct().ToList();

        Assert.Single(stored);
    }

    [Fact]
    public void Encrypt_LengthsInOneBucket_HaveOneStoredLength_AndTheNextBucketIsLarger()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        // 3,000,000 and 3,010,000 octets (names of different lengths too) share Padmé's bucket up to 3,014,656.
        int[] stored =
        [
            TestData.Encrypt(key.PublicKey, TestData.RandomBytes(3_000_000), "a.pdf").Length,
            TestData.Encrypt(key.PublicKey, TestData.RandomBytes(3_010_000), "a longer name.pdf").Length,
            TestData.Encrypt(key.PublicKey, TestData.RandomBytes(3_014_656), "a.pdf").Length,
        ];

        Assert.Equal(stored[0], stored[1]);
        Assert.True(stored[2] > stored[0], "a length past the bucket pads to the next one");
        Assert.InRange(stored[0], 3_014_656, 3_014_656 + 400);
    }

    [Theory]
    [InlineData("markers")]
    [InlineData("padding packets")]
    public void Padding_EveryTotalOfEitherEncoding_IsExact_AndOurReaderSkipsIt(string name)
    {
        PaddingEncoding encoding = name == "markers" ? PaddingEncoding.Markers : PaddingEncoding.PaddingPackets;
        using NewsroomSecretKey key = TestData.NewKey();
        // Totals 8 to 420 and around the Padding packet's awkward ones (194, 8387-8389): every marker tail and header size.
        foreach (int total in Enumerable.Range(8, 413).Concat(Enumerable.Range(8380, 16)))
        {
            byte[] padding = PaddingOf(total, encoding);
            Assert.Equal(total, padding.Length);

            byte[] message = InnerPacketTests.EncryptInner(key.PublicKey, [.. HelloLiteral, .. padding]);
            Assert.Equal("hello"u8.ToArray(), TestData.Decrypt(key, message).Plaintext);
        }
    }

    [Fact]
    public void Decrypt_MultiSegmentFile_SkipsMegabytesOfMarkers_AndReturnsExactlyThePlaintext()
    {
        using NewsroomSecretKey key = TestData.NewKey();
        // Just past 4 MiB: Padmé's next length is 4 MiB + 128 KiB, about 26,000 markers across the last segments.
        byte[] plaintext = TestData.RandomBytes((4 << 20) + 1);

        byte[] message = TestData.Encrypt(key.PublicKey, plaintext, "big.bin");
        TestData.AssertDecrypts(key, message, plaintext, "big.bin");
        Assert.InRange(message.Length, (4 << 20) + (128 << 10), (4 << 20) + (128 << 10) + 400);
    }

    [Fact]
    public void Decrypt_LiteralThenMarkerOfAnotherBody_ThenPaddingPacket_ReadsAllOfThem()
    {
        // What other writers might send after the literal: a marker with a longer body and a Padding packet with a
        // partial length. Shaped by hand, under our own SEIPD framing.
        byte[] inner = [.. HelloLiteral, 0xCA, 6, .. "PGPPGP"u8, 0xD5, 0xE9, .. new byte[512], 4, 1, 2, 3, 4];

        using NewsroomSecretKey key = TestData.NewKey();
        Assert.Equal("hello"u8.ToArray(), TestData.Decrypt(key, InnerPacketTests.EncryptInner(key.PublicKey, inner)).Plaintext);
    }

    internal static byte[] Encrypt(NewsroomPublicKey recipient, byte[] plaintext, PaddingEncoding encoding, string fileName = "")
    {
        using SessionKey session = SessionKey.NewAes256();
        using var output = new MemoryStream();
        using (Stream encrypting = EncryptingStream.Open(output, [recipient], fileName, session, encoding))
        {
            encrypting.Write(plaintext);
        }

        return output.ToArray();
    }

    /// <summary>The padding <see cref="MessagePadding"/> writes when it must add exactly <paramref name="total"/> octets.</summary>
    internal static byte[] PaddingOf(int total, PaddingEncoding encoding)
    {
        // An inner length whose padding is exactly the total: below the floor that is the floor minus the total;
        // larger totals need a bucket at least that wide (from 2^19 on).
        long inner = Enumerable.Range(0, 1 << 20).Select(i => (long)i).First(n => MessagePadding.PaddedLength(n) - n == total);
        var written = new List<byte>();
        bool collecting = false;
        var padding = new MessagePadding(bytes => { if (collecting) { written.AddRange(bytes.ToArray()); } }, encoding);
        padding.Write(new byte[inner]);
        collecting = true;
        padding.Finish();
        Assert.Equal(MessagePadding.PaddedLength(inner), padding.Written);
        return [.. written];
    }

    // A new-format literal packet: binary, no name, date 0, "hello".
    private static byte[] HelloLiteral => [0xCB, 11, (byte)'b', 0, 0, 0, 0, 0, .. "hello"u8];
}
