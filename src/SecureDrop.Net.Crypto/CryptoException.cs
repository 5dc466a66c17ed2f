namespace SecureDrop.Net.Crypto;

/// <summary>
/// The one failure type of this library. <see cref="Reason"/> says what kind of failure it is, for callers that
/// decide what to do next (ask for a passphrase, try another key, refuse): no caller reads <see cref="Exception.Message"/>
/// to decide. The message is plain English that says what is wrong with the input (a key, a message, sealed data)
/// and is safe to show to an operator; it never carries key material or plaintext. Library internals (BouncyCastle
/// exceptions) appear at most as <see cref="Exception.InnerException"/>, so callers never depend on them.
/// </summary>
public sealed class CryptoException : Exception
{
    /// <summary>Creates an exception with its reason and a plain message.</summary>
    public CryptoException(CryptoFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with its reason, a plain message and the internal cause.</summary>
    public CryptoException(CryptoFailure reason, string message, Exception inner)
        : base(message, inner)
    {
        Reason = reason;
    }

    /// <summary>What kind of failure this is.</summary>
    public CryptoFailure Reason { get; }
}
