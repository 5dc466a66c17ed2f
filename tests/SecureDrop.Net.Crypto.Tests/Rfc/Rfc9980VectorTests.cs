namespace SecureDrop.Net.Crypto.Tests.Rfc;

/// <summary>
/// RFC 9980's test vectors (Vectors/rfc9980, from openpgp-pqc/draft-openpgp-pqc): every sample key parses with the
/// fingerprints the RFC states and its self-signatures verify; every sample message decrypts to "Testing\n" with
/// the session key the RFC states; the KEM combiner gives the RFC's key-encryption keys.
/// </summary>
public sealed class Rfc9980VectorTests
{
    public static TheoryData<string, string, string> Keys => new()
    {
        { "v4-eddsa", "342e5db2de345215cb2c944f7102ffed3b9cf12d", "e51dbfea51936988b5428fffa4f95f985ed61a51" },
        { "v6-eddsa", "c789e17d9dbdca7b3c833a3c063feb0353f80ad911fe27868fb0645df803e947", "dafe0eebb2675ecfcdc20a23fe89ca5d12e83f527dfa354b6dcf662131a48b9d" },
        { "v6-mldsa-65", "a3e2e14b6a493ff930fb27321f125e9a6880338be9fb7da3ae065ea65793242f", "7dae8fbce23022607167af72a002e774e0ca379a2d7ae072384e1e8fde3265e4" },
        { "v6-mldsa-87", "0d7a8be1410cd68eed4845ab487b4b4cfaecd8ebad1a1166a84230499200ee20", "65090e147a8116ab7f62ab4ec7aae59d9e6532feb2af230c73cdc869fbc60c8f" },
        { "v6-slhdsa-128s", "eed4d13fc36c78e48276a93233339c4dd230fd5f6f5c5b82c63d5c0b5e361d92", "3e8745a4bb488779e0f32480fa23f8d0bfd8c2f49d7f74e957e1c2ffc2ef4bfc" },
        { "v6-slhdsa-128f", "d54e0307021169f7b88beb2b76e3aad0e114be1a8f982d74dba9ca51d03537f4", "d8875664256c382dd7f3a5ce05021088922811f5d0b1a1f8c7769944a51b7002" },
        { "v6-slhdsa-256s", "72fff84863aeba67f0d1d7691173247dd427533b9d7ee76011c6f77f2ce9fa7a", "570a5bbab93169876a8240da35a1ada7ba8a640aabe3ab467c797214844df15f" },
    };

