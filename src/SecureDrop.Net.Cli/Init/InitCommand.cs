using System.CommandLine;
using SecureDrop.Net.Cli.Keys;
using SecureDrop.Net.Core;
using SecureDrop.Net.Crypto;
using SecureDrop.Net.Custody.Setup;

namespace SecureDrop.Net.Cli.Init;

/// <summary>sdnet init: a new instance with a generated or imported newsroom key and a first admin.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var data = Sdnet.DataOption();
        var importKey = new Option<FileInfo>("--import-key")
        {
            Description = "Use this newsroom secret key (from 'gpg --export-secret-keys --armor') instead of generating one.",
        };
        var passphraseFromStdin = new Option<bool>("--key-passphrase-stdin")
        {
            Description = "Read the imported key's passphrase from the first line of standard input.",
        };
        var name = new Option<string>("--newsroom")
        {
            Description = "The newsroom name in a generated key's user id.",
            DefaultValueFactory = _ => "SecureDrop.Net newsroom",
        };
        var newsroomName = NewsroomNameOption.Create();
        var layout = MultiUserInit.LayoutOption();
        var users = MultiUserInit.UsersOption();
        var groups = MultiUserInit.GroupsOption();
        var command = new Command("init", "Create a new instance: data directory, newsroom key (post-quantum unless --classic-key or --import-key) and first admin.")
        {
            data, importKey, passphraseFromStdin, name, newsroomName, layout, users, groups,
        };
        var algorithm = Keys.KeyAlgorithmOptions.AddTo(command);
        command.SetAction((parse, cancellationToken) => Sdnet.GuardAsync(parse, async output =>
        {
            var directory = parse.GetRequiredValue(data).FullName;
            var settings = CoreServices.EnvironmentConfiguration();
            var multiUser = parse.GetValue(layout) == MultiUserInit.MultiUser
                ? MultiUserInit.Resolve(parse.GetValue(users)!, parse.GetValue(groups)!, settings)
                : null;
            using var key = LoadOrGenerate(parse.GetValue(importKey), parse.GetValue(passphraseFromStdin), parse.GetValue(name)!, algorithm.From(parse));
            var secrets = await InstanceInitializer.InitializeAsync(directory, key, TimeProvider.System, CoreServices.DatabaseOptionsFrom(settings), cancellationToken);
            await NewsroomNameOption.SaveAsync(secrets.Data, parse.GetValue(newsroomName), settings, cancellationToken);
            if (multiUser is not null)
            {
                MultiUserInit.Apply(secrets.Data, multiUser);
            }

            await output.WriteLineAsync(Summary(secrets, key.PublicKey, multiUser is not null));
            return Sdnet.Success;
        }));
        return command;
    }

    // The key is read and checked before anything is created, so a bad key file leaves no directory behind.
    private static NewsroomSecretKey LoadOrGenerate(FileInfo? importKey, bool passphraseFromStdin, string newsroom, NewsroomKeyAlgorithm algorithm)
    {
        if (importKey is null)
        {
            return NewsroomSecretKey.Generate(newsroom, TimeProvider.System.GetUtcNow(), algorithm);
        }

        var passphrase = passphraseFromStdin ? Console.In.ReadLine() ?? "" : "";
        return SecretKeyFile.Import(importKey, NewsroomSecretKey.Import, passphrase);
    }

    private static string Summary(InitialSecrets secrets, NewsroomPublicKey key, bool multiUser) => $"""
        Initialised {secrets.Data.Root}

        Newsroom key fingerprint: {secrets.NewsroomFingerprint}
        Newsroom key protection:  {(key.IsPostQuantum ? "post-quantum" : "classic (not safe against a future quantum computer; rotate with: sdnet keys rotate)")}: {KeyDescription.Of(key)}

        First admin user name:    {secrets.AdminUsername}
        First admin passphrase:   {secrets.AdminPassphrase}

        Recovery key:             {secrets.RecoveryKey}

        Write the passphrase and the recovery key down now and keep them apart. They are shown only this once and
        are stored nowhere: without a journalist passphrase or the recovery key, no submission can be decrypted.

        {(multiUser ? "Start the three units (ops/systemd): each role runs as its own user." : $"Start the service with: sdnet run --data {secrets.Data.Root}")}
        """;
}
