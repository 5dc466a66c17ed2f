namespace SecureDrop.Net.Fuzz;

/// <summary>
/// One parser that sees attacker bytes. <see cref="Run"/> feeds it one input; it throws
/// <see cref="FuzzFinding"/> when an invariant breaks, and lets any exception through that
/// <see cref="IsDocumented"/> does not accept, so both the mutation driver and AFL count it as a crash.
/// </summary>
internal abstract class FuzzTarget : IDisposable
{
    public abstract string Name { get; }

    /// <summary>Inputs longer than this are cut: the parsers' limits are tested elsewhere, coverage is sought here.</summary>
    public virtual int MaxInputBytes => 64 * 1024;

    public abstract void Run(byte[] input);

    /// <summary>What the last accepted input led to (a status, a word count), to tell new behaviour from old.</summary>
    public string Outcome { get; protected set; } = "accepted";

    /// <summary>The failures the parser documents for bad input (e.g. CryptoException); anything else is a finding.</summary>
    public virtual bool IsDocumented(Exception exception) => false;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    public static FuzzTarget Create(string name) => name switch
    {
        "public-key" => new PublicKeyTarget(),
        "secret-key" => new SecretKeyTarget(),
        "message" => new MessageTarget(),
        "codename" => new CodenameTarget(),
        "multipart" => new MultipartTarget(),
        _ => throw new ArgumentException($"Unknown target '{name}'. Targets: {string.Join(", ", Names)}."),
    };

    public static IReadOnlyList<string> Names { get; } = ["public-key", "secret-key", "message", "codename", "multipart"];
}

/// <summary>An invariant of a target broke on an input (not an exception the parser threw).</summary>
internal sealed class FuzzFinding : Exception
{
    public FuzzFinding()
    {
    }

    public FuzzFinding(string message)
        : base(message)
    {
    }

    public FuzzFinding(string message, Exception inner)
        : base(message, inner)
    {
    }
}
