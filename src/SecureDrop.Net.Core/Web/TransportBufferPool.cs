using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;

namespace SecureDrop.Net.Core.Web;

/// <summary>
/// Kestrel's buffers for the front end and the console: 64 KiB blocks instead of its default 4 KiB, cleared when
/// returned. The socket transport receives into one block at a time, so with 4 KiB blocks a 1 GiB upload costs a
/// quarter of a million receive calls, each waking the sender and the request's reader; with 64 KiB, sixteen times
/// fewer. The blocks carry request bodies in the front end (a source's plaintext before it is encrypted) and response
/// bodies in the console (decrypted downloads), so they are zeroed before reuse and only a bounded number are kept;
/// the rest go back to the garbage collector.
/// </summary>
public sealed class TransportBufferPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new TransportBufferPool();
}

public sealed class TransportBufferPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    // The front end's Kestrel buffers at most 1 MiB of a request body (KestrelHardening), the console 64 KiB of a
    // response (Kestrel's default): one busy connection's worth of either, 1 MiB kept at most.
    private const int MaxKeptBlocks = 16;

    private readonly ConcurrentQueue<byte[]> _free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            // Callers check MaxBufferSize first; should one not, it gets an unpooled array rather than a short one.
            return new Lease(new byte[minBufferSize], null);
        }

        return new Lease(_free.TryDequeue(out var block) ? block : GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), this);
    }

    protected override void Dispose(bool disposing)
    {
        while (_free.TryDequeue(out _))
        {
        }
    }

    private void Return(byte[] block)
    {
        CryptographicOperations.ZeroMemory(block);
        if (_free.Count < MaxKeptBlocks)
        {
            _free.Enqueue(block);
        }
    }

    private sealed class Lease(byte[] block, TransportBufferPool? pool) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block ?? throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            var block = Interlocked.Exchange(ref _block, null);
            if (block is null)
            {
                return;
            }

            if (pool is null)
            {
                CryptographicOperations.ZeroMemory(block);
            }
            else
            {
                pool.Return(block);
            }
        }
    }
}
