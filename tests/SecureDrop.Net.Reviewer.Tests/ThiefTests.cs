using Microsoft.Data.Sqlite;
using SecureDrop.Net.Custody.Journalists;
using Xunit.Abstractions;

namespace SecureDrop.Net.Reviewer.Tests;

/// <summary>
/// A thief copies the data directory while the console runs with a journalist signed in (so keys are unlocked in
/// its memory). Nothing in the copy decrypts a tip without a passphrase or the recovery key: every file and every
/// database value is tried as a vault key, a recovery key, an OpenPGP secret key and a journalist's passphrase.
/// </summary>
public sealed class ThiefTests : ConsoleTestBase
{
    private readonly ITestOutputHelper _output;

    public ThiefTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task CopiedDataDirectory_WhileTheConsoleRuns_DecryptsNothing()
    {
        const string Message = "the thief must never read this tip";
        await Seed.SubmissionAsync(Instance, Message, ("thief-target.pdf", Encoding.UTF8.GetBytes("file the thief wants")));
        using var journalist = await SignedInAsync();
        Assert.Contains(Message, await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative)) + await FirstSourcePageAsync(journalist), StringComparison.Ordinal);

        using var loot = new TempDirectory("sdnet-thief");
        CopyDirectory(Instance.Data.Root, loot.Path);
        var copy = DataDirectory.Open(loot.Path);
        var items = Directory.GetFiles(copy.VaultDirectory).Select(File.ReadAllBytes).ToList();
        Assert.Equal(2, items.Count);

        // What the running console holds in memory must not be on its disk, in any encoding.
        var vaultKey = VaultKey.UnwrapWithRecovery(File.ReadAllBytes(Instance.Data.RecoveryWrapFile), VaultKey.ParseRecoveryKey(Instance.Secrets.RecoveryKey));
        var secretKeys = new SealedNewsroomKeys(Instance.Data).UnsealSecretKeys(vaultKey);
        var canaries = new Dictionary<string, byte[]>
        {
            ["vault key"] = vaultKey,
            ["message"] = ForensicScan.Text(Message),
            ["file name"] = ForensicScan.Text("thief-target"),
            ["admin passphrase"] = ForensicScan.Text(Instance.Secrets.AdminPassphrase),
        };
        foreach (var key in secretKeys)
        {
            canaries["newsroom secret key " + key.Fingerprint] = key.ExportForStorage();
        }

        Assert.Empty(ForensicScan.Find([loot.Path], canaries));

        var candidates = Candidates(loot.Path);
        var keys = new SealedNewsroomKeys(copy);
        var recoveryWrap = File.ReadAllBytes(copy.RecoveryWrapFile);
        var opened = new List<string>();
        foreach (var candidate in candidates.Binary)
        {
            foreach (var key in AsKeys(candidate))
            {
                if (Succeeds(() => keys.UnsealSecretKeys(key).Count > 0))
                {
                    opened.Add("a value opened a sealed newsroom key as a vault key");
                }

                if (Succeeds(() => VaultKey.UnwrapWithRecovery(recoveryWrap, key).Length > 0))
                {
                    opened.Add("a value unwrapped the vault key as a recovery key");
                }
            }

            foreach (var secret in AsSecretKeys(candidate))
            {
                using (secret)
                {
                    opened.AddRange(items.Where(item => Succeeds(() => MessageDecryptor.Decrypt(new MemoryStream(item), secret, Stream.Null) is not null))
                        .Select(_ => "a value decrypted an item as an OpenPGP secret key"));
                }
            }
        }

        var journalists = await new JournalistStore(new MetadataDatabase(copy, Instance.Options), TimeProvider.System).ListAsync();
        var account = await new JournalistStore(new MetadataDatabase(copy, Instance.Options), TimeProvider.System).FindByUsernameAsync(Instance.Secrets.AdminUsername);
        Assert.NotNull(account);
        var passphrases = candidates.Text.Where(t => t.Length is >= 8 and <= 256).ToList();
        foreach (var text in passphrases)
        {
            if (JournalistCredentials.Unlock(text, account.Secrets, account.Id) is not null)
            {
                opened.Add("a stored string is the admin's passphrase");
            }

            if (Succeeds(() => VaultKey.UnwrapWithRecovery(recoveryWrap, VaultKey.ParseRecoveryKey(text)).Length > 0))
            {
                opened.Add("a stored string is the recovery key");
            }
        }

        // The attempts are real: the secrets the thief lacks do open the copy.
        Assert.True(Succeeds(() => keys.UnsealSecretKeys(vaultKey).Count == 1));
        Assert.NotNull(JournalistCredentials.Unlock(Instance.Secrets.AdminPassphrase, account.Secrets, account.Id));
        _output.WriteLine($"Tried {candidates.Binary.Count} values as keys and {passphrases.Count} strings as passphrases, from {Directory.GetFiles(loot.Path, "*", SearchOption.AllDirectories).Length} files and {journalists.Count} account(s).");
        Assert.Empty(opened);
        Assert.True(candidates.Binary.Count > 50, "the copy was searched");
    }

    private static async Task<string> FirstSourcePageAsync(JournalistClient journalist)
    {
        var list = await journalist.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        return await journalist.Http.GetStringAsync(new Uri(HtmlForms.Links(list, "/sources/")[0], UriKind.Relative));
    }

    private static bool Succeeds(Func<bool> attempt)
    {
        try
        {
            return attempt();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>A value as a 32-byte key: as it is, hex- or base64-decoded, or any 32-byte window of a short blob.</summary>
    private static IEnumerable<byte[]> AsKeys(byte[] value)
    {
        if (value.Length <= 256)
        {
            for (var start = 0; start + 32 <= value.Length; start++)
            {
                yield return value[start..(start + 32)];
            }
        }

        var text = Encoding.ASCII.GetString(value).Trim();
        if (Succeeds(() => Convert.FromHexString(text).Length == 32))
        {
            yield return Convert.FromHexString(text);
        }

        if (Succeeds(() => Convert.FromBase64String(text).Length == 32))
        {
            yield return Convert.FromBase64String(text);
        }
    }

    private static IEnumerable<NewsroomSecretKey> AsSecretKeys(byte[] value)
    {
        NewsroomSecretKey? key = null;
        try
        {
            key = NewsroomSecretKey.Import(value);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            try
            {
                key = NewsroomSecretKey.FromStorageBytes(value);
            }
            catch (Exception inner) when (inner is not OutOfMemoryException)
            {
                key = null;
            }
        }

        if (key is not null)
        {
            yield return key;
        }
    }

    private static (List<byte[]> Binary, List<string> Text) Candidates(string root)
    {
        var binary = new List<byte[]>();
        var text = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var content = File.ReadAllBytes(file);
            binary.Add(content);
            var decoded = Encoding.UTF8.GetString(content);
            if (!decoded.Contains('\uFFFD', StringComparison.Ordinal))
            {
                text.Add(decoded.Trim());
                foreach (var token in decoded.Split(['\n', '\r', ' ', '"', ',', ':', '{', '}', '<', '>'], StringSplitOptions.RemoveEmptyEntries))
                {
                    text.Add(token);
                    binary.Add(Encoding.UTF8.GetBytes(token));
                }
            }

            if (Path.GetExtension(file) == ".db")
            {
                AddDatabaseValues(file, binary, text);
            }
        }

        return (binary, [.. text]);
    }

    private static void AddDatabaseValues(string file, List<byte[]> binary, HashSet<string> text)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    switch (reader.GetValue(column))
                    {
                        case byte[] blob:
                            binary.Add(blob);
                            break;
                        case string value:
                            text.Add(value);
                            binary.Add(Encoding.UTF8.GetBytes(value));
                            break;
                    }
                }
            }
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
