namespace SecureDrop.Net.Cli.Tests.Layout;

/// <summary>
/// sdnet init --layout multi-user: refused without PostgreSQL; otherwise each path gets its owner, group and mode,
/// which sdnet check audits and every role checks at start (the suite runs as root, as CI does, so roles can be
/// started under other uids with setpriv).
/// </summary>
public sealed class MultiUserLayoutTests
{
    private const UnixFileMode SharedDirectory = (UnixFileMode)0b010_111_101_000; // 2750
    private const UnixFileMode ItemDirectory = (UnixFileMode)0b010_111_111_000; // 2770
    private const UnixFileMode PrivateDirectory = (UnixFileMode)0b111_000_000; // 0700
    private const UnixFileMode PublicFile = (UnixFileMode)0b110_100_000; // 0640
    private const UnixFileMode PrivateFile = (UnixFileMode)0b110_000_000; // 0600
    private static readonly ServiceUsers Users = ServiceUsers.Throwaway;

    [Fact]
    public async Task Init_MultiUserWithoutPostgreSql_RefusesAndCreatesNothing()
    {
        using var work = new TempDirectory("sdnet-multiuser");
        var data = work.Combine("data");

        var (code, output) = await SdnetProcess.RunAsync(["init", "--data", data, .. Users.InitArguments]);

        AssertFails(code, output, "The multi-user layout needs PostgreSQL");
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Init_MultiUser_GivesEachPathItsOwnerGroupAndMode_AndCheckFindsNothingWrong()
    {
        await using var instance = await MultiUserInstance.CreateAsync();
        var data = instance.Data;
        var secret = Assert.Single(Directory.GetFiles(Path.Combine(data, "keys"), "*.secret"));

        var expected = new (string Path, uint Owner, uint Group, UnixFileMode Mode)[]
        {
            (data, Users.Console, Users.SharedGroup, SharedDirectory),
            (Path.Combine(data, "instance.json"), Users.Console, Users.SharedGroup, PublicFile),
            (Path.Combine(data, "keys"), Users.Console, Users.SharedGroup, SharedDirectory),
            (Path.Combine(data, "keys", "newsroom-public.asc"), Users.Console, Users.SharedGroup, PublicFile),
            (secret, Users.Console, Users.SharedGroup, PrivateFile),
            (Path.Combine(data, "keys", "vault-key.recovery"), Users.Console, Users.SharedGroup, PrivateFile),
            (Path.Combine(data, "keys", "source-salt.bin"), Users.FrontEnd, Users.SharedGroup, PrivateFile),
            (Path.Combine(data, "intake"), Users.FrontEnd, Users.BackendGroup, ItemDirectory),
            (Path.Combine(data, "vault"), Users.Worker, Users.BackendGroup, ItemDirectory),
            (Path.Combine(data, "dataprotection", "submission"), Users.FrontEnd, Users.SharedGroup, PrivateDirectory),
            (Path.Combine(data, "dataprotection", "submission.key"), Users.FrontEnd, Users.SharedGroup, PrivateFile),
            (Path.Combine(data, "dataprotection", "reviewer"), Users.Console, Users.SharedGroup, PrivateDirectory),
            (Path.Combine(data, "dataprotection", "reviewer.key"), Users.Console, Users.SharedGroup, PrivateFile),
        };
        foreach (var (path, owner, group, mode) in expected)
        {
            var status = UnixFiles.Stat(path);
            Assert.True((owner, group, mode) == (status.Uid, status.Gid, status.Mode), $"{path}: {status.Uid}:{status.Gid} {status.Octal}");
        }

        var (_, check) = await SdnetProcess.RunAsync(["check", "--data", data], instance.Environment);
        Assert.Contains("ok    data directory permissions:", check, StringComparison.Ordinal);
        Assert.Contains($"ok    secret keys vs. front end user: the front end's user {Users.FrontEnd} can read none of the 2 secret key file(s)", check, StringComparison.Ordinal);
        Assert.Contains("ok    database schema", check, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmtpPassword_SetAsRoot_BelongsToTheWorkerWhichCanReadIt()
    {
        await using var instance = await MultiUserInstance.CreateAsync();

        var (code, output) = await SdnetProcess.RunAsync(["secrets", "set-smtp-password", "--data", instance.Data], instance.Environment, standardInput: "relay password\n");

        Assert.True(code == 0, output);
        foreach (var file in new[] { Path.Combine(instance.Data, "smtp-password.sealed"), Path.Combine(instance.Data, "dataprotection", "worker.key") })
        {
            var stat = UnixFiles.Stat(file);
            Assert.Equal((Users.Worker, Users.SharedGroup, PrivateFile), (stat.Uid, stat.Gid, stat.Mode));
            var (readCode, readError) = await Users.WorkerProcess.RunAsync("/usr/bin/head", "-c", "1", file);
            Assert.True(readCode == 0, readError);
            var (frontEndCode, _) = await Users.FrontEndProcess.RunAsync("/usr/bin/head", "-c", "1", file);
            Assert.NotEqual(0, frontEndCode);
        }

        var (_, check) = await SdnetProcess.RunAsync(["check", "--data", instance.Data], instance.Environment);
        Assert.Contains("ok    data directory permissions:", check, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SecretKeyOpenToTheSharedGroup_FailsNamingTheFrontEndUser()
    {
        await using var instance = await MultiUserInstance.CreateAsync();
        var secret = Assert.Single(Directory.GetFiles(Path.Combine(instance.Data, "keys"), "*.secret"));
        File.SetUnixFileMode(secret, PublicFile);

        var (code, check) = await SdnetProcess.RunAsync(["check", "--data", instance.Data], instance.Environment);

        AssertFails(code, check, $"FAIL  secret keys vs. front end user: the front end's user {Users.FrontEnd} can read 1 of 2 secret key file(s)", $"FAIL  data directory permissions: 1 path(s) differ from the multi-user layout, 0 open to other users. First: '{secret}' is {Users.Console}:{Users.SharedGroup} mode 0640");
    }

    [Fact]
    public async Task FrontEnd_WithASecretKeyInItsReach_FailsAtStartNamingThePathAndTheFix()
    {
        await using var instance = await MultiUserInstance.CreateAsync();
        var secret = Assert.Single(Directory.GetFiles(Path.Combine(instance.Data, "keys"), "*.secret"));
        File.SetUnixFileMode(secret, PublicFile);

        var (code, output) = await SdnetProcess.RunAsync(["serve", "submission", "--data", instance.Data, "--url", "http://127.0.0.1:1"], instance.Environment, runAs: Users.FrontEndProcess);

        AssertFails(code, output, $"'{secret}' is {Users.Console}:{Users.SharedGroup} mode 0640; the multi-user layout needs owner {Users.Console}, group {Users.SharedGroup}, mode 0600. Fix: chown {Users.Console}:{Users.SharedGroup} '{secret}' && chmod 0600 '{secret}'");
    }

    [Fact]
    public async Task Roles_StartedAsRootOrWithSqlite_AreRefusedWithTheReason()
    {
        await using var instance = await MultiUserInstance.CreateAsync();

        var (asRoot, rootOutput) = await SdnetProcess.RunAsync(["serve", "worker", "--data", instance.Data], instance.Environment);
        var (run, runOutput) = await SdnetProcess.RunAsync(["run", "--data", instance.Data], instance.Environment);
        var instanceFile = Path.Combine(instance.Data, "instance.json");
        await File.WriteAllTextAsync(instanceFile, (await File.ReadAllTextAsync(instanceFile)).Replace("\"PostgreSql\"", "\"Sqlite\"", StringComparison.Ordinal));
        var (onSqlite, sqliteOutput) = await SdnetProcess.RunAsync(["serve", "worker", "--data", instance.Data], instance.Environment, runAs: Users.WorkerProcess);

        AssertFails(asRoot, rootOutput, $"the worker runs as {Users.Worker}, not as uid 0");
        AssertFails(run, runOutput, "has the multi-user layout");
        AssertFails(onSqlite, sqliteOutput, "The multi-user layout needs PostgreSQL");
    }

    [Fact]
    public async Task Backup_OfAMultiUserInstance_RestoresWithTheLayout()
    {
        await using var instance = await MultiUserInstance.CreateAsync();
        var backup = Path.Combine(instance.Work, "instance.backup");
        const string Passphrase = "correct horse battery staple multi-user backup";
        var (backupCode, backupOutput) = await SdnetProcess.RunAsync(["backup", "create", "--data", instance.Data, "--out", backup, "--passphrase-stdin"], instance.Environment, Passphrase);
        Assert.True(backupCode == 0, backupOutput);
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            var restored = Path.Combine(instance.Work, "restored");
            var (restoreCode, restoreOutput) = await SdnetProcess.RunAsync(
                ["backup", "restore", "--in", backup, "--data", restored, "--passphrase-stdin"], new Dictionary<string, string> { ["Database__PostgreSql"] = database }, Passphrase);
            Assert.True(restoreCode == 0, restoreOutput);

            var (_, check) = await SdnetProcess.RunAsync(["check", "--data", restored], new Dictionary<string, string> { ["Database__PostgreSql"] = database });
            Assert.Contains("ok    data directory permissions:", check, StringComparison.Ordinal);
            var salt = UnixFiles.Stat(Path.Combine(restored, "keys", "source-salt.bin"));
            Assert.Equal((Users.FrontEnd, Users.SharedGroup, PrivateFile), (salt.Uid, salt.Gid, salt.Mode));
        }
        finally
        {
            TestPostgres.DropDatabase(database);
        }
    }

    [Fact]
    public async Task RotatingDataProtectionKeysAsRoot_GivesEachNewKeyToItsRolesUser()
    {
        await using var instance = await MultiUserInstance.CreateAsync();

        var (code, output) = await SdnetProcess.RunAsync(["secrets", "rotate-dataprotection", "--data", instance.Data], instance.Environment);

        Assert.True(code == 0, output);
        foreach (var (role, owner) in new[] { ("submission", Users.FrontEnd), ("reviewer", Users.Console) })
        {
            var keys = Directory.GetFiles(Path.Combine(instance.Data, "dataprotection", role), "*.xml");
            Assert.NotEmpty(keys);
            Assert.All(keys, key => Assert.Equal((owner, PrivateFile), (UnixFiles.Stat(key).Uid, UnixFiles.Stat(key).Mode)));
        }
    }

    /// <summary>A multi-user instance on a PostgreSQL database of its own, in a folder the service uids can search.</summary>
    private sealed class MultiUserInstance : IAsyncDisposable
    {
        private readonly TempDirectory _work;
        private readonly string _postgres;

        private MultiUserInstance(TempDirectory work, string postgres)
        {
            _work = work;
            _postgres = postgres;
        }

        public string Work => _work.Path;

        public string Data => _work.Combine("data");

        public Dictionary<string, string> Environment => new() { ["Database__PostgreSql"] = _postgres, ["HOME"] = _work.Path };

        public static async Task<MultiUserInstance> CreateAsync()
        {
            var instance = new MultiUserInstance(new TempDirectory("sdnet-multiuser"), await TestPostgres.CreateDatabaseAsync());
            File.SetUnixFileMode(instance._work.Path, (UnixFileMode)0b111_001_001);
            var (code, output) = await SdnetProcess.RunAsync(["init", "--data", instance.Data, .. Users.InitArguments], instance.Environment);
            Assert.True(code == 0, output);
            return instance;
        }

        public ValueTask DisposeAsync()
        {
            TestPostgres.DropDatabase(_postgres);
            _work.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
