using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.BadInput;

/// <summary>A front end with small limits and one signed-in source, shared by the rows of <see cref="BadInputCases"/>.</summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public FrontEndHost Host { get; private set; } = null!;

    public SourceContext Source { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await FrontEndHost.StartAsync(new Dictionary<string, string?>
        {
            ["Submission:MaxSubmissionBytes"] = BadInputCases.MaxSubmissionBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Submission:MaxFiles"] = BadInputCases.MaxFiles.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var client = new SourceClient(Host.Address);
        await client.GenerateAndContinueAsync();
        var submit = await client.Http.GetStringAsync(new Uri("/submit", UriKind.Relative));
        var login = await client.Http.GetStringAsync(new Uri("/login", UriKind.Relative));
        Source = new SourceContext(Host.Address, client.Cookies.GetCookieHeader(Host.Address),
            HtmlForms.AntiforgeryToken(submit), HtmlForms.AntiforgeryToken(login));
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Each bad input gets the right status and a plain page, nothing is stored, and the server stays up.</summary>
public sealed class BadInputTests : IClassFixture<BadInputFixture>
{
    private readonly BadInputFixture _fixture;

    public BadInputTests(BadInputFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [MemberData(nameof(BadInputCases.Names), MemberType = typeof(BadInputCases))]
    public async Task BadInput_GetsItsStatusAndPlainPage_StoresNothing_ServerStaysUp(string name)
    {
        var badInput = BadInputCases.Named(name);
        var host = _fixture.Host;
        var intakeBefore = Directory.GetFiles(host.Data.IntakeDirectory).ToHashSet();
        var submissionsBefore = await host.CountAsync("submissions");

        var response = await RawHttp.SendAsync(host.Address, badInput.Request(_fixture.Source), badInput.HalfClose);

        Assert.Equal(badInput.ExpectedStatus, response.StatusCode);
        Assert.DoesNotContain("Exception", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", response.Body, StringComparison.OrdinalIgnoreCase);
        if (badInput.ExpectedText is not null)
        {
            Assert.Contains(badInput.ExpectedText, WebUtility.HtmlDecode(response.Body), StringComparison.Ordinal);
        }

        var newFiles = Directory.GetFiles(host.Data.IntakeDirectory).Except(intakeBefore).ToList();
        if (badInput.StoredName is { } nameCheck)
        {
            // The item, and the envelope that records it in intake for the ingest window.
            var item = Assert.Single(newFiles, f => f.EndsWith(".gpg", StringComparison.Ordinal));
            Assert.Single(newFiles, f => f.EndsWith(Core.Submissions.IntakeEnvelope.Suffix, StringComparison.Ordinal));
            Assert.Equal(2, newFiles.Count);
            var (storedName, _) = host.DecryptIntakeItem(item);
            Assert.True(nameCheck(storedName), $"Stored name '{storedName}' is not clean.");
        }
        else
        {
            Assert.Empty(newFiles);
            Assert.Equal(submissionsBefore, await host.CountAsync("submissions"));
        }

        Assert.Empty(Directory.GetFiles(host.Data.IntakeDirectory, "*.part"));
        using var alive = await RawHttpGetAsync(host.Address);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    private static async Task<HttpResponseMessage> RawHttpGetAsync(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address };
        return await client.GetAsync(new Uri("/", UriKind.Relative));
    }
}
