using SecureDrop.Net.Cli.Keys;

namespace SecureDrop.Net.Cli.Tests;

public sealed class ProgressTests
{
    [Fact]
    public async Task OnATerminal_ABarIsRedrawnInPlace_OtherwisePlainLinesEveryTenth()
    {
        using var terminal = new StringWriter();
        using var plain = new StringWriter();
        var bar = new Progress(terminal, terminal: true, "re-wrapped", 100);
        var lines = new Progress(plain, terminal: false, "re-wrapped", 100);

        for (var done = 0; done <= 100; done++)
        {
            await bar.ReportAsync(done);
            await lines.ReportAsync(done);
        }

        Assert.Contains("\r[###############...............] re-wrapped: 50/100 item(s)", terminal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\r', plain.ToString());
        Assert.Equal(11, plain.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("keys", "rotate")]
    [InlineData("keys", "rewrap")]
    [InlineData("keys", "destroy")]
    [InlineData("journalist", "add")]
    [InlineData("secrets", "rotate-dataprotection")]
    public async Task Help_DescribesEveryNewCommand(params string[] command)
    {
        var (code, output, _) = await RunAsync(null, [.. command, "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("--data", output, StringComparison.Ordinal);
    }
}
