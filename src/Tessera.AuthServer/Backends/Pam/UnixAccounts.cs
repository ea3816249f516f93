using System.Runtime.InteropServices;
using System.Text;

namespace Tessera.AuthServer.Backends.Pam;

/// <summary>Looks up Unix accounts and their group names through NSS (so LDAP/SSSD accounts count too).</summary>
internal static unsafe class UnixAccounts
{
    private const int ERANGE = 34;

    /// <returns>The account's name as the passwd database holds it and its primary group id, or null when there is no such account.</returns>
    public static (string Name, uint Gid)? Find(string username)
    {
        for (nuint size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            PamNative.Passwd entry;
            PamNative.Passwd* result;
            int rc;
            fixed (byte* b = buffer) rc = PamNative.GetPasswordEntry(username, &entry, b, size, &result);
            if (rc == ERANGE) continue;
            if (rc != 0 || result == null) return null;
            return (System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)entry.Name) ?? username, entry.Gid);
        }
        return null;
    }

    /// <summary>Names of every group the user belongs to, the primary one included.</summary>
    public static IReadOnlyList<string> GroupNames(string username, uint primaryGroup)
    {
        var count = 64;
        uint[] gids;
        while (true)
        {
            gids = new uint[count];
            int n = count;
            int rc;
            fixed (uint* g = gids) rc = PamNative.GetGroupList(username, primaryGroup, g, &n);
            if (rc >= 0)
            {
                count = n;
                break;
            }
            count = Math.Max(n, count * 2);
            if (count > 65536) return [];
        }
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
            if (GroupName(gids[i]) is { } name) names.Add(name);
        return names;
    }

    private static string? GroupName(uint gid)
    {
        for (nuint size = 1024; size <= 1 << 22; size *= 4)
        {
            var buffer = new byte[size];
            PamNative.Group entry;
            PamNative.Group* result;
            int rc;
            fixed (byte* b = buffer) rc = PamNative.GetGroupEntry(gid, &entry, b, size, &result);
            if (rc == ERANGE) continue;
            if (rc != 0 || result == null) return null;
            return Marshal.PtrToStringUTF8((nint)entry.Name);
        }
        return null;
    }
}
