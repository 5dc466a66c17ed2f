using SecureDrop.Net.Proof.Tests.Faults;

namespace SecureDrop.Net.Proof.Tests.Zones;

/// <summary>
/// Invariant 3 and "the worker never holds a secret key", on the real processes: after a source submits and reads a
/// journalist's reply (the front end decrypts it with the source's reply key), the worker ingests and the console
/// decrypts, each process's mapped assemblies are read from /proc. The one sdnet executable serves every role, so
/// this is what keeps a role from loading another zone's code; the console loading the secret side is the control.
/// </summary>
public sealed class LoadedAssembliesTests
{
    private static readonly string[] SecretSide = ["SecureDrop.Net.Crypto.Newsroom", "SecureDrop.Net.Custody"];

    [Fact]
    public async Task AfterASubmissionAndAReply_FrontEndAndWorkerHaveLoadedNoSecretSideAssembly_TheConsoleHas()
    {
        using var instance = await TestInstance.CreateAsync();
        await using var deployment = await Deployment.StartAsync(instance);
        using var source = new SourceClient(deployment.FrontEnd);
        var codename = await source.GenerateAndContinueAsync();
        using (var submitted = await source.SubmitAsync("zones: a message", ("zones.txt", "a file"u8.ToArray())))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        }

        using var journalist = new JournalistClient(deployment.Console);
        using (var login = await journalist.LoginAsync("admin", instance.Secrets.AdminPassphrase))
        {
            Assert.Equal("/", login.RequestMessage?.RequestUri?.AbsolutePath);
        }

        await IngestWindow.CloseNowAsync(instance);
        var path = Assert.Single(await journalist.WaitForSourcesAsync(1, TimeSpan.FromSeconds(120)));
        var page = await journalist.Http.GetStringAsync(new Uri(path, UriKind.Relative));
        Assert.Contains("zones: a message", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["reply"] = "zones: a reply", ["__RequestVerificationToken"] = HtmlForms.AntiforgeryToken(page) }))
        using (var reply = await journalist.Http.PostAsync(new Uri(path + "?handler=reply", UriKind.Relative), form))
        {
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }

        using (var returning = new SourceClient(deployment.FrontEnd))
        using (var back = await returning.LoginAsync(codename))
        {
            Assert.Contains("zones: a reply", WebUtility.HtmlDecode(await back.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        var frontEnd = AssemblyClosure.LoadedBy(deployment["submission"].Id);
        var worker = AssemblyClosure.LoadedBy(deployment["worker"].Id);
        var console = AssemblyClosure.LoadedBy(deployment["reviewer"].Id);

        Assert.Contains("SecureDrop.Net.Submission", frontEnd);
        Assert.Contains("SecureDrop.Net.Crypto", frontEnd);
        Assert.All(SecretSide.Append("SecureDrop.Net.Vault").Append("SecureDrop.Net.Reviewer").Append("SecureDrop.Net.Worker"), name => Assert.DoesNotContain(name, frontEnd));
        Assert.Contains("SecureDrop.Net.Vault", worker);
        Assert.All(SecretSide.Append("SecureDrop.Net.Reviewer").Append("SecureDrop.Net.Submission"), name => Assert.DoesNotContain(name, worker));
        Assert.All(SecretSide, name => Assert.Contains(name, console));
    }
}
