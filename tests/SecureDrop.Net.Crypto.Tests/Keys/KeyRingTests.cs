namespace SecureDrop.Net.Crypto.Tests.Keys;

public sealed class KeyRingTests
{
    [Fact]
    public void Decrypt_MessageToRetiredKey_FindsItByKeyId()
    {
        using NewsroomSecretKey retired = TestData.NewKey("Old <old@example.org>");
        using NewsroomSecretKey active = TestData.NewKey("New <new@example.org>");
        var ring = new NewsroomKeyRing(active, [retired]);
        byte[] message = TestData.Encrypt(retired.PublicKey, [1, 2, 3], "old.txt");

        using var sink = new MemoryStream();
        string name = MessageDecryptor.Decrypt(new MemoryStream(message), ring, sink);

        Assert.Equal([1, 2, 3], sink.ToArray());
        Assert.Equal("old.txt", name);
    }

    [Fact]
    public void Decrypt_MessageToActiveKey_Works()
    {
        using NewsroomSecretKey retired = TestData.NewKey();
        using NewsroomSecretKey active = TestData.NewKey();
        var ring = new NewsroomKeyRing(active, [retired]);

        byte[] message = TestData.Encrypt(ring.Active.PublicKey, [4, 5]);

        using var sink = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(message), ring, sink);
        Assert.Equal([4, 5], sink.ToArray());
        Assert.Equal([active.PublicKey.EncryptionKeyId], MessageDecryptor.ReadRecipientKeyIds(new MemoryStream(message)));
    }

    [Fact]
    public void Rotate_NewKeyBecomesActive_OldOneStillDecrypts()
    {
        using NewsroomSecretKey first = TestData.NewKey();
        using NewsroomSecretKey second = TestData.NewKey();
        var ring = new NewsroomKeyRing(first);
        byte[] before = TestData.Encrypt(ring.Active.PublicKey, [7]);

        NewsroomKeyRing rotated = ring.Rotate(second);

        Assert.Same(second, rotated.Active);
        Assert.Equal([first], rotated.Retired);
        Assert.Same(first, rotated.FindByKeyId(first.PublicKey.EncryptionKeyId));
        using var sink = new MemoryStream();
        MessageDecryptor.Decrypt(new MemoryStream(before), rotated, sink);
        Assert.Equal([7], sink.ToArray());
    }

    [Fact]
    public void WithoutRetired_DroppedKeysMessages_AreNoLongerReadable()
    {
        using NewsroomSecretKey first = TestData.NewKey();
        using NewsroomSecretKey second = TestData.NewKey();
        NewsroomKeyRing ring = new NewsroomKeyRing(first).Rotate(second).WithoutRetired(first.Fingerprint);
        byte[] message = TestData.Encrypt(first.PublicKey, [7]);

        var error = Assert.Throws<CryptoException>(() => MessageDecryptor.Decrypt(new MemoryStream(message), ring, Stream.Null));

        Assert.Contains("not encrypted to this key", error.Message, StringComparison.Ordinal);
        Assert.Empty(ring.Retired);
        Assert.Null(ring.FindByKeyId(first.PublicKey.EncryptionKeyId));
    }

    [Fact]
    public void WithoutRetired_ActiveKey_Throws()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<ArgumentException>(() => new NewsroomKeyRing(key).WithoutRetired(key.Fingerprint));
    }

    [Fact]
    public void Constructor_SameKeyTwice_Throws()
    {
        using NewsroomSecretKey key = TestData.NewKey();

        Assert.Throws<ArgumentException>(() => new NewsroomKeyRing(key, [key]));
    }

    [Fact]
    public void Decrypt_AfterARingKeyWasDisposed_Throws()
    {
        NewsroomSecretKey key = TestData.NewKey();
        var ring = new NewsroomKeyRing(key);
        byte[] message = TestData.Encrypt(key.PublicKey, [1]);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => MessageDecryptor.Decrypt(new MemoryStream(message), ring, Stream.Null));
    }
}
