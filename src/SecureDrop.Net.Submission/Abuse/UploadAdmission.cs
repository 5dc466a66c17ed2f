using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SecureDrop.Net.Submission.Hosting;
using SecureDrop.Net.Submission.Sessions;

namespace SecureDrop.Net.Submission.Abuse;

/// <summary>
/// Who may upload now. Each upload in flight is held by its Tor circuit (or, without circuit lines, by its source
/// session): a circuit holds at most <see cref="AbuseLimits.UploadsPerCircuit"/>, a session at most
/// <see cref="AbuseLimits.UploadsPerSession"/>. When all <see cref="AbuseLimits.MaxConcurrentUploads"/> are taken, a
/// newcomer is not the one refused: the holder with the most uploads gives up its slowest one (the connection is
/// closed; its partial items are discarded as for any broken upload), as long as it holds at least two more than the
/// newcomer's holder. Only when every holder holds as few as the newcomer would is the newcomer told the site is busy.
/// No upload lasts longer than <see cref="AbuseLimits.MaxUploadMinutes"/>.
/// </summary>
/// <remarks>
/// Threat: a trickle. Sixteen fixed slots held at 2 KiB/s each locked every source out for as long as the attacker
/// liked. Now a flood of trickles must come over as many circuits as it has uploads, each circuit priced by Tor's
/// proof-of-work defence, and each trickle ends after the time limit.
/// </remarks>
internal sealed partial class UploadAdmission : PartitionedRateLimiter<HttpContext>
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<Holder, List<Upload>> _byHolder = [];
    private readonly Dictionary<string, int> _bySession = new(StringComparer.Ordinal);
    private readonly AbuseLimits _limits;
    private readonly SourceSessions _sessions;
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;
    private readonly ILogger<UploadAdmission> _logger;
    private int _inFlight;

    public UploadAdmission(IOptions<AbuseLimits> limits, SourceSessions sessions, TimeProvider time, ILogger<UploadAdmission> logger)
    {
        _limits = limits.Value;
        _sessions = sessions;
        _time = time;
        _logger = logger;
        _sweep = time.CreateTimer(_ => EndOverlong(), null, SweepEvery, SweepEvery);
    }

    /// <summary>Uploads in flight now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => new()
    {
        CurrentAvailablePermits = _limits.MaxConcurrentUploads - InFlight,
    };

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (AbuseProtection.Kind(resource) != AbuseProtection.Cost.Upload)
        {
            return NotAnUpload.Lease;
        }

        var circuit = resource.TorCircuit();
        var session = _sessions.CurrentSourceId(resource);
        var holder = circuit is not null ? Holder.ForCircuit(circuit.Id) : Holder.ForSession(session);
        var upload = new Upload(resource, holder, session, _time.GetTimestamp());
        Upload? shed = null;
        lock (_gate)
        {
            var held = _byHolder.GetValueOrDefault(holder)?.Count ?? 0;
            if ((circuit is not null && held >= _limits.UploadsPerCircuit)
                || (session is not null && _bySession.GetValueOrDefault(session) >= _limits.UploadsPerSession))
            {
                return Refused.Lease;
            }

            if (_inFlight >= _limits.MaxConcurrentUploads)
            {
                shed = SlowestOfLargestHolder(held);
                if (shed is null)
                {
                    LogFull(_limits.MaxConcurrentUploads);
                    return Refused.Lease;
                }

                RemoveLocked(shed);
            }

            AddLocked(upload);
        }

        if (shed is not null)
        {
            LogShed(_limits.MaxConcurrentUploads);
            shed.Context.Abort();
        }

        resource.Request.Body = new CountingStream(resource.Request.Body, upload);
        return new Admitted(this, upload);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sweep.Dispose();
        }

        base.Dispose(disposing);
    }

    private Upload? SlowestOfLargestHolder(int newcomerHolds)
    {
        List<Upload>? largest = null;
        foreach (var uploads in _byHolder.Values)
        {
            if (largest is null || uploads.Count > largest.Count)
            {
                largest = uploads;
            }
        }

        if (largest is null || largest.Count < newcomerHolds + 2)
        {
            return null;
        }

        var now = _time.GetTimestamp();
        return largest.MinBy(u => u.Rate(_time, now));
    }

    private void AddLocked(Upload upload)
    {
        if (!_byHolder.TryGetValue(upload.Holder, out var uploads))
        {
            _byHolder[upload.Holder] = uploads = [];
        }

        uploads.Add(upload);
        if (upload.Session is not null)
        {
            _bySession[upload.Session] = _bySession.GetValueOrDefault(upload.Session) + 1;
        }

        _inFlight++;
    }

    private void RemoveLocked(Upload upload)
    {
        if (!_byHolder.TryGetValue(upload.Holder, out var uploads) || !uploads.Remove(upload))
        {
            return;
        }

        if (uploads.Count == 0)
        {
            _byHolder.Remove(upload.Holder);
        }

        if (upload.Session is not null && --_bySession[upload.Session] == 0)
        {
            _bySession.Remove(upload.Session);
        }

        _inFlight--;
    }

    private void Release(Upload upload)
    {
        lock (_gate)
        {
            RemoveLocked(upload);
        }
    }

    private void EndOverlong()
    {
        var limit = TimeSpan.FromMinutes(_limits.MaxUploadMinutes);
        List<Upload> overlong;
        lock (_gate)
        {
            overlong = [.. _byHolder.Values.SelectMany(u => u).Where(u => _time.GetElapsedTime(u.Started) > limit)];
            overlong.ForEach(RemoveLocked);
        }

        foreach (var upload in overlong)
        {
            LogOverlong(_limits.MaxUploadMinutes);
            upload.Context.Abort();
        }
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "All {Capacity} upload slots are taken and no holder has more than a newcomer; the newcomer was told the site is busy")]
    private partial void LogFull(int capacity);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "All {Capacity} upload slots are taken: the slowest upload of the holder with the most was closed to admit a newcomer")]
    private partial void LogShed(int capacity);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "An upload ran past Submission:MaxUploadMinutes ({Minutes}) and was closed")]
    private partial void LogOverlong(int minutes);

    /// <summary>A circuit, or a session when circuits are unknown; the circuit id stays in this process's memory only.</summary>
    private readonly record struct Holder(uint Circuit, string? Session, bool IsCircuit)
    {
        public static Holder ForCircuit(uint circuit) => new(circuit, null, true);

        public static Holder ForSession(string? session) => new(0, session, false);
    }

    private sealed class Upload(HttpContext context, Holder holder, string? session, long started)
    {
        private long _bytes;

        public HttpContext Context { get; } = context;

        public Holder Holder { get; } = holder;

        public string? Session { get; } = session;

        public long Started { get; } = started;

        public void Add(int bytes) => Interlocked.Add(ref _bytes, bytes);

        /// <summary>Bytes a second so far; an upload younger than ten seconds is judged as if it were ten seconds old.</summary>
        public double Rate(TimeProvider time, long now) =>
            Interlocked.Read(ref _bytes) / Math.Max(time.GetElapsedTime(Started, now).TotalSeconds, 10);
    }

    private sealed class Admitted(UploadAdmission owner, Upload upload) : RateLimitLease
    {
        private int _released;

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(upload);
            }

            base.Dispose(disposing);
        }
    }

    private sealed class NotAnUpload : RateLimitLease
    {
        public static readonly NotAnUpload Lease = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Lease = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>The request body, counted as it is read, so the slowest upload can be told apart.</summary>
    private sealed class CountingStream(Stream inner, Upload upload) : Stream
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

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            upload.Add(read);
            return read;
        }
    }
}
