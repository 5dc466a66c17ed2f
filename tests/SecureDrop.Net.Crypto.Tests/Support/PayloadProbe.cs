using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecureDrop.Net.Crypto.Tests;

/// <summary>
/// The SEIPD payload on its own, under a session key written as gpg shows it ("9:HEX", algorithm id and key):
/// checks our framing against gpg's independently of the public-key packets.
/// </summary>
internal static class PayloadProbe
{
    public static byte[] Decrypt(byte[] message, string gpgSessionKey)
    {
        string[] parts = gpgSessionKey.Split(':');
        byte[] key = Convert.FromHexString(parts[1]);
        int sum = key.Sum(b => b) & 0xFFFF;
        using SessionKey session = SessionKey.FromSessionInfo([byte.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), .. key, (byte)(sum >> 8), (byte)sum]);
        MessageEnvelope envelope = MessageEnvelope.Read(new MemoryStream(message));
        using var payload = new SeipdReader(envelope.PayloadBody, CfbCipher.Create(session));
        var literal = (PgpLiteralData)new PgpObjectFactory(payload).NextPgpObject();
        using var plaintext = new MemoryStream();
        literal.GetInputStream().CopyTo(plaintext);
        payload.ReadToEndAndVerify();
        return plaintext.ToArray();
    }

    public static (byte[] Message, string GpgSessionKey) Encrypt(NewsroomPublicKey recipient, byte[] plaintext)
    {
        using SessionKey session = SessionKey.NewAes256();
        using var output = new MemoryStream();
        using (Stream encrypting = EncryptingStream.Open(output, [recipient], "probe.bin", session))
        {
            encrypting.Write(plaintext);
        }

        return (output.ToArray(), $"9:{Convert.ToHexString(session.Key)}");
    }
}
