using System.Security.Cryptography;
using Tessera.Auth.Permissions;
using Tessera.Protocol;
using Tessera.Protocol.Groups;

namespace Tessera.Server.Whip;

/// <summary>
/// One encoder publishing into a group over WHIP: a group member like any other (a
/// <see cref="ClientSession"/> that joined through the ordinary join handler, so the same
/// authentication, throttle, permissions and refusals apply) whose only act is one up stream.
/// Exchanges with the protocol run one at a time.
/// </summary>
public sealed class WhipSession
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly WhipTransport _transport;
    private string _offerSdp = "";

    public WhipSession(string groupName, string? bearerToken, WhipTransport transport, ProtocolServices services)
    {
        GroupName = groupName;
        BearerToken = bearerToken;
        _transport = transport;
        Member = new ClientSession(transport, services, isPseudo: true);
        ResourceId = Base64Url(RandomNumberGenerator.GetBytes(16));
        ClientId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        ETag = NewETag();
    }

    public string GroupName { get; }

    /// <summary>The id in the resource URL: random, and unrelated to the member's id, which others see.</summary>
    public string ResourceId { get; }

    /// <summary>The member's client id, which is also its stream's id (http.md §12).</summary>
    public string ClientId { get; }

    /// <summary>The token the session was created with; later requests must present the same one.</summary>
    public string? BearerToken { get; }

    public ClientSession Member { get; }
    public string RemoteAddress => _transport.RemoteAddress;

    /// <summary>Changes with each ICE restart (RFC 9725 §4.3).</summary>
    public string ETag { get; private set; }

    /// <summary>The encoder's current ICE username fragment; a PATCH with another one is a restart.</summary>
    public string RemoteUfrag { get; private set; } = "";

    public Group? Group => Member.Group;

    /// <summary>Joins as <c>whip</c> (or the token's subject) and answers the offer.</summary>
    public async Task<WhipOutcome> StartAsync(string offerSdp, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            await Member.HandleAsync(new Message { Type = MessageTypes.Handshake, Version = ["2"], Id = ClientId }, ct);
            _transport.BeginExchange();
            await Member.HandleAsync(new Message
            {
                Type = MessageTypes.Join, Kind = "join", Group = GroupName, Username = WhipUsername,
                Password = BearerToken is null ? "" : null, Token = BearerToken,
            }, ct);
            var joined = _transport.EndExchange().LastOrDefault(m => m.Type == MessageTypes.Joined);
            if (joined is null) return WhipOutcome.Fail(StatusCodes.Status500InternalServerError, Texts.InternalError);
            if (joined.Kind != "join") return JoinRefusal(joined);
            if (!Member.Has(PermissionNames.Present))
                return WhipOutcome.Fail(StatusCodes.Status403Forbidden,
                    $"user {Member.Username} may not publish in group {GroupName} (it lacks the present permission)");
            return await OfferAsync(offerSdp, ct);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>RFC 9725 §4.4.2: new ICE credentials from the encoder; answers with ours.</summary>
    public async Task<WhipOutcome> RestartIceAsync(string ufrag, string pwd, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            var outcome = await OfferAsync(TrickleFragment.WithCredentials(_offerSdp, ufrag, pwd), ct);
            if (outcome.Succeeded) ETag = NewETag();
            return outcome;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Ends the session if its media has not connected in time (see <see cref="WhipSessions.Started"/>).</summary>
    public ITimer? ConnectTimer { get; set; }

    /// <summary>Leaves the group (its stream goes for everyone); safe to call twice.</summary>
    public void Leave()
    {
        ConnectTimer?.Dispose();
        Member.LeaveGroup(notifySelf: false);
    }

    private async Task<WhipOutcome> OfferAsync(string offerSdp, CancellationToken ct)
    {
        _transport.BeginExchange();
        await Member.HandleAsync(new Message { Type = MessageTypes.Offer, Id = ClientId, Label = "", Sdp = offerSdp }, ct);
        var replies = _transport.EndExchange();
        if (replies.LastOrDefault(m => m.Type == MessageTypes.Answer && m.Id == ClientId) is { Sdp: { } answer })
        {
            _offerSdp = offerSdp;
            RemoteUfrag = Ufrag(offerSdp);
            return WhipOutcome.Answer(answer);
        }
        var error = replies.LastOrDefault(m => m.Type == MessageTypes.UserMessage && m.Kind == "error")?.Value?.ToString();
        return WhipOutcome.Fail(StatusCodes.Status400BadRequest, "the SDP offer was refused: " + (error ?? "no answer"));
    }

    private WhipOutcome JoinRefusal(Message joined)
    {
        var text = joined.Value?.ToString() ?? Texts.InternalError;
        if (joined.Kind == "redirect")
            return WhipOutcome.Fail(StatusCodes.Status403Forbidden, $"group {GroupName} has moved to {text}; publish to that group's .whip");
        return (text, joined.Error) switch
        {
            (_, Texts.DuplicateUsernameError) => WhipOutcome.Fail(StatusCodes.Status401Unauthorized,
                $"not authorised: \"{WhipUsername}\" is a configured user of group {GroupName}; use a token that names the encoder (its subject)"),
            (Texts.NotAuthorised, _) => WhipOutcome.Fail(StatusCodes.Status401Unauthorized,
                BearerToken is null
                    ? $"not authorised: group {GroupName} admits no user \"{WhipUsername}\" with an empty password; send a token (Authorization: Bearer)"
                    : "not authorised: the bearer token was refused"),
            (Texts.NoSuchGroup, _) => WhipOutcome.Fail(StatusCodes.Status404NotFound, text),
            (_, Texts.TooManyAttemptsError) => WhipOutcome.Fail(StatusCodes.Status429TooManyRequests, text),
            (Texts.InternalError, _) => WhipOutcome.Fail(StatusCodes.Status500InternalServerError, text),
            // Locked, closed, not open yet, full, no operator: the group refuses for now.
            _ => WhipOutcome.Fail(StatusCodes.Status403Forbidden, text),
        };
    }

    private static string Ufrag(string sdp) =>
        sdp.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))?["a=ice-ufrag:".Length..] ?? "";

    /// <summary>Galène's username for encoders; a token with a subject imposes its own.</summary>
    public const string WhipUsername = "whip";

    private static string NewETag() => "\"" + Base64Url(RandomNumberGenerator.GetBytes(12)) + "\"";

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An answer, or a refusal as an HTTP status and a sentence.</summary>
public sealed record WhipOutcome(bool Succeeded, string? AnswerSdp, int Status, string? Text)
{
    public static WhipOutcome Answer(string sdp) => new(true, sdp, StatusCodes.Status201Created, null);
    public static WhipOutcome Fail(int status, string text) => new(false, null, status, text);
}
