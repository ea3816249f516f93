using Tessera.Protocol.Groups;

namespace Tessera.Protocol;

/// <summary>
/// The seam between the protocol's <c>record</c>/<c>unrecord</c> actions (protocol.md §7.1) and
/// whatever writes the files. The protocol owns the recorder pseudo-member and its comings and
/// goings; the implementation records the group's streams while it is there.
/// </summary>
public interface IGroupRecording
{
    /// <summary>
    /// Called under the group's lock: start recording every stream of <paramref name="group"/>.
    /// Null on success, else why it cannot (sent to the operator as an error).
    /// </summary>
    string? Start(Group group, RecorderMember recorder);

    /// <summary>Called under the group's lock: stop, finishing every file (the writing completes in the background).</summary>
    void Stop(Group group);
}

/// <summary>A server that cannot record says so.</summary>
public sealed class NoRecording : IGroupRecording
{
    public const string Refusal = "recording is not available on this server";

    public string? Start(Group group, RecorderMember recorder) => Refusal;

    public void Stop(Group group) { }
}