    /// <summary>(key, message, ML-KEM share, ECDH share, combiner output, session key), quoted from RFC 9980's appendix.</summary>
    public static TheoryData<string, string, string, string, string, string> Messages => new()
    {
        {
            "v6-eddsa", "v6-eddsa-sample-message",
            "b0e45408d8c713f3941cd27276f879e557df013e05bcf43e37d4c60266a4b797", "9d994741e0db5eacee44cb028c2ec48b1346feae2576aaac383bbcd64138c932",
            "5bf078bf7977109db6dead92d3578b62d0ab0487ef84e8e0af08f4b4b229e590", "94a3b8c9784463bb96b682cddf549adb23579b75bcb646f989d7cfe3e6e14435"
        },
        {
            "v4-eddsa", "v4-eddsa-sample-message-v1",
            "16f2aea8ec1ca277c04cc7b87681d7d38511a38f554775a8fc4de41aa76eb586", "2fc0c8fcace9636c86d1ee1715a302819ad48c549579a462a33eed36627c532e",
            "c1591d7511f9f0213bfd57cf316e5ec0d40c4ea826fa989ab606aa3b8a1a2c1f", "b4dc7197e1519822ca689da484643edf272934d98ae1974b5d88317a7a6a3c4f"
        },
        {
            "v4-eddsa", "v4-eddsa-sample-message-v2",
            "16a22adbeced91ada60b5561611748edd2fedc51e0770f86d7394870062e7322", "5ac67eab192f25ac99d87543e6fcd3a4769cb02c9d1afdc79354c2baa2289e29",
            "5c5652a690b55d1e9545fbd722f838cd8ff4d3657af5a9026d02f3185ca74993", "160867d96032b640208c1c92174d0270bb89189d72320711acd221bbea2a26b6"
        },
        {
            "v6-mldsa-65", "v6-mldsa-65-sample-message",
            "0987fe72ad5ea58e73344f9a2a543f4131d9fdb7cf07474f501430a20f705b4d", "88f3e9a8de1917127b4b758f6e83bd4ce00faaae01bd8b6e412a43a710b26012",
            "a4904982f7caa9c9de690afd772d8bfe027a1ad6a5bbda00db68963fe303ae8e", "adee68618b302d4bfd7ae3d432bc63a1c1ad7f5fd6e7fd7bdedbb0d0b14a5c9a"
        },
        {
            "v6-mldsa-87", "v6-mldsa-87-sample-message",
            "f18f161e617b8ce5968f109aadea1e7e1511d10165768d36127ba913c00637d2", "732860c8114ae84a964664b1f607785d11bc7d24d5324510adad89bd52db7ee0df9982ad0d1669bdd05556330c86f2dae9e2edea42e05bc5",
            "ef1e32906f67d39bc800d90cabb0033c77ca6dce8ffca3e96d9c7348e2e8c16e", "0588ce40b038aac353d1cf8c67a674b412985105794821013ef154f786c4d89d"
        },
        {
            "v6-slhdsa-128s", "v6-slhdsa-128s-sample-message",
            "5dc60150f5f965ddc8014b6aa2ecae1831467e98fa315422f238984d6421a22e", "9dbd0f9bde7fef09817146e53a0b5ce7d27e79612670968fa0025422c578ab55",
            "ae8ab57801911c04c7b4c2a2f665cf8d8a8188f948c2a65e39c292d9b1d86e32", "e87567cad8fee5738f92090feed009d8af95437fa664f94da98776d966bbbc52"
        },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void SampleKeys_ParseWithTheirFingerprints_AndSelectTheMlKemSubkey(string name, string primary, string subkey)
    {
        foreach (string file in new[] { $"rfc9980/{name}-sample-pk.asc", $"rfc9980/{name}-sample-sk.asc" })
        {
            TransferableKey key = Assert.Single(CertificateReader.ReadAll(Vectors.Read(file)));

            KeyComponent encryption = CertificateValidation.SelectEncryptionSubkey(key, now: null);

            Assert.Equal(primary, key.Primary.Key.FingerprintHex, ignoreCase: true);
            Assert.Equal(subkey, encryption.Key.FingerprintHex, ignoreCase: true);
            Assert.True(KeyAlgorithm.IsPostQuantum(encryption.Key.Algorithm));
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void SampleMessages_DecryptToTesting_WithThePublishedSessionKey(string key, string message, string mlkemShare, string ecdhShare, string kek, string sessionKey)
    {
        using UnprotectedKey secret = UnprotectedKey.Create(Assert.Single(CertificateReader.ReadAll(Vectors.Read($"rfc9980/{key}-sample-sk.asc"))));
        byte[] binary = Vectors.Binary($"rfc9980/{message}.asc");

        (byte[] plaintext, _, SessionKey session) = EnvelopeDecryption.WithKey(binary, secret);

        Assert.Equal("Testing\n", Encoding.UTF8.GetString(plaintext));
        Assert.Equal(sessionKey, Convert.ToHexString(session.Key), ignoreCase: true);
        Pkesk packet = Assert.Single(MessageEnvelope.Read(new MemoryStream(binary)).PublicKeyPackets);
        var recipient = (CompositeKeyMaterial)secret.DecryptionKeys.Single().Key.Material;
        byte[] combined = KeyAgreement.CombineKem(
            Convert.FromHexString(mlkemShare), Convert.FromHexString(ecdhShare), packet.Fields.AsSpan(0, recipient.Ecc.Length), recipient.Ecc, packet.Algorithm);
        Assert.Equal(kek, Convert.ToHexString(combined), ignoreCase: true);
    }
}
