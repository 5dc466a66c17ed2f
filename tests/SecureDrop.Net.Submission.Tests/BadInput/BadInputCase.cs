namespace SecureDrop.Net.Submission.Tests.BadInput;

/// <summary>What a raw request needs from a signed-in source: the address, its cookies and fresh form tokens.</summary>
public sealed record SourceContext(Uri Address, string Cookies, string SubmitToken, string LoginToken);

/// <summary>
/// One hostile or broken request and what the server must answer. <see cref="StoredName"/> is set for the few
/// inputs that are accepted after cleaning (file names): it checks the name found inside the stored ciphertext.
/// </summary>
public sealed record BadInputCase(string Name, Func<SourceContext, byte[]> Request, int ExpectedStatus, string? ExpectedText = null)
{
    public bool HalfClose { get; init; }

    public Func<string, bool>? StoredName { get; init; }

    public override string ToString() => Name;
}

/// <summary>Builds request bodies byte by byte, so they can be as wrong as a test needs.</summary>
public static class Wire
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Field(string boundary, string name, byte[] value) =>
        Concat(Latin1($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"), value, Latin1("\r\n"));

    /// <summary>A file part; the name is written as raw bytes, the way a browser (or an attacker) might.</summary>
    public static byte[] File(string boundary, byte[] fileName, byte[] content) =>
        Concat(Latin1($"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\""), fileName,
            Latin1("\"\r\nContent-Type: application/octet-stream\r\n\r\n"), content, Latin1("\r\n"));

    public static byte[] End(string boundary) => Latin1($"--{boundary}--\r\n");

    public static byte[] Post(SourceContext context, string path, string contentType, byte[] body, params string[] extraHeaders) =>
        RawHttp.Request("POST", path, context.Address, [$"Cookie: {context.Cookies}", $"Content-Type: {contentType}", .. extraHeaders], body);

    /// <summary>A submission form: the token first, then the given parts, then the closing boundary.</summary>
    public static byte[] Submit(SourceContext context, params byte[][] parts) =>
        Post(context, "/submit", "multipart/form-data; boundary=XyZ",
            Concat([Field("XyZ", "__RequestVerificationToken", Latin1(context.SubmitToken)), .. parts, End("XyZ")]));

    public static byte[] Login(SourceContext context, string encodedCodename, string? token = null) =>
        Post(context, "/login", "application/x-www-form-urlencoded",
            Latin1($"codename={encodedCodename}&__RequestVerificationToken={Uri.EscapeDataString(token ?? context.LoginToken)}"));
}
