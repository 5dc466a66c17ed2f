using SecureDrop.Net.Submission.Submissions;

namespace SecureDrop.Net.Submission.Tests.Submissions;

/// <summary>
/// The streaming UTF-8 check of messages. Regression (found by the bad-input corpus, issue 8): the check looked at
/// each read on its own, so a message ending in half a character was accepted, and valid text whose character was
/// split between two reads was refused.
/// </summary>
public sealed class Utf8CheckTests
{
    [Fact]
    public void ValidText_SplitAtEveryByte_IsAccepted()
    {
        var text = Encoding.UTF8.GetBytes("기자에게 보내는 제보 — naïve ✓ 𝄞");
        for (var split = 0; split <= text.Length; split++)
        {
            var check = new Utf8Check();
            check.Add(text.AsSpan(0, split));
            check.Add(text.AsSpan(split));
            check.Finish();
        }
    }

    [Fact]
    public void ValidText_OneByteAtATime_IsAccepted()
    {
        var check = new Utf8Check();
        foreach (var b in Encoding.UTF8.GetBytes("한국어 text 🙂"))
        {
            check.Add([b]);
        }

        check.Finish();
    }

    [Theory]
    [InlineData(new byte[] { 0x43, 0xE2, 0x82 })]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 })]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x99 })]
    public void TextEndingInHalfACharacter_IsRefusedAtTheEnd(byte[] message)
    {
        var check = new Utf8Check();
        check.Add(message);

        Assert.Throws<NotUtf8Exception>(check.Finish);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void InvalidSequence_IsRefused(byte[] message)
    {
        var check = new Utf8Check();

        Assert.Throws<NotUtf8Exception>(() =>
        {
            check.Add(message);
            check.Finish();
        });
    }
}
