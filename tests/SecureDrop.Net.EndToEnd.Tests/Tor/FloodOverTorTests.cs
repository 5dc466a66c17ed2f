using System.Diagnostics;
using System.Net.Http.Headers;

namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>
/// A state's floods over one Tor circuit — uploads trickled to hold slots, and codename guessing — while an honest
/// source on another circuit gets a codename, submits, signs out and signs in again, over the real network. The
/// front end has six upload slots and one Argon2id derivation at a time (<see cref="OnionSite.FrontEndSettings"/>):
/// with site-wide limits the flood would hold them all.
/// </summary>
[Collection(SharesTheTorNetwork.Name)]
public sealed class FloodOverTorTests
{
    private const int Trickles = 12;
    private const int Guessers = 6;
    private static readonly TimeSpan FloodLimit = TimeSpan.FromSeconds(120);
    private readonly TorNetwork _network;

    public FloodOverTorTests(TorNetwork network)
    {
        _network = network;
    }

    [Fact]
    public async Task FloodsOnOneCircuit_LeaveASourceOnAnotherCircuitSubmittingAndSigningIn()
    {
        var site = await OnionSite.OfAsync(_network);
        using var attacker = TorClients.Source(_network, "attacker", site.FrontEnd);
        await attacker.GenerateAndContinueAsync();
        var token = HtmlForms.AntiforgeryToken(await attacker.Http.GetStringAsync(new Uri("/submit", UriKind.Relative)));
        using var stop = new CancellationTokenSource(FloodLimit);
        var outcomes = new Outcomes();
        var floods = Enumerable.Range(0, Trickles).Select(_ => TrickleAsync(attacker, token, outcomes, stop.Token))
            .Concat(Enumerable.Range(0, Guessers).Select(_ => GuessAsync(site, outcomes, stop.Token)))
            .ToList();
        await outcomes.WaitForAsync(() => outcomes.Refused > Trickles, TimeSpan.FromSeconds(60));

        var honest = Stopwatch.StartNew();
        using var source = TorClients.Source(_network, "honest", site.FrontEnd);
        var codename = await source.GenerateAndContinueAsync();
        using var submitted = await source.SubmitAsync("An honest tip during a flood", ("evidence.pdf", new byte[64 * 1024]));
        var submittedPage = await submitted.Content.ReadAsStringAsync();
        await source.LogoutAsync();
        using var signedIn = await source.LoginAsync(codename);
        honest.Stop();
        var stillFlooding = !stop.IsCancellationRequested;
        await stop.CancelAsync();
        await Task.WhenAll(floods);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Contains("id=\"received\"", submittedPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("/lookup", signedIn.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.True(stillFlooding, $"The floods ended ({FloodLimit.TotalSeconds:0} s) before the honest source was done ({honest.Elapsed.TotalSeconds:0} s).");
        Assert.True(outcomes.Refused > 0, "The flooding circuit was never refused: " + outcomes);
        Assert.True(outcomes.Guesses > 0, "No guess was answered: " + outcomes);
    }

    /// <summary>An upload that sends 1 KiB every 200 ms for as long as the flood lasts, again whenever it is refused.</summary>
    private static async Task TrickleAsync(SourceClient attacker, string token, Outcomes outcomes, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent(token), "__RequestVerificationToken");
            var part = new StreamContent(new TrickleStream(stop));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", "slow.bin");
            try
            {
                using var response = await attacker.Http.PostAsync(new Uri("/submit", UriKind.Relative), form, stop);
                outcomes.Add(response.StatusCode);
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
            {
                outcomes.AddClosed();
            }

            await Delay(TimeSpan.FromSeconds(1), stop);
        }
    }

    /// <summary>Wrong codenames, one after another, on the attacker's circuit.</summary>
    private async Task GuessAsync(OnionSite site, Outcomes outcomes, CancellationToken stop)
    {
        using var guesser = TorClients.Source(_network, "attacker", site.FrontEnd);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await guesser.LoginAsync("abacus abacus abacus abacus abacus abacus abacus").WaitAsync(stop);
                outcomes.Add(response.StatusCode, guess: true);
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
            {
                outcomes.AddClosed();
            }
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class Outcomes
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, int> _counts = [];

        public int Refused { get; private set; }

        public int Guesses { get; private set; }

        public void Add(HttpStatusCode status, bool guess = false)
        {
            lock (_gate)
            {
                var key = (guess ? "guess " : "upload ") + (int)status;
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
                Refused += status == HttpStatusCode.ServiceUnavailable ? 1 : 0;
                Guesses += guess ? 1 : 0;
            }
        }

        public void AddClosed()
        {
            lock (_gate)
            {
                _counts["closed"] = _counts.GetValueOrDefault("closed") + 1;
            }
        }

        public async Task WaitForAsync(Func<bool> condition, TimeSpan limit)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < limit)
            {
                lock (_gate)
                {
                    if (condition())
                    {
                        return;
                    }
                }

                await Task.Delay(200);
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return string.Join(", ", _counts.Select(c => $"{c.Key}: {c.Value}"));
            }
        }
    }

    /// <summary>A request body that never ends on its own: 1 KiB every 200 ms until the flood stops.</summary>
    private sealed class TrickleStream(CancellationToken stop) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(stop, cancellationToken);
            await Task.Delay(200, both.Token);
            var size = Math.Min(buffer.Length, 1024);
            buffer.Span[..size].Fill((byte)'x');
            return size;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
