using System.Runtime.ExceptionServices;

namespace SecureDrop.Net.Crypto;

/// <summary>
/// A dedicated thread for one stage of a SEIPD pipeline (reading and decrypting, hashing, the CFB chain). It runs
/// <c>work</c> to the end, then closes the channel it feeds; a failure is handed down that channel instead, so the
/// caller's thread rethrows it.
/// </summary>
/// <remarks>
/// A dedicated thread rather than the thread pool: a large message keeps it busy for seconds, and the caller
/// blocks on it synchronously (the packet writers and readers are synchronous streams). Only messages larger than
/// one segment start stages; a short tip runs inline on the caller's thread.
/// </remarks>
internal static class StageThread
{
    public static Thread Start(string name, Action work, SegmentChannel downstream)
    {
        var thread = new Thread(() =>
        {
            try
            {
                work();
                downstream.Close();
            }
#pragma warning disable CA1031 // Any failure is handed to the caller's thread, which rethrows it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                downstream.Fail(ExceptionDispatchInfo.Capture(e));
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return thread;
    }
}
