using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Passwords;

namespace Tessera.Ctl.Admin;

/// <summary>
/// <c>initial-setup</c>: writes the server's <c>config.json</c> (an administrator with a bcrypt cost-12
/// password, and <c>writableGroups</c>) and this tool's own configuration file with the same
/// credentials, both new (an existing file is never overwritten) and readable by their owner only.
/// </summary>
internal static class InitialSetupCommand
{
    public const int AdminPasswordCost = 12;

    public static Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr, Func<string?> readSecret)
    {
        var serverConfig = new Option<string>("--config", "-config")
        {
            Description = "the server's configuration file to create", DefaultValueFactory = _ => "config.json",
        };
        var command = new Command("initial-setup",
            "create the server's config.json with an administrator, and this tool's configuration file (give -admin-username before the command)")
        {
            serverConfig,
        };
        command.SetCtlAction(stderr, r =>
        {
            var settings = global.Resolve(r);
            var username = r.GetValue(global.AdminUsername);
            if (string.IsNullOrEmpty(username)) throw new CtlException("option -admin-username is required (before the command name)");
            var password = r.GetValue(global.AdminPassword);
            var token = r.GetValue(global.AdminToken);
            if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(token)) password = readSecret();
            if (string.IsNullOrEmpty(password) && string.IsNullOrEmpty(token)) throw new CtlException("no administrator password given");

            var config = new JsonObject { ["writableGroups"] = true };
            if (!string.IsNullOrEmpty(password))
            {
                Password hashed;
                try
                {
                    hashed = PasswordHashing.Bcrypt(password, AdminPasswordCost);
                }
                catch (ArgumentException e)
                {
                    throw new CtlException(e.Message);
                }
                config["users"] = new JsonObject
                {
                    [username] = new JsonObject { ["password"] = JsonSerializer.SerializeToNode(hashed), ["permissions"] = "admin" },
                };
            }
            var ctl = new CtlSettings
            {
                Server = r.GetValue(global.Server) is { Length: > 0 } s ? s : settings.Server,
                AdminUsername = username,
                AdminPassword = string.IsNullOrEmpty(password) ? null : password,
                AdminToken = string.IsNullOrEmpty(token) ? null : token,
            };

            var configPath = r.GetValue(serverConfig)!;
            var ctlPath = global.ConfigPath(r);
            WriteNew(configPath, config.ToJsonString(CtlSettings.Strict) + "\n");
            try
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(ctlPath))!;
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
                else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                WriteNew(ctlPath, JsonSerializer.Serialize(ctl, CtlSettings.Strict) + "\n");
            }
            catch (CtlException)
            {
                File.Delete(configPath);
                throw;
            }
            stdout.WriteLine($"Created {configPath}: copy it into the server's data directory (its changes apply without a restart).");
            stdout.WriteLine($"Created {ctlPath}: it holds the administrator's password in clear, keep it private.");
            return Task.CompletedTask;
        });
        return command;
    }

    /// <exception cref="CtlException">The file exists already, or cannot be written.</exception>
    private static void WriteNew(string path, string contents)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, options);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(contents));
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CtlException($"{path} exists already; remove it first if you mean to replace it");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CtlException($"cannot create {path}: {e.Message}");
        }
    }
}
