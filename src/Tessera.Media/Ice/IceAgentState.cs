namespace Tessera.Media.Ice;

public enum IceAgentState
{
    /// <summary>No authenticated check yet.</summary>
    New,
    /// <summary>A remote address was latched by an authenticated check.</summary>
    Connected,
    /// <summary>Checks stopped for longer than the consent timeout, or the agent was closed.</summary>
    Closed,
}
