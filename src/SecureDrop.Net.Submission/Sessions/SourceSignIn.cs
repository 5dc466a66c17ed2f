using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Abuse;

namespace SecureDrop.Net.Submission.Sessions;

/// <summary>
/// Turns a codename into a signed-in session: both Argon2id derivations in the bounded pool, the source found (or,
/// after /generate, made with a new reply key, as a pending source that its ingest window records), its reply key
/// unsealed into the session's memory. The wrapping key is cleared before this returns; the codename is never
/// stored or logged.
/// </summary>
internal sealed partial class SourceSignIn
{
    private readonly KeyDerivationPool _derivations;
    private readonly SourceStore _sources;
    private readonly PendingSources _pending;
    private readonly SourceReplyKeys _replyKeys;
    private readonly SourceSessions _sessions;
    private readonly ILogger<SourceSignIn> _logger;

    public SourceSignIn(KeyDerivationPool derivations, SourceStore sources, PendingSources pending, SourceReplyKeys replyKeys, SourceSessions sessions, ILogger<SourceSignIn> logger)
    {
        _derivations = derivations;
        _sources = sources;
        _pending = pending;
        _replyKeys = replyKeys;
        _sessions = sessions;
        _logger = logger;
    }

    /// <summary>
    /// Signs in with a well-formed codename; with <paramref name="create"/>, makes the source instead, and refuses
    /// (<see cref="SourceSignInResult.AlreadyExists"/>) when it exists: a /generate ticket starts one source, once.
    /// </summary>
    public async Task<SourceSignInResult> SignInAsync(HttpContext context, string codename, bool create)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var secrets = await _derivations.TryDeriveAsync(Codename.Normalize(codename), context.RequestAborted);
        if (secrets is null)
        {
            return SourceSignInResult.Busy;
        }

        // A source recorded by an earlier window's close, or one made at /generate in the current window.
        var sourceId = await _sources.FindIdByLookupAsync(secrets.LookupId, context.RequestAborted);
        var pending = sourceId is null ? _pending.FindByLookup(secrets.LookupId) : null;
        SourceReplySecretKey replyKey;
        if (create && (sourceId is not null || pending is not null))
        {
            return SourceSignInResult.AlreadyExists;
        }

        if (sourceId is null && pending is null)
        {
            if (!create)
            {
                return SourceSignInResult.Unknown;
            }

            var created = _replyKeys.Create(secrets.WrappingKey, secrets.LookupId);
            try
            {
                // No row yet: a row's commit would date the source, and its first submission with it (invariant 9).
                sourceId = _pending.Create(secrets.LookupId, created.PublicKey, created.SealedSecret).Id;
            }
            catch
            {
                created.Key.Dispose();
                throw;
            }

            replyKey = created.Key;
        }
        else
        {
            try
            {
                replyKey = pending is not null
                    ? SourceReplyKeys.UnlockPending(pending, secrets.WrappingKey)
                    : await _replyKeys.UnlockOrCreateAsync(sourceId!, secrets.LookupId, secrets.WrappingKey, context.RequestAborted);
                sourceId ??= pending!.Id;
            }
            catch (CryptoException)
            {
                // The lookup id matched, so the codename is right: the stored key or the instance salt is damaged.
                LogReplyKeyUnreadable(sourceId ?? pending!.Id);
                return SourceSignInResult.KeyUnreadable;
            }
        }

        _sessions.Start(context, sourceId, replyKey);
        return SourceSignInResult.SignedIn;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "The reply key of source {SourceId} could not be unsealed with its codename's key")]
    private partial void LogReplyKeyUnreadable(string sourceId);
}

internal enum SourceSignInResult
{
    SignedIn,
    Unknown,
    Busy,
    KeyUnreadable,

    /// <summary>Asked to create a source that exists already (a spent /generate ticket).</summary>
    AlreadyExists,
}
