using Tessera.Auth.Permissions;
using Tessera.Protocol;
using Tessera.Protocol.Groups;
using Tessera.Server.Streams;

namespace Tessera.Server.Recording;

/// <summary>
/// The server's recording (protocol.md §7.1 <c>record</c>): creates the group's folder, puts a
/// <see cref="GroupRecorder"/> on the group's media while the recorder is present, and keeps track of
/// files still being finished so that shutdown (<see cref="DrainAsync"/>) leaves none truncated.
/// </summary>
public sealed class GroupRecordings : IGroupRecording
{
    public const string FolderRefusal =
        "cannot record: the server cannot create its recordings folder; the server's log says why";

    private readonly SfuSignalling _media;
    private readonly RecordingsDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<Group, GroupRecorder> _active = new();
    private readonly List<Task> _finishing = [];
    private readonly object _gate = new();

    public GroupRecordings(SfuSignalling media, RecordingsDirectory directory, TimeProvider time, ILogger logger)
    {
        _media = media;
        _directory = directory;
        _time = time;
        _logger = logger;
    }

    public RecordingsDirectory Directory => _directory;

    /// <summary>The recorder of <paramref name="group"/>, or null when it is not being recorded.</summary>
    public GroupRecorder? For(Group group)
    {
        lock (_gate)
            return _active.GetValueOrDefault(group);
    }

    public string? Start(Group group, RecorderMember recorder)
    {
        try
        {
            _directory.EnsureGroupFolder(group.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _logger.LogWarning("Cannot record group {Group}: {Reason}", group.Name, e.Message);
            return FolderRefusal;
        }
        var groupRecorder = new GroupRecorder(recorder, _directory, _time, _logger, Finishing, text => WarnOperators(group, text));
        lock (_gate)
            _active[group] = groupRecorder;
        _media.For(group).AttachSink(groupRecorder);
        return null;
    }

    public void Stop(Group group)
    {
        GroupRecorder? recorder;
        lock (_gate)
            _active.Remove(group, out recorder);
        if (recorder is null)
            return;
        _media.For(group).DetachSink();
        recorder.Stop();
    }

    /// <summary>Stops every recording and waits until every file is finished (server shutdown).</summary>
    public async Task DrainAsync()
    {
        List<GroupRecorder> active;
        lock (_gate)
            active = [.. _active.Values];
        foreach (var recorder in active)
            recorder.Stop();
        Task[] pending;
        lock (_gate)
            pending = [.. _finishing];
        await Task.WhenAll(pending);
    }

    private void Finishing(Task task)
    {
        lock (_gate)
        {
            _finishing.RemoveAll(t => t.IsCompleted);
            if (!task.IsCompleted)
                _finishing.Add(task);
        }
    }

    private static void WarnOperators(Group group, string text)
    {
        lock (group.Gate)
            foreach (var op in group.Members().Where(m => !m.IsPseudo && m.Has(PermissionNames.Op)))
                op.Send(Messages.Warning(op.Id, text));
    }
}
