using SecureDrop.Net.Cli;

ProcessHardening.RestrictNewFilesToOwner();
return await Sdnet.RunAsync(args, Console.Out, Console.Error);
