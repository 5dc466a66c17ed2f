using System.Text;

namespace SecureDrop.Net.Cli.Backup;

/// <summary>Reads a passphrase from standard input (first line) or from a prompt on the terminal without echo; never from arguments.</summary>
internal static class SecretInput
{
    public static string Read(bool fromStdin, string prompt, bool confirm, TextWriter error)
    {
        if (fromStdin)
        {
            var line = Console.In.ReadLine();
            return string.IsNullOrEmpty(line)
                ? throw new IOException("No passphrase on standard input: give it as the first line.")
                : line;
        }

        if (Console.IsInputRedirected)
        {
            throw new IOException("There is no terminal to ask for the passphrase on: pipe it in and add --passphrase-stdin.");
        }

        var first = Prompt(prompt, error);
        if (confirm && !string.Equals(first, Prompt("Repeat it: ", error), StringComparison.Ordinal))
        {
            throw new IOException("The two passphrases differ; nothing was written.");
        }

        return first;
    }

    private static string Prompt(string prompt, TextWriter error)
    {
        error.Write(prompt);
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
