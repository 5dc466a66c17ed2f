#!/usr/bin/env python3
"""Generates the bad-input corpus (*.json beside this script). Run: python3 generate.py

Each case is one raw HTTP request, written as a Latin-1 string (one character per byte, so invalid UTF-8, NUL and
overlong sequences survive JSON), with placeholders the test fills from the running instance:
  {{host}}                        Host header value of the target (front end or console)
  {{fe_host}} {{console_host}}    either app's authority
  {{source_cookies}} {{submit_token}} {{login_token}}       a signed-in source and its form tokens
  {{other_cookies}} {{other_submit_token}}                  a second signed-in source
  {{anon_cookies}} {{anon_login_token}} {{anon_generate_token}} {{fresh_ticket}}   a visitor without a session
  {{spent_ticket}}                the /generate ticket source A already used
  {{console_cookies}} {{console_token}}                     a signed-in admin on the console
  {{half_cookies}} {{half_token}} {{used_code}}             a sign-in waiting for its TOTP code; a code already used
  {{console_login_cookies}} {{console_login_token}}         a visitor on the console's sign-in page
  {{source_id}} {{submission_id}} {{item_id}} {{journalist_id}} {{admin_username}}
  {{length}}                      byte length of the body (after the first blank line)
  {{repeat N}}...{{/repeat}}      the block N times, {{i}} its index
Expected statuses are what the server must answer (0: it closes without an answer). Every case must also store
nothing and leave both servers up; the test checks that for all of them.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
B = "XyZ"


def s(data):
    """bytes or str -> the Latin-1 string the corpus stores."""
    return data.decode("latin-1") if isinstance(data, (bytes, bytearray)) else data


def req(method, path, headers=(), body=None, content_length="auto", version="HTTP/1.1", host="{{host}}"):
    head = f"{method} {path} {version}\r\n"
    if host is not None:
        head += f"Host: {host}\r\n"
    head += "Connection: close\r\n"
    for h in headers:
        head += s(h) + "\r\n"
    if body is not None and content_length == "auto":
        head += "Content-Length: {{length}}\r\n"
    elif content_length not in ("auto", None):
        head += f"Content-Length: {content_length}\r\n"
    return head + "\r\n" + (s(body) if body is not None else "")


def field(name, value, boundary=B):
    return f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n' + s(value) + "\r\n"


def file_part(filename, content, name="files", boundary=B):
    return (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="' + s(filename)
            + '"\r\nContent-Type: application/octet-stream\r\n\r\n' + s(content) + "\r\n")


def end(boundary=B):
    return f"--{boundary}--\r\n"


def token(t="{{submit_token}}", boundary=B):
    return field("__RequestVerificationToken", t, boundary)


def fe_post(path, content_type, body, cookies="{{source_cookies}}", extra=()):
    headers = []
    if cookies:
        headers.append(f"Cookie: {cookies}")
    if content_type:
        headers.append(f"Content-Type: {content_type}")
    return req("POST", path, headers + list(extra), body)


def submit(*parts, cookies="{{source_cookies}}", tok="{{submit_token}}", boundary=B, ctype=None):
    body = token(tok, boundary) + "".join(parts) + end(boundary)
    return fe_post("/submit", ctype or f"multipart/form-data; boundary={boundary}", body, cookies)


def login(codename_encoded, tok="{{login_token}}", cookies="{{source_cookies}}"):
    return fe_post("/login", "application/x-www-form-urlencoded",
                   f"codename={codename_encoded}&__RequestVerificationToken={{{{{'x'}}}}}".replace("{{x}}", tok), cookies)


def case(name, target, request, status, contains=None, why=None, **extra):
    c = {"name": name, "target": target, "request": request,
         "statuses": status if isinstance(status, list) else [status]}
    if contains:
        c["contains"] = contains
    if why:
        c["why"] = why
    c.update(extra)
    return c


FE, CON = "frontEnd", "console"
corpora = {}

# ---------------------------------------------------------------- front end: multipart
m = []
m.append(case("garbage body", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", "this is not multipart at all"), 400, "cut short"))
m.append(case("only the closing boundary", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", end()), 400))
m.append(case("empty body", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", ""), 400))
m.append(case("no closing boundary", FE, fe_post("/submit", f"multipart/form-data; boundary={B}",
              token() + f'--{B}\r\nContent-Disposition: form-data; name="message"\r\n\r\nCanary unterminated'), 400, "cut short"))
m.append(case("closing boundary without dashes", FE, fe_post("/submit", f"multipart/form-data; boundary={B}",
              token() + field("message", b"\xff\xfe") + f"--{B}\r\n"), 400))
for cut in (10, 50, 100, 200, 400):
    full = submit(field("message", b"\xff not utf-8 " + b"a" * 300))
    head, body = full.split("\r\n\r\n", 1)
    m.append(case(f"declared length, body truncated after {cut} bytes, client hangs up", FE,
                  head.replace("{{length}}", str(len(body) + 1000)) + "\r\n\r\n" + body[:cut], [0, 400],
                  why="the client half-closes: Kestrel ends the request (no answer or 400); nothing is kept", halfClose=True))
m.append(case("truncated mid-file, client gives up", FE,
              req("POST", "/submit", ["Cookie: {{source_cookies}}", f"Content-Type: multipart/form-data; boundary={B}"],
                  token() + file_part("cut.txt", "{{repeat 500}}" + "A" * 100 + "{{/repeat}}")[:-2], content_length="260000"),
              [0, 400], halfClose=True, why="Content-Length promises 260,000 bytes, 50,000 are sent"))
m.append(case("wrong boundary", FE, fe_post("/submit", "multipart/form-data; boundary=Other", token() + field("message", "x") + end()), 400))
m.append(case("no boundary parameter", FE, fe_post("/submit", "multipart/form-data", "--x\r\n"), 400, "boundary"))
m.append(case("empty boundary", FE, fe_post("/submit", "multipart/form-data; boundary=", "--\r\n"), 400, "boundary"))
m.append(case("empty quoted boundary", FE, fe_post("/submit", 'multipart/form-data; boundary=""', "--\r\n"), 400, "boundary"))
m.append(case("boundary of 71 characters", FE, fe_post("/submit", "multipart/form-data; boundary=" + "b" * 71, "--x\r\n"), 400, "boundary"))
m.append(case("boundary of 200 characters", FE, fe_post("/submit", "multipart/form-data; boundary=" + "b" * 200, "--x\r\n"), 400, "boundary"))
m.append(case("boundary of 4,000 characters", FE, fe_post("/submit", "multipart/form-data; boundary=" + "b" * 4000, "--x\r\n"), 400, "boundary"))
m.append(case("two boundary parameters", FE, fe_post("/submit", f"multipart/form-data; boundary=Other; boundary={B}", token() + field("message", b"\xff") + end()), 400))
m.append(case("boundary with CR LF inside", FE, fe_post("/submit", "multipart/form-data; boundary=\"a\rb\"", "--a\rb\r\n"), 400))
m.append(case("LF-only line endings", FE, fe_post("/submit", f"multipart/form-data; boundary={B}",
              (token() + field("message", b"\xff") + end()).replace("\r\n", "\n")), 400))
m.append(case("10,000 parts", FE, submit("{{repeat 10000}}" + file_part("p{{i}}", "x") + "{{/repeat}}"), 413, "5 files"))
m.append(case("10,000 empty message parts", FE, submit("{{repeat 10000}}" + field("message", "") + "{{/repeat}}"), 413))
m.append(case("1,000 parts with unknown names", FE, submit("{{repeat 1000}}" + field("f{{i}}", "x") + "{{/repeat}}"), 400, "does not accept"))
m.append(case("six files, one over the limit of five", FE, submit("{{repeat 6}}" + file_part("f{{i}}.txt", "x") + "{{/repeat}}"), 413, "5 files"))
m.append(case("part with 100 headers", FE, submit(f"--{B}\r\n" + "".join(f"X-H{i}: v\r\n" for i in range(100))
              + 'Content-Disposition: form-data; name="message"\r\n\r\nx\r\n'), 400, "cut short"))
m.append(case("part header of 20 KiB", FE, submit(f"--{B}\r\nX-Big: " + "a" * 20480 + '\r\nContent-Disposition: form-data; name="message"\r\n\r\nx\r\n'), 400, "cut short"))
m.append(case("part without Content-Disposition", FE, submit(f"--{B}\r\nContent-Type: text/plain\r\n\r\nx\r\n"), 400, "does not accept"))
m.append(case("part with disposition attachment", FE, submit(f'--{B}\r\nContent-Disposition: attachment; name="message"\r\n\r\nx\r\n'), 400, "does not accept"))
m.append(case("part without a name", FE, submit(f"--{B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n"), 400, "does not accept"))
m.append(case("part with an empty name", FE, submit(f'--{B}\r\nContent-Disposition: form-data; name=""\r\n\r\nx\r\n'), 400, "does not accept"))
m.append(case("part with a garbled Content-Disposition", FE, submit(f"--{B}\r\nContent-Disposition: ;;;===\r\n\r\nx\r\n"), 400))
m.append(case("unknown field", FE, submit(field("admin", "1")), 400, "does not accept"))
m.append(case("field named like the token again", FE, submit(token()), 400, "does not accept"))
m.append(case("two messages", FE, submit(field("message", "one"), field("message", "two")), 400, "more than one"))
m.append(case("multipart with no parts after the token", FE, submit(), 400, "Nothing was sent"))
m.append(case("only empty parts", FE, submit(field("message", ""), file_part("", "")), 400, "Nothing was sent"))
m.append(case("token not the first part", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", field("message", "Canary late token") + token() + end()), 400, "security token"))
m.append(case("token part of 5,000 bytes", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", token("A" * 5000) + field("message", "x") + end()), 400))
m.append(case("token part empty", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", token("") + field("message", "Canary") + end()), 400, "security token"))
m.append(case("token sent as a file part", FE, fe_post("/submit", f"multipart/form-data; boundary={B}",
              file_part("t.txt", "{{submit_token}}", name="__RequestVerificationToken") + field("message", b"\xc3\x28") + end()), 400))
m.append(case("nested multipart/mixed message", FE, submit(f'--{B}\r\nContent-Disposition: form-data; name="message"\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\n\r\n\xff\r\n--inner--\r\n'), 400, "UTF-8"))
m.append(case("preamble of 64 KiB before the first part", FE, fe_post("/submit", f"multipart/form-data; boundary={B}",
              "{{repeat 64}}" + "p" * 1024 + "{{/repeat}}\r\n" + token() + field("message", b"\xff") + end()), 400))
m.append(case("message after files, invalid UTF-8", FE, submit(file_part("a.txt", "a"), field("message", b"\x80\x80")), 400, "UTF-8"))
m.append(case("multipart/related instead of form-data", FE, fe_post("/submit", f"multipart/related; boundary={B}", token() + field("message", "x") + end()), 415, "multipart/form-data"))
m.append(case("multipart/form-data in upper case, bad token", FE, fe_post("/submit", f"MULTIPART/FORM-DATA; boundary={B}", token("forged") + field("message", "x") + end()), 400))
corpora["frontend-multipart"] = m

# ---------------------------------------------------------------- front end: sizes, headers, framing, slow clients
l = []
l.append(case("oversized file (1.5 MiB, limit 1 MiB)", FE, submit(file_part("big.bin", "{{repeat 1536}}" + "z" * 1024 + "{{/repeat}}")), 413, "larger than"))
l.append(case("oversized message (1.5 MiB)", FE, submit(field("message", "{{repeat 1536}}" + "m" * 1024 + "{{/repeat}}")), 413, "larger than"))
l.append(case("oversized over three files", FE, submit(*[file_part(f"f{i}", "{{repeat 400}}" + "q" * 1024 + "{{/repeat}}") for i in range(3)]), 413, "larger than"))
l.append(case("declared body of 100 GiB on /submit", FE, req("POST", "/submit", ["Cookie: {{source_cookies}}", f"Content-Type: multipart/form-data; boundary={B}"], f"--{B}\r\n", content_length=str(100 << 30)), 413))
l.append(case("declared body of 100 GiB on /login", FE, req("POST", "/login", ["Cookie: {{source_cookies}}", "Content-Type: application/x-www-form-urlencoded"], "codename=a", content_length=str(100 << 30)), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
l.append(case("login body of 80 KiB", FE, fe_post("/login", "application/x-www-form-urlencoded", "codename=" + "a" * 81920 + "&__RequestVerificationToken={{login_token}}"), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
l.append(case("generate body of 80 KiB", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket=" + "a" * 81920, cookies="{{anon_cookies}}"), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
l.append(case("logout body of 80 KiB", FE, fe_post("/logout", "application/x-www-form-urlencoded", "x=" + "a" * 81920), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
l.append(case("chunked login body of 80 KiB", FE, req("POST", "/login", ["Cookie: {{source_cookies}}", "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"],
              "14000\r\n" + "a" * 0x14000 + "\r\n0\r\n\r\n", content_length=None), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
l.append(case("header of 64 KiB", FE, req("GET", "/", ["X-Big: " + "a" * 65536]), 431))
l.append(case("header of 17 KiB", FE, req("GET", "/", ["X-Big: " + "a" * 17408]), 431))
l.append(case("cookie header of 20 KiB", FE, req("GET", "/", ["Cookie: a=" + "b" * 20480]), 431))
l.append(case("200 headers", FE, req("GET", "/", [f"X-H{i}: v" for i in range(200)]), 431))
l.append(case("40 headers (limit 32)", FE, req("GET", "/", [f"X-H{i}: v" for i in range(40)]), 431))
l.append(case("2,000 headers", FE, req("GET", "/", [f"X-H{i}: v" for i in range(2000)]), 431))
l.append(case("200 cookies", FE, req("GET", "/", ["Cookie: " + "; ".join(f"c{i}=v" for i in range(200))]), [200]))
l.append(case("request line of 32 KiB", FE, req("GET", "/?q=" + "a" * 32768), 414))
l.append(case("request line of 9 KiB", FE, req("GET", "/?q=" + "a" * 9216), 414))
l.append(case("path of 9 KiB", FE, req("GET", "/" + "a" * 9216), 414))
l.append(case("two Content-Length headers", FE, req("POST", "/login", ["Content-Length: 5", "Content-Length: 7"]), 400))
l.append(case("Content-Length and chunked together", FE, req("POST", "/login", ["Content-Length: 5", "Transfer-Encoding: chunked"], "0\r\n\r\n", content_length=None), 400))
l.append(case("negative Content-Length", FE, req("POST", "/login", ["Content-Length: -1"]), 400))
l.append(case("non-numeric Content-Length", FE, req("POST", "/login", ["Content-Length: abc"]), 400))
l.append(case("Content-Length with a plus sign", FE, req("POST", "/login", ["Content-Length: +5"], "aaaaa", content_length=None), 400))
l.append(case("chunk size not hex", FE, req("POST", "/login", ["Cookie: {{source_cookies}}", "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"], "zz\r\nabc\r\n0\r\n\r\n", content_length=None), 400))
l.append(case("unknown transfer coding", FE, req("POST", "/login", ["Transfer-Encoding: gzip"], "abc", content_length=None), [400, 501]))
l.append(case("obsolete header line folding", FE, req("GET", "/", ["X-A: one", " folded"]), 400))
l.append(case("header without a colon", FE, req("GET", "/", ["NoColonHere"]), 400))
l.append(case("space before the colon", FE, req("GET", "/", ["Host : evil"]), 400))
l.append(case("NUL in a header value", FE, req("GET", "/", ["X-A: a\x00b"]), 400))
l.append(case("CR alone in a header value", FE, req("GET", "/", ["X-A: a\rb"]), 400))
l.append(case("no Host header", FE, req("GET", "/", host=None), 400))
l.append(case("two Host headers", FE, req("GET", "/", ["Host: other.invalid"]), 400))
l.append(case("HTTP/1.0 without Host", FE, req("GET", "/", version="HTTP/1.0", host=None), 200, why="HTTP/1.0 has no Host header; the landing page is public"))
l.append(case("HTTP version 1.2", FE, req("GET", "/", version="HTTP/1.2"), [400, 505], why="505 HTTP Version Not Supported is the one 5xx that names the fault of the client"))
l.append(case("HTTP version 3.0 on an HTTP/1 port", FE, req("GET", "/", version="HTTP/3.0"), [400, 505], why="505 HTTP Version Not Supported is the one 5xx that names the fault of the client"))
l.append(case("HTTP/0.9 request", FE, "GET /\r\n\r\n", 400))
l.append(case("not HTTP at all (TLS hello)", FE, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n", 400))
l.append(case("request line with two spaces", FE, "GET  / HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n", 400))
l.append(case("request line with a tab", FE, "GET\t/ HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\n\r\n", 400))
l.append(case("absolute-form target naming another host", FE, req("GET", "http://evil.invalid/"), 400))
l.append(case("asterisk-form target with GET", FE, req("GET", "*"), [400, 405]))
l.append(case("h2c upgrade request", FE, req("GET", "/", ["Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA", "Connection: Upgrade, HTTP2-Settings"]), [200]))
l.append(case("websocket upgrade", FE, req("GET", "/", ["Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]), [200, 400], why="upgrades are disabled: no WebSocket handshake"))
l.append(case("Expect: 100-continue for an oversized body", FE, req("POST", "/submit", ["Cookie: {{source_cookies}}", f"Content-Type: multipart/form-data; boundary={B}", "Expect: 100-continue"], None, content_length=str(10 << 30)), 413))
l.append(case("slow body on /submit (16 bytes/s)", FE, submit(field("message", b"\xff" + b"s" * 400)), [0, 400, 408],
              trickle={"bytes": 8, "delayMs": 500, "chunks": 30}, why="below Submission:MinRequestBodyBytesPerSecond after the 5 s grace, Kestrel drops the client"))
l.append(case("slow body on /login (16 bytes/s)", FE, fe_post("/login", "application/x-www-form-urlencoded", "codename=" + "a" * 400 + "&__RequestVerificationToken={{login_token}}"),
              [0, 400, 408], trickle={"bytes": 8, "delayMs": 500, "chunks": 30}))
corpora["frontend-limits"] = l

# ---------------------------------------------------------------- front end: encoding tricks
e = []
codenames = {
    "overlong UTF-8 slash": "%C0%AF%C0%AF+b+c+d+e+f+g",
    "overlong UTF-8 dot": "%C0%AE%C0%AE+b+c+d+e+f+g",
    "invalid UTF-8 bytes": "%FF%FE%FD+b+c+d+e+f+g",
    "lone continuation byte": "%80+b+c+d+e+f+g",
    "UTF-16 surrogate encoded in UTF-8": "%ED%A0%80+b+c+d+e+f+g",
    "truncated UTF-8 sequence": "%E2%82+b+c+d+e+f+g",
    "NUL inside a word": "aba%00cus+b+c+d+e+f+g",
    "NUL as separator": "a%00b%00c%00d%00e%00f%00g",
    "double-encoded NUL": "a%2500+b+c+d+e+f+g",
    "double-encoded plus": "a%252Bb%252Bc%252Bd%252Be%252Bf%252Bg",
    "malformed percent escape": "%ZZ+b+c+d+e+f+g",
    "trailing percent": "a+b+c+d+e+f+g%",
    "UTF-16LE bytes": "a%00b%00c%00+%00",
    "UTF-8 BOM prefix": "%EF%BB%BFabacus+abacus+abacus+abacus+abacus+abacus+abacus",
    "fullwidth letters": "%EF%BD%81%EF%BD%82%EF%BD%81%EF%BD%83%EF%BD%95%EF%BD%93+b+c+d+e+f+g",
    "zero-width joiners between words": "abacus%E2%80%8Dabacus%E2%80%8Dabacus%E2%80%8Dabacus%E2%80%8Dabacus%E2%80%8Dabacus%E2%80%8Dabacus",
    "right-to-left override": "%E2%80%AEabacus+abacus+abacus+abacus+abacus+abacus+abacus",
    "combining marks": "a%CC%81%CC%81%CC%81+b+c+d+e+f+g",
    "Cyrillic look-alikes": "%D0%B0bacus+%D0%B0bacus+%D0%B0bacus+%D0%B0bacus+%D0%B0bacus+%D0%B0bacus+%D0%B0bacus",
    "tab separated": "a%09b%09c%09d%09e%09f%09g",
    "newline separated": "a%0Ab%0Ac%0Ad%0Ae%0Af%0Ag",
    "CRLF header injection": "a%0D%0ASet-Cookie:+x=1+b+c+d+e+f+g",
    "semicolon separated": "a;b;c;d;e;f;g",
    "digits": "1+2+3+4+5+6+7",
    "SQL injection": "x'+OR+'1'='1+c+d+e+f+g",
    "SQL drop table": "DROP+TABLE+sources",
    "HTML injection": "%3Cscript%3Ealert(1)%3C%2Fscript%3E+b+c+d+e+f+g",
    "path traversal": "..%2F..%2F..%2Fetc%2Fpasswd",
    "six words": "abacus+abacus+abacus+abacus+abacus+abacus",
    "eight words": "abacus+abacus+abacus+abacus+abacus+abacus+abacus+abacus",
    "one word": "abacus",
    "100 words": "+".join(["abacus"] * 100),
    "10,000 characters": "a" * 10000,
    "50,000 characters": "a" * 50000,
    "empty": "",
    "only spaces": "+" * 20,
    "words of 1,000 letters": "+".join(["a" * 1000] * 7),
}
for label, value in codenames.items():
    e.append(case(f"login codename: {label}", FE, login(value), [400, 413] if label == "50,000 characters" else 400,
                  None if label in ("50,000 characters",) else "malformed" if label in ("NUL inside a word", "NUL as separator", "UTF-16LE bytes") else "seven words"))
e.append(case("login codename: well formed but wrong", FE, login("abacus+abacus+abacus+abacus+abacus+abacus+abacus"), 400, "not recognised"))
e.append(case("login codename: upper case, wrong", FE, login("ABACUS+ABACUS+ABACUS+ABACUS+ABACUS+ABACUS+ABACUS"), 400))
e.append(case("login codename field twice", FE, fe_post("/login", "application/x-www-form-urlencoded", "codename=a&codename=b&__RequestVerificationToken={{login_token}}"), 400))
e.append(case("login codename field missing", FE, fe_post("/login", "application/x-www-form-urlencoded", "__RequestVerificationToken={{login_token}}"), 400))
e.append(case("login: form declared as UTF-16", FE, fe_post("/login", "application/x-www-form-urlencoded; charset=utf-16", "codename=abacus&__RequestVerificationToken={{login_token}}"), 400))
for label, raw in {
    "overlong slash": b"\xc0\xaf", "overlong NUL": b"\xc0\x80", "surrogate half": b"\xed\xa0\x80", "byte F5": b"\xf5\x80\x80\x80",
    "lone continuation": b"\x80", "truncated 3-byte": b"\xe2\x82", "Latin-1 text": "caf\xe9".encode("latin-1"), "UTF-16LE": "hi".encode("utf-16-le") + b"\xff",
    "invalid after 100 KiB of text": None, "code point above U+10FFFF": b"\xf4\x90\x80\x80",
}.items():
    if raw is None:
        msg = "{{repeat 100}}" + "t" * 1024 + "{{/repeat}}" + "\xff"
    else:
        msg = b"Canary " + raw
    e.append(case(f"message not UTF-8: {label}", FE, submit(field("message", msg)), 400, "UTF-8"))
e.append(case("message not UTF-8 with a file beside it", FE, submit(file_part("ok.txt", "fine"), field("message", b"\xff")), 400, "UTF-8"))
for label, path in {
    "NUL in path": "/submit%00", "NUL before extension": "/public-key%00.asc", "encoded slash in route": "/login%2F",
    "overlong dot-dot": "/%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd", "invalid UTF-8 in path": "/%FF%FE", "double-encoded dot-dot": "/%252e%252e/%252e%252e/etc/passwd",
    "percent-u encoding": "/%u002e%u002e/etc/passwd", "backslash path": "/..\\..\\windows\\win.ini",
}.items():
    e.append(case(f"path: {label}", FE, req("GET", path), [400, 404]))
for label, q in {"traversal": "../../etc/passwd", "NUL": "%00", "invalid UTF-8": "%FF", "very long": "x" * 2000, "script": "%3Cscript%3E", "CRLF": "en%0D%0ASet-Cookie:+a=b"}.items():
    e.append(case(f"lang query: {label}", FE, req("GET", "/?lang=" + q), 200, why="an unknown language falls back to the default; nothing echoed raw",
                  absent="Set-Cookie: a=b"))
corpora["frontend-encoding"] = e

# ---------------------------------------------------------------- front end: path traversal in every route and field
t = []
for path in ["/../../../../etc/passwd", "/submit/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/public-key/..%2f..%2fdata%2fkeys",
             "//etc/passwd", "/style.css/../../../data/metadata.db", "/intake/", "/vault/", "/data/metadata.db", "/jobs.db", "/.git/config", "/keys/secret.key",
             "/submit/..;/admin", "/;/etc/passwd", "/%5c..%5c..%5cetc%5cpasswd", "/generate/..%00/", "/public-key/../../../proc/self/environ"]:
    t.append(case(f"route: GET {path}", FE, req("GET", path), [400, 404], why="only the public routes exist; nothing on disk is served"))
t.append(case("generate: ticket is a path", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket=..%2F..%2F..%2Fetc%2Fpasswd&__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 400))
t.append(case("generate: ticket with NUL", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket=%00&__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 400))
t.append(case("generate: ticket of 10,000 characters", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket=" + "A" * 10000 + "&__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 400))
t.append(case("generate: empty ticket", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket=&__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 400))
t.append(case("generate: no ticket", FE, fe_post("/generate", "application/x-www-form-urlencoded", "__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 400))
t.append(case("generate: spent ticket replayed (no new source)", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket={{spent_ticket}}&__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 409,
              "already been used", why="a ticket starts one source, once: used again it creates nothing and signs nobody in"))
t.append(case("generate: spent ticket replayed from the source's own session", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket={{spent_ticket}}&__RequestVerificationToken={{login_token}}"), 409,
              why="the source that used the ticket sends it again (back button): refused, nothing created"))
for name in ["../message", "../../files", "files/../message", "message\x00", "/etc/passwd", "..\\message", "message%00", "MESSAGE", "files[]", "files.0"]:
    t.append(case(f"multipart field name {name!r}", FE, submit(field(name, "x")), 400, "does not accept"))
for fn in ["../../etc/passwd", "..\\..\\boot.ini", "/dev/null", "\x00"]:
    t.append(case(f"file name {fn!r} in a part with a bad field name", FE, submit(file_part(fn, "x", name="upload")), 400, "does not accept"))
corpora["frontend-traversal"] = t

# ---------------------------------------------------------------- front end: CSRF, session fixation, forged cookies
c = []
c.append(case("submit: token missing", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", field("message", "Canary no token") + end()), 400, "security token"))
c.append(case("submit: token forged", FE, submit(field("message", "Canary forged"), tok="CfDJ8" + "A" * 150), 400, "expired"))
c.append(case("submit: token of the other source's session", FE, submit(field("message", "Canary cross-session"), tok="{{other_submit_token}}"), 400, "expired"))
c.append(case("submit: other source's cookies with this token", FE, submit(field("message", "Canary cross-session"), cookies="{{other_cookies}}"), 400, "expired"))
c.append(case("submit: console token on the front end", FE, submit(field("message", "Canary console token"), tok="{{console_token}}"), 400, "expired"))
c.append(case("submit: token with one character changed", FE, submit(field("message", "Canary"), tok="X{{submit_token}}"), 400))
c.append(case("submit: token base64 garbage", FE, submit(field("message", "Canary"), tok="!!!!****"), 400))
c.append(case("submit: token in a header only", FE, fe_post("/submit", f"multipart/form-data; boundary={B}", field("message", "Canary header") + end(), extra=["X-Sdnet-Antiforgery: {{submit_token}}"]), 400, "security token"))
c.append(case("submit: no cookies at all", FE, submit(field("message", "Canary"), cookies=""), 403, "session has ended"))
c.append(case("submit: session cookie chosen by the client", FE, submit(field("message", "Canary fixation"), cookies="sdnet-source=attacker-chosen-value"), 403, "session has ended"))
c.append(case("submit: garbled session cookie", FE, submit(field("message", "Canary"), cookies="sdnet-source=%%%%%%; sdnet-antiforgery=%%%%"), 403))
c.append(case("submit: session cookie of 4 KiB", FE, submit(field("message", "Canary"), cookies="sdnet-source=" + "Q" * 4096), 403))
c.append(case("submit: antiforgery cookie garbled, session valid", FE, submit(field("message", "Canary"), cookies="{{source_cookies}}; sdnet-antiforgery=garbage"), 400))
c.append(case("submit: session cookie sent twice, second forged", FE, submit(field("message", "Canary"), cookies="{{source_cookies}}; sdnet-source=forged"), [400, 403]))
c.append(case("submit: __Host- cookie over plain HTTP", FE, submit(field("message", "Canary"), cookies="__Host-sdnet-source=forged; sdnet-antiforgery=x"), 403))
c.append(case("login: token missing", FE, fe_post("/login", "application/x-www-form-urlencoded", "codename=a+b+c+d+e+f+g"), 400))
c.append(case("login: token forged", FE, login("a+b+c+d+e+f+g", tok="CfDJ8forged"), 400))
c.append(case("login: token without its cookie", FE, login("a+b+c+d+e+f+g", tok="{{anon_login_token}}", cookies=""), 400))
c.append(case("login: another visitor's token", FE, login("a+b+c+d+e+f+g", tok="{{anon_login_token}}"), 400))
c.append(case("login: console token", FE, login("a+b+c+d+e+f+g", tok="{{console_token}}"), 400))
c.append(case("login: chosen session cookie is not adopted", FE, login("abacus+abacus+abacus+abacus+abacus+abacus+abacus", tok="{{anon_login_token}}", cookies="{{anon_cookies}}; sdnet-source=attacker-chosen-value"),
              400, "not recognised", absent="attacker-chosen-value"))
c.append(case("generate: token missing", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket={{fresh_ticket}}", cookies="{{anon_cookies}}"), 400))
c.append(case("generate: token forged (no new source)", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket={{fresh_ticket}}&__RequestVerificationToken=CfDJ8forged", cookies="{{anon_cookies}}"), 400))
c.append(case("generate: another session's token (no new source)", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket={{fresh_ticket}}&__RequestVerificationToken={{anon_generate_token}}", cookies="{{other_cookies}}"), 400))
c.append(case("generate: no cookies (no new source)", FE, fe_post("/generate", "application/x-www-form-urlencoded", "ticket={{fresh_ticket}}&__RequestVerificationToken={{anon_generate_token}}", cookies=""), 400))
c.append(case("logout: token missing", FE, fe_post("/logout", "application/x-www-form-urlencoded", ""), 400))
c.append(case("logout: token forged", FE, fe_post("/logout", "application/x-www-form-urlencoded", "__RequestVerificationToken=CfDJ8forged"), 400))
c.append(case("logout: other source's token", FE, fe_post("/logout", "application/x-www-form-urlencoded", "__RequestVerificationToken={{other_submit_token}}"), 400))
c.append(case("GET /submit with a chosen session cookie", FE, req("GET", "/submit", ["Cookie: sdnet-source=attacker-chosen-value"]), 302, absent="attacker-chosen-value"))
c.append(case("GET /submit with a forged session cookie of 3 KiB", FE, req("GET", "/submit", ["Cookie: sdnet-source=" + "A" * 3072]), 302))
c.append(case("GET /submit with console cookies", FE, req("GET", "/submit", ["Cookie: {{console_cookies}}"]), 302))
c.append(case("cross-site POST with a foreign Origin and no cookies", FE, req("POST", "/submit", ["Origin: http://evil.invalid", f"Content-Type: multipart/form-data; boundary={B}"], field("message", "Canary") + end()), 403))
corpora["frontend-csrf-session"] = c

# ---------------------------------------------------------------- front end: methods, content types, console routes
mt = []
fe_routes = ["/", "/generate", "/login", "/submit", "/logout", "/public-key", "/style.css"]
for route in fe_routes:
    for method in ["PUT", "DELETE", "TRACE", "OPTIONS", "PATCH"]:
        body = "x" if method in ("PUT", "PATCH") else None
        mt.append(case(f"{method} {route}", FE, req(method, route, ["Cookie: {{source_cookies}}"], body), 405))
for method in ["PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "get", "QUERY", "DEBUG", "TRACK"]:
    mt.append(case(f"method {method} /", FE, req(method, "/"), 405 if method == "get" else [400, 405],
                   why="methods are case-sensitive: a lower-case get is not GET and is refused like any other unknown method"))
mt.append(case("CONNECT to another host", FE, req("CONNECT", "evil.invalid:443"), [400, 405]))
mt.append(case("X-HTTP-Method-Override: DELETE", FE, fe_post("/logout", "application/x-www-form-urlencoded", "", extra=["X-HTTP-Method-Override: DELETE"]), 400))
for route in ["/login", "/generate", "/logout"]:
    mt.append(case(f"JSON to {route}", FE, fe_post(route, "application/json", '{"codename":"a b c d e f g","ticket":"x"}'), [400, 415]))
    mt.append(case(f"XML to {route}", FE, fe_post(route, "application/xml", "<codename>a</codename>"), [400, 415]))
    mt.append(case(f"text/plain to {route}", FE, fe_post(route, "text/plain", "codename=a"), [400, 415]))
    mt.append(case(f"no Content-Type on {route}", FE, fe_post(route, None, "codename=a"), [400, 415]))
mt.append(case("JSON to /submit", FE, fe_post("/submit", "application/json", '{"message":"Canary json"}'), 415, "multipart/form-data"))
mt.append(case("form-urlencoded to /submit", FE, fe_post("/submit", "application/x-www-form-urlencoded", "message=Canary&__RequestVerificationToken={{submit_token}}"), 415, "multipart/form-data"))
mt.append(case("text/plain to /submit", FE, fe_post("/submit", "text/plain", "message=Canary"), 415))
mt.append(case("no Content-Type on /submit", FE, fe_post("/submit", None, "message=Canary"), 415))
mt.append(case("multipart with 2,000 fields to /login", FE, fe_post("/login", f"multipart/form-data; boundary={B}", "{{repeat 2000}}" + field("f{{i}}", "x") + "{{/repeat}}" + end()), [400, 413]))
mt.append(case("form with 5,000 fields to /login", FE, fe_post("/login", "application/x-www-form-urlencoded", "{{repeat 5000}}f{{i}}=x&{{/repeat}}codename=a"), [400, 413]))
for path in ["/admin/journalists", "/admin/audit", "/admin/jobs", "/hangfire", "/sources/{{source_id}}", "/sources/{{source_id}}/delete",
             "/submissions/{{submission_id}}/delete", "/items/{{item_id}}/download", "/login/second-factor", "/account/notifications",
             "/api/sources", "/swagger", "/openapi/v1.json"]:
    mt.append(case(f"console route on the front end: GET {path}", FE, req("GET", path, ["Cookie: {{source_cookies}}"]), 404))
for path in ["/sources/{{source_id}}/delete", "/items/{{item_id}}/download", "/admin/journalists?handler=Disable"]:
    mt.append(case(f"console route on the front end: POST {path}", FE, fe_post(path, "application/x-www-form-urlencoded", "id={{journalist_id}}&__RequestVerificationToken={{submit_token}}"), 404))
for path in ["/?handler=nope", "/generate?handler=nope", "/login?handler=Delete", "/submit?handler=nope"]:
    mt.append(case(f"unknown page handler: GET {path}", FE, req("GET", path, ["Cookie: {{source_cookies}}"]), 404,
                   why="a handler the page does not have is not found; the page is not shown as if the action ran"))
mt.append(case("unknown page handler: POST /login?handler=nope with a valid token", FE,
               fe_post("/login?handler=nope", "application/x-www-form-urlencoded", "codename=a&__RequestVerificationToken={{login_token}}"), 404))
mt.append(case("unknown page handler: POST /generate?handler=nope with a fresh ticket", FE,
               fe_post("/generate?handler=nope", "application/x-www-form-urlencoded", "ticket={{fresh_ticket}}&__RequestVerificationToken={{anon_generate_token}}", cookies="{{anon_cookies}}"), 404))
for method in ["get", "post", "Get", "hEAD"]:
    mt.append(case(f"method {method} /login (case)", FE, req(method, "/login", ["Cookie: {{source_cookies}}"]), 405, why="methods are case-sensitive"))
corpora["frontend-methods"] = mt

# ---------------------------------------------------------------- console: sign-in
a = []


def con_post(path, body, cookies="{{console_login_cookies}}", ctype="application/x-www-form-urlencoded", extra=()):
    headers = []
    if cookies:
        headers.append(f"Cookie: {cookies}")
    if ctype:
        headers.append(f"Content-Type: {ctype}")
    return req("POST", path, headers + list(extra), body)


def con_login(user, passphrase, tok="{{console_login_token}}", cookies="{{console_login_cookies}}"):
    return con_post("/login", f"username={user}&passphrase={passphrase}&__RequestVerificationToken={tok}", cookies)


a.append(case("login: token missing", CON, con_post("/login", "username=admin&passphrase=x"), 400))
a.append(case("login: token forged", CON, con_login("admin", "x", tok="CfDJ8forged"), 400))
a.append(case("login: token of a signed-in session", CON, con_login("admin", "x", tok="{{console_token}}"), 400))
a.append(case("login: front-end token", CON, con_login("admin", "x", tok="{{login_token}}"), 400))
a.append(case("login: token without cookies", CON, con_login("admin", "x", cookies=""), 400))
a.append(case("login: JSON body", CON, con_post("/login", '{"username":"admin","passphrase":"x"}', ctype="application/json"), [400, 415]))
a.append(case("login: no Content-Type", CON, con_post("/login", "username=admin", ctype=None), [400, 415]))
a.append(case("login: body of 20 KiB", CON, con_login("u", "p" * 20480), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
a.append(case("login: empty user name", CON, con_login("", "x"), 400, "Unknown user name"))
a.append(case("login: empty passphrase", CON, con_login("nobody-a", ""), 400, "Unknown user name"))
a.append(case("login: user name of 65 characters", CON, con_login("u" * 65, "x"), 400, "Unknown user name"))
a.append(case("login: passphrase of 1,025 characters", CON, con_login("nobody-b", "p" * 1025), 400, "Unknown user name"))
a.append(case("login: user name admin%00", CON, con_login("admin%00", "wrong-nul"), 400, "malformed", why="a NUL in a form value is refused before any code sees it"))
for i, user in enumerate(["..%2F..%2Fadmin", "admin%27--", "%27+OR+1%3D1--", "%FF%FE", "%C0%AFadmin", "admin%0D%0ASet-Cookie%3A+a%3Db",
                          "%3Cscript%3E", "adm%E2%80%8Bin", "%EF%BD%81dmin"]):
    a.append(case(f"login: user name {user}", CON, con_login(user, f"wrong-{i}"), 400, "Unknown user name", absent="Set-Cookie: a=b"))
a.append(case("login: chosen console cookie is not adopted", CON, con_login("nobody-c", "x", cookies="{{console_login_cookies}}; sdnet-console=attacker-chosen-value"), 400, absent="attacker-chosen-value"))
a.append(case("second factor: replayed code", CON, con_post("/login/second-factor", "code={{used_code}}&__RequestVerificationToken={{half_token}}", cookies="{{half_cookies}}"), 400, "already used"))
a.append(case("second factor: code of letters", CON, con_post("/login/second-factor", "code=abcdef&__RequestVerificationToken={{half_token}}", cookies="{{half_cookies}}"), 400, "already used"))
a.append(case("second factor: code of 10,000 digits", CON, con_post("/login/second-factor", "code=" + "1" * 10000 + "&__RequestVerificationToken={{half_token}}", cookies="{{half_cookies}}"), 400))
a.append(case("second factor: code of 20 KiB", CON, con_post("/login/second-factor", "code=" + "1" * 20480 + "&__RequestVerificationToken={{half_token}}", cookies="{{half_cookies}}"), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
a.append(case("second factor: token missing", CON, con_post("/login/second-factor", "code={{used_code}}", cookies="{{half_cookies}}"), 400))
a.append(case("second factor: forged token", CON, con_post("/login/second-factor", "code={{used_code}}&__RequestVerificationToken=CfDJ8forged", cookies="{{half_cookies}}"), 400))
a.append(case("second factor: no session", CON, con_post("/login/second-factor", "code=123456&__RequestVerificationToken={{console_login_token}}"), [302, 400]))
a.append(case("second factor: forged console cookie", CON, con_post("/login/second-factor", "code=123456&__RequestVerificationToken={{half_token}}", cookies="sdnet-console=CfDJ8forged"), [302, 400]))
a.append(case("second factor: GET without a session", CON, req("GET", "/login/second-factor"), 302))
a.append(case("second factor: PUT", CON, req("PUT", "/login/second-factor", ["Cookie: {{half_cookies}}"], "code=1"), [400, 405]))
for label, cookie in {"forged": "sdnet-console=CfDJ8forged", "garbled": "sdnet-console=%%%%", "of 4 KiB": "sdnet-console=" + "A" * 4096,
                      "front-end session": "{{source_cookies}}", "chosen": "sdnet-console=attacker-chosen-value", "empty": "sdnet-console=",
                      "half signed in": "{{half_cookies}}"}.items():
    a.append(case(f"GET / with a {label} console cookie", CON, req("GET", "/", [f"Cookie: {cookie}"]), 302, absent="attacker-chosen-value"))
    a.append(case(f"GET /admin/journalists with a {label} console cookie", CON, req("GET", "/admin/journalists", [f"Cookie: {cookie}"]), 302))
corpora["console-auth"] = a

# ---------------------------------------------------------------- console: routes, CSRF, methods, limits
r = []
signed = ["Cookie: {{console_cookies}}"]
for bad in ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "{{source_id}}%00", "{{source_id}}'--", "%FF", "A" * 2000, "{{submission_id}}", "{{item_id}}", "..%5C..%5Cvault"]:
    dots = bad in ("..", "%2e%2e")
    r.append(case(f"GET /sources/{bad[:40]}", CON, req("GET", f"/sources/{bad}", signed), [200] if dots else [400, 404],
                  why="Kestrel resolves dot segments: /sources/.. is / (the signed-in list)" if dots else None))
    if bad != "{{item_id}}":
        r.append(case(f"GET /items/{bad[:40]}/download", CON, req("GET", f"/items/{bad}/download", signed), [400, 404]))
    r.append(case(f"GET /sources/{bad[:40]}/delete", CON, req("GET", f"/sources/{bad}/delete", signed), [400, 404]))
for path in ["/../../etc/passwd", "/sources/../../../etc/passwd", "/items/../../vault", "/admin/../../data/metadata.db", "/%2e%2e/%2e%2e/jobs.db",
             "/dataprotection-keys/", "/style.css/..%2f..%2f", "/admin/jobs/../../etc/passwd", "/vault/{{item_id}}.gpg"]:
    r.append(case(f"route: GET {path}", CON, req("GET", path, signed), [400, 404]))
r.append(case("download: item id of a source, unauthenticated", CON, req("GET", "/items/{{item_id}}/download"), [302, 401]))
r.append(case("source page unauthenticated", CON, req("GET", "/sources/{{source_id}}"), 302))
r.append(case("admin audit unauthenticated", CON, req("GET", "/admin/audit"), 302))
r.append(case("jobs dashboard unauthenticated", CON, req("GET", "/admin/jobs"), [302, 401, 403]))
form = "application/x-www-form-urlencoded"
for path, body in [("/sources/{{source_id}}/delete", ""), ("/submissions/{{submission_id}}/delete", ""), ("/logout", ""),
                   ("/account/notifications", "email=attacker%40evil.invalid&publicKey="), ("/admin/journalists?handler=Add", "username=mallory&admin=true"),
                   ("/admin/journalists?handler=Disable", "id={{journalist_id}}"), ("/admin/journalists?handler=ResetTotp", "id={{journalist_id}}"),
                   ("/admin/journalists?handler=ResetPassphrase", "id={{journalist_id}}")]:
    r.append(case(f"CSRF: POST {path} without a token", CON, con_post(path, body, cookies="{{console_cookies}}"), 400))
    r.append(case(f"CSRF: POST {path} with a forged token", CON, con_post(path, body + "&__RequestVerificationToken=CfDJ8forged", cookies="{{console_cookies}}"), 400))
    r.append(case(f"CSRF: POST {path} with the sign-in page's token", CON, con_post(path, body + "&__RequestVerificationToken={{console_login_token}}", cookies="{{console_cookies}}"), 400))
    r.append(case(f"CSRF: POST {path} with a front-end token", CON, con_post(path, body + "&__RequestVerificationToken={{submit_token}}", cookies="{{console_cookies}}"), 400))
    r.append(case(f"POST {path} unauthenticated with a valid token", CON, con_post(path, body + "&__RequestVerificationToken={{console_token}}", cookies="{{console_login_cookies}}"), [302, 400]))
r.append(case("delete: JSON body", CON, con_post("/sources/{{source_id}}/delete", '{"confirm":true}', cookies="{{console_cookies}}", ctype="application/json"), [400, 415]))
r.append(case("delete: traversal id with a valid token", CON, con_post("/sources/..%2F..%2Fvault/delete", "__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), [400, 404]))
r.append(case("delete: unknown kind", CON, con_post("/journalists/{{journalist_id}}/delete", "__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), [400, 404]))
r.append(case("delete: unknown id with a valid token", CON, con_post("/sources/00000000000000000000000000000000/delete", "__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), [400, 404]))
r.append(case("admin: unknown handler", CON, con_post("/admin/journalists?handler=DropAll", "__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), 404,
              why="a handler the page does not have is not found; the page is not shown again as if the action ran"))
for path in ["/?handler=nope", "/admin/journalists?handler=nope", "/sources/{{source_id}}?handler=nope", "/account/notifications?handler=nope"]:
    r.append(case(f"unknown handler: GET {path}", CON, req("GET", path, signed), 404))
for method in ["get", "post", "Post"]:
    r.append(case(f"method {method} /login (case)", CON, req(method, "/login"), 405, why="methods are case-sensitive"))
r.append(case("admin: disable with a traversal id", CON, con_post("/admin/journalists?handler=Disable", "id=..%2F..%2F&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), [400, 404]))
r.append(case("admin: enable with an id of 10,000 characters", CON, con_post("/admin/journalists?handler=Enable", "id=" + "A" * 10000 + "&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), [400, 404]))
r.append(case("admin: add with user name of 200 characters", CON, con_post("/admin/journalists?handler=Add", "username=" + "u" * 200 + "&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), 400))
r.append(case("admin: add with user name holding NUL", CON, con_post("/admin/journalists?handler=Add", "username=a%00b&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), 400))
r.append(case("admin: add with user name a path", CON, con_post("/admin/journalists?handler=Add", "username=..%2F..%2Fetc&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), 400))
r.append(case("notifications: invalid address with a valid token", CON, con_post("/account/notifications", "email=not-an-address%0D%0ABcc%3A+x%40evil.invalid&publicKey=&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), 400))
r.append(case("notifications: public key of garbage", CON, con_post("/account/notifications", "email=a%40example.org&publicKey=-----BEGIN+PGP+PUBLIC+KEY+BLOCK-----%0Agarbage&__RequestVerificationToken={{console_token}}", cookies="{{console_cookies}}"), 400))
con_routes = ["/", "/login", "/logout", "/sources/{{source_id}}", "/admin/journalists", "/admin/audit", "/account/notifications", "/items/{{item_id}}/download"]
for route in con_routes:
    for method in ["PUT", "DELETE", "PATCH", "TRACE"]:
        body = "x" if method in ("PUT", "PATCH") else None
        r.append(case(f"{method} {route}", CON, req(method, route, signed, body), [400, 405]))
r.append(case("header of 64 KiB", CON, req("GET", "/login", ["X-Big: " + "a" * 65536]), 431))
r.append(case("200 headers", CON, req("GET", "/login", [f"X-H{i}: v" for i in range(200)]), 431))
r.append(case("request line of 32 KiB", CON, req("GET", "/login?q=" + "a" * 32768), 414))
r.append(case("body of 2 MiB on notifications", CON, con_post("/account/notifications", "publicKey=" + "{{repeat 2048}}" + "k" * 1024 + "{{/repeat}}", cookies="{{console_cookies}}"), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
r.append(case("declared body of 100 GiB", CON, req("POST", "/login", ["Content-Type: application/x-www-form-urlencoded"], "a=b", content_length=str(100 << 30)), 413, why="over the body limit of the endpoint: 413, although the antiforgery check reads the form first"))
r.append(case("two Content-Length headers", CON, req("POST", "/login", ["Content-Length: 5", "Content-Length: 7"]), 400))
r.append(case("not HTTP at all", CON, "\x16\x03\x01 hello\r\n\r\n", 400))
r.append(case("slow body on sign-in (16 bytes/s)", CON, con_login("nobody-slow", "p" * 400), [0, 400, 408],
              trickle={"bytes": 8, "delayMs": 500, "chunks": 30}, why="Kestrel's default minimum rate (240 B/s after 5 s) drops the client"))
corpora["console-routes"] = r

total = 0
for name, cases in corpora.items():
    names = [c["name"] for c in cases]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"{name}: duplicate names {dupes}"
    with open(os.path.join(HERE, name + ".json"), "w", encoding="ascii") as out:
        json.dump(cases, out, indent=1, ensure_ascii=True)
        out.write("\n")
    total += len(cases)
    print(f"{name}: {len(cases)}")
print(f"total: {total}")
