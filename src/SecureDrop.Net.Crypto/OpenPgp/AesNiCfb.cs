using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// AES-256 in CFB-128 encryption with the AES-NI instructions directly: the one place we run AES ourselves.
/// </summary>
/// <remarks>
/// Why not the library: CFB encryption is a serial chain (each block is encrypted from the previous ciphertext
/// block), so its speed is the latency of one block encryption after another. .NET hands CFB to OpenSSL, whose
/// CFB-128 mode is a generic C loop calling the block function through a pointer for every 16 bytes, reloading the
/// key schedule each time: ~520 MiB per CPU second on this machine's Xeon. Here the fifteen round keys stay in
/// registers and the loop is fourteen dependent <c>aesenc</c> and one XOR per block: ~900 MiB per CPU second,
/// measured the same way (benchmarks/RESULTS.md). That chain is what bounds encrypting a large upload.
/// The bytes are the standard's; a known-answer test checks them against .NET's <c>EncryptCfb</c> and the
/// interoperability tests against gpg, sqop and gosop. Used only when <see cref="AesNi.IsSupported"/>; every other
/// key size stays on .NET's implementation. Decryption has no chain (<see cref="Decrypt"/>): eight blocks run
/// interleaved, the keystream XORed in as it comes out, in one pass.
/// </remarks>
internal static class AesNiCfb
{
    public const int RoundKeyBytes = 15 * 16;

    public static bool IsSupported => AesNi.IsSupported && Sse2.IsSupported;

    /// <summary>The AES-256 key schedule (FIPS 197 §5.2), 15 round keys of 16 bytes, into <paramref name="roundKeys"/>.</summary>
    public static void ExpandKey(ReadOnlySpan<byte> key, Span<byte> roundKeys)
    {
        if (key.Length != 32 || roundKeys.Length != RoundKeyBytes)
        {
            throw new ArgumentException("AES-256 needs a 32-byte key and room for 15 round keys.", nameof(key));
        }

        var even = Vector128.Create(key[..16]);
        var odd = Vector128.Create(key[16..]);
        even.CopyTo(roundKeys);
        odd.CopyTo(roundKeys[16..]);

        // The round constant must be an immediate operand of aeskeygenassist, hence one call per round.
        Next(ref even, ref odd, AesNi.KeygenAssist(odd, 0x01), roundKeys, 2);
        Next(ref even, ref odd, AesNi.KeygenAssist(odd, 0x02), roundKeys, 4);
        Next(ref even, ref odd, AesNi.KeygenAssist(odd, 0x04), roundKeys, 6);
        Next(ref even, ref odd, AesNi.KeygenAssist(odd, 0x08), roundKeys, 8);
        Next(ref even, ref odd, AesNi.KeygenAssist(odd, 0x10), roundKeys, 10);
        Next(ref even, ref odd, AesNi.KeygenAssist(odd, 0x20), roundKeys, 12);
        even = Spread(even) ^ Sse2.Shuffle(AesNi.KeygenAssist(odd, 0x40).AsUInt32(), 0xFF).AsByte();
        even.CopyTo(roundKeys[(14 * 16)..]);
    }

