namespace SecureDrop.Net.Crypto;

/// <summary>A signature packet as read, parsed.</summary>
internal sealed record SignatureEntry(RawPacket Packet, KeySignature Signature);

/// <summary>The primary key or a subkey: its packet as read (public or secret), parsed, and the signatures after it.</summary>
internal sealed class KeyComponent(RawPacket packet, KeyPacket key, SecretKeyPart? secret)
{
    public RawPacket Packet { get; } = packet;

    public KeyPacket Key { get; } = key;

    /// <summary>The secret part, or null for a public key packet.</summary>
    public SecretKeyPart? Secret { get; } = secret;

    public List<SignatureEntry> Signatures { get; } = [];

    /// <summary>The public key packet this component publishes: the packet itself, or a secret one's public part.</summary>
    public RawPacket PublicPacket => Secret is null ? Packet : Packet.WithBody(Packet.Tag == 5 ? 6 : 14, Key.Body);
}

/// <summary>A user id (tag 13) or user attribute (tag 17) and its certifications.</summary>
internal sealed class UserIdComponent(RawPacket packet)
{
    public RawPacket Packet { get; } = packet;

    public bool IsAttribute => Packet.Tag == 17;

    public List<SignatureEntry> Signatures { get; } = [];
}

/// <summary>
/// A transferable public or secret key (RFC 9580 §10.1, §10.2): the primary key with its direct signatures, user
/// ids and subkeys, each with its signatures, in the order read. Trust, marker and padding packets are dropped;
/// everything else is written back exactly as it came.
/// </summary>
internal sealed class TransferableKey
{
    private TransferableKey(KeyComponent primary)
    {
        Primary = primary;
    }

    public KeyComponent Primary { get; }

    public List<SignatureEntry> DirectSignatures => Primary.Signatures;

    public List<UserIdComponent> UserIds { get; } = [];

    public List<KeyComponent> Subkeys { get; } = [];

    /// <summary>Whether the key was read from secret key packets (tag 5).</summary>
    public bool IsSecret => Primary.Secret is not null;

    public IEnumerable<KeyComponent> AllKeys => [Primary, .. Subkeys];

    /// <summary>Splits packets into keys; a primary key packet starts each.</summary>
    /// <exception cref="CryptoException">Packets that do not belong in a key, or a key packet that cannot be read.</exception>
    public static List<TransferableKey> ReadAll(IEnumerable<RawPacket> packets)
    {
        var keys = new List<TransferableKey>();
        TransferableKey? current = null;
        List<SignatureEntry>? signatures = null;
        foreach (RawPacket packet in packets)
        {
            switch (packet.Tag)
            {
                case 5 or 6:
                    current = new TransferableKey(Component(packet));
                    keys.Add(current);
                    signatures = current.Primary.Signatures;
                    break;
                case 7 or 14:
                    KeyComponent subkey = Component(packet);
                    Require(current).Subkeys.Add(subkey);
                    signatures = subkey.Signatures;
                    break;
                case 13 or 17:
                    var userId = new UserIdComponent(packet);
                    Require(current).UserIds.Add(userId);
                    signatures = userId.Signatures;
                    break;
                case 2:
                    Require(current);
                    signatures!.Add(new SignatureEntry(packet, KeySignature.Parse(packet.Body)));
                    break;
                case 10 or 12 or 21:
                    // Marker, trust (our keyring's opinion, not the key's) and padding packets carry nothing for us.
                    break;
                case >= 40 and <= 59:
                    // RFC 9580 §4.3: packet types 40–59 are non-critical and may be ignored.
                    break;
                default:
                    throw new CryptoException(CryptoFailure.WrongKind, "The data is OpenPGP but not a key (it holds other packets).");
            }
        }

        return keys;
    }

    /// <summary>The transferable public key: every packet as read, secret key packets replaced by their public part.</summary>
    public byte[] EncodePublic()
    {
        using var output = new MemoryStream();
        Write(output, component => component.PublicPacket);
        return output.ToArray();
    }

    /// <summary>Writes every packet, key packets as <paramref name="keyPacket"/> gives them.</summary>
    public void Write(Stream output, Func<KeyComponent, RawPacket> keyPacket)
    {
        keyPacket(Primary).WriteTo(output);
        WriteSignatures(output, Primary.Signatures);
        foreach (UserIdComponent userId in UserIds)
        {
            userId.Packet.WriteTo(output);
            WriteSignatures(output, userId.Signatures);
        }

        foreach (KeyComponent subkey in Subkeys)
        {
            keyPacket(subkey).WriteTo(output);
            WriteSignatures(output, subkey.Signatures);
        }
    }

    private static void WriteSignatures(Stream output, List<SignatureEntry> signatures)
    {
        foreach (SignatureEntry signature in signatures)
        {
            signature.Packet.WriteTo(output);
        }
    }

    private static KeyComponent Component(RawPacket packet)
    {
        if (packet.Tag is 5 or 7)
        {
            SecretKeyPart secret = SecretKeyPart.Parse(packet.Body);
            return new KeyComponent(packet, secret.Key, secret);
        }

        return new KeyComponent(packet, KeyPacket.Parse(packet.Body, secret: false, out _), null);
    }

    private static TransferableKey Require(TransferableKey? current) =>
        current ?? throw new CryptoException(CryptoFailure.Malformed, "The data is not a readable OpenPGP key: it does not start with a key packet.");
}
