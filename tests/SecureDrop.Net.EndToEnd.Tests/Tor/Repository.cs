namespace SecureDrop.Net.EndToEnd.Tests.Tor;

/// <summary>The repository the tests run from, for files in ops/ that the tests run as they are shipped.</summary>
internal static class Repository
{
    public static string Ops
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SecureDrop.Net.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root."), "ops");
        }
    }
}
