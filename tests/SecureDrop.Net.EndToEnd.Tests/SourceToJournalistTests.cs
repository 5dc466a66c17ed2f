using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SecureDrop.Net.EndToEnd.Tests;

/// <summary>
/// The walking skeleton with real processes: sdnet init with a key made by stock gpg, sdnet run (front end,
/// console and worker as three processes), a source without JavaScript, a journalist in the console, sdnet export
/// decrypted by gpg, and a search of everything left on disk for the tip's secrets.
/// </summary>
public sealed partial class SourceToJournalistTests
{
    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.PostgreSql)]
    public async Task TipWithMessageAndTwoFiles_ReachesJournalistIntact_DecryptsWithGpg_AndLeavesNoPlaintext(Store store)
    {
        var postgres = store == Store.PostgreSql ? await TestPostgres.CreateDatabaseAsync() : null;
        try
        {
            await RunTipThroughAsync(postgres);
        }
        finally
        {
            if (postgres is not null)
            {
                TestPostgres.DropDatabase(postgres);
            }
        }
    }

    private static async Task RunTipThroughAsync(string? postgres)
    {
        using var gpg = new Gpg();
        var fingerprint = await gpg.QuickGenerateKeyAsync("Newsroom <tips@newsroom.example>");
        using var work = new TempDirectory("sdnet-e2e");
        var keyFile = work.Combine("newsroom-secret.asc");
        await File.WriteAllBytesAsync(keyFile, await gpg.ExportSecretAsync(fingerprint, armor: true));
        var data = work.Combine("data");
        var temp = Directory.CreateDirectory(work.Combine("tmp")).FullName;
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temp, ["ASPNETCORE_TEMP"] = temp };
        if (postgres is not null)
        {
            environment["Database__PostgreSql"] = postgres;
        }

        var (initCode, initOutput) = await SdnetProcess.RunAsync(["init", "--data", data, "--import-key", keyFile], environment);
        Assert.True(initCode == 0, initOutput);
        Assert.Contains(Spaced(fingerprint), initOutput, StringComparison.Ordinal);
        var passphrase = AdminPassphrase().Match(initOutput).Groups[1].Value.Trim();
        File.Delete(keyFile);

        var submissionUri = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        var reviewerUri = new Uri($"http://127.0.0.1:{Ports.FreeLoopbackPort()}");
        await using var run = SdnetProcess.Start(
            ["run", "--data", data, "--submission-url", submissionUri.ToString().TrimEnd('/'), "--reviewer-url", reviewerUri.ToString().TrimEnd('/')],
            environment);
        await run.WaitUntilServingAsync(new Uri(submissionUri, "/"));
        await run.WaitUntilServingAsync(new Uri(reviewerUri, "/login"));
        AssertChildrenStartedWithServiceEnvironment(run.Id);

        var tip = Tip.Create();
        using var source = new SourceClient(submissionUri);
        var codename = await source.GenerateAndContinueAsync();
        using (var response = await source.SubmitAsync(tip.Message, tip.Files))
        {
            var page = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("2 files", HtmlForms.ElementText(page, "received"), StringComparison.Ordinal);
        }

        using var journalist = new JournalistClient(reviewerUri);
        using (var login = await journalist.LoginAsync("admin", passphrase))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        await IngestWindow.CloseNowAsync(data, postgres);
        var sources = await journalist.WaitForSourcesAsync(1, TimeSpan.FromSeconds(60));
        var conversation = await journalist.Http.GetStringAsync(new Uri(Assert.Single(sources), UriKind.Relative));
        Assert.Contains(tip.Message, WebUtility.HtmlDecode(conversation), StringComparison.Ordinal);
        var downloads = HtmlForms.Links(conversation, "/items/").Where(link => link.EndsWith("/download", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, downloads.Count);
        foreach (var link in downloads)
        {
            using var download = await journalist.Http.GetAsync(new Uri(link, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
            var name = download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"');
            var expected = Assert.Single(tip.Files, file => file.Name == name);
            Assert.Equal(expected.Content, await download.Content.ReadAsByteArrayAsync());
        }

        run.Terminate();
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var export = work.Combine("export");
        var (exportCode, exportOutput) = await SdnetProcess.RunAsync(["export", "--data", data, "--out", export], environment);
        Assert.True(exportCode == 0, exportOutput);
        var decrypted = new List<byte[]>();
        var packetListings = new StringBuilder();
        foreach (var item in Directory.EnumerateFiles(export, "*.gpg"))
        {
            var plaintext = item + ".out";
            await gpg.RunAsync("--output", plaintext, "--decrypt", item);
            decrypted.Add(await File.ReadAllBytesAsync(plaintext));
            File.Delete(plaintext);
            var packets = await gpg.RunAsync("--list-packets", item);
            Assert.Contains(":encrypted data packet:", packets, StringComparison.Ordinal);
            Assert.Contains("mdc_method: 2", packets, StringComparison.Ordinal);
            Assert.DoesNotContain("compressed packet", packets, StringComparison.Ordinal);
            packetListings.Append(packets);
        }

        Assert.Equal(3, decrypted.Count);
        foreach (var file in tip.Files)
        {
            // gpg prints non-ASCII bytes of a literal packet's name as \x escapes.
            var asciiPrefix = new string(file.Name.TakeWhile(char.IsAscii).ToArray());
            Assert.Contains($"name=\"{asciiPrefix}", packetListings.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains(decrypted, bytes => bytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(tip.Message)));
        foreach (var file in tip.Files)
        {
            Assert.Contains(decrypted, bytes => bytes.AsSpan().SequenceEqual(file.Content));
        }

        var canaries = tip.Canaries(codename);
        var scanned = new List<string> { data, temp };
        if (postgres is not null)
        {
            // Metadata and Hangfire's tables, as a seizure of the database server would take them.
            var dumps = Directory.CreateDirectory(work.Combine("pg_dump")).FullName;
            await TestPostgres.DumpAsync(postgres, Path.Combine(dumps, "instance.sql"));
            var dump = await File.ReadAllTextAsync(Path.Combine(dumps, "instance.sql"));
            Assert.Contains("IngestWindowJob", dump, StringComparison.Ordinal);
            Assert.Contains("COPY public.items", dump, StringComparison.Ordinal);
            scanned.Add(dumps);
        }

        Assert.Empty(ForensicScan.Find(scanned, canaries));
        var logs = run.Output + initOutput;
        foreach (var (name, value) in canaries)
        {
            Assert.False(logs.Contains(Encoding.UTF8.GetString(value), StringComparison.Ordinal), $"The log contains the {name}.");
        }

        Assert.DoesNotContain("CanaryAgent", logs, StringComparison.Ordinal);
    }

    private static string Spaced(string fingerprint) => string.Join(' ', fingerprint.Chunk(4).Select(c => new string(c)));

    /// <summary>sdnet run starts front end, worker and console each with its <see cref="Core.Setup.ServiceEnvironment"/> variables.</summary>
    private static void AssertChildrenStartedWithServiceEnvironment(int parent)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent)
            .ToList();
        Assert.Equal(3, children.Count);
        var roles = new List<string>();
        foreach (var child in children)
        {
            var arguments = File.ReadAllText($"/proc/{child}/cmdline").Split('\0');
            var role = arguments[Array.IndexOf(arguments, "serve") + 1];
            roles.Add(role);
            var environment = File.ReadAllText($"/proc/{child}/environ").Split('\0');
            foreach (var (name, value) in Core.Setup.ServiceEnvironment.For(Core.Data.Layout.ServiceRoleNames.Parse(role)))
            {
                Assert.Contains($"{name}={value}", environment);
            }

            // The front end's own settings (recompilation only where hot, no ICU) stay out of the other two.
            Assert.Equal(role == "submission", environment.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1"));
        }

        Assert.Equal(["reviewer", "submission", "worker"], roles.Order(StringComparer.Ordinal));
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    [GeneratedRegex(@"First admin passphrase:\s+(.+)")]
    internal static partial Regex AdminPassphrase();

    private sealed record Tip(string Message, (string Name, byte[] Content)[] Files)
    {
        public static Tip Create()
        {
            var marker = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            return new Tip(
                $"Canary message {marker}: the ledger on the third floor is falsified. Ünïcödé → 한국어",
                [
                    ($"canary-ledger-{marker}.pdf", RandomNumberGenerator.GetBytes(300 * 1024)),
                    ($"canary photo {marker} 사진.jpg", RandomNumberGenerator.GetBytes(2 * 1024 * 1024 + 17)),
                ]);
        }

        public Dictionary<string, byte[]> Canaries(string codename) => new()
        {
            ["message"] = Encoding.UTF8.GetBytes(Message),
            ["message marker"] = Encoding.UTF8.GetBytes(Message[..30]),
            ["first file's content"] = Files[0].Content[..64],
            ["second file's content"] = Files[1].Content[1000..1064],
            ["first file's name"] = Encoding.UTF8.GetBytes(Files[0].Name),
            ["second file's name"] = Encoding.UTF8.GetBytes(Files[1].Name),
            ["codename"] = Encoding.UTF8.GetBytes(codename),
        };
    }
}
