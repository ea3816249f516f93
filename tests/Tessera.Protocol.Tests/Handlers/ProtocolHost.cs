using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Auth.Login;
using Tessera.Auth.Passwords;
using Tessera.Auth.Throttling;
using Tessera.Auth.Tokens;
using Tessera.Protocol;
using Tessera.Protocol.Config;
using Tessera.Protocol.Descriptions;
using Tessera.Protocol.Groups;
using Tessera.Protocol.Login;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary>
/// The client protocol composed as the server composes it (the standard handlers over a group
/// registry, the credential checks and the login throttle), without Kestrel or media: clients
/// are sessions over <see cref="InMemoryTransport"/>, and time is a manual clock. Every message
/// is handled to its end before <see cref="TestClient.SendAsync"/> returns, so what a client has
/// not received by then it never will from that message.
/// </summary>
public sealed class ProtocolHost : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tessera-protocol-").FullName;
    private int _clients;

    public ProtocolHost(params (string Name, string Json)[] groups)
    {
        Directory.CreateDirectory(GroupsDirectory);
        Directory.CreateDirectory(DataDirectory);
        foreach (var (name, json) in groups) WriteGroup(name, json);
        var logger = NullLogger.Instance;
        var registry = new GroupRegistry(new GroupDescriptionStore(GroupsDirectory, logger), new ServerConfigSource(DataDirectory, logger),
                                         new IceServers(DataDirectory, Clock, logger), Clock, logger);
        var tokens = new TokenStore(Path.Combine(DataDirectory, "var", "tokens.jsonl"), Clock);
        Services = new ProtocolServices
        {
            Registry = registry,
            Authenticator = new JoinAuthenticator(new CredentialChecker(new PasswordVerifier(), tokens, Clock), new AuthKeyCache(null)),
            Media = new NoMediaSignalling(),
            Tokens = new TokenCommands(tokens, Clock),
            Throttle = new LoginThrottle(LoginThrottleOptions.Default, Clock),
            Logger = logger,
        }.WithStandardHandlers();
    }

    public ManualTimeProvider Clock { get; } = new();
    public ProtocolServices Services { get; }
    public GroupRegistry Registry => Services.Registry;
    public string GroupsDirectory => Path.Combine(_root, "groups");
    public string DataDirectory => Path.Combine(_root, "data");

    public void WriteGroup(string name, string json)
    {
        var path = Path.Combine(GroupsDirectory, name + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    public void WriteConfig(string json) => File.WriteAllText(Path.Combine(DataDirectory, "config.json"), json);

    /// <summary>A connection that has done its handshake (protocol version 2).</summary>
    public async Task<TestClient> ConnectAsync(string? id = null, string remoteAddress = "192.0.2.7:50000")
    {
        var client = new TestClient(this, new InMemoryTransport(remoteAddress));
        await client.SendAsync(new Message { Type = MessageTypes.Handshake, Version = ["2"], Id = id ?? $"client{++_clients}" });
        Assert.Equal(MessageTypes.Handshake, Assert.Single(client.Take()).Type);
        return client;
    }

    /// <summary>A client admitted to <paramref name="group"/>; what the join sent it is taken already.</summary>
    public async Task<TestClient> JoinAsync(string group, string username, string password, JsonObject? data = null)
    {
        var client = await ConnectAsync();
        var welcome = await client.JoinAsync(group, username, password, data);
        Assert.Equal(("joined", "join"), (welcome[0].Type, welcome[0].Kind));
        return client;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>One client of a <see cref="ProtocolHost"/>: a real <see cref="ClientSession"/> over an in-memory transport.</summary>
public sealed class TestClient
{
    private readonly ProtocolHost _host;

    public TestClient(ProtocolHost host, InMemoryTransport transport)
    {
        _host = host;
        Transport = transport;
        Session = new ClientSession(transport, host.Services);
    }

    public ClientSession Session { get; }
    public InMemoryTransport Transport { get; }
    public string Id => Session.Id;

    /// <summary>Starts handling a message and returns the handling, which may wait on the host's clock.</summary>
    public Task StartSending(Message message) => Session.HandleAsync(message, CancellationToken.None);

    /// <summary>
    /// Handles a message to its end. A refused join waits <see cref="Tessera.Protocol.Handlers.JoinHandler.RefusalDelay"/>
    /// on the host's clock: once that wait has begun, the clock is moved past it.
    /// </summary>
    public async Task SendAsync(Message message)
    {
        var handling = StartSending(message);
        await Eventually.True(() => handling.IsCompleted || _host.Clock.PendingTimers > 0, "the message handled or waiting on the clock");
        if (!handling.IsCompleted) _host.Clock.Advance(Tessera.Protocol.Handlers.JoinHandler.RefusalDelay);
        await Eventually.Completes(handling, "the message handled");
    }

    /// <summary>Sends a join and returns everything it sent this client (the <c>joined</c> answer first).</summary>
    public async Task<List<Message>> JoinAsync(string group, string? username, string? password = null, JsonObject? data = null,
                                                string? token = null)
    {
        await SendAsync(new Message
        {
            Type = MessageTypes.Join, Kind = "join", Group = group, Username = username, Password = password, Data = data, Token = token,
        });
        return Take();
    }

    /// <summary>Removes and returns everything sent to this client so far, in order.</summary>
    public List<Message> Take() => Transport.Take();

    /// <summary>The connection ended: the disconnection is handled as the WebSocket endpoint does.</summary>
    public void Disconnect() => Session.Disconnected();
}
