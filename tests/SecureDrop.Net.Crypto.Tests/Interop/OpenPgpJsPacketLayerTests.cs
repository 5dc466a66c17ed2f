using System.Text;

namespace SecureDrop.Net.Crypto.Tests.Interop;

/// <summary>
/// The packet layer against OpenPGP.js 6.3.2's keys of every kind: they parse and unlock, OpenPGP.js decrypts what
/// we encrypt to them byte for byte (SEIPD v2 where the key says it reads it, v1 otherwise), and we decrypt what it
/// encrypts to them with its defaults.
/// </summary>
public sealed class OpenPgpJsPacketLayerTests
{
    [Fact]
    public async Task EveryKindOfKey_RoundTripsBothWays()
    {
        IReadOnlyList<OpenPgpJsKey> keys = await OpenPgpJsMatrix.KeysAsync();
        var ours = new List<(OpenPgpJsKey Key, UnprotectedKey Secret, byte[] Plaintext, byte[] Message)>();
        foreach (OpenPgpJsKey key in keys)
        {
            TransferableKey certificate = Assert.Single(CertificateReader.ReadAll(Encoding.ASCII.GetBytes(key.PublicKey)));
            KeyComponent subkey = CertificateValidation.SelectEncryptionSubkey(certificate, TestData.KeyCreated.AddYears(2));
            TransferableKey secret = Assert.Single(CertificateReader.ReadAll(Encoding.ASCII.GetBytes(key.SecretKey)));
            byte[] plaintext = Encoding.UTF8.GetBytes($"to {key.Name}: " + Convert.ToBase64String(TestData.RandomBytes(2000)));
            ours.Add((key, UnprotectedKey.Create(KeyUnlocking.Unprotect(secret, key.Passphrase)), plaintext,
                PacketComposer.Encrypt([subkey.Key], plaintext, CertificateValidation.SupportsSeipdV2(certificate))));
        }

        IReadOnlyList<(bool Ok, byte[] Data, string Error)> theyDecrypt = await OpenPgpJsMatrix.DecryptAsync(ours.Select(o => (o.Key, o.Message)));
        IReadOnlyList<(bool Ok, byte[] Data, string Error)> theyEncrypt = await OpenPgpJsMatrix.EncryptAsync(ours.Select(o => (o.Key.PublicKey, o.Plaintext)));

        for (int i = 0; i < ours.Count; i++)
        {
            Assert.True(theyDecrypt[i].Ok, $"{ours[i].Key.Name}: OpenPGP.js: {theyDecrypt[i].Error}");
            Assert.Equal(ours[i].Plaintext, theyDecrypt[i].Data);
            Assert.True(theyEncrypt[i].Ok, $"{ours[i].Key.Name}: OpenPGP.js: {theyEncrypt[i].Error}");
            Assert.Equal(ours[i].Plaintext, EnvelopeDecryption.WithKey(theyEncrypt[i].Data, ours[i].Secret).Plaintext);
            ours[i].Secret.Dispose();
        }
    }
}
