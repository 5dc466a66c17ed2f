using System.CommandLine;
using SecureDrop.Net.Crypto;

namespace SecureDrop.Net.Cli.Keys;

/// <summary>
/// Which newsroom key 'init', 'keys generate' and 'keys rotate' make: post-quantum by default (Ed25519 + ML-KEM-768+
/// X25519, RFC 9980), or with --classic-key the Ed25519 + Cv25519 key stock gpg 2.2 reads; --algorithm names any.
/// </summary>
internal sealed class KeyAlgorithmOptions
{
    private readonly Option<NewsroomKeyAlgorithm?> _algorithm;
    private readonly Option<bool> _classic;

    private KeyAlgorithmOptions(Option<NewsroomKeyAlgorithm?> algorithm, Option<bool> classic)
    {
        _algorithm = algorithm;
        _classic = classic;
    }

    public static KeyAlgorithmOptions AddTo(Command command)
    {
        var algorithm = new Option<NewsroomKeyAlgorithm?>("--algorithm")
        {
            Description = "PostQuantum (Ed25519 + ML-KEM-768+X25519, the default), Curve25519 (Ed25519 + Cv25519, what gpg 2.2 reads) or Rsa4096.",
        };
        var classic = new Option<bool>("--classic-key")
        {
            Description = "Make a classic Ed25519 + Cv25519 key, which stock gpg 2.2 reads, instead of a post-quantum one (not safe against a future quantum computer; 'sdnet check' flags it as WEAK).",
        };
        command.Options.Add(algorithm);
        command.Options.Add(classic);
        command.Validators.Add(result =>
        {
            if (result.GetValue(classic) && result.GetValue(algorithm) is { } chosen && chosen != NewsroomKeyAlgorithm.Curve25519)
            {
                result.AddError($"--classic-key makes a Curve25519 key; it cannot go with --algorithm {chosen}.");
            }
        });
        return new KeyAlgorithmOptions(algorithm, classic);
    }

    public NewsroomKeyAlgorithm From(ParseResult parse) =>
        parse.GetValue(_classic) ? NewsroomKeyAlgorithm.Curve25519 : parse.GetValue(_algorithm) ?? NewsroomKeyAlgorithm.PostQuantum;
}
