namespace Tessera.Server.Hosting;

/// <summary>The server's command-line settings (Galène's flags, double-dash form).</summary>
public sealed record ServerOptions
{
    public string Http { get; init; } = "0.0.0.0:8443";
    public string Data { get; init; } = "./data";
    public string Groups { get; init; } = "./groups";
    /// <summary><c>--recordings</c>: where recordings are written, one folder per group.</summary>
    public string Recordings { get; init; } = "./recordings";
    public string? Static { get; init; }
    public bool Insecure { get; init; }
    public bool RelayOnly { get; init; }

    /// <summary><c>--udp-range</c>: the media port (<c>N</c>) or range (<c>MIN-MAX</c>); null: one port chosen by the system.</summary>
    public string? UdpRange { get; init; }

    /// <summary><c>--ice-address</c>: addresses offered as ICE host candidates; empty: all local non-loopback addresses.</summary>
    public IReadOnlyList<string> IceAddresses { get; init; } = [];

    /// <summary><c>--ice-tcp</c>: <c>auto</c> (TCP on the media port's number), <c>off</c>, or a TCP port (see <see cref="Streams.IceTcpSetting"/>).</summary>
    public string IceTcp { get; init; } = Tessera.Server.Streams.IceTcpSetting.AutoValue;

    /// <summary><c>--turn</c>: the built-in TURN server (<c>auto</c>, <c>""</c>, <c>:PORT</c>, <c>ADDRESS:PORT</c>; see <see cref="Turn.TurnFlag"/>).</summary>
    public string Turn { get; init; } = Tessera.Server.Turn.TurnFlag.AutoValue;

    /// <summary><c>--redis</c>: the Redis of a cluster (<c>redis://host:port</c>); null: a single server, no cluster.</summary>
    public string? Redis { get; init; }

    /// <summary><c>--public-url</c>: this node's base URL as clients reach it (cluster mode).</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Keep-alive timings; tests shrink them, production keeps Galène's (protocol.md §3.2).</summary>
    public KeepAliveTimings KeepAlive { get; init; } = KeepAliveTimings.Default;

    public string StaticRoot => Static ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
}

/// <param name="Tick">How often silence is measured.</param>
/// <param name="PingAfter">Silence after which the server pings.</param>
/// <param name="DropAfter">Silence after which the connection is closed.</param>
/// <param name="Handshake">Time allowed for the client's first message.</param>
public sealed record KeepAliveTimings(TimeSpan Tick, TimeSpan PingAfter, TimeSpan DropAfter, TimeSpan Handshake)
{
    public static KeepAliveTimings Default { get; } =
        new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(15));
}
