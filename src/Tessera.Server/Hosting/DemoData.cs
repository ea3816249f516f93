namespace Tessera.Server.Hosting;

/// <summary>A throw-away data and groups directory so that a first run shows something useful.</summary>
public static class DemoData
{
    private const string PublicGroup = """
        {"displayName": "Demo room", "description": "Open to everyone: any name, any password.", "public": true,
         "users": {"moderator": {"password": "moderator", "permissions": "op"}},
         "wildcard-user": {"password": {"type": "wildcard"}, "permissions": "present"}}
        """;

    private const string PrivateGroup = """
        {"displayName": "Team meeting", "description": "Password-protected.", "public": true,
         "users": {"alice": {"password": "alice", "permissions": "op"},
                   "bob": {"password": "bob", "permissions": "present"}}}
        """;

    public static ServerOptions Create()
    {
        var root = Path.Combine(Path.GetTempPath(), "tessera-demo-" + Guid.NewGuid().ToString("N")[..8]);
        var groups = Path.Combine(root, "groups");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(groups);
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(groups, "demo.json"), PublicGroup);
        File.WriteAllText(Path.Combine(groups, "team.json"), PrivateGroup);
        // Recordings go beside the demo data, so that stopping the demo leaves nothing behind.
        return new ServerOptions { Data = data, Groups = groups, Recordings = Path.Combine(root, "recordings") };
    }

    /// <summary>Deletes the demo's throw-away folder (only one <see cref="Create"/> made).</summary>
    public static void Remove(ServerOptions options)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(options.Data));
        if (root is null || !Path.GetFileName(root).StartsWith("tessera-demo-", StringComparison.Ordinal))
            return;
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove the demo data in {root}: {e.Message}");
        }
    }

    public static void PrintWelcome(Uri url, ServerOptions options)
    {
        Console.WriteLine($"""

            Demo data in {Path.GetDirectoryName(options.Data)}
              open   {url}group/demo/   (any name and password; 'moderator'/'moderator' is an operator)
              or     {url}group/team/   (alice/alice is an operator, bob/bob a presenter)
            Press Ctrl+C to stop.
            """);
    }
}
