namespace SecureDrop.Net.Crypto;

/// <summary>
/// The one failure type of this library. Its message is plain English that says what is wrong with the input
/// (a key, a message, sealed data) and is safe to show to an operator; it never carries key material or plaintext.
/// Library internals (BouncyCastle exceptions) appear at most as <see cref="Exception.InnerException"/>, so callers
/// never depend on them.
/// </summary>
public sealed class CryptoException : Exception
{
    /// <summary>Creates an exception with a plain message.</summary>
    public CryptoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a plain message and the internal cause.</summary>
    public CryptoException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
