using System.Reflection;
using Tessera.AuthServer;
using Tessera.AuthServer.Configuration;

// tessera-auth --config FILE | --version | --help
string? configPath = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--config" or "-c" && i + 1 < args.Length) configPath = args[++i];
    else if (args[i].StartsWith("--config=", StringComparison.Ordinal)) configPath = args[i]["--config=".Length..];
    else if (args[i] is "--help" or "-h")
    {
        Console.WriteLine("usage: tessera-auth --config FILE   (see docs/tessera-auth.md)");
        return 0;
    }
    else if (args[i] is "--version")
    {
        // The same string as tessera --version and tessera-ctl --version (System.CommandLine prints it there).
        Console.WriteLine(typeof(AuthServerApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        return 0;
    }
    else
    {
        Console.Error.WriteLine($"tessera-auth: unknown argument '{args[i]}'; usage: tessera-auth --config FILE");
        return 2;
    }
}
if (configPath is null)
{
    Console.Error.WriteLine("tessera-auth: missing --config FILE");
    return 2;
}

try
{
    var config = ConfigLoader.Load(configPath);
    var app = AuthServerApp.Build(config, new AuthServerHostOptions { ConfigPath = configPath });
    await app.StartAsync();
    foreach (var url in app.Urls) Console.WriteLine($"tessera-auth listening on {url}");
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"tessera-auth: configuration error: {e.Message}");
    return 1;
}
catch (IOException e) // the listening address is taken, or not ours
{
    Console.Error.WriteLine($"tessera-auth cannot start: {e.Message}");
    return 1;
}
