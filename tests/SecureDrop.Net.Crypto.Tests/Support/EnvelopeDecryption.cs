namespace SecureDrop.Net.Crypto.Tests;

/// <summary>
/// Opens a message with the new packet layer directly (envelope, session key packets, SEIPD v1 or v2 reader, inner
/// packets), independently of the public API, for known-answer tests of each layer.
/// </summary>
internal static class EnvelopeDecryption
{
    public static (byte[] Plaintext, string? FileName, SessionKey Session) WithKey(byte[] message, UnprotectedKey key)
    {
        MessageEnvelope envelope = MessageEnvelope.Read(new MemoryStream(message));
        SessionKey session = envelope.PublicKeyPackets
            .SelectMany(p => key.DecryptionKeys.Select(k => (p.Names(k.Key) || p.IsAnonymous) ? k.TryDecrypt(p, envelope.Cipher) : null))
            .FirstOrDefault(s => s is not null)
            ?? throw new CryptoException(CryptoFailure.NotForThisKey, "The message is not encrypted to this key.");
        return Open(envelope, session);
    }

    public static (byte[] Plaintext, string? FileName, SessionKey Session) WithPassphrase(byte[] message, string passphrase)
    {
        MessageEnvelope envelope = MessageEnvelope.Read(new MemoryStream(message));
        SessionKey session = envelope.Leading.Select(p => p.Passphrase?.TryDecrypt(Encoding.UTF8.GetBytes(passphrase), envelope.Cipher))
            .FirstOrDefault(s => s is not null)
            ?? throw new CryptoException(CryptoFailure.WrongPassphrase, "No passphrase packet opens.");
        return Open(envelope, session);
    }

    private static (byte[] Plaintext, string? FileName, SessionKey Session) Open(MessageEnvelope envelope, SessionKey session)
    {
        using var sink = new MemoryStream();
        using Stream payload = envelope.Version == 1
            ? new SeipdReader(envelope.PayloadBody, CfbCipher.Create(session))
            : new SeipdV2Reader(envelope.PayloadBody, envelope.V2Parameters(session));
        string? name = InnerPackets.CopyLiteral(payload, data => sink.Write(data));
        ((IPayloadReader?)(payload as SeipdV2Reader))?.ReadToEndAndVerify();
        (payload as SeipdReader)?.ReadToEndAndVerify();
        return (sink.ToArray(), name, session);
    }
}