    /// <summary>
    /// Encrypts whole blocks of <paramref name="input"/> into <paramref name="output"/> (which may be the same
    /// memory) and leaves the last ciphertext block in <paramref name="iv"/> for the next call.
    /// </summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encrypt(ReadOnlySpan<byte> roundKeys, ReadOnlySpan<byte> input, Span<byte> output, Span<byte> iv)
    {
        if (input.Length % 16 != 0 || output.Length < input.Length || roundKeys.Length != RoundKeyBytes || iv.Length != 16)
        {
            throw new ArgumentException("Whole blocks only, with room for the output.", nameof(input));
        }

        ref byte keys = ref MemoryMarshal.GetReference(roundKeys);
        var k0 = Vector128.LoadUnsafe(ref keys, 0);
        var k1 = Vector128.LoadUnsafe(ref keys, 16);
        var k2 = Vector128.LoadUnsafe(ref keys, 32);
        var k3 = Vector128.LoadUnsafe(ref keys, 48);
        var k4 = Vector128.LoadUnsafe(ref keys, 64);
        var k5 = Vector128.LoadUnsafe(ref keys, 80);
        var k6 = Vector128.LoadUnsafe(ref keys, 96);
        var k7 = Vector128.LoadUnsafe(ref keys, 112);
        var k8 = Vector128.LoadUnsafe(ref keys, 128);
        var k9 = Vector128.LoadUnsafe(ref keys, 144);
        var k10 = Vector128.LoadUnsafe(ref keys, 160);
        var k11 = Vector128.LoadUnsafe(ref keys, 176);
        var k12 = Vector128.LoadUnsafe(ref keys, 192);
        var k13 = Vector128.LoadUnsafe(ref keys, 208);
        var k14 = Vector128.LoadUnsafe(ref keys, 224);

        ref byte source = ref MemoryMarshal.GetReference(input);
        ref byte target = ref MemoryMarshal.GetReference(output);
        var feedback = Vector128.Create((ReadOnlySpan<byte>)iv);
        for (nuint at = 0, end = (nuint)input.Length; at < end; at += 16)
        {
            var state = feedback ^ k0;
            state = AesNi.Encrypt(state, k1);
            state = AesNi.Encrypt(state, k2);
            state = AesNi.Encrypt(state, k3);
            state = AesNi.Encrypt(state, k4);
            state = AesNi.Encrypt(state, k5);
            state = AesNi.Encrypt(state, k6);
            state = AesNi.Encrypt(state, k7);
            state = AesNi.Encrypt(state, k8);
            state = AesNi.Encrypt(state, k9);
            state = AesNi.Encrypt(state, k10);
            state = AesNi.Encrypt(state, k11);
            state = AesNi.Encrypt(state, k12);
            state = AesNi.Encrypt(state, k13);
            state = AesNi.EncryptLast(state, k14);
            feedback = state ^ Vector128.LoadUnsafe(ref source, at);
            feedback.StoreUnsafe(ref target, at);
        }

        feedback.CopyTo(iv);
    }

