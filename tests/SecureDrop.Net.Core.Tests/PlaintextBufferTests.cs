using System.Runtime.InteropServices;
using SecureDrop.Net.Custody.Submissions;

namespace SecureDrop.Net.Core.Tests;

/// <summary>
/// The buffer a message's plaintext is decrypted into for a page (issue 20): no copy is left behind when it grows
/// or when it is disposed. The arrays stay alive in the shared pool afterwards, so they can be looked at; their sizes
/// (1 and 2 MiB) are ones that little else rents, so no other test's thread takes them in between.
/// </summary>
public sealed class PlaintextBufferTests
{
    [Fact]
    public void Dispose_ZeroesWhatWasWritten()
    {
        var buffer = new PlaintextBuffer(1536 * 1024);
        buffer.Write("the source's message"u8);
        var written = View(buffer);
        Assert.Equal("the source's message"u8.ToArray(), written.ToArray());

        buffer.Dispose();

        Assert.Equal(-1, written.IndexOfAnyExcept((byte)0));
    }

    [Fact]
    public void Growing_ZeroesTheBufferItLeaves_AndKeepsEverythingWritten()
    {
        using var buffer = new PlaintextBuffer(768 * 1024);
        var first = Enumerable.Repeat((byte)'a', 1024 * 1024).ToArray();
        buffer.Write(first.AsSpan(0, 1000));
        var outgrown = View(buffer);

        buffer.Write(first.AsSpan(1000));
        buffer.Write(new byte[5000]);

        Assert.Equal(-1, outgrown.IndexOfAnyExcept((byte)0));
        Assert.Equal(first.Length + 5000, buffer.Written.Length);
        Assert.Equal(first, buffer.Written[..first.Length].ToArray());
    }

    private static ReadOnlySpan<byte> View(PlaintextBuffer buffer) =>
        MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetReference(buffer.Written), buffer.Written.Length);
}
