using Org.BouncyCastle.Bcpg;

namespace SecureDrop.Net.Crypto;

/// <summary>Accepts OpenPGP data either binary or ASCII-armored, as gpg, sq and gosop all emit both.</summary>
internal static class OpenPgpInput
{
    /// <summary>
    /// Returns a stream of binary packets. A binary packet header always has its top bit set (RFC 4880 §4.2);
    /// anything else is treated as armor, and malformed armor surfaces later as a parse failure.
    /// The returned stream does not own <paramref name="input"/>.
    /// </summary>
    public static Stream Unarmor(Stream input) => Unarmor(input, out _);

    /// <inheritdoc cref="Unarmor(Stream)"/>
    /// <param name="input">The data, positioned at its start.</param>
    /// <param name="armored">Whether the data was armored. An armored stream ends at the first END line, so the
    /// caller must look at what follows it with <see cref="NextNonWhitespace"/>.</param>
    public static Stream Unarmor(Stream input, out bool armored)
    {
        int first = input.ReadByte();
        return first < 0
            ? throw new CryptoException(CryptoFailure.Malformed, "The input is empty: no OpenPGP data.")
            : Open((byte)first, input, out armored);
    }

    /// <summary>Continues after an armor block whose first byte, <paramref name="first"/>, was already read.</summary>
    public static Stream Open(byte first, Stream input, out bool armored)
    {
        var replay = new ReplayStream(first, input);
        armored = (first & 0x80) == 0;
        return armored ? new ArmoredInputStream(replay) : replay;
    }

    /// <summary>Skips white space and returns the next byte, or -1 at the end of the input.</summary>
    public static int NextNonWhitespace(Stream input)
    {
        int next;
        do
        {
            next = input.ReadByte();
        }
        while (next is ' ' or '\t' or '\r' or '\n');

        return next;
    }

    /// <summary>
    /// BouncyCastle reports malformed input through an open set of exception types (IOException, PgpException,
    /// ArgumentException, InvalidCastException, IndexOutOfRangeException and more). All of them mean "bad input"
    /// to our callers; only our own exception and fatal runtime conditions pass through untouched.
    /// </summary>
    public static bool IsLibraryFailure(Exception exception) =>
        exception is not (CryptoException or OutOfMemoryException or InsufficientExecutionStackException
            or OperationCanceledException or ObjectDisposedException);
}
