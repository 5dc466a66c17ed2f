using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace SecureDrop.Net.Fuzz;

/// <summary>
/// The coverage-free fuzzer used in CI: replays every seed and regression input, then mutates them for a fixed number
/// of iterations or a time bound, whichever comes first. Inputs that give a new outcome (a new exception message or
/// status) join the pool, a cheap stand-in for coverage feedback. A finding is written to the findings folder and
/// makes the exit code 1.
/// </summary>
internal static class MutationRun
{
    private static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(1);

    public static int Run(FuzzTarget target, int iterations, TimeSpan bound, ulong seed, string findingsDirectory)
    {
        var inputs = FuzzData.Inputs(target.Name);
        if (inputs.Count == 0)
        {
            Console.Error.WriteLine($"{target.Name}: no seed inputs under {FuzzData.Corpus(target.Name)}.");
            return 2;
        }

        var pool = inputs.Select(i => i.Bytes).ToList();
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        var random = new SplitMix64(seed);
        var findings = 0;
        var executed = 0;
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();

        foreach (var (path, bytes) in inputs)
        {
            findings += Execute(target, bytes, outcomes, pool, findingsDirectory, Path.GetFileName(path), ref slowest) ? 0 : 1;
            executed++;
        }

        for (var i = 0; i < iterations && clock.Elapsed < bound; i++)
        {
            var parent = pool[random.Below(pool.Count)];
            var child = Mutator.Mutate(parent, pool, random, target.MaxInputBytes);
            findings += Execute(target, child, outcomes, pool, findingsDirectory, null, ref slowest) ? 0 : 1;
            executed++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name}: {executed} inputs in {clock.Elapsed.TotalSeconds:0.0} s ({executed / Math.Max(clock.Elapsed.TotalSeconds, 0.001):0}/s), seed {seed}, {outcomes.Count} distinct outcomes, pool {pool.Count}, slowest input {slowest.TotalMilliseconds:0} ms, findings {findings}"));
        return findings == 0 ? 0 : 1;
    }

    private static bool Execute(FuzzTarget target, byte[] input, HashSet<string> outcomes, List<byte[]> pool, string findingsDirectory, string? seedName, ref TimeSpan slowest)
    {
        var started = Stopwatch.GetTimestamp();
        string outcome;
        Exception? unexpected = null;
        try
        {
            target.Run(input);
            outcome = target.Outcome;
        }
        catch (Exception exception) when (target.IsDocumented(exception))
        {
            outcome = exception.GetType().Name + ": " + exception.Message;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            unexpected = exception;
            outcome = "FINDING " + exception.GetType().FullName;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed > slowest)
        {
            slowest = elapsed;
        }

        if (elapsed > SlowInput)
        {
            // Not a failure (the machine may be busy), but worth a look: kept for replay.
            Directory.CreateDirectory(findingsDirectory);
            var slowFile = Path.Combine(findingsDirectory, $"slow-{target.Name}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.bin");
            File.WriteAllBytes(slowFile, input);
            Console.Error.WriteLine($"{target.Name}: slow input ({elapsed.TotalMilliseconds:0} ms, {outcome}) kept as {slowFile}");
        }

        if (outcomes.Add(outcome) && seedName is null)
        {
            pool.Add(input);
        }

        if (unexpected is null)
        {
            return true;
        }

        Directory.CreateDirectory(findingsDirectory);
        var file = Path.Combine(findingsDirectory, $"{target.Name}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.bin");
        File.WriteAllBytes(file, input);
        Console.Error.WriteLine($"{target.Name}: FINDING {unexpected.GetType().FullName}: {unexpected.Message} (input {seedName ?? file})");
        Console.Error.WriteLine(unexpected.ToString());
        return false;
    }
}
