namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>
/// OpenPGP.js 6.3.2's keys of every kind a newsroom may bring (v4 and v6; Curve25519 new and legacy, Curve448, NIST
/// P-256/384/521, brainpool, RSA; unprotected, iterated S2K, Argon2 + AEAD) through the public API: they import with
/// the fingerprints OpenPGP.js gives them, OpenPGP.js decrypts what we encrypt to them byte for byte — SEIPD v2 with
/// v6 session key packets to a v6 key, SEIPD v1 to a v4 key that does not say it reads v2 — and we decrypt what it
/// encrypts to them, with its defaults and with AEAD (SEIPD v1 and v2).
/// </summary>
public sealed class OpenPgpJsInteropTests
{
    [Fact]
    public async Task EveryKindOfKey_ImportsAndRoundTripsBothWays()
    {
        IReadOnlyList<OpenPgpJsKey> keys = await OpenPgpJsMatrix.KeysAsync();
        var ours = new List<(OpenPgpJsKey Key, NewsroomSecretKey Secret, byte[] Plaintext, byte[] Message)>();
        foreach (OpenPgpJsKey key in keys)
        {
            NewsroomPublicKey certificate = NewsroomPublicKey.Parse(Encoding.ASCII.GetBytes(key.PublicKey));
            NewsroomSecretKey secret = NewsroomSecretKey.Import(Encoding.ASCII.GetBytes(key.SecretKey), key.Passphrase);
            Assert.Equal(certificate.Fingerprint, secret.Fingerprint);
            Assert.Equal(key.Name.StartsWith("v6", StringComparison.Ordinal) ? 6 : 4, certificate.Version);
            byte[] plaintext = Encoding.UTF8.GetBytes($"to {key.Name}: " + Convert.ToBase64String(TestData.RandomBytes(2000)));
            ours.Add((key, secret, plaintext, TestData.Encrypt(certificate, plaintext)));
        }

        IReadOnlyList<(bool Ok, byte[] Data, string Error)> theyDecrypt = await OpenPgpJsMatrix.DecryptAsync(ours.Select(o => (o.Key, o.Message)));
        IReadOnlyList<(bool Ok, byte[] Data, string Error)> theyEncrypt = await OpenPgpJsMatrix.EncryptAsync(ours.Select(o => (o.Key.PublicKey, o.Plaintext, false)));
        IReadOnlyList<(bool Ok, byte[] Data, string Error)> theyEncryptAead = await OpenPgpJsMatrix.EncryptAsync(ours.Select(o => (o.Key.PublicKey, o.Plaintext, true)));

        for (int i = 0; i < ours.Count; i++)
        {
            (OpenPgpJsKey key, NewsroomSecretKey secret, byte[] plaintext, byte[] message) = ours[i];
            MessageEnvelope envelope = MessageEnvelope.Read(new MemoryStream(message));
            bool v2 = key.Name.StartsWith("v6", StringComparison.Ordinal) || key.Name.Contains("aead", StringComparison.Ordinal);
            Assert.Equal((v2 ? 6 : 3, v2 ? 2 : 1), (Assert.Single(envelope.PublicKeyPackets).Version, envelope.Version));
            Assert.True(theyDecrypt[i].Ok, $"{key.Name}: OpenPGP.js: {theyDecrypt[i].Error}");
            Assert.Equal(plaintext, theyDecrypt[i].Data);
            foreach ((bool ok, byte[] data, string error) in new[] { theyEncrypt[i], theyEncryptAead[i] })
            {
                Assert.True(ok, $"{key.Name}: OpenPGP.js: {error}");
                (byte[] decrypted, string name) = TestData.Decrypt(secret, data);
                Assert.Equal(plaintext, decrypted);
                Assert.Equal("from-openpgpjs.bin", name);
            }

            // With aeadProtect, OpenPGP.js writes SEIPD v2 exactly to the keys whose features say they read it; a v6 key
            // it made without aeadProtect does not say so, and gets SEIPD v1 under a v3 packet, which we open too.
            int version = MessageEnvelope.Read(new MemoryStream(theyEncryptAead[i].Data)).Version;
            bool advertised = key.Name.Contains("aead", StringComparison.Ordinal);
            Assert.True(version == (advertised ? 2 : 1), $"{key.Name}: OpenPGP.js wrote SEIPD v{version}");
            secret.Dispose();
        }
    }
}
