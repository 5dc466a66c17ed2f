using System.Globalization;
using Microsoft.Data.Sqlite;
using SecureDrop.Net.Reviewer;
using SecureDrop.Net.Submission;

namespace SecureDrop.Net.Proof.Tests.BadInput;

/// <summary>
/// One instance with the front end and the console running on real Kestrel over it, one stored submission, two
/// signed-in sources, an anonymous visitor, a signed-in admin and a session halfway through sign-in: everything
/// the corpus's placeholders name.
/// </summary>
public sealed class ProofHost : IAsyncLifetime
{
    public const long MaxSubmissionBytes = 1024 * 1024;
    public const int MaxFiles = 5;

    private readonly List<IDisposable> _clients = [];

    public TestInstance Instance { get; private set; } = null!;

    public RunningApp FrontEnd { get; private set; } = null!;

    public RunningApp Console { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Instance = await TestInstance.CreateAsync();
        var (sourceId, submissionId) = await Seed.SubmissionAsync(Instance, "Seeded message", ("seeded.txt", "seeded file"u8.ToArray()));
        var frontEndSettings = new Dictionary<string, string?>
        {
            ["Submission:MaxSubmissionBytes"] = MaxSubmissionBytes.ToString(CultureInfo.InvariantCulture),
            ["Submission:MaxFiles"] = MaxFiles.ToString(CultureInfo.InvariantCulture),
            // The corpus sends many sign-ins in a minute; the site-wide rate limits are tested elsewhere (AbuseTests).
            ["Submission:LoginsPerMinute"] = "100000",
            ["Submission:NewSourcesPerMinute"] = "100000",
        };
        FrontEnd = await RunningApp.StartAsync(url => SubmissionApp.Build(Instance.Data, url, frontEndSettings));
        Console = await RunningApp.StartAsync(url => ReviewerApp.Build(Instance.Data, url));

        var context = new Dictionary<string, string>
        {
            ["fe_host"] = FrontEnd.Address.Authority,
            ["console_host"] = Console.Address.Authority,
            ["source_id"] = sourceId,
            ["submission_id"] = submissionId,
        };
        await using (var connection = await Instance.Database.OpenAsync())
        {
            context["item_id"] = await connection.ExecuteScalarAsync<string>("SELECT id FROM items WHERE submission_id = @submissionId", new { submissionId }) ?? "";
            context["journalist_id"] = await connection.ExecuteScalarAsync<string>("SELECT id FROM journalists") ?? "";
        }

        await AddSourcesAsync(context);
        await AddJournalistsAsync(context);
        Context = context;
    }

    /// <summary>Everything a bad request could have left behind: rows, queued jobs, ciphertext files, account settings.</summary>
    public async Task<string> SnapshotAsync()
    {
        await using var connection = await Instance.Database.OpenAsync();
        var counts = new List<string>();
        foreach (var table in new[] { "sources", "submissions", "items", "journalists", "notification_state" })
        {
            counts.Add($"{table}={await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}")}");
        }

