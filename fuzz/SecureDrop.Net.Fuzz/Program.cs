using System.Globalization;
using SecureDrop.Net.Fuzz;

// Fuzz harnesses for the parsers that see attacker bytes (see fuzz/README.md).
//   mutate TARGET [iterations] [seconds] [seed]   coverage-free mutation run (CI: a few seconds per target)
//   afl TARGET                                    SharpFuzz entry point for afl-fuzz (long run; instrument first)
//   replay TARGET FILE...                         runs the given inputs once each (to reproduce a finding)
//   seeds DIR                                     writes the seed corpus and the fixed test key under DIR (fuzz/)
// Targets: public-key, secret-key, message, codename, multipart.
switch (args)
{
    case ["mutate", var name, ..]:
    {
        using var target = FuzzTarget.Create(name);
        var iterations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
        var seconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 5;
        var seed = args.Length > 4 ? ulong.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        return MutationRun.Run(target, iterations, TimeSpan.FromSeconds(seconds), seed, Path.Combine(Directory.GetCurrentDirectory(), "fuzz-findings"));
    }

    case ["afl", var name]:
    {
        // Created on the first input, inside Fuzzer.Run: instrumented code may only run once SharpFuzz has mapped
        // AFL's shared memory (touching it before, e.g. loading the fixed key, is an access violation).
        FuzzTarget? target = null;
        SharpFuzz.Fuzzer.Run(stream =>
        {
            target ??= FuzzTarget.Create(name);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            try
            {
                target.Run(buffer.ToArray());
            }
            catch (Exception exception) when (target.IsDocumented(exception))
            {
                // A documented refusal of bad input: not a crash.
            }
        });
        target?.Dispose();
        return 0;
    }

    case ["replay", var name, .. var files]:
    {
        using var target = FuzzTarget.Create(name);
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
                Console.WriteLine($"{file}: accepted");
            }
            catch (Exception exception) when (target.IsDocumented(exception))
            {
                Console.WriteLine($"{file}: refused ({exception.Message})");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Console.WriteLine($"{file}: FINDING {exception}");
                failed++;
            }
        }

        return failed == 0 ? 0 : 1;
    }

    case ["seeds", var directory]:
        SeedWriter.Write(directory);
        return 0;

    default:
        Console.Error.WriteLine($"usage: mutate TARGET [iterations] [seconds] [seed] | afl TARGET | replay TARGET FILE... | seeds DIR; targets: {string.Join(", ", FuzzTarget.Names)}");
        return 2;
}
