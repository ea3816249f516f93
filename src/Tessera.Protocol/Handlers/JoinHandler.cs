using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Login;
using Tessera.Auth.Permissions;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Groups;

namespace Tessera.Protocol.Handlers;

/// <summary>
/// <c>join</c> of kinds <c>join</c> and <c>leave</c> (protocol.md §4, auth.md §2). Nothing is
/// recorded on the connection until every check has passed, so a refused client holds no
/// username, permission or group.
/// </summary>
public sealed class JoinHandler : IMessageHandler
{
    /// <summary>Every "not authorised" answer waits this long, as in Galène, to slow guessing down.</summary>
    public static readonly TimeSpan RefusalDelay = TimeSpan.FromMilliseconds(200);

    public IReadOnlyCollection<string> Types { get; } = [MessageTypes.Join];

    public async ValueTask HandleAsync(ClientSession session, Message message, CancellationToken cancellationToken)
    {
        switch (message.Kind)
        {
            case "leave":
                if (session.Group is null || message.Group != session.Group.Name)
                    throw ConnectionEndingException.User("you are not joined");
                session.LeaveGroup(notifySelf: true);
                return;
            case "join":
                if (session.Group is not null) throw ConnectionEndingException.Protocol("cannot join multiple groups");
                await JoinAsync(session, message, cancellationToken);
                return;
            default:
                throw ConnectionEndingException.Protocol("unknown kind");
        }
    }

    private static async Task JoinAsync(ClientSession session, Message message, CancellationToken ct)
    {
        var services = session.Services;
        var name = message.Group ?? "";
        CredentialCheckResult? credentials = null;
        void Fail(string text, string? error = null, string username = "")
        {
            services.Joins.Refused(name, error ?? text, credentials);
            session.Send(Messages.JoinFailed(name, username, text, error));
        }

        if (message.Username?.Length > Config.ServerLimits.MaxNameLength)
        {
            Fail(Texts.UsernameTooLong);
            return;
        }

        var access = services.Registry.Open(name);
        switch (access.Lookup.Status)
        {
            case LookupStatus.IllegalName: Fail(Texts.IllegalGroupName); return;
            case LookupStatus.NotFound: Fail(Texts.NoSuchGroup); return;
            case LookupStatus.Unreadable: Fail(Texts.InternalError); return;
        }
        var description = access.Lookup.Description!;

        // An alias answers before any credential is looked at and never admits the client.
        if (!string.IsNullOrEmpty(description.Redirect))
        {
            SendRedirect(session, message, name, description.Redirect);
            return;
        }

        // In a cluster, a group another node serves is answered like an alias: the client goes
        // back to the group's page, whose .status names the node that serves it.
        var placement = await services.Placement.PlaceAsync(name, ct);
        if (placement.Unavailable)
        {
            Fail(Texts.InternalError);
            return;
        }
        if (placement.RedirectTo is { } elsewhere)
        {
            SendRedirect(session, message, name, elsewhere);
            return;
        }

        // Every attempt takes one from its address's bucket and a success gives it back, so only
        // failures drain it. Passwords, the one guessable credential, are also counted per
        // (group, user) pair and user; tokens are always checked, and a valid one always admits.
        var throttle = services.Throttle;
        var throttled = throttle.BeginAttempt(session.RemoteIp);
        var passwordUser = string.IsNullOrEmpty(message.Token) && message.Username is not null ? name + "\0" + message.Username : null;
        // Refusals at the rate are as frequent as the flood itself: logged at Debug, so a flood
        // cannot flood the log; refusals of one user's password are bounded by the rate and kept.
        var overRate = !throttled.Allowed;
        if (throttled.Allowed && passwordUser is not null) throttled = throttle.Check(passwordUser, session.RemoteIp);
        if (!throttled.Allowed)
        {
            services.Logger.Log(overRate ? LogLevel.Debug : LogLevel.Warning,
                                "join {Group} from {Address} throttled for {Seconds:F0} s after repeated failures",
                                name, session.RemoteAddress, throttled.RetryAfter.TotalSeconds);
            await Task.Delay(RefusalDelay, services.Time, ct);
            Fail(Texts.TooManyAttempts(throttled.RetryAfter), Texts.TooManyAttemptsError);
            return;
        }

        var joinCredentials = new JoinCredentials(message.Username, message.Password, message.Token);
        var config = services.Registry.Config.TryGet(out _);
        var outcome = credentials = await services.Authenticator.AuthenticateAsync(name, description, config, joinCredentials, ct);
        switch (outcome.Outcome)
        {
            case CredentialOutcome.NotAuthorised:
                if (passwordUser is not null) throttle.RecordFailure(passwordUser, session.RemoteIp);
                services.Logger.LogInformation("join {Group} from {Address} refused: {Reason}", name, session.RemoteAddress, outcome.Reason);
                await Task.Delay(RefusalDelay, services.Time, ct);
                Fail(Texts.NotAuthorised);
                return;
            // Not guesses: the credential was right, the client must still choose a (free) name.
            case CredentialOutcome.NeedUsername:
                throttle.RefundAttempt(session.RemoteIp);
                Fail(Texts.UsernameRequired, Texts.NeedUsernameError);
                return;
            case CredentialOutcome.DuplicateUsername:
                throttle.RefundAttempt(session.RemoteIp);
                Fail(Texts.UsernameTaken, Texts.DuplicateUsernameError);
                return;
            case CredentialOutcome.InternalError:
                services.Logger.LogWarning("join {Group} failed: {Reason}", name, outcome.Reason);
                Fail(Texts.InternalError);
                return;
        }

        throttle.Succeeded(session.RemoteIp, passwordUser);
        Admit(session, message, name, outcome, access, config);
    }

