using System.Diagnostics;
using System.Net.Sockets;

namespace SecureDrop.Net.Testing;

/// <summary>
/// A real SMTP server on loopback for one test: Debian's aiosmtpd, delivering into a Maildir the test reads.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _maildir;

    private SmtpSink(Process process, int port, TempDirectory maildir)
    {
        _process = process;
        _maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the server, on <paramref name="port"/> if given (a test that brings an unreachable server back).</summary>
    public static Task<SmtpSink> StartAsync(int? port = null) =>
        StartAsync(port, maildir => ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{maildir.Port}", "-c", "aiosmtpd.handlers.Mailbox", maildir.Path], null);

    /// <summary>
    /// A relay that requires AUTH (PLAIN or LOGIN, over plain text: loopback only) as <paramref name="username"/>
    /// with the password currently in <paramref name="passwordFile"/>, read at each attempt, so a test can change
    /// the relay's password as a provider would.
    /// </summary>
    public static Task<SmtpSink> StartWithLoginAsync(string username, string passwordFile) =>
        StartAsync(null, maildir => ["-c", LoginRelayScript, maildir.Path, maildir.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["SINK_USER"] = username, ["SINK_PASSWORD_FILE"] = passwordFile });

    private const string LoginRelayScript = """
        import os, sys, threading
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import AuthResult, LoginPassword
        user = os.environ["SINK_USER"].encode()
        def check(server, session, envelope, mechanism, data):
            if not isinstance(data, LoginPassword):
                return AuthResult(success=False, handled=False)
            with open(os.environ["SINK_PASSWORD_FILE"], "rb") as f:
                expected = f.read()
            return AuthResult(success=data.login == user and data.password == expected, handled=False)
        Controller(Mailbox(sys.argv[1]), hostname="127.0.0.1", port=int(sys.argv[2]), server_hostname="localhost", authenticator=check,
                   auth_required=True, auth_require_tls=False).start()
        threading.Event().wait()
        """;

    private static async Task<SmtpSink> StartAsync(int? port, Func<(int Port, string Path), string[]> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            throw new InvalidOperationException("The mail tests need Debian's python3 and python3-aiosmtpd (ops/dev/install-test-dependencies.sh installs them).");
        }

        var listening = port ?? Ports.FreeLoopbackPort();
        var maildir = new TempDirectory("sdnet-maildir");
        var start = new ProcessStartInfo("/usr/bin/python3", arguments((listening, maildir.Combine("mail"))))
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", listening);
                return new SmtpSink(process, listening, maildir);
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
                throw new InvalidOperationException("aiosmtpd did not start (is python3-aiosmtpd installed?): " + error);
            }
        }
    }

    /// <summary>The raw messages delivered so far, oldest first.</summary>
    public IReadOnlyList<byte[]> Messages()
    {
        // Python's Maildir creates tmp/, new/ and cur/ only when it creates the folder itself.
        var delivered = _maildir.Combine("mail", "new");
        return Directory.Exists(delivered)
            ? [.. new DirectoryInfo(delivered).GetFiles().OrderBy(f => f.LastWriteTimeUtc).Select(f => File.ReadAllBytes(f.FullName))]
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _maildir.Dispose();
    }
}
