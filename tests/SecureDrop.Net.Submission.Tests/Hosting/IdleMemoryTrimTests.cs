using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using SecureDrop.Net.Submission.Hosting;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Hosting;

/// <summary>The front end gives memory back once it goes quiet, never while a request is in flight, and not for crumbs.</summary>
public sealed class IdleMemoryTrimTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private long _allocated;
    private int _collections;

    [Fact]
    public async Task QuietSecondAfterWork_GivesMemoryBackOnce()
    {
        using var trim = await StartAsync();
        await trim.TrackAsync(new DefaultHttpContext(), _ => Allocate(2 * 1024 * 1024));

        await TickAsync(trim);
        await TickAsync(trim);
        await TickAsync(trim);

        Assert.Equal(1, trim.Trims);
        Assert.Equal(1, _collections);
    }

    [Fact]
    public async Task RequestInFlight_IsNeverInterrupted_AndTheTrimFollowsItsEnd()
    {
        using var trim = await StartAsync();
        var release = new TaskCompletionSource();
        var request = trim.TrackAsync(new DefaultHttpContext(), async _ =>
        {
            await Allocate(8 * 1024 * 1024);
            await release.Task;
        });

        await TickAsync(trim);
        await TickAsync(trim);
        Assert.Equal(0, trim.Trims);

        release.SetResult();
        await request;
        await TickAsync(trim);

        Assert.Equal(1, trim.Trims);
    }

    [Fact]
    public async Task RequestThatJustEnded_WaitsForAWholeQuietSecond()
    {
        using var trim = await StartAsync();
        _clock.Advance(IdleMemoryTrim.Quiet / 2);
        await trim.TrackAsync(new DefaultHttpContext(), _ => Allocate(2 * 1024 * 1024));

        await TickAsync(trim, IdleMemoryTrim.Quiet / 2);
        Assert.Equal(0, trim.Trims);

        await TickAsync(trim);
        Assert.Equal(1, trim.Trims);
    }

    [Fact]
    public async Task LittleAllocated_IsNotWorthACollection()
    {
        using var trim = await StartAsync();
        await trim.TrackAsync(new DefaultHttpContext(), _ => Allocate(IdleMemoryTrim.MinimumAllocatedBytes - 1));

        await TickAsync(trim);
        await TickAsync(trim);

        Assert.Equal(0, trim.Trims);
        Assert.Equal(0, _collections);
    }

    [Fact]
    public async Task FrontEnd_AfterAnUpload_GivesMemoryBackWhenQuiet()
    {
        await using var host = await FrontEndHost.StartAsync();
        var trim = host.App.App.Services.GetRequiredService<IdleMemoryTrim>();
        using var source = new SourceClient(host.Address);
        await source.GenerateAndContinueAsync();
        var before = trim.Trims;

        using var response = await source.SubmitAsync("", ("notes.bin", new byte[4 * 1024 * 1024]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var clock = Stopwatch.StartNew();
        while (trim.Trims == before && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.True(trim.Trims > before, "The front end did not give memory back within 10 s of the upload.");
    }

    private async Task<IdleMemoryTrim> StartAsync()
    {
        var trim = new IdleMemoryTrim(_clock, () => Interlocked.Read(ref _allocated), () => Interlocked.Increment(ref _collections));
        await trim.StartAsync(CancellationToken.None);
        return trim;
    }

    private Task Allocate(long bytes)
    {
        Interlocked.Add(ref _allocated, bytes);
        return Task.CompletedTask;
    }

    /// <summary>Moves the clock on (one period by default) and waits until the trim has looked at the moment.</summary>
    private async Task TickAsync(IdleMemoryTrim trim, TimeSpan? by = null)
    {
        var checks = trim.Checks;
        _clock.Advance(by ?? IdleMemoryTrim.Quiet);
        var clock = Stopwatch.StartNew();
        while (trim.Checks == checks && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }

        Assert.True(trim.Checks > checks, "The trim did not look at the clock's tick.");
    }
}
