namespace Tessera.Media.Stun;

/// <summary>An ERROR-CODE attribute value (RFC 8489 §14.8).</summary>
public readonly record struct StunErrorCode(int Code, string Reason)
{
    public static readonly StunErrorCode BadRequest = new(400, "Bad Request");
    public static readonly StunErrorCode Unauthorized = new(401, "Unauthorized");
    public static readonly StunErrorCode Forbidden = new(403, "Forbidden");
    public static readonly StunErrorCode UnknownAttribute = new(420, "Unknown Attribute");
    public static readonly StunErrorCode AllocationMismatch = new(437, "Allocation Mismatch");
    public static readonly StunErrorCode StaleNonce = new(438, "Stale Nonce");
    public static readonly StunErrorCode AddressFamilyNotSupported = new(440, "Address Family not Supported");
    public static readonly StunErrorCode WrongCredentials = new(441, "Wrong Credentials");
    public static readonly StunErrorCode UnsupportedTransportProtocol = new(442, "Unsupported Transport Protocol");
    public static readonly StunErrorCode PeerAddressFamilyMismatch = new(443, "Peer Address Family Mismatch");
    public static readonly StunErrorCode AllocationQuotaReached = new(486, "Allocation Quota Reached");
    public static readonly StunErrorCode RoleConflict = new(487, "Role Conflict");
    public static readonly StunErrorCode ServerError = new(500, "Server Error");
    public static readonly StunErrorCode InsufficientCapacity = new(508, "Insufficient Capacity");
}
