using System.Runtime.CompilerServices;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A read-only stream that, once <see cref="Target"/> is set, writes every byte it reads from the input to the
/// target, unchanged. Re-wrapping reads the payload through it to verify it while copying it verbatim.
/// </summary>
internal sealed class CopyingStream(Stream input) : ForwardOnlyReadStream
{
    public Stream? Target { get; set; }

    /// <summary>Whether writing to the target failed: that is the output's fault, not the message's.</summary>
    public bool TargetFailed { get; private set; }

    // Hot loop of a 1 GiB message: compile it optimized at once instead of starting in tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        int read = input.Read(buffer);
        if (read > 0 && Target is not null)
        {
            TargetFailed = true;
            Target.Write(buffer[..read]);
            TargetFailed = false;
        }

        return read;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }
}
