namespace SecureDrop.Net.Proof.Tests.BadInput;

[CollectionDefinition(Name)]
public sealed class CorpusRun : ICollectionFixture<ProofHost>
{
    public const string Name = "bad-input corpus";
}

/// <summary>
/// Replays the bad-input corpus (Corpus/*.json, one theory per file, one test case per request) on raw loopback
/// sockets against a real front end and console. Each request gets the status the corpus says, never a 5xx or a stack
/// trace; afterwards nothing new is stored (rows, queued jobs, intake and vault files, account settings) and both
/// servers still answer. ARCHITECTURE.md invariant 7.
/// </summary>
[Collection(CorpusRun.Name)]
public sealed class CorpusTests
{
    private readonly ProofHost _host;

    public CorpusTests(ProofHost host)
    {
        _host = host;
    }

    public static TheoryData<string> Cases(string file) => [.. CorpusCase.Load(file).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases), "frontend-multipart")]
    public Task FrontEndMultipart_IsRefusedAndStoresNothing(string name) => ReplayAsync("frontend-multipart", name);

    [Theory]
    [MemberData(nameof(Cases), "frontend-limits")]
    public Task FrontEndLimits_AreEnforcedAndStoreNothing(string name) => ReplayAsync("frontend-limits", name);

    [Theory]
    [MemberData(nameof(Cases), "frontend-encoding")]
    public Task FrontEndEncodingTricks_AreRefusedAndStoreNothing(string name) => ReplayAsync("frontend-encoding", name);

    [Theory]
    [MemberData(nameof(Cases), "frontend-traversal")]
    public Task FrontEndPathTraversal_ReachesNothing(string name) => ReplayAsync("frontend-traversal", name);

    [Theory]
    [MemberData(nameof(Cases), "frontend-csrf-session")]
    public Task FrontEndCsrfAndSessionAttacks_AreRefused(string name) => ReplayAsync("frontend-csrf-session", name);

    [Theory]
    [MemberData(nameof(Cases), "frontend-methods")]
    public Task FrontEndMethodAndContentTypeConfusion_IsRefused(string name) => ReplayAsync("frontend-methods", name);

    [Theory]
    [MemberData(nameof(Cases), "console-auth")]
    public Task ConsoleSignInAttacks_AreRefused(string name) => ReplayAsync("console-auth", name);

    [Theory]
    [MemberData(nameof(Cases), "console-routes")]
    public Task ConsoleRouteAttacks_AreRefusedAndChangeNothing(string name) => ReplayAsync("console-routes", name);

    private async Task ReplayAsync(string file, string name)
    {
        var badInput = CorpusCase.Load(file).Single(c => c.Name == name);
        var before = await _host.SnapshotAsync();

        var address = _host.AddressOf(badInput.Target);
        var context = new Dictionary<string, string>(_host.Context) { ["host"] = address.Authority };
        var response = await CorpusSender.SendAsync(address, badInput.Render(context), badInput.HalfClose, badInput.Trickle);

        Assert.True(badInput.Statuses.Contains(response.StatusCode),
            $"Expected {string.Join(" or ", badInput.Statuses)}, got {response.StatusCode}. {badInput.Why} Body: {Text(response.Body)}");
        // 505 is the one 5xx that names the client's fault (an HTTP version this server does not speak).
        Assert.True(response.StatusCode < 500 || response.StatusCode == 505, $"A server error ({response.StatusCode}) for bad input.");
        Assert.DoesNotContain("Exception", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", response.Body, StringComparison.OrdinalIgnoreCase);
        if (badInput.Contains is not null)
        {
            Assert.True(WebUtility.HtmlDecode(response.Body).Contains(badInput.Contains, StringComparison.Ordinal),
                $"The page does not say '{badInput.Contains}': {Text(response.Body)}");
        }

        if (badInput.Absent is not null)
        {
            // In the head: a page may echo what was typed (encoded), but no header may carry it.
            var head = response.Raw.Split("\r\n\r\n", 2)[0];
            Assert.DoesNotContain(badInput.Absent, head, StringComparison.Ordinal);
        }

        Assert.Equal(before, await _host.SnapshotAsync());
        Assert.Empty(Directory.GetFiles(_host.Instance.Data.IntakeDirectory, "*.part"));
        await AssertAnswersAsync(_host.FrontEnd.Address, "/");
        await AssertAnswersAsync(_host.Console.Address, "/login");
    }

    private static string Text(string html)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", " ");
        text = System.Text.RegularExpressions.Regex.Replace(WebUtility.HtmlDecode(text), "\\s+", " ").Trim();
        return text.Length > 400 ? text[..400] : text;
    }

    private static async Task AssertAnswersAsync(Uri address, string path)
    {
        var response = await RawHttp.SendAsync(address, RawHttp.Request("GET", path, address));
        Assert.Equal((int)HttpStatusCode.OK, response.StatusCode);
    }
}
