using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Auth.Passwords;

namespace Tessera.Ctl.Admin;

/// <summary><c>set-password</c> and <c>delete-password</c>, for a named user or the wildcard user.</summary>
internal static class PasswordCommands
{
    public static IEnumerable<Command> Create(GlobalOptions global, TextWriter stderr, Func<string?> readSecret)
    {
        var (group, user, wildcard) = UserCommands.Target();
        var hashing = new HashingOptions();
        var set = new Command("set-password", "set a user's password (asked for, or read from standard input)") { group, user, wildcard };
        hashing.AddTo(set);
        set.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            var url = UserCommands.UserUrl(api, r, group, user, wildcard, ".password");
            var password = hashing.Make(r, readSecret);
            await api.PutAsync(url, JsonSerializer.SerializeToNode(password)!, create: false);
        });
        yield return set;

        var (deleteGroup, deleteUser, deleteWildcard) = UserCommands.Target();
        var delete = new Command("delete-password", "remove a user's password (the user stays, but cannot log in with one)")
        {
            deleteGroup, deleteUser, deleteWildcard,
        };
        delete.SetCtlAction(stderr, async r =>
        {
            using var api = global.Client(r);
            await api.DeleteAsync(UserCommands.UserUrl(api, r, deleteGroup, deleteUser, deleteWildcard, ".password"));
        });
        yield return delete;
    }
}

/// <summary>galenectl's password flags, shared by <c>hash-password</c> and <c>set-password</c> (defaults: files.md §6.3).</summary>
internal sealed class HashingOptions
{
    public Option<string?> Password { get; } = Flags.Text("password",
        "the new password (visible to other users of this machine: prefer the prompt or standard input)");
    public Option<string> Type { get; } = new("--type", "-type") { Description = "bcrypt, pbkdf2 or wildcard", DefaultValueFactory = _ => "bcrypt" };
    public Option<int> Cost { get; } = Flags.Number("cost", "bcrypt cost (4-31)", 8);
    public Option<int> Iterations { get; } = Flags.Number("iterations", "pbkdf2 iterations", 4096);
    public Option<int> KeyLength { get; } = Flags.Number("key", "pbkdf2 key length in bytes", 32);
    public Option<int> SaltLength { get; } = Flags.Number("salt", "pbkdf2 salt length in bytes", 8);

    public HashingOptions() => Type.AcceptOnlyFromAmong("bcrypt", "pbkdf2", "wildcard");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Password, Type, Cost, Iterations, KeyLength, SaltLength }) command.Options.Add(option);
    }

    /// <exception cref="CtlException">No password given, or a value out of range.</exception>
    public Password Make(ParseResult r, Func<string?> readSecret)
    {
        var type = r.GetValue(Type)!;
        if (type == "wildcard")
        {
            if (!string.IsNullOrEmpty(r.GetValue(Password))) throw new CtlException("a wildcard password must be empty");
            return Tessera.Auth.Passwords.Password.Wildcard;
        }
        var password = r.GetValue(Password) is { Length: > 0 } given ? given : readSecret();
        if (string.IsNullOrEmpty(password)) throw new CtlException("no password given");
        try
        {
            return type == "pbkdf2"
                ? PasswordHashing.Pbkdf2(password, r.GetValue(Iterations), r.GetValue(KeyLength), r.GetValue(SaltLength))
                : PasswordHashing.Bcrypt(password, r.GetValue(Cost));
        }
        catch (ArgumentException e)
        {
            throw new CtlException(e.Message);
        }
    }
}
