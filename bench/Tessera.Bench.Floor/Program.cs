// The floor under a Tessera join: Kestrel with tessera's own settings, a WebSocket upgrade at
// /ws, the client's messages read until its join, one fixed `joined` answer, and the connection
// read until the client drops it. No protocol, no group, no credential, no log line: what this
// costs per connection is what Kestrel, the runtime and the kernel cost, and no server built on
// them can join for less. Started by bench/Tessera.Bench.Join with --server-dll (same arguments
// as tessera; --data and --groups are ignored).
//
// With --fanout it also does the least the protocol itself asks of a join in a shared group (the
// join bench's 16 clients all join one): it answers the handshake, sends the joiner one `user`
// message per member present, tells every other member of the newcomer, and of its departure
// when its connection drops. Each connection has one writer at a time (a semaphore), and the
// joiner's own loop writes to the others directly: no queue, no writer task, no lock held.
using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Tessera.Server.Hosting;

var listen = IPEndPoint.Parse("127.0.0.1:0");
for (var i = 0; i < args.Length - 1; i++)
    if (args[i] == "--http") listen = IPEndPoint.Parse(args[i + 1]);
var fanout = args.Contains("--fanout");

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.WebHost.UseSockets(sockets => sockets.MaxWriteBufferSize = TesseraHost.KestrelWriteBufferBytes);
builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(new BoundedBlockPoolFactory(TesseraHost.KestrelFreeBlocks));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(60);
    kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(120);
    kestrel.Listen(listen);
});
var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });

// What the load client waits for (it reads the type and kind only), and with --fanout what a
// Galène-protocol server must also send; sizes as tessera's.
var joined = """{"type":"joined","kind":"join","group":"join","username":"floor","permissions":["present"]}"""u8.ToArray();
var handshake = """{"type":"handshake","version":["2"]}"""u8.ToArray();
var members = new System.Collections.Concurrent.ConcurrentDictionary<long, FloorMember>();
long nextId = 0;

app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var me = new FloorMember(socket, Interlocked.Increment(ref nextId));
    var buffer = ArrayPool<byte>.Shared.Rent(4096);
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close) break;
            if (!result.EndOfMessage) continue;
            // The bench sends the handshake and the join in a row; the join is the one with a kind.
            var isJoin = buffer.AsSpan(0, result.Count).IndexOf("\"kind\""u8) >= 0;
            if (!fanout)
            {
                if (isJoin) await socket.SendAsync(joined, WebSocketMessageType.Text, true, context.RequestAborted);
                continue;
            }
            if (!isJoin)
            {
                await me.SendAsync(handshake);
                continue;
            }
            await me.SendAsync(joined);
            await me.SendAsync(me.Added);
            members[me.Id] = me;
            foreach (var other in members.Values)
            {
                if (other == me) continue;
                await me.SendAsync(other.Added);
                await other.SendAsync(me.Added);
            }
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
    {
        // The client dropped the connection: that is the end of every operation here.
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
        if (members.TryRemove(me.Id, out _))
            foreach (var other in members.Values) await other.SendAsync(me.Deleted);
    }
});

await app.StartAsync();
// The line bench/Tessera.Bench.Join's ServerProcess waits for.
Console.WriteLine($"Floor listening on {app.Urls.First()}");
await app.WaitForShutdownAsync();

/// <summary>A connected client of the --fanout floor, and its two `user` messages.</summary>
sealed class FloorMember(WebSocket socket, long id)
{
    private readonly SemaphoreSlim _writing = new(1, 1);

    public long Id => id;
    public byte[] Added { get; } = System.Text.Encoding.UTF8.GetBytes(
        $$$"""{"type":"user","kind":"add","id":"{{{id:x16}}}","username":"floor{{{id}}}","permissions":["present"],"data":{}}""");
    public byte[] Deleted { get; } = System.Text.Encoding.UTF8.GetBytes(
        $$"""{"type":"user","kind":"delete","id":"{{id:x16}}","username":"floor{{id}}"}""");

    /// <summary>Sends unless the connection is gone (a departed member's messages are not an error).</summary>
    public async Task SendAsync(byte[] message)
    {
        await _writing.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException) { }
        finally
        {
            _writing.Release();
        }
    }
}
