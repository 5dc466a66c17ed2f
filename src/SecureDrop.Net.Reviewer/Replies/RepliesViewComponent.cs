using System.Text;
using Microsoft.AspNetCore.Mvc;
using SecureDrop.Net.Core.Replies;
using SecureDrop.Net.Core.Submissions;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Reviewer.Sessions;

namespace SecureDrop.Net.Reviewer.Replies;

/// <summary>
/// The replies section of a source's page: what the newsroom sent, each decrypted with the newsroom key it was also
/// encrypted to and shown as escaped text, in the order sent, and the form to send another.
/// </summary>
public sealed class RepliesViewComponent : ViewComponent
{
    private readonly ReplyStore _replies;
    private readonly ItemFiles _files;
    private readonly SourceReplyKeys _replyKeys;

    public RepliesViewComponent(ReplyStore replies, ItemFiles files, SourceReplyKeys replyKeys)
    {
        _replies = replies;
        _files = files;
        _replyKeys = replyKeys;
    }

    public async Task<IViewComponentResult> InvokeAsync(string sourceId)
    {
        var session = HttpContext.UnlockedSession();
        var shown = new List<JournalistReplyView>();
        foreach (var reply in await _replies.OfSourceAsync(sourceId, HttpContext.RequestAborted))
        {
            shown.Add(new JournalistReplyView(reply, session is null ? null : Open(reply, session)));
        }

        var canReply = await _replyKeys.PublicKeyAsync(sourceId, HttpContext.RequestAborted) is not null;
        return View(new RepliesView(sourceId, shown, canReply));
    }

    private string? Open(StoredReply reply, UnlockedSession session)
    {
        if (session.KeyFor(reply.NewsroomKey) is not { } key)
        {
            return null;
        }

        try
        {
            using var ciphertext = _files.OpenVaultItem(reply.Id);
            using var plaintext = new MemoryStream();
            MessageDecryptor.Decrypt(ciphertext, key, plaintext);
            return Encoding.UTF8.GetString(plaintext.GetBuffer(), 0, (int)plaintext.Length);
        }
        catch (Exception exception) when (exception is CryptoException or IOException)
        {
            return null;
        }
    }
}

internal sealed record RepliesView(string SourceId, IReadOnlyList<JournalistReplyView> Replies, bool CanReply);

internal sealed record JournalistReplyView(StoredReply Reply, string? Text);
