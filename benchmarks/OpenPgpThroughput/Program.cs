using System.Diagnostics;
using System.Globalization;
using SecureDrop.Net.Crypto;

// Usage:
//   keygen DIR                      writes DIR/public.asc and DIR/secret.asc (unprotected: benchmark keys only)
//   encrypt PUBLIC.asc INPUT OUTPUT
//   decrypt SECRET.asc INPUT OUTPUT
// Prints one line: mode, MiB/s over the operation, and the peak working set above the baseline taken after the
// key is loaded (what "memory stays flat whatever the size" means).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: keygen DIR | encrypt PUBLIC.asc IN OUT | decrypt SECRET.asc IN OUT");
    return 2;
}

string mode = args[0];
if (mode == "keygen")
{
    // A classic key: gpg (the reference this benchmark runs against) cannot encrypt to a post-quantum one.
    using NewsroomSecretKey key = NewsroomSecretKey.Generate("Benchmark <bench@example.invalid>", TimeProvider.System.GetUtcNow(), NewsroomKeyAlgorithm.Curve25519);
    File.WriteAllText(Path.Combine(args[1], "public.asc"), key.PublicKey.ToArmored());
    File.WriteAllText(Path.Combine(args[1], "secret.asc"), ArmoredSecret(key));
    Console.WriteLine(key.Fingerprint);
    return 0;
}

byte[] keyBytes = File.ReadAllBytes(args[1]);
using NewsroomSecretKey? secret = mode == "decrypt" ? NewsroomSecretKey.Import(keyBytes) : null;
NewsroomPublicKey? recipient = mode == "encrypt" ? NewsroomPublicKey.Parse(keyBytes) : null;
using var process = Process.GetCurrentProcess();
process.Refresh();
long baseline = process.WorkingSet64;
TimeSpan cpuBefore = process.TotalProcessorTime;
long length = new FileInfo(args[2]).Length;
var clock = Stopwatch.StartNew();
using (var input = new FileStream(args[2], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
// A new file as gpg makes it (open with O_CREAT): FileMode.Create would also ftruncate it, and on ext4 a truncate to
// zero makes the close write the whole file back synchronously (auto_da_alloc), billed to the run.
using (var output = new FileStream(args[3], File.Exists(args[3]) ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
{
    if (recipient is not null)
    {
        using Stream encrypting = MessageEncryptor.Open(output, recipient, Path.GetFileName(args[2]));
        input.CopyTo(encrypting, 1 << 16);
    }
    else
    {
        MessageDecryptor.Decrypt(input, secret!, output);
    }
}

clock.Stop();
process.Refresh();
double mibPerSecond = length / 1048576.0 / clock.Elapsed.TotalSeconds;
double cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
double peakAboveBaseline = (process.PeakWorkingSet64 - baseline) / 1048576.0;
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"ours {mode}: {mibPerSecond:F0} MiB/s in-process ({clock.Elapsed.TotalSeconds:F2} s, {cpuSeconds:F2} s CPU), peak working set {peakAboveBaseline:F1} MiB above baseline"));
return 0;

static string ArmoredSecret(NewsroomSecretKey key)
{
    byte[] binary = key.ExportForStorage();
    try
    {
        using var text = new MemoryStream();
        using (var armored = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(text, addVersionHeader: false))
        {
            armored.Write(binary);
        }

        return System.Text.Encoding.ASCII.GetString(text.ToArray());
    }
    finally
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(binary);
    }
}
