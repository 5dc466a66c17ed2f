using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SecureDrop.Net.Submission.Tests.Support;

namespace SecureDrop.Net.Submission.Tests.Privacy;

/// <summary>
/// A whole source visit from a client address of its own (127.0.0.2), with a forged X-Forwarded-For and a canary
/// user agent, every log line captured at every level: afterwards no log line and no file in the data directory
/// or the temporary directory holds the address, the agent, the codename, the message, a file or its name, or a reply the source read.
/// </summary>
public sealed class PrivacyTests
{
    private const string ClientAddress = "127.0.0.2";
    private const string ForgedAddress = "203.0.113.77";
    private const string ForgedForwarded = "198.51.100.23";

    [Fact]
    public async Task SourceVisit_LeavesNoIdentifyingTraceInLogsOrFiles()
    {
        var started = TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(-1);
        await using var host = await FrontEndHost.StartAsync(configure: LogEverything);
        using var source = new SourceClient(host.Address, ConnectFrom(IPAddress.Parse(ClientAddress)));
        source.Http.DefaultRequestHeaders.Add("X-Forwarded-For", ForgedAddress);
        source.Http.DefaultRequestHeaders.Add("Forwarded", $"for={ForgedForwarded}");
        source.Http.DefaultRequestHeaders.Add("X-Real-IP", ForgedAddress);

        var codename = await source.GenerateAndContinueAsync();
        using (var first = await source.SubmitAsync("Canary message 51f0 about the dam", ("canary-name-3d9e.pdf", Encoding.UTF8.GetBytes("Canary content a7c4 "))))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await source.LogoutAsync();
        var sourceId = await host.ScalarAsync<string>("SELECT id FROM sources");
        await Seed.ReplyAsync(host.Instance.Database, sourceId, "Canary reply 9e2b from the newsroom");
        using (var login = await source.LoginAsync(codename))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var lookup = await login.Content.ReadAsStringAsync();
            Assert.Contains("Canary reply 9e2b", lookup, StringComparison.Ordinal);
            using var deleted = await source.DeleteReplyAsync(lookup, HtmlForms.HiddenValue(lookup, "reply"));
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using (var followUp = await source.SubmitAsync("Canary follow-up 0b6e", []))
        {
            Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        }


        var secrets = new Dictionary<string, string>
        {
            ["client address"] = ClientAddress,
            ["forged X-Forwarded-For"] = ForgedAddress,
            ["forged Forwarded"] = ForgedForwarded,
            ["user agent"] = "CanaryAgent-7f3a9c",
            ["codename"] = codename,
            ["codename, first three words"] = string.Join(' ', codename.Split(' ').Take(3)),
            ["message"] = "Canary message 51f0",
            ["follow-up"] = "Canary follow-up 0b6e",
            ["reply"] = "Canary reply 9e2b",
            ["file content"] = "Canary content a7c4",
            ["file name"] = "canary-name-3d9e",
        };
        Assert.NotEmpty(host.Logs.Lines);
        var logHits = host.Logs.Lines.SelectMany(line => secrets.Where(s => line.Contains(s.Value, StringComparison.OrdinalIgnoreCase)).Select(s => $"{s.Key}: {line}")).ToList();
        Assert.Empty(logHits);

        var fileHits = ForensicScan.Find([host.Data.Root, Path.GetTempPath()],
            secrets.ToDictionary(s => s.Key, s => Encoding.UTF8.GetBytes(s.Value)),
            file => file.LastWriteTimeUtc >= started && file.Length < 256L * 1024 * 1024);
        Assert.Empty(fileHits);
    }

    private static void LogEverything(WebApplicationBuilder builder) => builder.Logging.SetMinimumLevel(LogLevel.Trace).AddFilter(_ => true);

    private static SocketsHttpHandler ConnectFrom(IPAddress local) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
