using System.Text;

namespace SecureDrop.Net.Cli.Unlock;

/// <summary>
/// Where sdnet reads secrets: a prompt without echo when a person sits at a terminal, otherwise one line of
/// standard input each, in the order the command asks for them. Never the command line, which other local users
/// can read in /proc and which lands in shell history.
/// </summary>
internal sealed class Terminal
{
    private readonly Lazy<TextReader> _input;
    private readonly TextWriter _prompts;

    public Terminal(TextReader input, TextWriter prompts, bool interactive, bool outputIsTerminal)
        : this(new Lazy<TextReader>(input), prompts, interactive, outputIsTerminal)
    {
    }

    private Terminal(Lazy<TextReader> input, TextWriter prompts, bool interactive, bool outputIsTerminal)
    {
        _input = input;
        _prompts = prompts;
        Interactive = interactive;
        OutputIsTerminal = outputIsTerminal;
    }

    /// <summary>Secrets are typed at a prompt (standard input is a terminal).</summary>
    public bool Interactive { get; }

    /// <summary>Progress is drawn as a bar (standard output is a terminal), otherwise printed as plain lines.</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>
    /// The process's own console. Console.In is touched only when a secret is read: initialising it sets up the
    /// terminal, which stops a process that sdnet run started in the background (SIGTTOU).
    /// </summary>
    public static Terminal Console() => new(
        new Lazy<TextReader>(() => System.Console.In), System.Console.Error, !System.Console.IsInputRedirected, !System.Console.IsOutputRedirected);

    /// <summary>Reads one secret; <paramref name="what"/> names it in the prompt and in the error when it is missing.</summary>
    public string ReadSecret(string what)
    {
        if (!Interactive)
        {
            return _input.Value.ReadLine() ?? throw new IOException($"Expected {what} on a line of standard input, and there was none.");
        }

        _prompts.Write(char.ToUpperInvariant(what[0]) + what[1..] + ": ");
        _prompts.Flush();
        var typed = new StringBuilder();
        while (true)
        {
            var key = System.Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                _prompts.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
