using System.CommandLine;
using System.Text;
using SecureDrop.Net.Cli.Keys;
using SecureDrop.Net.Cli.Unlock;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Decrypt;

/// <summary>
/// sdnet decrypt: opens one exported item (or any OpenPGP message to a newsroom key) with a newsroom secret key
/// file, on a machine with no instance — the air-gapped reading station. No packaged gpg reads RFC 9980's
/// post-quantum algorithms or, in Debian's 2.2, SEIPD v2; this does, and every classic message as well.
/// </summary>
/// <remarks>
/// Threat: a tampered item releasing altered plaintext. The plaintext is written to a private temporary file next
/// to its destination and renamed into place only after the integrity check passed; on failure it is removed.
/// Written to standard output it cannot be taken back: the error then says to discard it.
/// </remarks>
internal static class DecryptCommand
{
    public static Command Create(Terminal terminal)
    {
        var key = new Option<FileInfo>("--key")
        {
            Description = "The newsroom secret key, armored or binary (from 'sdnet keys export-secret' or gpg --export-secret-keys). Its passphrase is asked for, or read from the first line of standard input.",
            HelpName = "SECRET.asc",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "Where the plaintext goes: a new file, or an existing directory (the file then gets the name stored inside the message). Standard output when left out.",
            HelpName = "FILE|DIR",
        };
        var item = new Argument<FileInfo>("ITEM") { Description = "The encrypted item, e.g. a file downloaded from the console as ciphertext (.gpg)." };
        var command = new Command("decrypt", "Decrypt an exported item with a newsroom secret key file, without an instance (for an air-gapped machine).") { key, output, item };
        command.SetAction((parse, _) => Sdnet.GuardAsync(parse, async _ =>
        {
            using NewsroomSecretKey secret = ReadKey(parse.GetRequiredValue(key), terminal);
            FileInfo input = parse.GetRequiredValue(item);
            if (!input.Exists)
            {
                throw new IOException($"The item '{input.FullName}' does not exist.");
            }

            string written = parse.GetValue(output) is { } destination
                ? DecryptToPath(input, secret, destination)
                : DecryptToStandardOutput(input, secret);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"Decrypted {input.Name} with key {secret.PublicKey.DisplayFingerprint}: {written}");
            return Sdnet.Success;
        }));
        return command;
    }

    private static NewsroomSecretKey ReadKey(FileInfo file, Terminal terminal) =>
        SecretKeyFile.Import(file, NewsroomSecretKey.ImportToDecrypt, () => terminal.ReadSecret("the passphrase of the secret key"));

    private static string DecryptToStandardOutput(FileInfo input, NewsroomSecretKey key)
    {
        using var ciphertext = input.OpenRead();
        using Stream stdout = Console.OpenStandardOutput();
        try
        {
            MessageDecryptor.Decrypt(ciphertext, key, stdout);
        }
        catch (CryptoException exception)
        {
            throw new CryptoException(exception.Reason, exception.Message + " Part of the plaintext may already be on standard output: discard it.", exception);
        }

        return "to standard output";
    }

    /// <summary>Decrypts into a private temporary file beside the destination, then renames it into place.</summary>
    private static string DecryptToPath(FileInfo input, NewsroomSecretKey key, string destination)
    {
        bool toDirectory = Directory.Exists(destination);
        string directory = toDirectory ? destination : Path.GetDirectoryName(Path.GetFullPath(destination))!;
        if (!toDirectory && File.Exists(destination))
        {
            throw new IOException($"'{destination}' already exists; nothing was written. Remove it or give another --out.");
        }

        string temporary = Path.Combine(directory, $".sdnet-decrypt-{Guid.NewGuid():N}.partial");
        try
        {
            string storedName;
            using (var ciphertext = input.OpenRead())
            using (FileStream plaintext = Backup.OwnerOnly.CreateFile(temporary))
            {
                storedName = MessageDecryptor.Decrypt(ciphertext, key, plaintext);
                plaintext.Flush(flushToDisk: true);
            }

            string target = toDirectory ? FreeName(directory, SafeFileName(storedName)) : Path.GetFullPath(destination);
            File.Move(temporary, target, overwrite: false);
            return toDirectory ? $"{target} (the name stored in the message: '{storedName}')" : target;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// The stored name as a plain file name: no directories (a name like "../../.bashrc" must not leave the chosen
    /// directory), no control characters, never "." or ".."; "item" when nothing is left.
    /// </summary>
    internal static string SafeFileName(string storedName)
    {
        string name = Path.GetFileName(storedName.Replace('\\', '/'));
        var clean = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            clean.Append(char.IsControl(c) ? '_' : c);
        }

        string result = clean.ToString().Trim();
        return result is "" or "." or ".." ? "item" : result;
    }

    /// <summary>The name, or "name (2).ext", "name (3).ext"… when it is taken: an existing file is never replaced.</summary>
    private static string FreeName(string directory, string name)
    {
        string candidate = Path.Combine(directory, name);
        for (int n = 2; File.Exists(candidate) || Directory.Exists(candidate); n++)
        {
            candidate = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(name)} ({n}){Path.GetExtension(name)}");
        }

        return candidate;
    }
}