        // Failed-attempt counters change by design when a sign-in fails; the settings an attacker would want to change must not.
        var accounts = await connection.QueryAsync<string>(
            "SELECT id || '|' || username || '|' || is_admin || '|' || disabled || '|' || locked || '|' || coalesce(notify_email, '') || '|' || length(coalesce(notify_public_key, '')) || '|' || hex(wrapped_vault_key) || '|' || hex(coalesce(totp_secret_sealed, x'')) FROM journalists ORDER BY id");
        await using var jobs = new SqliteConnection($"Data Source={Instance.Data.JobDatabase};Mode=ReadOnly");
        await jobs.OpenAsync();
        counts.Add($"jobs={await jobs.ExecuteScalarAsync<long>("SELECT count(*) FROM Job")}");
        counts.Add($"intake={Directory.GetFiles(Instance.Data.IntakeDirectory).Length}");
        counts.Add($"vault={Directory.GetFiles(Instance.Data.VaultDirectory, "*", SearchOption.AllDirectories).Length}");
        return string.Join(", ", counts) + "; " + string.Join("; ", accounts);
    }

    public Uri AddressOf(CorpusTarget target) => target == CorpusTarget.FrontEnd ? FrontEnd.Address : Console.Address;

    public async Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await Console.DisposeAsync();
        await FrontEnd.DisposeAsync();
        Instance.Dispose();
    }

    private async Task AddSourcesAsync(Dictionary<string, string> context)
    {
        // Source A continues by hand, so the test knows the (now spent) ticket it used.
        var source = Track(new SourceClient(FrontEnd.Address));
        var generate = await source.Http.GetStringAsync(new Uri("/generate", UriKind.Relative));
        context["spent_ticket"] = HtmlForms.HiddenValue(generate, "ticket");
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ticket"] = context["spent_ticket"],
            ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(generate),
        }))
        using (var response = await source.Http.PostAsync(new Uri("/generate", UriKind.Relative), form))
        {
            response.EnsureSuccessStatusCode();
        }

        context["source_cookies"] = source.Cookies.GetCookieHeader(FrontEnd.Address);
        context["submit_token"] = HtmlForms.AntiforgeryToken(await source.Http.GetStringAsync(new Uri("/submit", UriKind.Relative)));
        context["login_token"] = HtmlForms.AntiforgeryToken(await source.Http.GetStringAsync(new Uri("/login", UriKind.Relative)));

        var other = Track(new SourceClient(FrontEnd.Address));
        await other.GenerateAndContinueAsync();
        context["other_cookies"] = other.Cookies.GetCookieHeader(FrontEnd.Address);
        context["other_submit_token"] = HtmlForms.AntiforgeryToken(await other.Http.GetStringAsync(new Uri("/submit", UriKind.Relative)));

        var visitor = Track(new SourceClient(FrontEnd.Address));
        var visitorGenerate = await visitor.Http.GetStringAsync(new Uri("/generate", UriKind.Relative));
        context["anon_generate_token"] = HtmlForms.AntiforgeryToken(visitorGenerate);
        context["fresh_ticket"] = HtmlForms.HiddenValue(visitorGenerate, "ticket");
        context["anon_login_token"] = HtmlForms.AntiforgeryToken(await visitor.Http.GetStringAsync(new Uri("/login", UriKind.Relative)));
        context["anon_cookies"] = visitor.Cookies.GetCookieHeader(FrontEnd.Address);
    }

    private async Task AddJournalistsAsync(Dictionary<string, string> context)
    {
        var username = Instance.Secrets.AdminUsername;
        var passphrase = Instance.Secrets.AdminPassphrase;
        var admin = Track(new JournalistClient(Console.Address));
        using (var passed = await admin.PassphraseAsync(username, passphrase))
        {
            var page = await passed.Content.ReadAsStringAsync();
            admin.TotpSecret = HtmlForms.ElementText(page, "totp-secret").Replace(" ", "", StringComparison.Ordinal);
            context["used_code"] = admin.CurrentCode();
            using var signedIn = await admin.SecondFactorAsync(page, context["used_code"]);
            Assert.Equal("/", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        }

        context["console_cookies"] = admin.Cookies.GetCookieHeader(Console.Address);
        context["console_token"] = HtmlForms.AntiforgeryToken(await admin.Http.GetStringAsync(new Uri("/", UriKind.Relative)));

        // A second sign-in of the same admin that passed the passphrase and now waits for a code.
        var half = Track(new JournalistClient(Console.Address));
        using (var passed = await half.PassphraseAsync(username, passphrase))
        {
            Assert.Equal("/login/second-factor", passed.RequestMessage?.RequestUri?.AbsolutePath);
            context["half_token"] = HtmlForms.AntiforgeryToken(await passed.Content.ReadAsStringAsync());
        }

        context["half_cookies"] = half.Cookies.GetCookieHeader(Console.Address);

        var visitor = Track(new JournalistClient(Console.Address));
        context["console_login_token"] = HtmlForms.AntiforgeryToken(await visitor.Http.GetStringAsync(new Uri("/login", UriKind.Relative)));
        context["console_login_cookies"] = visitor.Cookies.GetCookieHeader(Console.Address);
        context["admin_username"] = username;
    }

    private T Track<T>(T client)
        where T : IDisposable
    {
        _clients.Add(client);
        return client;
    }
}
