namespace Tessera.AuthServer.Tests.Pam;

/// <summary>A test that creates Unix accounts and PAM services: skipped, with the reason, unless running as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root" && !IsUidZero())
            Skip = "needs root to create a Unix account and /etc/pam.d service (CI runs as root)";
    }

    private static bool IsUidZero() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:"))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0";
}
