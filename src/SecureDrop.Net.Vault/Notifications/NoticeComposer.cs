using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Vault.Notifications;

/// <summary>
/// Builds the one notice a journalist ever gets: a fixed, generic subject and a fixed body padded to a fixed
/// length, encrypted (PGP/MIME, RFC 3156) to the journalist's own key. It names no source, designation, count or
/// link, so a mailbox read by someone else tells them only that the tip line had activity.
/// </summary>
public static class NoticeComposer
{
    public const string Subject = "Tip line notice";
    public const int BodyLength = 2048;

    public const string Text = "There is new activity on the tip line.\n\nSign in to the console to review it. This notice does not say what arrived or from whom, by design.\n";

    public static MimeMessage Compose(string from, string to, string? armoredPublicKey, DateTimeOffset date)
    {
        var fromAddress = MailboxAddress.Parse(from);
        var message = new MimeMessage
        {
            Subject = Subject,
            Date = date,
            MessageId = MimeUtils.GenerateMessageId(fromAddress.Domain),
        };
        message.From.Add(fromAddress);
        message.To.Add(MailboxAddress.Parse(to));
        var body = new TextPart("plain") { Text = PaddedText(), ContentTransferEncoding = ContentEncoding.SevenBit };
        message.Body = armoredPublicKey is null ? body : Encrypt(body, NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(armoredPublicKey)));
        return message;
    }

    /// <summary>The body, padded with a filler line to exactly <see cref="BodyLength"/> characters.</summary>
    public static string PaddedText()
    {
        var filler = BodyLength - Text.Length - 1;
        return Text + new string('.', filler) + "\n";
    }

    private static MultipartEncrypted Encrypt(MimeEntity body, NewsroomPublicKey recipient)
    {
        using var plain = new MemoryStream();
        body.WriteTo(plain);
        var armored = new MemoryStream();
        using (var armor = OpenPgpArmor.Wrap(armored))
        {
            // A notice is a few hundred octets: small buffers, as for the sealed item headers.
            using var encryptor = MessageEncryptor.Open(armor, recipient, "", MessageBuffers.StartSmall());
            encryptor.Write(plain.GetBuffer(), 0, (int)plain.Length);
        }

        armored.Position = 0;
        var encrypted = new MultipartEncrypted();
        encrypted.ContentType.Parameters["protocol"] = "application/pgp-encrypted";
        encrypted.Add(new ApplicationPgpEncrypted());
        encrypted.Add(new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(armored),
            ContentTransferEncoding = ContentEncoding.SevenBit,
            ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = "encrypted.asc" },
        });
        return encrypted;
    }
}
