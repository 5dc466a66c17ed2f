using System.Runtime;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// Gives the memory a burst of requests left behind back to the system once the front end goes quiet: when no
/// request has been in flight for a second and the process has allocated at least 1 MiB since it last did so, one
/// compacting full collection that also returns the GC's free regions to the kernel.
/// </summary>
/// <remarks>
/// The .NET GC never collects an idle process, and it keeps the regions a burst made it commit for the next one:
/// after forty small uploads the front end held 45–60 MiB of GC memory with 15 MiB live (benchmarks/RESULTS.md), and a
/// large upload that followed stacked its own working memory on top. A tip line is idle most of the time; the
/// collection costs a few tens of milliseconds of one core (the front end holds ~15 MiB in ~80,000 live objects; a
/// heap of 25 MiB in 150,000 took 23–36 ms here), at most once per quiet spell, never while a request is in flight.
/// The 1 MiB floor keeps a monitoring probe every few seconds from paying it.
/// </remarks>
internal sealed class IdleMemoryTrim : BackgroundService
{
    /// <summary>How long no request may have been in flight before the front end counts as quiet.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    /// <summary>Allocations since the last trim below which there is too little to give back to be worth a collection.</summary>
    public const long MinimumAllocatedBytes = 1024 * 1024;

    private readonly TimeProvider _time;
    private readonly Func<long> _allocatedBytes;
    private readonly Action _returnMemory;
    private readonly PeriodicTimer _timer;
    private int _inFlight;
    private long _lastRequestEnd;
    private long _allocatedAtLastTrim;
    private int _trims;
    private int _checks;

    public IdleMemoryTrim(TimeProvider time)
        : this(time, () => GC.GetTotalAllocatedBytes(), ReturnMemory)
    {
    }

    /// <summary>With the allocation counter and the collection replaced, for tests that drive the clock.</summary>
    internal IdleMemoryTrim(TimeProvider time, Func<long> allocatedBytes, Action returnMemory)
    {
        _time = time;
        _allocatedBytes = allocatedBytes;
        _returnMemory = returnMemory;
        _lastRequestEnd = time.GetTimestamp();
        _allocatedAtLastTrim = allocatedBytes();
        // Started here rather than in ExecuteAsync, which the host runs later on a pool thread: the clock's ticks
        // count from construction.
        _timer = new PeriodicTimer(Quiet, time);
    }

    /// <summary>How many times the front end has given memory back (tests watch it).</summary>
    public int Trims => Volatile.Read(ref _trims);

    /// <summary>How many times it has looked whether the front end is quiet (once a second).</summary>
    public int Checks => Volatile.Read(ref _checks);

    /// <summary>Counts a request in flight until it ends, however it ends.</summary>
    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Interlocked.Increment(ref _inFlight);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _lastRequestEnd, _time.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _inFlight) == 0
                    && _time.GetElapsedTime(Volatile.Read(ref _lastRequestEnd)) >= Quiet
                    && _allocatedBytes() - _allocatedAtLastTrim >= MinimumAllocatedBytes)
                {
                    _returnMemory();
                    _allocatedAtLastTrim = _allocatedBytes();
                    Interlocked.Increment(ref _trims);
                }

                Interlocked.Increment(ref _checks);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    /// <summary>A compacting collection of every generation, the large object heap included, that decommits what it frees.</summary>
    public static void ReturnMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}

internal static class IdleMemoryTrimExtensions
{
    public static IServiceCollection AddIdleMemoryTrim(this IServiceCollection services)
    {
        services.AddSingleton<IdleMemoryTrim>();
        services.AddHostedService(provider => provider.GetRequiredService<IdleMemoryTrim>());
        return services;
    }

    /// <summary>First in the pipeline, so that every request the app sees counts as activity.</summary>
    public static IApplicationBuilder UseIdleMemoryTrim(this IApplicationBuilder app)
    {
        var trim = app.ApplicationServices.GetRequiredService<IdleMemoryTrim>();
        return app.Use(trim.TrackAsync);
    }
}
