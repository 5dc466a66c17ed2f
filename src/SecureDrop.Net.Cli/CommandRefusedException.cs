namespace SecureDrop.Net.Cli;

/// <summary>
/// A command refused for what the operator typed (an unknown admin, a disabled account, two passphrases that
/// differ): printed as one line by <see cref="Sdnet.GuardAsync"/>, exit code 1, nothing changed.
/// </summary>
internal sealed class CommandRefusedException : Exception
{
    public CommandRefusedException(string message)
        : base(message)
    {
    }

    public CommandRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommandRefusedException()
    {
    }
}
