namespace SecureDrop.Net.Testing;

/// <summary>The repository the tests run from: its ./sdnet script and the ops/ files that tests run as shipped.</summary>
public static class Repository
{
    /// <summary>The folder that holds SecureDrop.Net.sln, found upwards from the test's output folder.</summary>
    public static string Root
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SecureDrop.Net.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (with SecureDrop.Net.sln) was not found above the test's folder.");
        }
    }

    public static string Ops => Path.Combine(Root, "ops");
}
