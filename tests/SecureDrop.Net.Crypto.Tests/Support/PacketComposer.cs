namespace SecureDrop.Net.Crypto.Tests;

/// <summary>
/// Builds a message from the new packet layer's parts (PKESK v3 or v6 per recipient, SEIPD v1 or v2, a literal
/// packet), for tests of those parts before and apart from the public encryptor.
/// </summary>
internal static class PacketComposer
{
    public static byte[] Encrypt(IReadOnlyList<KeyPacket> recipients, byte[] plaintext, bool seipdV2, string fileName = "tip.txt")
    {
        using SessionKey session = SessionKey.NewAes256();
        using var output = new MemoryStream();
        foreach (KeyPacket recipient in recipients)
        {
            output.Write(SessionKeyEncryption.Encrypt(recipient, session, seipdV2 ? 6 : 3));
        }

        byte[] name = Encoding.UTF8.GetBytes(fileName);
        byte[] literalBody = [(byte)'b', (byte)name.Length, .. name, 0, 0, 0, 0, .. plaintext];
        byte[] literal = [.. RawPacket.NewHeader(11, literalBody.Length), .. literalBody];
        if (seipdV2)
        {
            using var writer = new SeipdV2Writer(session, bytes => output.Write(bytes));
            writer.Write(literal);
            writer.Finish();
        }
        else
        {
            using var writer = new SeipdWriter(CfbCipher.Create(session), bytes => output.Write(bytes));
            writer.Write(literal);
            writer.Finish();
        }

        return output.ToArray();
    }

    public static KeyPacket EncryptionKey(UnprotectedKey key) => key.DecryptionKeys.Single().Key;

    public static UnprotectedKey Load(byte[] encoded) => UnprotectedKey.Create(Assert.Single(TransferableKey.ReadAll(RawPackets.Read(encoded))));
}
