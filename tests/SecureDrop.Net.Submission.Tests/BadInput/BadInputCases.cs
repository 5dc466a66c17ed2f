using static SecureDrop.Net.Submission.Tests.BadInput.Wire;

namespace SecureDrop.Net.Submission.Tests.BadInput;

/// <summary>
/// The table of bad inputs. Add a row to add a case: the test sends it on a raw socket against a front end with
/// small limits (1 MiB per submission, 5 files), then checks the status, a plain page, that nothing was stored,
/// and that the server still answers.
/// </summary>
public static class BadInputCases
{
    public const long MaxSubmissionBytes = 1024 * 1024;
    public const int MaxFiles = 5;

    public static readonly IReadOnlyList<BadInputCase> All =
    [
        new("multipart: garbage body", c => Post(c, "/submit", "multipart/form-data; boundary=XyZ", Utf8("this is not multipart at all")), 400, "cut short"),
        new("multipart: truncated mid-file, client gives up", c =>
        {
            var full = Submit(c, File("XyZ", Utf8("cut.txt"), new byte[200_000]));
            return full[..(full.Length - 150_000)];
        }, 0) { HalfClose = true }, // a client that hangs up gets no answer: Kestrel aborts the request; what matters is that nothing is kept
        new("multipart: no closing boundary", c => Post(c, "/submit", "multipart/form-data; boundary=XyZ",
            Concat(Field("XyZ", "__RequestVerificationToken", Latin1(c.SubmitToken)), Latin1("--XyZ\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nCanary unterminated"))), 400, "cut short"),
        new("multipart: wrong boundary", c => Post(c, "/submit", "multipart/form-data; boundary=Other",
            Concat(Field("XyZ", "__RequestVerificationToken", Latin1(c.SubmitToken)), Field("XyZ", "message", Utf8("Canary wrong boundary")), End("XyZ"))), 400),
        new("multipart: no boundary", c => Post(c, "/submit", "multipart/form-data", Utf8("--x\r\n")), 400, "boundary"),
        new("multipart: boundary of 200 characters", c => Post(c, "/submit", "multipart/form-data; boundary=" + new string('b', 200), Utf8("--x\r\n")), 400, "boundary"),
        new("not multipart", c => Post(c, "/submit", "application/x-www-form-urlencoded", Utf8("message=Canary")), 415, "multipart/form-data"),
        new("multipart: 10,000 parts", c => Submit(c, [.. Enumerable.Range(0, 10_000).Select(i => File("XyZ", Utf8($"p{i}"), [1]))]), 413, "5 files"),
        new("multipart: part with 100 headers", c => Submit(c, Concat(Latin1("--XyZ\r\n"),
            Latin1(string.Concat(Enumerable.Range(0, 100).Select(i => $"X-H{i}: v\r\n"))), Latin1("Content-Disposition: form-data; name=\"message\"\r\n\r\nx\r\n"))), 400, "cut short"),
        new("multipart: unknown field", c => Submit(c, Field("XyZ", "admin", Utf8("1"))), 400, "does not accept"),
        new("multipart: two messages", c => Submit(c, Field("XyZ", "message", Utf8("one")), Field("XyZ", "message", Utf8("two"))), 400, "more than one"),
        new("multipart: empty", c => Submit(c), 400, "Nothing was sent"),
        new("oversized file", c => Submit(c, File("XyZ", Utf8("big.bin"), new byte[MaxSubmissionBytes + (512 * 1024)])), 413, "larger than"),
        new("oversized submission over several files", c => Submit(c, [.. Enumerable.Range(0, 3).Select(i => File("XyZ", Utf8($"f{i}"), new byte[400 * 1024]))]), 413, "larger than"),
        new("declared body of 100 GiB", c => RawHttp.Request("POST", "/submit", c.Address,
            [$"Cookie: {c.Cookies}", "Content-Type: multipart/form-data; boundary=XyZ"], Utf8("--XyZ\r\n"), contentLength: 100L << 30), 413),
        new("header of 64 KiB", c => RawHttp.Request("GET", "/", c.Address, ["X-Big: " + new string('a', 64 * 1024)]), 431),
        new("200 headers", c => RawHttp.Request("GET", "/", c.Address, [.. Enumerable.Range(0, 200).Select(i => $"X-H{i}: v")]), 431),
        new("request line of 32 KiB", c => RawHttp.Request("GET", "/?q=" + new string('a', 32 * 1024), c.Address), 414),
        new("two Content-Length headers", c => RawHttp.Request("POST", "/login", c.Address, ["Content-Length: 5", "Content-Length: 7"]), 400),
        new("antiforgery token missing", c => Post(c, "/submit", "multipart/form-data; boundary=XyZ", Concat(Field("XyZ", "message", Utf8("Canary no token")), End("XyZ"))), 400, "security token"),
        new("antiforgery token stale or forged", c => Post(c, "/submit", "multipart/form-data; boundary=XyZ",
            Concat(Field("XyZ", "__RequestVerificationToken", Latin1("CfDJ8" + new string('A', 150))), Field("XyZ", "message", Utf8("Canary forged")), End("XyZ"))), 400, "expired"),
        new("antiforgery token missing on login", c => Post(c, "/login", "application/x-www-form-urlencoded", Utf8("codename=a+b+c+d+e+f+g")), 400),
        new("login: wrong codename", c => Login(c, "abacus+abacus+abacus+abacus+abacus+abacus+abacus"), 400, "not recognised"),
        new("login: malformed codename", c => Login(c, "DROP+TABLE+sources"), 400, "is not in any codename list"),
        new("login: non-UTF-8 codename", c => Login(c, "%FF%FE%FD+b+c+d+e+f+g"), 400, "is not in any codename list"),
        new("login: codename of 10,000 characters", c => Login(c, new string('a', 10_000)), 400, "longer than any codename"),
        new("message: not UTF-8", c => Submit(c, Field("XyZ", "message", [0x43, 0xC3, 0x28, 0xFF, 0xFE])), 400, "UTF-8"),
        new("file name with path separators", c => Submit(c, File("XyZ", Utf8("../../../etc/passwd"), Utf8("x"))), 400, "path separator"),
        new("file name with Windows path", c => Submit(c, File("XyZ", Utf8("C:\\Users\\me\\secret.docx"), Utf8("x"))), 400, "path separator"),
        new("file name with control characters", c => Submit(c, File("XyZ", Latin1("a\u0001b\u0007\u001bc.txt"), Utf8("x"))), 400, "control characters"),
        new("file name with a right-to-left override", c => Submit(c, File("XyZ", Utf8("photo\u202Egpj.exe"), Utf8("x"))), 400, "control characters"),
        new("file name with a line separator (U+2028)", c => Submit(c, File("XyZ", Utf8("report\u2028final.pdf"), Utf8("x"))), 400, "control characters"),
        new("file name with a paragraph separator (U+2029)", c => Submit(c, File("XyZ", Utf8("report\u2029.pdf"), Utf8("x"))), 400, "control characters"),
        new("file name with an Arabic letter mark (U+061C)", c => Submit(c, File("XyZ", Utf8("photo\u061Cgpj.exe"), Utf8("x"))), 400, "control characters"),
        new("file name of 1,000 characters", c => Submit(c, File("XyZ", Utf8(new string('n', 1000) + ".txt"), Utf8("x"))), 400, "longer than 255 characters"),
        new("file name of 255 characters", c => Submit(c, File("XyZ", Utf8(new string('n', 251) + ".txt"), Utf8("x"))), 200)
            { StoredName = name => name == new string('n', 251) + ".txt" },
        new("a bad file name after a good file", c => Submit(c, File("XyZ", Utf8("fine.txt"), Utf8("x")), File("XyZ", Utf8("dir/bad.txt"), Utf8("y"))), 400, "path separator"),
        new("file name not UTF-8", c => Submit(c, File("XyZ", [0xFF, 0xFE, 0x2E, 0x74], Utf8("x"))), 200)
            { StoredName = name => name.Length > 0 && !name.Contains('\0', StringComparison.Ordinal) },
        new("method PUT", c => RawHttp.Request("PUT", "/submit", c.Address, body: Utf8("x")), 405),
        new("method DELETE", c => RawHttp.Request("DELETE", "/", c.Address), 405),
        new("method PATCH", c => RawHttp.Request("PATCH", "/login", c.Address, body: Utf8("x")), 405),
        new("method OPTIONS", c => RawHttp.Request("OPTIONS", "/", c.Address), 405),
        new("method TRACE", c => RawHttp.Request("TRACE", "/", c.Address), 405),
        new("method PROPFIND", c => RawHttp.Request("PROPFIND", "/", c.Address), 405),
        new("not HTTP at all", _ => Utf8("\u0016\u0003\u0001 hello\r\n\r\n"), 400),
    ];

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static BadInputCase Named(string name) => All.Single(c => c.Name == name);
}
