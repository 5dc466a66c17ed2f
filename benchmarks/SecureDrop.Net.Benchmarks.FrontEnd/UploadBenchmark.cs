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
        var uploadCold = await UploadAsync(source, frontEnd, file);
        var firstPeakMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        var uploadWarm = await UploadAsync(source, frontEnd, file);
        var peakMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        var stored = Directory.GetFiles(instance.Data.IntakeDirectory, "*.gpg").Length;
        if (stored != 2)
        {
            throw new InvalidOperationException($"Expected the 2 uploads in intake/, found {stored} item(s).");
        }

        Console.WriteLine($"file:                      {mebibytes} MiB of random bytes, uploaded twice; both items found encrypted in intake/");
        Report("first run after start-up", mebibytes, coreCold, uploadCold);
        Report("second run (JIT warm)", mebibytes, coreWarm, uploadWarm);
        Console.WriteLine($"front end peak memory:     {firstPeakMiB:0} MiB resident during the first upload, {peakMiB:0} MiB over both (VmHWM, reset after sign-up; {idleMiB:0} MiB before them; target < 150 MiB)");
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
        return new Run(clock.Elapsed, cpu, TimeSpan.Zero);
    }

    private static async Task<Run> UploadAsync(BenchSource source, Process frontEnd, FileInfo file)
    {
        frontEnd.Refresh();
        var serverCpu = frontEnd.TotalProcessorTime;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var status = await source.SubmitAsync("", file);
        clock.Stop();
        clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
        frontEnd.Refresh();
        serverCpu = frontEnd.TotalProcessorTime - serverCpu;
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The upload was refused: {(int)status}.");
        }

        return new Run(clock.Elapsed, serverCpu, clientCpu);
    }

    private static void Report(string label, int mebibytes, Run core, Run upload)
    {
        var coreRate = mebibytes / core.Wall.TotalSeconds;
        var uploadRate = mebibytes / upload.Wall.TotalSeconds;
        Console.WriteLine($"{label}:");
        Console.WriteLine($"  crypto core alone:       {core.Wall.TotalSeconds:0.00} s, {coreRate:0.0} MiB/s, {core.Cpu.TotalSeconds:0.0} s CPU (MessageEncryptor, file to file)");
        Console.WriteLine($"  through the front end:   {upload.Wall.TotalSeconds:0.00} s, {uploadRate:0.0} MiB/s, {upload.Cpu.TotalSeconds:0.0} s CPU in the front end + {upload.ClientCpu.TotalSeconds:0.0} s in the client (loopback HTTP/1.1, multipart, fsync'd into intake/)");
        Console.WriteLine($"  ratio:                   {uploadRate / coreRate * 100:0}% of the crypto core (target >= 80%)");
    }

    private sealed record Run(TimeSpan Wall, TimeSpan Cpu, TimeSpan ClientCpu);

    private static void WriteRandomFile(FileInfo file, int mebibytes)
    {
        var buffer = new byte[1024 * 1024];
        using var output = file.Create();
        for (var i = 0; i < mebibytes; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            output.Write(buffer);
        }
    }
}
