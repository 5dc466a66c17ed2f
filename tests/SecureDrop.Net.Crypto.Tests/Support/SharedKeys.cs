namespace SecureDrop.Net.Crypto.Tests;

/// <summary>
/// An RSA 4096 key generated once per test run: generating one takes seconds, and tests that only need some RSA
/// key must not each pay for it. Tests reload it with <see cref="NewsroomSecretKey.FromStorageBytes"/> and
/// dispose their own copy.
/// </summary>
internal static class SharedKeys
{
    private static readonly Lazy<byte[]> Rsa4096 = new(() =>
    {
        using NewsroomSecretKey key = NewsroomSecretKey.Generate("RSA Desk <rsa@example.org>", TestData.KeyCreated, NewsroomKeyAlgorithm.Rsa4096);
        return key.ExportForStorage();
    });

    public static byte[] Rsa4096StorageBytes => Rsa4096.Value;
}
