using System.Reflection;

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>Where the repository and the server build output are, as recorded at build time.</summary>
public static class BuildInfo
{
    static string Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} missing");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string Configuration => Metadata("BuildConfiguration");

    public static string ServerProjectDirectory => Path.Combine(RepositoryRoot, "src", "Tessera.Server");

    /// <summary>tessera-auth's entry assembly, built by the project reference.</summary>
    public static string AuthServerAssembly =>
        Path.Combine(RepositoryRoot, "src", "Tessera.AuthServer", "bin", Configuration, "net10.0", "tessera-auth.dll");

    /// <summary>The server's entry assembly, built by the project reference.</summary>
    public static string ServerAssembly =>
        Path.Combine(ServerProjectDirectory, "bin", Configuration, "net10.0", "tessera.dll");
}
