using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Benchmarks.FrontEnd;

/// <summary>
/// One large file through the real front end on loopback (HTTP, multipart, streaming encryption, intake on
/// disk), against the crypto core encrypting the same file to a file on the same disk; and the front end's peak
/// resident memory.
/// </summary>
internal static class UploadBenchmark
{
    public static async Task RunAsync(int mebibytes)
    {
        await using var instance = await BenchInstance.CreateAsync();
        var file = new FileInfo(Path.Combine(instance.Root, "upload.bin"));
        WriteRandomFile(file, mebibytes);

        // Each side runs twice: first as a freshly started process (what the figures before 2026-11-28 measured),
        // then again once the JIT has tiered up the code a large upload runs through, as a front end that has been
        // up for a while would be. The first 1 GiB upload after start-up pays ~1 s of CPU for the JIT's background
        // recompilation of the web stack; the in-process crypto core has far less code to warm up.
        var coreCold = EncryptWithCore(instance, file);
        var coreWarm = EncryptWithCore(instance, file);

        var (frontEnd, address) = await instance.StartFrontEndAsync();
        using var source = new BenchSource(address);
        await source.StartAsync();
        var startMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        BenchInstance.ResetPeakMemory(frontEnd);
        var idleMiB = BenchInstance.CurrentMemoryMiB(frontEnd);
        var steadyIdleMiB = 0.0;
        var uploadCold = await UploadAsync(source, frontEnd, file);
        var firstPeakMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        var warmUp = new FileInfo(Path.Combine(instance.Root, "warm-up.bin"));
        WriteRandomFile(warmUp, 1);
        for (var i = 0; i < WarmUpUploads; i++)
        {
            if (await source.SubmitAsync("", warmUp) != HttpStatusCode.OK)
            {
                throw new InvalidOperationException("A warm-up upload was refused.");
            }
        }

        var settled = await WaitUntilIdleAsync(frontEnd);
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var gc = GcReport.Read(instance.GcReportFile("serve-submission"));
        // The peak is the upload's own: reset right before it, after the front end has given back what the warm-up
        // left (it does so a second after going quiet; see IdleMemoryTrim).
        BenchInstance.ResetPeakMemory(frontEnd);
        steadyIdleMiB = BenchInstance.CurrentMemoryMiB(frontEnd);
        var uploadWarm = await UploadAsync(source, frontEnd, file);
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var allocated = GcReport.Read(instance.GcReportFile("serve-submission"))?.Allocated - gc?.Allocated;
        var peakMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        var stored = Directory.GetFiles(instance.Data.IntakeDirectory, "*.gpg").Length;
        if (stored != 2 + WarmUpUploads)
        {
            throw new InvalidOperationException($"Expected the {2 + WarmUpUploads} uploads in intake/, found {stored} item(s).");
        }

        Console.WriteLine($"file:                      {mebibytes} MiB of random bytes, uploaded twice; every item found encrypted in intake/");
        Report("first run after start-up", mebibytes, coreCold, uploadCold);
        Report($"steady state (after {WarmUpUploads} uploads of 1 MiB, started once the front end had been idle for 1 s; {settled.TotalSeconds:0.0} s of waiting)", mebibytes, coreWarm, uploadWarm);
        Console.WriteLine($"front end peak memory:     {firstPeakMiB:0} MiB resident during the first upload ({idleMiB:0} MiB before it, after sign-up), {peakMiB:0} MiB during the steady-state one ({steadyIdleMiB:0} MiB before it) (VmHWM, reset before each; target < 150 MiB)");
        Console.WriteLine($"                           of which private (anonymous + JIT code, sampled every 20 ms): peak {uploadCold.PrivatePeakMiB:0} MiB in the first upload, {uploadWarm.PrivatePeakMiB:0} MiB in the steady-state one; the rest is file-backed .dll/.so pages ({uploadCold.FileBackedMiB:0} / {uploadWarm.FileBackedMiB:0} MiB then)");
        Console.WriteLine($"                           before the steady-state upload: GC-committed {gc?.Committed:0} MiB, heap {gc?.Heap:0} MiB after the last collection, {gc?.LiveAfterGen2:0} MiB after the last full one ({gc?.Gen2Count} full collections); the steady-state upload allocated {allocated:0} MiB of managed objects");
        Console.WriteLine($"                           {startMiB:0} MiB peak before the uploads: start-up and one codename derivation (Argon2id, 64 MiB)");
    }

