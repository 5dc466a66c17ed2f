namespace SecureDrop.Net.Fuzz;

/// <summary>
/// SplitMix64: a small seeded generator, so a mutation run is reproducible from its seed (System.Random is banned in
/// this codebase, and fuzzing needs repeatable, not secret, randomness).
/// </summary>
internal sealed class SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Below(int bound) => bound <= 0 ? 0 : (int)(Next() % (ulong)bound);
}

/// <summary>Coverage-free mutations in the style of AFL's havoc stage: bit flips, interesting values, splices.</summary>
internal static class Mutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x0A, 0x0D, 0x2D, 0x22, 0x3B, 0x3D, 0x20, 0xC0, 0xE0, 0xF0];
    private static readonly byte[][] Tokens =
    [
        "\r\n"u8.ToArray(), "--XyZ"u8.ToArray(), "--XyZ--"u8.ToArray(), "\r\n\r\n"u8.ToArray(),
        "Content-Disposition: form-data; name=\"files\"; filename=\""u8.ToArray(), "name=\"message\""u8.ToArray(),
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"u8.ToArray(), "-----END PGP MESSAGE-----"u8.ToArray(), "="u8.ToArray(),
        [0xFF, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0x00], [0xC2, 0x80], [0xE2, 0x80, 0x8B], [0xF0, 0x9F, 0x98, 0x80],
    ];

    public static byte[] Mutate(byte[] input, IReadOnlyList<byte[]> pool, SplitMix64 random, int maxBytes)
    {
        var data = new List<byte>(input);
        var rounds = 1 + random.Below(6);
        for (var round = 0; round < rounds; round++)
        {
            switch (random.Below(10))
            {
                case 0 when data.Count > 0:
                    var bit = random.Below(data.Count * 8);
                    data[bit / 8] ^= (byte)(1 << (bit % 8));
                    break;
                case 1 when data.Count > 0:
                    data[random.Below(data.Count)] = Interesting[random.Below(Interesting.Length)];
                    break;
                case 2 when data.Count > 0:
                    data[random.Below(data.Count)] = (byte)random.Next();
                    break;
                case 3:
                    var insert = new byte[1 + random.Below(16)];
                    for (var i = 0; i < insert.Length; i++)
                    {
                        insert[i] = (byte)random.Next();
                    }

                    data.InsertRange(random.Below(data.Count + 1), insert);
                    break;
                case 4 when data.Count > 1:
                    var start = random.Below(data.Count);
                    data.RemoveRange(start, 1 + random.Below(Math.Min(64, data.Count - start)));
                    break;
                case 5 when data.Count > 1:
                    var from = random.Below(data.Count);
                    var length = 1 + random.Below(Math.Min(256, data.Count - from));
                    data.InsertRange(random.Below(data.Count + 1), data.GetRange(from, length));
                    break;
                case 6 when pool.Count > 0:
                    var other = pool[random.Below(pool.Count)];
                    if (other.Length > 0)
                    {
                        var otherStart = random.Below(other.Length);
                        var count = 1 + random.Below(Math.Min(1024, other.Length - otherStart));
                        data.InsertRange(random.Below(data.Count + 1), other.AsSpan(otherStart, count).ToArray());
                    }

                    break;
                case 7 when data.Count > 0:
                    var keep = random.Below(data.Count);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                case 8:
                    data.InsertRange(random.Below(data.Count + 1), Tokens[random.Below(Tokens.Length)]);
                    break;
                default:
                    if (data.Count >= 4)
                    {
                        // A length or count field set to an edge value, big-endian as OpenPGP writes them.
                        var at = random.Below(data.Count - 3);
                        var value = random.Below(4) switch { 0 => 0u, 1 => 0xFFFFFFFFu, 2 => 0x7FFFFFFFu, _ => (uint)random.Below(70000) };
                        for (var i = 0; i < 4; i++)
                        {
                            data[at + i] = (byte)(value >> (24 - (8 * i)));
                        }
                    }

                    break;
            }
        }

        return data.Count > maxBytes ? [.. data.GetRange(0, maxBytes)] : [.. data];
    }
}
