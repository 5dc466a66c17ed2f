using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Submissions;

/// <summary>
/// Each item and its sealed header share one session key and one public-key packet (SharedMessageKey: one ML-KEM
/// encapsulation per item, not two); no two items of a submission do, so one item's session key opens only that item
/// and its own header.
/// </summary>
public sealed class ItemHeaderKeyTests
{
    [Fact]
    public async Task EachItemAndItsHeader_ShareOnePacket_NoTwoItemsDo_AndBothOpen()
    {
        await using var host = await FrontEndHost.StartAsync();
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();
        var memo = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("memo line ", 3000)));

        using var response = await source.SubmitAsync("A text tip", ("memo.txt", memo));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelopePath = Assert.Single(Directory.GetFiles(host.Data.IntakeDirectory, "*" + IntakeEnvelope.Suffix));
        var envelope = IntakeEnvelope.FromJson(Path.GetFileNameWithoutExtension(envelopePath), File.ReadAllBytes(envelopePath));
        Assert.Equal(2, envelope.Items.Count);
        var packets = new List<byte[]>();
        foreach (var item in envelope.Items)
        {
            var itemPath = Path.Combine(host.Data.IntakeDirectory, item.Id + ".gpg");
            var itemPacket = FirstPacket(File.ReadAllBytes(itemPath));
            Assert.Equal(itemPacket, FirstPacket(item.Metadata!));
            packets.Add(itemPacket);

            var (name, content) = host.DecryptIntakeItem(itemPath);
            using var headerText = new MemoryStream();
            MessageDecryptor.Decrypt(new MemoryStream(item.Metadata!), host.Key, headerText);
            var header = ItemMetadata.Parse(headerText.ToArray());
            Assert.Equal((name, (long)content.Length), (header.FileName, header.Size));
        }

        Assert.NotEqual(packets[0], packets[1]);
    }

    /// <summary>The first packet of a message, whole (new-format header, as every message we write has).</summary>
    private static byte[] FirstPacket(byte[] message)
    {
        Assert.Equal(0xC0, message[0] & 0xC0);
        var (length, headerBytes) = message[1] switch
        {
            < 192 => (message[1], 2),
            < 224 => (((message[1] - 192) << 8) + message[2] + 192, 3),
            255 => ((message[2] << 24) | (message[3] << 16) | (message[4] << 8) | message[5], 6),
            _ => throw new InvalidDataException("A public-key packet never has a partial length."),
        };
        return message[..(headerBytes + length)];
    }
}
