using Microsoft.Extensions.Options;
using SecureDrop.Net.Core.Settings;
using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Hosting;

/// <summary>
/// What the front end applies: the admin's value from the console where one is set, else the environment setting.
/// The store caches for a few seconds, so a change applies without a restart. A request reads the settings once and
/// keeps that copy to its end: a receipt page after an upload never goes back to the database, so a database that
/// fails mid-upload cannot turn "received" into "busy" for a tip that was stored.
/// </summary>
internal sealed class EffectiveSettings
{
    private readonly InstanceSettingsStore _store;
    private readonly IOptions<SubmissionLimits> _limits;
    private readonly IOptions<FrontEndOptions> _frontEnd;

    public EffectiveSettings(InstanceSettingsStore store, IOptions<SubmissionLimits> limits, IOptions<FrontEndOptions> frontEnd)
    {
        _store = store;
        _limits = limits;
        _frontEnd = frontEnd;
    }

    private static readonly object RequestCopy = new();

    public async Task<SubmissionLimits> LimitsAsync(HttpContext context)
    {
        var set = await ReadAsync(context).ConfigureAwait(false);
        var environment = _limits.Value;
        return new SubmissionLimits
        {
            MaxSubmissionBytes = set.MaxSubmissionBytes ?? environment.MaxSubmissionBytes,
            MaxFiles = set.MaxFiles ?? environment.MaxFiles,
            TextOnly = set.TextOnly ?? environment.TextOnly,
        };
    }

    /// <summary>The onion origin for <c>Onion-Location</c>: the console's setting, else Submission:OnionAddress; null for none.</summary>
    public async ValueTask<string?> OnionAddressAsync(HttpContext context)
    {
        var environment = string.IsNullOrWhiteSpace(_frontEnd.Value.OnionAddress) ? null : _frontEnd.Value.OnionAddress;
        try
        {
            var set = await ReadAsync(context).ConfigureAwait(false);
            return set.OnionAddress ?? environment;
        }
        catch (System.Data.Common.DbException)
        {
            // The database is unreachable: the page itself answers "busy"; the header falls back to the environment.
            return environment;
        }
    }

    /// <summary>The organisation's logo (a checked, metadata-free PNG), or null when none is set.</summary>
    public async Task<byte[]?> LogoAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _store.ReadLogoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException)
        {
            // The database is unreachable: pages go on without the logo rather than fail.
            return null;
        }
    }

    public async Task<string> NewsroomNameAsync(HttpContext context)
    {
        var set = await ReadAsync(context).ConfigureAwait(false);
        return set.OrganisationName ?? _frontEnd.Value.NewsroomName;
    }

    /// <summary>The request's copy of the instance settings, read from the store the first time the request asks.</summary>
    private async ValueTask<InstanceSettings> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(RequestCopy, out var held) && held is InstanceSettings copy)
        {
            return copy;
        }

        var settings = await _store.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        context.Items[RequestCopy] = settings;
        return settings;
    }
}
