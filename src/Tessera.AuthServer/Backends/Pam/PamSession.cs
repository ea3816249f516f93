using System.Runtime.InteropServices;
using System.Text;

namespace Tessera.AuthServer.Backends.Pam;

/// <summary>One blocking PAM transaction: start, authenticate, account check, end.</summary>
internal static unsafe class PamSession
{
    public static bool Check(string service, string username, string password)
    {
        var secret = Encoding.UTF8.GetBytes(password + "\0");
        var handle = GCHandle.Alloc(secret, GCHandleType.Pinned);
        try
        {
            var conversation = new PamNative.PamConversation
            {
                Conversation = &Converse,
                AppData = (void*)handle.AddrOfPinnedObject(),
            };
            var rc = PamNative.Start(service, username, &conversation, out var pam);
            if (rc != PamNative.PAM_SUCCESS)
                throw new BackendException($"pam:{service}: pam_start failed ({rc})");
            try
            {
                rc = PamNative.Authenticate(pam, PamNative.PAM_SILENT | PamNative.PAM_DISALLOW_NULL_AUTHTOKEN);
                if (rc == PamNative.PAM_SUCCESS)
                    rc = PamNative.AccountManagement(pam, PamNative.PAM_SILENT | PamNative.PAM_DISALLOW_NULL_AUTHTOKEN);
                return rc == PamNative.PAM_SUCCESS;
            }
            finally
            {
                PamNative.End(pam, rc);
            }
        }
        finally
        {
            CryptographicClear(secret);
            handle.Free();
        }
    }

    private static void CryptographicClear(byte[] secret) => System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);

    /// <summary>
    /// PAM's conversation: answers hidden prompts with the password, visible prompts with nothing,
    /// and ignores messages. Responses are malloc'ed because PAM frees them.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int Converse(int count, PamNative.PamMessage** messages, PamNative.PamResponse** responses, void* appData)
    {
        if (count <= 0 || count > 32) return PamNative.PAM_CONV_ERR;
        var replies = (PamNative.PamResponse*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(PamNative.PamResponse));
        if (replies == null) return PamNative.PAM_BUF_ERR;
        var secret = (byte*)appData;
        var length = (nuint)new ReadOnlySpan<byte>(secret, int.MaxValue).IndexOf((byte)0);
        for (var i = 0; i < count; i++)
        {
            // Linux-PAM passes an array of pointers to messages.
            var style = messages[i]->Style;
            if (style == PamNative.PAM_PROMPT_ECHO_OFF)
            {
                var copy = (byte*)NativeMemory.Alloc(length + 1);
                if (copy == null)
                {
                    FreeReplies(replies, i);
                    return PamNative.PAM_BUF_ERR;
                }
                Buffer.MemoryCopy(secret, copy, length + 1, length + 1);
                replies[i].Response = copy;
            }
            else if (style == PamNative.PAM_PROMPT_ECHO_ON)
            {
                // A second visible question (e.g. a username prompt) is not something we can answer.
                FreeReplies(replies, i);
                return PamNative.PAM_CONV_ERR;
            }
        }
        *responses = replies;
        return PamNative.PAM_SUCCESS;
    }

    private static void FreeReplies(PamNative.PamResponse* replies, int filled)
    {
        for (var j = 0; j < filled; j++)
        {
            if (replies[j].Response == null) continue;
            var len = new ReadOnlySpan<byte>(replies[j].Response, int.MaxValue).IndexOf((byte)0);
            new Span<byte>(replies[j].Response, len).Clear();
            NativeMemory.Free(replies[j].Response);
        }
        NativeMemory.Free(replies);
    }

}
