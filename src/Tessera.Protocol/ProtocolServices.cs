using Microsoft.Extensions.Logging;
using Tessera.Protocol.Groups;
using Tessera.Protocol.Login;

namespace Tessera.Protocol;

/// <summary>What every session shares: the registry, the handlers, the authenticator, the clock.</summary>
public sealed class ProtocolServices
{
    public required GroupRegistry Registry { get; init; }
    public required JoinAuthenticator Authenticator { get; init; }
    public required IStreamSignalling Media { get; init; }
    public required Tessera.Auth.Tokens.TokenCommands Tokens { get; init; }
    public required Tessera.Auth.Throttling.LoginThrottle Throttle { get; init; }
    public required ILogger Logger { get; init; }
    /// <summary>What writes recordings; a server without it answers <c>record</c> with a refusal.</summary>
    public IGroupRecording Recording { get; init; } = new NoRecording();

    /// <summary>Told of every join's outcome (the audit trail, metrics).</summary>
    public IJoinObserver Joins { get; init; } = NoJoinObserver.Instance;

    /// <summary>Which groups this server may serve (all of them, unless it is one node of a cluster).</summary>
    public IGroupPlacement Placement { get; init; } = LocalPlacement.Instance;
    public MessageDispatcher Dispatcher { get; private set; } = null!;
    public TimeProvider Time => Registry.Time;

    /// <summary>The limits of the config.json in force (its defaults while the file is unreadable).</summary>
    public Config.ServerLimits Limits => Registry.Config.TryGet(out _)?.EffectiveLimits ?? Config.ServerLimits.Default;

    /// <summary>Wires the standard handlers; <paramref name="extra"/> lets a host add its own families.</summary>
    public ProtocolServices WithStandardHandlers(params IMessageHandler[] extra)
    {
        Dispatcher = new MessageDispatcher(
        [
            new Handlers.KeepAliveHandler(),
            new Handlers.JoinHandler(),
            new Handlers.ChatHandler(),
            new Handlers.GroupActionHandler(),
            new Handlers.UserActionHandler(),
            new Handlers.StreamHandler(),
            .. extra,
        ]);
        return this;
    }
}
