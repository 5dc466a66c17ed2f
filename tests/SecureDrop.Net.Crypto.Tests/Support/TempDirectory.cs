namespace SecureDrop.Net.Crypto.Tests;

/// <summary>A private (mode 700) scratch directory that the test deletes when done.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "sdnet-crypto-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // gpg refuses a home that others can read; CreateTempSubdirectory makes 700 already, this states it.
            System.IO.File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Path { get; }

    public string File(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
