using System.Security.Cryptography;

namespace SecureDrop.Net.Crypto.Tests.Codenames;

/// <summary>
/// Codenames in each language's own list, read back however they were typed: Hangul from any input method (NFC or
/// NFD), full-width Latin letters, any spacing and case, words run together; and the plain answer when a word is in
/// no list.
/// </summary>
public sealed class KoreanCodenameTests
{
    // Seven words of the EFF list and nine of BIP39's Korean list (NFC), in list order so the test reads plainly.
    private const string English = "abacus abdomen abdominal abide abiding ability ablaze";
    private const string Korean = "가격 가끔 가난 가능 가득 가르침 가뭄 가방 가상";

    [Fact]
    public void KoreanList_IsBip39sKoreanList_2048ComposedHangulWords()
    {
        var words = Codename.Korean.Words;

        Assert.Equal(2048, words.Count);
        Assert.Equal(2048, words.Distinct(StringComparer.Ordinal).Count());
        Assert.All(words, word => Assert.All(word, c => Assert.InRange(c, '\uAC00', '\uD7A3')));
        Assert.All(words, word => Assert.Equal(word.Normalize(NormalizationForm.FormC), word));
        Assert.Equal("가격", words[0]);
        Assert.Equal("힘껏", words[^1]);
    }

    [Fact]
    public void KoreanListFile_IsByteForByteTheOneAttributionNames()
    {
        using var stream = typeof(Codename).Assembly.GetManifestResourceStream("SecureDrop.Net.Crypto.Codenames.korean.txt")!;

        Assert.Equal("9e95f86c167de88f450f0aaf89e87f6624a57f973c67b516e338e8e8b8897f60", Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [Fact]
    public void EveryList_CarriesAtLeastTheEnglishCodenamesBits()
    {
        Assert.Equal(7, Codename.English.WordCount);
        Assert.Equal(9, Codename.Korean.WordCount);
        Assert.All(Codename.Lists, list => Assert.True(list.Bits >= Codename.English.Bits, $"{list.Language}: {list.Bits} bits"));
        Assert.Equal(99, Codename.Korean.Bits, 6);
    }

    [Fact]
    public void Generate_Korean_GivesNineKoreanListWordsThatReadBack()
    {
        string codename = Codename.Generate(Codename.ForLanguage("ko"));

        string[] words = codename.Split(' ');
        Assert.Equal(9, words.Length);
        Assert.All(words, word => Assert.Contains(word, Codename.Korean.Words));
        var reading = Codename.Read(codename);
        Assert.Equal(CodenameReadingStatus.Codename, reading.Status);
        Assert.Equal(codename, reading.Canonical);
        Assert.Same(Codename.Korean, reading.List);
    }

    [Theory]
    [InlineData("ko-KR", "ko")]
    [InlineData("KO", "ko")]
    [InlineData("en", "en")]
    [InlineData("fr", "en")]
    [InlineData(null, "en")]
    public void ForLanguage_PicksThePagesListOrEnglish(string? language, string expected)
    {
        Assert.Equal(expected, Codename.ForLanguage(language).Language);
    }

    public static TheoryData<string> KoreanTypings => new()
    {
        Korean,
        Korean.Normalize(NormalizationForm.FormD),                      // an input method that sends jamo (macOS, some Linux IMEs)
        "  " + Korean.Replace(" ", "   \t", StringComparison.Ordinal) + "\n",
        Korean.Replace(" ", "\u3000", StringComparison.Ordinal),        // ideographic spaces (a CJK IME's space key)
        Korean.Replace(" ", "", StringComparison.Ordinal),              // typed without spaces at all
        "가격가끔 가난\u200B 가능 가득가르침 가뭄 가방 가상",             // words run together, a pasted zero-width space
        Korean.Normalize(NormalizationForm.FormD).Replace(" ", "  ", StringComparison.Ordinal),
    };

    [Theory]
    [MemberData(nameof(KoreanTypings))]
    public void Read_KoreanTypedAnyWay_GivesTheSameCanonicalText(string typed)
    {
        var reading = Codename.Read(typed);

        Assert.Equal(CodenameReadingStatus.Codename, reading.Status);
        Assert.Equal(Korean, reading.Canonical);
    }

    [Theory]
    [InlineData(English)]
    [InlineData("  ABACUS abdomen\tabdominal abide  abiding ability Ablaze ")]
    [InlineData("ａｂａｃｕｓ abdomen abdominal abide abiding ability ablaze")]  // full-width Latin from a CJK keyboard
    [InlineData("abacus\u3000abdomen abdominal abide abiding ability ablaze")]
    public void Read_EnglishTypedAnyWay_GivesTheSameCanonicalTextAsBefore(string typed)
    {
        // The canonical text is what the lookup id is derived from: for English it must stay exactly the old
        // Normalize's output (lower case, single spaces), or existing sources could no longer sign in.
        var reading = Codename.Read(typed);

        Assert.Equal(CodenameReadingStatus.Codename, reading.Status);
        Assert.Equal(English, reading.Canonical);
        Assert.Same(Codename.English, reading.List);
    }

    [Fact]
    public void Derivation_OfNfcAndNfdKorean_IsTheSame()
    {
        var salt = new byte[32];
        var nfc = Derive(Codename.Read(Korean).Canonical!, salt);
        var nfd = Derive(Codename.Read(Korean.Normalize(NormalizationForm.FormD)).Canonical!, salt);

        Assert.Equal(nfc, nfd);
    }

    [Theory]
    [InlineData("가격 가끔 가난 가능 가득 가르침 가뭄 가방 가상가", 9, "가상가")]
    [InlineData("abacus abdomen abdominal abide abidinq ability ablaze", 5, "abidinq")]
    [InlineData("가격 가끔 hello 가능", 3, "hello")]
    public void Read_WordInNoList_SaysWhichWord(string typed, int position, string word)
    {
        var reading = Codename.Read(typed);

        Assert.Equal(CodenameReadingStatus.NotAWord, reading.Status);
        Assert.Equal(position, reading.Position);
        Assert.Equal(word, reading.Word);
        Assert.Null(reading.Canonical);
    }

    [Fact]
    public void Read_MixedLists_IsRefused()
    {
        var reading = Codename.Read("abacus abdomen abdominal 가격 가끔 ability ablaze");

        Assert.Equal(CodenameReadingStatus.Mixed, reading.Status);
        Assert.Null(reading.Canonical);
    }

    [Theory]
    [InlineData("가격 가끔 가난 가능 가득 가르침 가뭄 가방", "ko", 8)]
    [InlineData("abacus abdomen abdominal abide abiding ability ablaze zoom", "en", 8)]
    public void Read_WrongNumberOfWords_SaysHowManyOfWhichList(string typed, string language, int count)
    {
        var reading = Codename.Read(typed);

        Assert.Equal(CodenameReadingStatus.WrongLength, reading.Status);
        Assert.Equal(language, reading.List!.Language);
        Assert.Equal(count, reading.WordsTyped);
    }

    [Fact]
    public void Fold_MatchesDotNetsNfcForEveryKoreanWordAndItsJamo()
    {
        // The test process has ICU; the front end does not. The fold must agree with real NFC where it matters.
        foreach (var word in Codename.Korean.Words)
        {
            Assert.Equal(word.Normalize(NormalizationForm.FormC), Codename.Normalize(word.Normalize(NormalizationForm.FormD)));
            Assert.Equal(word.Normalize(NormalizationForm.FormC), Codename.Normalize(word.Normalize(NormalizationForm.FormKD)));
        }
    }

    private static string Derive(string canonical, byte[] salt)
    {
        var output = new byte[Crypto.KeyDerivation.OutputBytes];
        Crypto.KeyDerivation.DeriveKey(Encoding.UTF8.GetBytes(canonical), salt, KeyDerivationPurpose.SourceLookup, output);
        return Convert.ToHexStringLower(output);
    }
}
