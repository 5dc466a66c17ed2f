using System.Diagnostics;
using System.Globalization;
using SecureDrop.Net.Crypto;

// Usage:
//   keygen DIR                      writes DIR/public.asc and DIR/secret.asc (unprotected: benchmark keys only)
//   encrypt PUBLIC.asc INPUT OUTPUT
//   decrypt SECRET.asc INPUT OUTPUT
//   small COUNT                     a text submission's encryption (a 300-octet message, as the front end encrypts it
//                                   with small buffers) COUNT times to a classic Cv25519 key and to a post-quantum
//                                   ML-KEM-768+X25519 key, in alternating batches; prints microseconds and CPU per message
//   text COUNT [separate]           what a text submission encrypts: the 300-octet message and its 1,024-octet sealed
//                                   header, under one shared session key (SharedMessageKey, as the front end does) or,
//                                   with "separate", each with its own (as before); same keys and batches as "small"
// Prints one line: mode, MiB/s over the operation, and the peak working set above the baseline taken after the
// key is loaded (what "memory stays flat whatever the size" means).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: keygen DIR | encrypt PUBLIC.asc IN OUT | decrypt SECRET.asc IN OUT");
    return 2;
}

string mode = args[0];
if (mode == "small")
{
    // "small N default": the overload without MessageBuffers, instead of small buffers.
    bool defaultBuffers = args.Length > 2 && args[2] == "default";
    return Alternating(int.Parse(args[1], CultureInfo.InvariantCulture), $"small message ({(defaultBuffers ? "default" : "small")} buffers)", recipient =>
    {
        using var output = new MemoryStream();
        using (Stream encrypting = defaultBuffers
            ? MessageEncryptor.Open(output, recipient, "")
            : MessageEncryptor.Open(output, recipient, "", MessageBuffers.StartSmall()))
        {
            encrypting.Write(TextTip.Message);
        }
    });
}

if (mode == "text")
{
    bool separate = args.Length > 2 && args[2] == "separate";
    return Alternating(int.Parse(args[1], CultureInfo.InvariantCulture), $"text submission, message + header ({(separate ? "a session key each" : "one shared session key")})", recipient =>
    {
        using var key = SharedMessageKey.For(recipient);
        foreach (byte[] plaintext in new[] { TextTip.Message, TextTip.Header })
        {
            using var output = new MemoryStream();
            using (Stream encrypting = separate
                ? MessageEncryptor.Open(output, recipient, "", MessageBuffers.StartSmall())
                : MessageEncryptor.Open(output, key, "", MessageBuffers.StartSmall()))
            {
                encrypting.Write(plaintext);
            }
        }
    });
}

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

static int Alternating(int count, string what, Action<NewsroomPublicKey> encrypt)
{
    var now = TimeProvider.System.GetUtcNow();
    using NewsroomSecretKey classic = NewsroomSecretKey.Generate("Classic <bench@example.invalid>", now, NewsroomKeyAlgorithm.Curve25519);
    using NewsroomSecretKey postQuantum = NewsroomSecretKey.Generate("Post-quantum <bench@example.invalid>", now, NewsroomKeyAlgorithm.PostQuantum);
    var keys = new[] { ("classic Cv25519", classic.PublicKey), ("post-quantum ML-KEM-768+X25519", postQuantum.PublicKey) };
    var wall = new double[2];
    var cpu = new double[2];
    using var process = Process.GetCurrentProcess();
    const int Batches = 10;
    for (int batch = -1; batch < Batches; batch++)
    {
        for (int k = 0; k < keys.Length; k++)
        {
            process.Refresh();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count / Batches; i++)
            {
                encrypt(keys[k].Item2);
            }

            clock.Stop();
            process.Refresh();
            if (batch >= 0)
            {
                // The first batch of each is a warm-up (JIT, caches) and is not counted.
                wall[k] += clock.Elapsed.TotalMilliseconds;
                cpu[k] += (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            }
        }
    }

    int counted = count / Batches * Batches;
    for (int k = 0; k < keys.Length; k++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what} to {keys[k].Item1}: {wall[k] * 1000 / counted:F0} µs each, {cpu[k] * 1000 / counted:F0} µs CPU ({counted})"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"post-quantum / classic: {wall[1] / wall[0]:F2}x the time"));
    return 0;
}

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

/// <summary>The plaintexts of a short text submission: a 300-octet message and a header padded as ItemMetadata pads it.</summary>
internal static class TextTip
{
    public static readonly byte[] Message = System.Text.Encoding.UTF8.GetBytes(new string('x', 300));
    public static readonly byte[] Header = System.Text.Encoding.UTF8.GetBytes(("{\"name\":\"\",\"size\":300,\"type\":\"text/plain; charset=utf-8\"}").PadRight(1024));
}
