using System.Runtime.InteropServices;

namespace Tessera.AuthServer.Backends.Pam;

/// <summary>The few Linux-PAM and libc entry points the Unix back end needs.</summary>
internal static unsafe partial class PamNative
{
    private const string LibPam = "libpam.so.0";
    private const string LibC = "libc";

    public const int PAM_SUCCESS = 0;
    public const int PAM_BUF_ERR = 5;
    public const int PAM_CONV_ERR = 19;
    public const int PAM_PROMPT_ECHO_OFF = 1;
    public const int PAM_PROMPT_ECHO_ON = 2;
    public const int PAM_ERROR_MSG = 3;
    public const int PAM_TEXT_INFO = 4;
    public const int PAM_DISALLOW_NULL_AUTHTOKEN = 0x1;
    public const int PAM_SILENT = unchecked((int)0x8000);

    [StructLayout(LayoutKind.Sequential)]
    public struct PamMessage
    {
        public int Style;
        public byte* Text;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PamResponse
    {
        public byte* Response;
        public int ReturnCode;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PamConversation
    {
        public delegate* unmanaged<int, PamMessage**, PamResponse**, void*, int> Conversation;
        public void* AppData;
    }

    [LibraryImport(LibPam, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Start(string service, string user, PamConversation* conversation, out nint handle);

    [LibraryImport(LibPam, EntryPoint = "pam_authenticate")]
    public static partial int Authenticate(nint handle, int flags);

    [LibraryImport(LibPam, EntryPoint = "pam_acct_mgmt")]
    public static partial int AccountManagement(nint handle, int flags);

    [LibraryImport(LibPam, EntryPoint = "pam_end")]
    public static partial int End(nint handle, int status);

    [StructLayout(LayoutKind.Sequential)]
    public struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Dir;
        public byte* Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint Gid;
        public byte** Members;
    }

    [LibraryImport(LibC, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetPasswordEntry(string name, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    [LibraryImport(LibC, EntryPoint = "getgrgid_r")]
    public static partial int GetGroupEntry(uint gid, Group* entry, byte* buffer, nuint size, Group** result);

    [LibraryImport(LibC, EntryPoint = "getgrouplist", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GetGroupList(string user, uint group, uint* groups, int* count);
}
