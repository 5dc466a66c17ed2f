using System.Text;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Fuzz;

/// <summary>
/// Writes the seed corpus (fuzz/corpus/TARGET/) and the fixed test key (fuzz/keys/): run once with
/// `sdnet-fuzz seeds fuzz`, then commit. Keys and messages are made fresh, so rerunning changes the bytes.
/// </summary>
internal static class SeedWriter
{
    public static void Write(string fuzzDirectory)
    {
        var keys = Directory.CreateDirectory(Path.Combine(fuzzDirectory, "keys")).FullName;
        var keyFile = Path.Combine(keys, "fuzz-newsroom.key");
        var now = TimeProvider.System.GetUtcNow();
        if (!System.IO.File.Exists(keyFile))
        {
            using var generated = NewsroomSecretKey.Generate("Fuzz newsroom (test key, not secret)", now);
            System.IO.File.WriteAllBytes(keyFile, generated.ExportForStorage());
        }

        using var key = NewsroomSecretKey.FromStorageBytes(System.IO.File.ReadAllBytes(keyFile));
        using var other = NewsroomSecretKey.Generate("Another newsroom", now);
        using var rsa = NewsroomSecretKey.Generate("RSA newsroom", now, NewsroomKeyAlgorithm.Rsa4096);

        Seeds(fuzzDirectory, "public-key", new()
        {
            ["cv25519-armored.asc"] = Encoding.ASCII.GetBytes(key.PublicKey.ToArmored()),
            ["cv25519-binary.pgp"] = key.PublicKey.ToBinary(),
            ["rsa4096-binary.pgp"] = rsa.PublicKey.ToBinary(),
            ["two-keys-binary.pgp"] = [.. key.PublicKey.ToBinary(), .. other.PublicKey.ToBinary()],
            ["secret-key-given.pgp"] = key.ExportForStorage(),
            ["armor-header-only.asc"] = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"u8.ToArray(),
        });
        Seeds(fuzzDirectory, "secret-key", new()
        {
            ["cv25519-unprotected.pgp"] = key.ExportForStorage(),
            ["rsa4096-unprotected.pgp"] = rsa.ExportForStorage(),
            ["public-only.pgp"] = key.PublicKey.ToBinary(),
            ["public-only-armored.asc"] = Encoding.ASCII.GetBytes(other.PublicKey.ToArmored()),
        });

        var messages = new Dictionary<string, byte[]>
        {
            ["text.pgp"] = Encrypt(key.PublicKey, "", "A tip: the minutes of the meeting are in the second drawer."u8.ToArray()),
            ["file-named.pgp"] = Encrypt(key.PublicKey, "보고서 final.pdf", new byte[3000]),
            ["one-byte.pgp"] = Encrypt(key.PublicKey, "x", [0x42]),
            ["to-another-key.pgp"] = Encrypt(other.PublicKey, "", "not for this newsroom"u8.ToArray()),
            ["multi-chunk.pgp"] = Encrypt(key.PublicKey, "big.bin", new byte[70_000]),
        };
        Seeds(fuzzDirectory, "message", messages);

        Seeds(fuzzDirectory, "codename", new()
        {
            ["valid.txt"] = Encoding.UTF8.GetBytes(Codename.Generate()),
            ["loose.txt"] = Encoding.UTF8.GetBytes("  " + Codename.Generate().ToUpperInvariant().Replace(" ", " \t\n ", StringComparison.Ordinal) + "  "),
            ["korean-nfd.txt"] = Encoding.UTF8.GetBytes(Codename.Generate(Codename.Korean).Normalize(NormalizationForm.FormD).Replace(" ", "\u3000", StringComparison.Ordinal)),
            ["six-words.txt"] = "abacus abacus abacus abacus abacus abacus"u8.ToArray(),
            ["unicode-spaces.txt"] = Encoding.UTF8.GetBytes("abacus\u00a0abacus\u2003abacus\u3000abacus\u2028abacus\u0085abacus\u200babacus"),
            ["turkish-i.txt"] = Encoding.UTF8.GetBytes("İSTANBUL ıi abacus abacus abacus abacus abacus"),
            ["invalid-utf8.txt"] = [0xFF, 0xFE, 0x20, 0xC0, 0xAF, 0x20, 0xED, 0xA0, 0x80],
        });

        Seeds(fuzzDirectory, "multipart", new()
        {
            ["message.txt"] = Part("message", "A short tip."u8.ToArray(), end: true),
            ["message-and-files.txt"] = [.. Part("message", "Two files follow."u8.ToArray()), .. FilePart("a.txt", "first"u8.ToArray()), .. FilePart("보고서.pdf", new byte[600]), .. "--XyZ--\r\n"u8],
            ["file-traversal-name.txt"] = [.. FilePart("../../etc/passwd", "x"u8.ToArray()), .. "--XyZ--\r\n"u8],
            ["invalid-utf8.txt"] = Part("message", [0x43, 0xE2, 0x82], end: true),
            ["unknown-field.txt"] = Part("admin", "1"u8.ToArray(), end: true),
            ["two-messages.txt"] = [.. Part("message", "one"u8.ToArray()), .. Part("message", "two"u8.ToArray(), end: true)],
            ["seven-files.txt"] = [.. Enumerable.Range(0, 7).SelectMany(i => FilePart($"f{i}", [(byte)i])), .. "--XyZ--\r\n"u8],
            ["unterminated.txt"] = "--XyZ\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nno end"u8.ToArray(),
            ["empty.txt"] = "--XyZ--\r\n"u8.ToArray(),
        });
    }

    private static byte[] Encrypt(NewsroomPublicKey recipient, string name, byte[] content)
    {
        using var output = new MemoryStream();
        using (var encryptor = MessageEncryptor.Open(output, recipient, name))
        {
            encryptor.Write(content);
        }

        return output.ToArray();
    }

    private static byte[] Part(string name, byte[] value, bool end = false) =>
        [.. Encoding.ASCII.GetBytes($"--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"), .. value, .. "\r\n"u8, .. (end ? "--XyZ--\r\n"u8 : ""u8)];

    private static byte[] FilePart(string fileName, byte[] content) =>
        [.. Encoding.UTF8.GetBytes($"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n"), .. content, .. "\r\n"u8];

    private static void Seeds(string fuzzDirectory, string target, Dictionary<string, byte[]> seeds)
    {
        var directory = Directory.CreateDirectory(Path.Combine(fuzzDirectory, "corpus", target)).FullName;
        foreach (var (name, bytes) in seeds)
        {
            System.IO.File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }
}