    private static Run EncryptWithCore(BenchInstance instance, FileInfo file)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var coreOutput = Path.Combine(instance.Root, "core.gpg");
        using (var output = File.Create(coreOutput))
        using (var input = file.OpenRead())
        using (var encryptor = MessageEncryptor.Open(output, instance.PublicKey, file.Name))
        {
            input.CopyTo(encryptor, 64 * 1024);
        }

        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        File.Delete(coreOutput);
        return new Run(clock.Elapsed, cpu, TimeSpan.Zero, 0, 0);
    }

    private static async Task<Run> UploadAsync(BenchSource source, Process frontEnd, FileInfo file)
    {
        frontEnd.Refresh();
        var serverCpu = frontEnd.TotalProcessorTime;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            // Every 20 ms: the largest private part (anonymous + JIT code) and the file-backed part at that moment.
            var peak = (Private: 0.0, FileBacked: 0.0);
            while (!done.IsCancellationRequested)
            {
                var (anonymous, shared, fileBacked) = BenchInstance.ResidentMiB(frontEnd);
                if (anonymous + shared > peak.Private)
                {
                    peak = (anonymous + shared, fileBacked);
                }

                await Task.Delay(20, CancellationToken.None);
            }

            return peak;
        });
        var status = await source.SubmitAsync("", file);
        clock.Stop();
        await done.CancelAsync();
        var (privatePeak, fileBackedThen) = await sampler;
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        frontEnd.Refresh();
        serverCpu = frontEnd.TotalProcessorTime - serverCpu;
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The upload was refused: {(int)status}.");
        }

        return new Run(clock.Elapsed, serverCpu, clientCpu, privatePeak, fileBackedThen);
    }

    // A front end that has served a few dozen requests has tiered up what runs once per request.
    private const int WarmUpUploads = 40;

    private static void Report(string label, int mebibytes, Run core, Run upload)
    {
        var coreRate = mebibytes / core.Wall.TotalSeconds;
        var uploadRate = mebibytes / upload.Wall.TotalSeconds;
        Console.WriteLine($"{label}:");
        Console.WriteLine($"  crypto core alone:       {core.Wall.TotalSeconds:0.00} s, {coreRate:0.0} MiB/s, {core.Cpu.TotalSeconds:0.0} s CPU (MessageEncryptor, file to file)");
        Console.WriteLine($"  through the front end:   {upload.Wall.TotalSeconds:0.00} s, {uploadRate:0.0} MiB/s, {upload.Cpu.TotalSeconds:0.0} s CPU in the front end + {upload.ClientCpu.TotalSeconds:0.0} s in the client (loopback HTTP/1.1, multipart, fsync'd into intake/)");
        Console.WriteLine($"  ratio:                   {uploadRate / coreRate * 100:0}% of the crypto core (target >= 80%)");
    }

    private sealed record Run(TimeSpan Wall, TimeSpan Cpu, TimeSpan ClientCpu, double PrivatePeakMiB, double FileBackedMiB);

    /// <summary>
    /// Waits (at most 60 s) until the front end has used under 2 % of a core for a whole second. After start-up
    /// the runtime recompiles the code that served the first requests in the background (hundreds of methods, the
    /// web stack's reflection and regular expressions); a front end that has been up for minutes has done so. A
    /// second upload started at once measured that backlog (~0.7 s of JIT CPU on these two cores) along with it.
    /// </summary>
    private static async Task<TimeSpan> WaitUntilIdleAsync(Process frontEnd)
    {
        var clock = Stopwatch.StartNew();
        frontEnd.Refresh();
        var before = frontEnd.TotalProcessorTime;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            frontEnd.Refresh();
            var now = frontEnd.TotalProcessorTime;
            if (now - before < TimeSpan.FromMilliseconds(20))
            {
                break;
            }

            before = now;
        }

        return clock.Elapsed;
    }

    private static void WriteRandomFile(FileInfo file, int mebibytes)
    {
        var buffer = new byte[1024 * 1024];
        using var output = file.Create();
        for (var i = 0; i < mebibytes; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            output.Write(buffer);
        }

        // On disk before anything is timed: left dirty, the kernel writes it back ~30 s later, in the middle of a run.
        output.Flush(flushToDisk: true);
    }
}
