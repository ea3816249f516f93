using System.Runtime.CompilerServices;
using Tessera.Protocol;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Streams;

/// <summary>
/// The media plane behind the protocol (protocol.md §12): routes each client's stream messages and
/// membership events to its group's <see cref="GroupMedia"/>, which holds all the state. Nothing
/// here is shared between groups but the UDP endpoint and certificate of the <see cref="MediaPlane"/>.
/// </summary>
public sealed class SfuSignalling : IStreamSignalling
{
    public static readonly TimeSpan PushDelay = TimeSpan.FromMilliseconds(200);

    private readonly MediaPlane _plane;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Keyed weakly: a group's media lives exactly as long as the registry keeps the group.
    private readonly ConditionalWeakTable<Group, GroupMedia> _groups = new();

    public SfuSignalling(MediaPlane plane, TimeProvider time, ILogger<SfuSignalling> logger)
    {
        _plane = plane;
        _time = time;
        _logger = logger;
    }

    /// <summary>The media of <paramref name="group"/>, created on first use.</summary>
    public GroupMedia For(Group group) =>
        _groups.GetValue(group, g => new GroupMedia(g, _plane, _time, PushDelay, _logger));

    /// <summary>The up streams of every group (a snapshot across groups, for diagnostics and tests only).</summary>
    public IReadOnlyList<PublishedStream> PublishedStreams => _groups.SelectMany(g => g.Value.PublishedStreams).ToList();

    /// <summary>The down streams of every group (a snapshot across groups, for diagnostics and tests only).</summary>
    public IReadOnlyList<DeliveredStream> DeliveredStreams => _groups.SelectMany(g => g.Value.DeliveredStreams).ToList();

    public ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        if (session.Group is { } group)
            For(group).Handle(session, message);
        return ValueTask.CompletedTask;
    }

    public void MemberJoined(ClientSession session, Group group) => For(group).Join(session);

    public void RequestsChanged(ClientSession session)
    {
        if (session.Group is { } group)
            For(group).RequestsChanged(session);
    }

    public void PublishingRevoked(ClientSession session)
    {
        if (session.Group is { } group)
            For(group).PublishingRevoked(session);
    }

    public void MemberLeft(ClientSession session, Group group) => For(group).Leave(session);
}
