using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Handlers;

/// <summary>
/// <c>record</c> and <c>unrecord</c> (protocol.md §7.1): the recorder pseudo-member joins and leaves
/// the group, and <see cref="IGroupRecording"/> starts and stops the files. Members learn that
/// recording is on from the recorder's <c>user</c>/<c>add</c>, as with Galène.
/// </summary>
public static class RecordingActions
{
    public const string AlreadyRecording = "already recording";

    public static void Record(ClientSession session, Group group)
    {
        if (!session.Has(PermissionNames.Record))
        {
            session.SendError(Texts.NotAuthorised);
            return;
        }
        var services = session.Services;
        lock (group.Gate)
        {
            if (group.Members().Any(m => m is RecorderMember))
            {
                session.SendError(AlreadyRecording);
                return;
            }
            var recorder = new RecorderMember(RandomNumberGenerator.GetHexString(32, lowercase: true), group,
                                              (r, reason) => Remove(services, r, reason));
            if (services.Recording.Start(group, recorder) is { } refusal)
            {
                session.SendError(refusal);
                return;
            }
            group.TryAdd(recorder, services.Time.GetUtcNow());
            group.Broadcast(Messages.User("add", recorder));
        }
        services.Logger.LogInformation("Recording of group {Group} started by {User}", group.Name, session.Username);
    }

    public static void Unrecord(ClientSession session, Group group)
    {
        if (!session.Has(PermissionNames.Record))
        {
            session.SendError(Texts.NotAuthorised);
            return;
        }
        lock (group.Gate)
            foreach (var recorder in group.Members().OfType<RecorderMember>())
                Remove(session.Services, recorder, reason: null);
    }

    /// <summary>Called under the group's lock after a member left: the last person out stops the recording.</summary>
    public static void AfterLeave(ProtocolServices services, Group group)
    {
        var members = group.Members();
        if (members.Any(m => !m.IsPseudo))
            return;
        foreach (var recorder in members.OfType<RecorderMember>())
            Remove(services, recorder, reason: null);
    }

    /// <summary>Takes the recorder out: the files are finished; <paramref name="reason"/>, if any, goes to the operators.</summary>
    private static void Remove(ProtocolServices services, RecorderMember recorder, string? reason)
    {
        var group = recorder.Group;
        lock (group.Gate)
        {
            if (!group.Remove(recorder, services.Time.GetUtcNow()))
                return;
            services.Recording.Stop(group);
            group.Broadcast(Messages.User("delete", recorder));
            if (reason is not null)
                foreach (var op in group.Members().Where(m => !m.IsPseudo && m.Has(PermissionNames.Op)))
                    op.Send(Messages.Warning(op.Id, reason));
        }
        services.Logger.LogInformation("Recording of group {Group} stopped{Reason}", group.Name, reason is null ? "" : ": " + reason);
    }
}
