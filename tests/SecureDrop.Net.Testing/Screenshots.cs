using Microsoft.Playwright;

namespace SecureDrop.Net.Testing;

/// <summary>
/// Full-page PNGs of what the browser tests see, for a person to review: TestResults/screenshots/ at the repository
/// root (git-ignored; ./test.sh empties it when it starts and leaves it for CI to keep), or $SDNET_SCREENSHOTS.
/// </summary>
public static class Screenshots
{
    public static string Directory { get; } = Locate();

    /// <summary>Saves the page as GROUP/NAME.png and returns the file's path.</summary>
    public static async Task<string> SaveAsync(IPage page, string group, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(Directory, group)).FullName;
        var file = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        return file;
    }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("SDNET_SCREENSHOTS");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SecureDrop.Net.sln")))
            {
                return Path.Combine(directory.FullName, "TestResults", "screenshots");
            }
        }

        return Path.Combine(Path.GetTempPath(), "sdnet-screenshots");
    }
}
