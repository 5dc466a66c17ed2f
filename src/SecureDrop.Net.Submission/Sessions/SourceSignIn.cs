using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Sources;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Submission.Abuse;

namespace SecureDrop.Net.Submission.Sessions;

/// <summary>
/// Turns a codename into a signed-in session: both Argon2id derivations in the bounded pool, the source found (or,
/// after /generate, created with a new reply key), its reply key unsealed into the session's memory. The wrapping
/// key is cleared before this returns; the codename is never stored or logged.
/// </summary>
internal sealed partial class SourceSignIn
{
    private readonly KeyDerivationPool _derivations;
    private readonly SourceStore _sources;
    private readonly SourceReplyKeys _replyKeys;
    private readonly SourceSessions _sessions;
    private readonly ILogger<SourceSignIn> _logger;

    public SourceSignIn(KeyDerivationPool derivations, SourceStore sources, SourceReplyKeys replyKeys, SourceSessions sessions, ILogger<SourceSignIn> logger)
    {
        _derivations = derivations;
        _sources = sources;
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

        var sourceId = await _sources.FindIdByLookupAsync(secrets.LookupId, context.RequestAborted);
        SourceReplySecretKey replyKey;
        if (create && sourceId is not null)
        {
            return SourceSignInResult.AlreadyExists;
        }

        if (sourceId is null)
        {
            if (!create)
            {
                return SourceSignInResult.Unknown;
            }

            var created = _replyKeys.Create(secrets.WrappingKey, secrets.LookupId);
            try
            {
                sourceId = await _sources.CreateAsync(secrets.LookupId, created.PublicKey, created.SealedSecret, context.RequestAborted);
            }
            catch (System.Data.Common.DbException)
            {
                created.Key.Dispose();
                // The same ticket sent twice at once: the other request created the source (lookup_id is unique).
                if (await _sources.FindIdByLookupAsync(secrets.LookupId, CancellationToken.None) is not null)
                {
                    return SourceSignInResult.AlreadyExists;
                }

                throw;
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
                replyKey = await _replyKeys.UnlockOrCreateAsync(sourceId, secrets.LookupId, secrets.WrappingKey, context.RequestAborted);
            }
            catch (CryptoException)
            {
                // The lookup id matched, so the codename is right: the stored key or the instance salt is damaged.
                LogReplyKeyUnreadable(sourceId);
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
