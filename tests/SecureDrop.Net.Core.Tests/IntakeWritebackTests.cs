namespace SecureDrop.Net.Core.Tests;

/// <summary>Intake items start their writeback while they stream in; the bytes and the commit are unchanged by it.</summary>
public sealed class IntakeWritebackTests
{
    [Fact]
    public void StartWriteback_OnAWrittenFile_IsAcceptedByTheKernel()
    {
        using var temp = new TempDirectory("sdnet-writeback");
        var path = temp.Combine("item");
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(new byte[1024 * 1024]);
        file.Flush();

        // A wrong signature or flag would make sync_file_range fail (EINVAL/ENOSYS) and the head start silently vanish.
        Assert.True(UnixFiles.StartWriteback(file.SafeFileHandle, 0, 1024 * 1024));
    }

    [Fact]
    public async Task LargeIntakeItem_WrittenInPieces_IsCommittedByteForByte()
    {
        using var instance = await TestInstance.CreateAsync(Store.Sqlite);
        var files = new ItemFiles(instance.Data);
        var id = Ids.New();
        var content = new byte[20 * 1024 * 1024 + 123];
        System.Security.Cryptography.RandomNumberGenerator.Fill(content);

        var writer = files.BeginIntake(id);
        for (var offset = 0; offset < content.Length; offset += 300_000)
        {
            await writer.Stream.WriteAsync(content.AsMemory(offset, Math.Min(300_000, content.Length - offset)));
        }

        await writer.CommitAsync();
        await writer.DisposeAsync();

        Assert.Equal(content.Length, writer.Length);
        Assert.Equal(content, await File.ReadAllBytesAsync(files.IntakePath(id)));
        Assert.Empty(Directory.GetFiles(instance.Data.IntakeDirectory, "*.part"));
    }
}
