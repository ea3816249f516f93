namespace Tessera.Media.Stun;

/// <summary>An ERROR-CODE attribute value (RFC 8489 §14.8).</summary>
public readonly record struct StunErrorCode(int Code, string Reason)
{
    public static readonly StunErrorCode BadRequest = new(400, "Bad Request");
    public static readonly StunErrorCode Unauthorized = new(401, "Unauthorized");
    public static readonly StunErrorCode UnknownAttribute = new(420, "Unknown Attribute");
    public static readonly StunErrorCode RoleConflict = new(487, "Role Conflict");
    public static readonly StunErrorCode ServerError = new(500, "Server Error");
}
