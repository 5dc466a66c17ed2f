using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// A PostgreSQL 15 cluster of one test's own: initdb in a temporary directory, listening on a free loopback port,
/// so the test may stop and restart the whole server. The cluster the other tests share (ops/dev/postgres.sh,
/// 127.0.0.1:55432) is never touched. PostgreSQL refuses to run as root, so as root the cluster belongs to the
/// postgres user, as in ops/dev/postgres.sh.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string Password = "sdnet-private-cluster-test-only";
    private readonly string _root;
    private readonly int _port;

    private PrivatePostgres(string root, int port)
    {
        _root = root;
        _port = port;
    }

    private string Data => Path.Combine(_root, "data");

    public string AdminConnectionString => string.Create(CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={_port};Username=sdnet_admin;Password={Password};Database=postgres;Timeout=5");

    public static async Task<PrivatePostgres> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
        {
            throw new InvalidOperationException($"This test starts its own PostgreSQL cluster and needs {Bin}/initdb: apt-get install -y postgresql-15.");
        }

        var cluster = new PrivatePostgres(Directory.CreateTempSubdirectory("sdnet-private-pg").FullName, Ports.FreeLoopbackPort());
        try
        {
            var passwordFile = Path.Combine(cluster._root, "password");
            await File.WriteAllTextAsync(passwordFile, Password + "\n");
            if (IsRoot)
            {
                await RunAsync("chown", "-R", "postgres:postgres", cluster._root);
            }

            await AsOwnerAsync(Path.Combine(Bin, "initdb"), "-D", cluster.Data, "-U", "sdnet_admin", "--pwfile=" + passwordFile,
                "--auth=scram-sha-256", "-E", "UTF8", "--no-sync");
            File.Delete(passwordFile);
            await cluster.StartAgainAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A database for one instance on this cluster.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Timeout = 15 }.ToString();
    }

    /// <summary><c>pg_ctl restart -m MODE</c>: every backend ends, the server starts again on the same port.</summary>
    public Task RestartAsync(string mode) => PgCtlAsync("restart", "-m", mode, "-l", Path.Combine(_root, "server.log"), "-o", ServerOptions());

    /// <summary><c>pg_ctl stop -m MODE</c>; "immediate" is the server crashing (recovery from the WAL at the next start).</summary>
    public Task StopAsync(string mode) => PgCtlAsync("stop", "-m", mode);

    public Task StartAgainAsync() => PgCtlAsync("start", "-l", Path.Combine(_root, "server.log"), "-o", ServerOptions());

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await PgCtlAsync("stop", "-m", "immediate").ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Directory.Delete(_root, recursive: true);
    }

    private string ServerOptions() => string.Create(CultureInfo.InvariantCulture,
        $"-c listen_addresses=127.0.0.1 -c port={_port} -c unix_socket_directories={_root} -c fsync=off -c max_connections=100");

    private Task PgCtlAsync(params string[] arguments) =>
        AsOwnerAsync(Path.Combine(Bin, "pg_ctl"), ["-D", Data, "-w", "-t", "60", .. arguments]);

    private static bool IsRoot => Environment.UserName == "root";

    private static Task AsOwnerAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{await output}");
        }
    }
}
