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

        var core = Stopwatch.StartNew();
        var coreOutput = Path.Combine(instance.Root, "core.gpg");
        await using (var output = File.Create(coreOutput))
        await using (var input = file.OpenRead())
        await using (var encryptor = MessageEncryptor.Open(output, instance.PublicKey, file.Name))
        {
            await input.CopyToAsync(encryptor, 64 * 1024);
        }

        core.Stop();
        File.Delete(coreOutput);

        var (frontEnd, address) = await instance.StartFrontEndAsync();
        using var source = new BenchSource(address);
        await source.StartAsync();
        var startMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        BenchInstance.ResetPeakMemory(frontEnd);
        var idleMiB = BenchInstance.CurrentMemoryMiB(frontEnd);
        var upload = Stopwatch.StartNew();
        var status = await source.SubmitAsync("", file);
        upload.Stop();
        var peakMiB = BenchInstance.PeakMemoryMiB(frontEnd);
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The upload was refused: {(int)status}.");
        }

        var coreRate = mebibytes / core.Elapsed.TotalSeconds;
        var uploadRate = mebibytes / upload.Elapsed.TotalSeconds;
        Console.WriteLine($"file:                      {mebibytes} MiB of random bytes");
        Console.WriteLine($"crypto core alone:         {core.Elapsed.TotalSeconds:0.0} s, {coreRate:0.0} MiB/s (MessageEncryptor, file to file)");
        Console.WriteLine($"through the front end:     {upload.Elapsed.TotalSeconds:0.0} s, {uploadRate:0.0} MiB/s (loopback HTTP/1.1, multipart, into intake/)");
        Console.WriteLine($"ratio:                     {uploadRate / coreRate * 100:0}% of the crypto core (target >= 80%)");
        Console.WriteLine($"front end peak memory:     {peakMiB:0} MiB resident during the upload (VmHWM, reset after sign-up; {idleMiB:0} MiB before it; target < 150 MiB)");
        Console.WriteLine($"                           {startMiB:0} MiB peak before the upload: start-up and one codename derivation (Argon2id, 64 MiB)");
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
    }
}
