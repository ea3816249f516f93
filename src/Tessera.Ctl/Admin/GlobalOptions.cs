using System.CommandLine;

namespace Tessera.Ctl.Admin;

/// <summary>galenectl's options before the command name: which server, and as whom.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Server { get; } = Flags.Text("server", $"server URL (default {CtlSettings.DefaultServer})");
    public Option<bool> Insecure { get; } = Flags.Switch("insecure", "don't check the server's certificate");
    public Option<string?> Config { get; } = Flags.Text("config", $"configuration file (default {CtlSettings.DefaultPath()})");
    public Option<string?> AdminUsername { get; } = Flags.Text("admin-username", "administrator's username");
    public Option<string?> AdminPassword { get; } = Flags.Text("admin-password", "administrator's password");
    public Option<string?> AdminToken { get; } = Flags.Text("admin-token", "administrator's token (used instead of the username and password)");

    public IEnumerable<Option> All => [Server, Insecure, Config, AdminUsername, AdminPassword, AdminToken];

    public string ConfigPath(ParseResult result) => result.GetValue(Config) is { Length: > 0 } path ? path : CtlSettings.DefaultPath();

    /// <summary>The flags, completed from the configuration file.</summary>
    public CtlSettings Resolve(ParseResult result)
    {
        var file = CtlSettings.Read(ConfigPath(result));
        static string? Pick(string? flag, string? fromFile) => string.IsNullOrEmpty(flag) ? fromFile : flag;
        return new CtlSettings
        {
            Server = Pick(result.GetValue(Server), file.Server) is { Length: > 0 } s ? s : CtlSettings.DefaultServer,
            AdminUsername = Pick(result.GetValue(AdminUsername), file.AdminUsername),
            AdminPassword = Pick(result.GetValue(AdminPassword), file.AdminPassword),
            AdminToken = Pick(result.GetValue(AdminToken), file.AdminToken),
        };
    }

    public ApiClient Client(ParseResult result) => new(Resolve(result), result.GetValue(Insecure));
}
