using System.Buffers.Binary;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// Reads the fields of one packet body in order. Every read past the end throws <see cref="CryptoException"/>
/// with the message given at construction, so a truncated field reads as the damaged packet it is.
/// </summary>
internal sealed class BodyReader(byte[] body, string malformed)
{
    private int _at;

    public int Position => _at;

    public int Remaining => body.Length - _at;

    public byte[] Body => body;

    public int Octet()
    {
        Need(1);
        return body[_at++];
    }

    public int UInt16()
    {
        Need(2);
        int value = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(_at));
        _at += 2;
        return value;
    }

    public long UInt32()
    {
        Need(4);
        long value = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(_at));
        _at += 4;
        return value;
    }

    public byte[] Bytes(int count)
    {
        Need(count);
        byte[] value = body.AsSpan(_at, count).ToArray();
        _at += count;
        return value;
    }

    public ReadOnlySpan<byte> Span(int count)
    {
        Need(count);
        var value = new ReadOnlySpan<byte>(body, _at, count);
        _at += count;
        return value;
    }

    public byte[] Rest() => Bytes(Remaining);

    /// <summary>A multiprecision integer (RFC 9580 §3.2): its magnitude octets, without the two-octet bit count.</summary>
    public byte[] Mpi()
    {
        int bits = UInt16();
        return Bytes((bits + 7) / 8);
    }

    /// <summary>An MPI with its bit count, as it is hashed and checksummed.</summary>
    public ReadOnlySpan<byte> EncodedMpi()
    {
        Need(2);
        int bits = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(_at));
        return Span(2 + ((bits + 7) / 8));
    }

    /// <summary>An octet count then that many octets (curve OIDs, KDF parameters).</summary>
    public byte[] LengthPrefixed() => Bytes(Octet());

    public void End()
    {
        if (_at != body.Length)
        {
            throw new CryptoException(CryptoFailure.Malformed, malformed);
        }
    }

    private void Need(int count)
    {
        if (count < 0 || count > body.Length - _at)
        {
            throw new CryptoException(CryptoFailure.Malformed, malformed);
        }
    }
}
