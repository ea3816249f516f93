namespace Tessera.AuthServer.Login;

/// <summary>The result of a login attempt, mapped to an HTTP status by each route.</summary>
public abstract record LoginOutcome
{
    private LoginOutcome() { }

    /// <summary>200: a signed token for the group.</summary>
    public sealed record Issued(string Token) : LoginOutcome;

    /// <summary>204: no back end knows the user and <c>passwordFallback</c> is on.</summary>
    public sealed record Fallback : LoginOutcome;

    /// <summary>401: unknown user or wrong password.</summary>
    public sealed record Refused : LoginOutcome;

    /// <summary>403: the password is right but a rule (or the lack of one) refuses this group.</summary>
    public sealed record Denied : LoginOutcome;

    /// <summary>429: too many failures recently.</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : LoginOutcome;

    /// <summary>502: a back end could not answer.</summary>
    public sealed record BackendFailed : LoginOutcome;
}
