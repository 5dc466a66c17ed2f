namespace SecureDrop.Net.Proof.Tests.Faults;

/// <summary>
/// A bounded background load (one source, a fixed count of text tips, loopback only) that records what the source
/// was told for each tip: "received" (acknowledged), a plain "busy, try again" (503/507, refused), or no answer at
/// all (the connection failed, as when the front end is dead). A restarted front end has forgotten the source's
/// session (it holds the unlocked reply key in memory only): the source is told its session ended and nothing was
/// kept, and signs in again with its codename. Anything else is kept as unexpected.
/// </summary>
internal sealed class TipLoad : IDisposable
{
    private readonly SourceClient _source;
    private readonly string _codename;
    private readonly string _marker;
    private readonly Lock _gate = new();
    private readonly List<string> _acknowledged = [];
    private readonly List<string> _busy = [];
    private readonly List<string> _unanswered = [];
    private readonly List<string> _unexpected = [];
    private readonly List<string> _sessionEnded = [];
    private int _attempts;

    private TipLoad(SourceClient source, string codename, string marker)
    {
        _source = source;
        _codename = codename;
        _marker = marker;
    }

    public static async Task<TipLoad> SignedInAsync(Uri frontEnd, string marker)
    {
        var source = new SourceClient(frontEnd);
        var codename = await source.GenerateAndContinueAsync();
        return new TipLoad(source, codename, marker);
    }

    public int Attempts => Volatile.Read(ref _attempts);

    public IReadOnlyList<string> Acknowledged => Snapshot(_acknowledged);

    public IReadOnlyList<string> Busy => Snapshot(_busy);

    public IReadOnlyList<string> Unanswered => Snapshot(_unanswered);

    public IReadOnlyList<string> Unexpected => Snapshot(_unexpected);

    /// <summary>Tips refused because the (restarted) front end no longer knew the session.</summary>
    public IReadOnlyList<string> SessionEnded => Snapshot(_sessionEnded);

    /// <summary>Submits <paramref name="count"/> tips one after another, <paramref name="pause"/> apart.</summary>
    public async Task RunAsync(string phase, int count, TimeSpan pause)
    {
        for (var i = 0; i < count; i++)
        {
            var text = $"load tip {_marker} {phase} #{i}";
            await SubmitAsync(text);
            Interlocked.Increment(ref _attempts);
            await Task.Delay(pause);
        }
    }

    public async Task<HttpStatusCode?> SubmitAsync(string text)
    {
        try
        {
            using var response = await _source.SubmitAsync(text);
            var page = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && page.Contains("id=\"received\"", StringComparison.Ordinal))
            {
                Add(_acknowledged, text);
            }
            else if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.InsufficientStorage
                && page.Contains("try again", StringComparison.OrdinalIgnoreCase))
            {
                Add(_busy, text);
            }
            else if (response.StatusCode == HttpStatusCode.Forbidden && page.Contains("session has ended", StringComparison.Ordinal))
            {
                Add(_sessionEnded, text);
                using var again = await _source.LoginAsync(_codename);
            }
            else
            {
                Add(_unexpected, $"{text}: {(int)response.StatusCode} {page[..Math.Min(page.Length, 300)]}");
            }

            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            Add(_unanswered, text);
            return null;
        }
    }

    public void Dispose() => _source.Dispose();

    private void Add(List<string> list, string text)
    {
        lock (_gate)
        {
            list.Add(text);
        }
    }

    private List<string> Snapshot(List<string> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
