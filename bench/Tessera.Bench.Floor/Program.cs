// The floor under a Tessera join: Kestrel with tessera's own settings, a WebSocket upgrade at
// /ws, the client's messages read until its join, one fixed `joined` answer, and the connection
// read until the client drops it. No protocol, no group, no credential, no log line: what this
// costs per connection is what Kestrel, the runtime and the kernel cost, and no server built on
// them can join for less. Started by bench/Tessera.Bench.Join with --server-dll (same arguments
// as tessera; --data and --groups are ignored).
using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Tessera.Server.Hosting;

var listen = IPEndPoint.Parse("127.0.0.1:0");
for (var i = 0; i < args.Length - 1; i++)
    if (args[i] == "--http") listen = IPEndPoint.Parse(args[i + 1]);

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

// What the load client waits for (it reads the type and kind only).
var joined = """{"type":"joined","kind":"join","group":"join","username":"floor","permissions":["present"]}"""u8.ToArray();

app.Map("/ws", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = ArrayPool<byte>.Shared.Rent(4096);
    try
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close) break;
            // The bench sends the handshake and the join in a row; the join is the one with a kind.
            if (result.EndOfMessage && buffer.AsSpan(0, result.Count).IndexOf("\"kind\""u8) >= 0)
                await socket.SendAsync(joined, WebSocketMessageType.Text, true, context.RequestAborted);
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
    {
        // The client dropped the connection: that is the end of every operation here.
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
});

await app.StartAsync();
// The line bench/Tessera.Bench.Join's ServerProcess waits for.
Console.WriteLine($"Floor listening on {app.Urls.First()}");
await app.WaitForShutdownAsync();