    /// <summary>
    /// Decrypts whole blocks: <paramref name="previousAndCiphertext"/> is the ciphertext block before the first one
    /// (the IV at the start of the stream) followed by the ciphertext, and block i of <paramref name="output"/>
    /// becomes E(C[i-1]) XOR C[i]. No block depends on another's result, so eight run interleaved and the
    /// keystream is never stored: one pass instead of an ECB pass and an XOR pass.
    /// </summary>
    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Decrypt(ReadOnlySpan<byte> roundKeys, ReadOnlySpan<byte> previousAndCiphertext, Span<byte> output)
    {
        int length = previousAndCiphertext.Length - 16;
        if (length < 0 || length % 16 != 0 || output.Length < length || roundKeys.Length != RoundKeyBytes)
        {
            throw new ArgumentException("Whole blocks only, after the previous block, with room for the output.", nameof(previousAndCiphertext));
        }

        ref byte keys = ref MemoryMarshal.GetReference(roundKeys);
        var k0 = Vector128.LoadUnsafe(ref keys, 0);
        var k1 = Vector128.LoadUnsafe(ref keys, 16);
        var k2 = Vector128.LoadUnsafe(ref keys, 32);
        var k3 = Vector128.LoadUnsafe(ref keys, 48);
        var k4 = Vector128.LoadUnsafe(ref keys, 64);
        var k5 = Vector128.LoadUnsafe(ref keys, 80);
        var k6 = Vector128.LoadUnsafe(ref keys, 96);
        var k7 = Vector128.LoadUnsafe(ref keys, 112);
        var k8 = Vector128.LoadUnsafe(ref keys, 128);
        var k9 = Vector128.LoadUnsafe(ref keys, 144);
        var k10 = Vector128.LoadUnsafe(ref keys, 160);
        var k11 = Vector128.LoadUnsafe(ref keys, 176);
        var k12 = Vector128.LoadUnsafe(ref keys, 192);
        var k13 = Vector128.LoadUnsafe(ref keys, 208);
        var k14 = Vector128.LoadUnsafe(ref keys, 224);

        ref byte source = ref MemoryMarshal.GetReference(previousAndCiphertext);
        ref byte target = ref MemoryMarshal.GetReference(output);
        nuint end = (nuint)length;
        nuint at = 0;
        for (; at + 128 <= end; at += 128)
        {
            var s0 = Vector128.LoadUnsafe(ref source, at) ^ k0;
            var s1 = Vector128.LoadUnsafe(ref source, at + 16) ^ k0;
            var s2 = Vector128.LoadUnsafe(ref source, at + 32) ^ k0;
            var s3 = Vector128.LoadUnsafe(ref source, at + 48) ^ k0;
            var s4 = Vector128.LoadUnsafe(ref source, at + 64) ^ k0;
            var s5 = Vector128.LoadUnsafe(ref source, at + 80) ^ k0;
            var s6 = Vector128.LoadUnsafe(ref source, at + 96) ^ k0;
            var s7 = Vector128.LoadUnsafe(ref source, at + 112) ^ k0;
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k1);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k2);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k3);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k4);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k5);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k6);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k7);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k8);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k9);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k10);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k11);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k12);
            Round(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, k13);
            (AesNi.EncryptLast(s0, k14) ^ Vector128.LoadUnsafe(ref source, at + 16)).StoreUnsafe(ref target, at);
            (AesNi.EncryptLast(s1, k14) ^ Vector128.LoadUnsafe(ref source, at + 32)).StoreUnsafe(ref target, at + 16);
            (AesNi.EncryptLast(s2, k14) ^ Vector128.LoadUnsafe(ref source, at + 48)).StoreUnsafe(ref target, at + 32);
            (AesNi.EncryptLast(s3, k14) ^ Vector128.LoadUnsafe(ref source, at + 64)).StoreUnsafe(ref target, at + 48);
            (AesNi.EncryptLast(s4, k14) ^ Vector128.LoadUnsafe(ref source, at + 80)).StoreUnsafe(ref target, at + 64);
            (AesNi.EncryptLast(s5, k14) ^ Vector128.LoadUnsafe(ref source, at + 96)).StoreUnsafe(ref target, at + 80);
            (AesNi.EncryptLast(s6, k14) ^ Vector128.LoadUnsafe(ref source, at + 112)).StoreUnsafe(ref target, at + 96);
            (AesNi.EncryptLast(s7, k14) ^ Vector128.LoadUnsafe(ref source, at + 128)).StoreUnsafe(ref target, at + 112);
        }

        for (; at < end; at += 16)
        {
            var state = Vector128.LoadUnsafe(ref source, at) ^ k0;
            state = AesNi.Encrypt(state, k1);
            state = AesNi.Encrypt(state, k2);
            state = AesNi.Encrypt(state, k3);
            state = AesNi.Encrypt(state, k4);
            state = AesNi.Encrypt(state, k5);
            state = AesNi.Encrypt(state, k6);
            state = AesNi.Encrypt(state, k7);
            state = AesNi.Encrypt(state, k8);
            state = AesNi.Encrypt(state, k9);
            state = AesNi.Encrypt(state, k10);
            state = AesNi.Encrypt(state, k11);
            state = AesNi.Encrypt(state, k12);
            state = AesNi.Encrypt(state, k13);
            (AesNi.EncryptLast(state, k14) ^ Vector128.LoadUnsafe(ref source, at + 16)).StoreUnsafe(ref target, at);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref Vector128<byte> s0, ref Vector128<byte> s1, ref Vector128<byte> s2, ref Vector128<byte> s3,
        ref Vector128<byte> s4, ref Vector128<byte> s5, ref Vector128<byte> s6, ref Vector128<byte> s7, Vector128<byte> key)
    {
        s0 = AesNi.Encrypt(s0, key);
        s1 = AesNi.Encrypt(s1, key);
        s2 = AesNi.Encrypt(s2, key);
        s3 = AesNi.Encrypt(s3, key);
        s4 = AesNi.Encrypt(s4, key);
        s5 = AesNi.Encrypt(s5, key);
        s6 = AesNi.Encrypt(s6, key);
        s7 = AesNi.Encrypt(s7, key);
    }

    private static void Next(ref Vector128<byte> even, ref Vector128<byte> odd, Vector128<byte> assist, Span<byte> roundKeys, int index)
    {
        even = Spread(even) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        odd = Spread(odd) ^ Sse2.Shuffle(AesNi.KeygenAssist(even, 0x00).AsUInt32(), 0xAA).AsByte();
        even.CopyTo(roundKeys[(index * 16)..]);
        odd.CopyTo(roundKeys[((index + 1) * 16)..]);
    }

    // w[i] ^= w[i-1] ^ w[i-2] ^ w[i-3] within one round key: the running XOR of the key schedule.
    private static Vector128<byte> Spread(Vector128<byte> key) =>
        key ^ Sse2.ShiftLeftLogical128BitLane(key, 4) ^ Sse2.ShiftLeftLogical128BitLane(key, 8) ^ Sse2.ShiftLeftLogical128BitLane(key, 12);
}