    private static void SendRedirect(ClientSession session, Message join, string name, string url) =>
        session.Send(new Message
        {
            Type = MessageTypes.Joined, Kind = "redirect", Group = name, Username = join.Username ?? "", Value = url,
        });

    /// <param name="opened">The group as the join found it, used unless it was evicted meanwhile.</param>
    /// <param name="config">config.json as the join read it: one look at the file per join.</param>
    private static void Admit(ClientSession session, Message message, string name, CredentialCheckResult outcome,
                              GroupAccess opened, Config.ServerConfig? config)
    {
        var services = session.Services;
        var isOp = outcome.Permissions.Contains(PermissionNames.Op);
        void Refuse(string text)
        {
            services.Joins.Refused(name, text, outcome);
            session.Send(Messages.JoinFailed(name, outcome.Username!, text));
        }
        for (GroupAccess? reuse = opened; ; reuse = null)
        {
            var access = reuse ?? services.Registry.Open(name);
            if (access.Group is not { } group)
            {
                Refuse(Texts.NoSuchGroup);
                return;
            }
            lock (group.Gate)
            {
                if (group.Evicted) continue;
                if (Refusal(group, isOp, services.Time.GetUtcNow()) is { } refusal)
                {
                    Refuse(refusal);
                    return;
                }
                if (session.Id == "" || group.Contains(session.Id))
                {
                    Refuse(Texts.InternalError);
                    return;
                }
                session.Username = outcome.Username!;
                session.Permissions = outcome.Permissions;
                session.Data = message.Data is { } data ? (JsonObject)data.DeepClone() : new JsonObject();
                session.Group = group;
                group.TryAdd(session, services.Time.GetUtcNow());
                services.Media.MemberJoined(session, group);
                services.Joins.Admitted(session, name, outcome); // recorded before the client hears of it
                SendWelcome(session, group, config);
                return;
            }
        }
    }

    /// <summary>Steps 6 and 7 of auth.md §2, which operators bypass.</summary>
    private static string? Refusal(Group group, bool isOp, DateTimeOffset now)
    {
        if (isOp) return null;
        var d = group.Description;
        if (group.Locked) return string.IsNullOrEmpty(group.LockMessage) ? Texts.Locked : group.LockMessage;
        if (d.NotBefore is { } notBefore && now < notBefore) return Texts.NotOpenYet;
        if (d.Expires is { } expires && now > expires) return Texts.Closed;
        if (d.Autokick && !group.HasOperator()) return Texts.NoOperators;
        if (d.MaxClients > 0 && group.Count >= d.MaxClients) return Texts.TooManyUsers;
        return null;
    }

    /// <summary>The sequence of protocol.md §4.3, sent under the group's lock so nothing interleaves.</summary>
    private static void SendWelcome(ClientSession session, Group group, Config.ServerConfig? config)
    {
        var services = session.Services;
        session.Send(Messages.Joined("join", group, session, config, services.Registry.IceServers.RtcConfiguration()));
        foreach (var entry in group.History.Read(services.Time.GetUtcNow(), group.Description.MaxHistoryAge))
        {
            session.Send(new Message
            {
                Type = MessageTypes.ChatHistory, Id = entry.Id, Source = entry.Source, Username = entry.Username,
                Time = Messages.Time(entry.Time), Kind = entry.Kind, Value = entry.Value?.DeepClone(),
            });
        }
        var self = Messages.User("add", session);
        session.Send(self);
        foreach (var other in group.Members())
            if (!ReferenceEquals(other, session)) session.Send(Messages.User("add", other));
        // One message object sent in a row to everyone else: the transport encodes it once.
        group.Broadcast(self, except: session);
    }
}
