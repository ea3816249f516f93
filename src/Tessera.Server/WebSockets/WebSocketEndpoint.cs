using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Tessera.Protocol;
using Tessera.Server.Hosting;
using Tessera.Server.Http;

namespace Tessera.Server.WebSockets;

/// <summary>
/// <c>/ws</c>: Origin check, upgrade, then a receive loop that feeds the protocol session one
/// message at a time and watches for silence (http.md §9, protocol.md §1, §3).
/// </summary>
public sealed class WebSocketEndpoint
{
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>What a message's reading starts with; it doubles up to <see cref="MaxMessageBytes"/>.</summary>
    private const int InitialReceiveBytes = 16 * 1024;

    private readonly ProtocolServices _protocol;
    private readonly ILogger _logger;
    private readonly ConnectionTracker _connections;
    private readonly OutgoingBudget _budget;
    /// <summary>In cluster mode, pages served by any node may open a WebSocket here.</summary>
    private readonly Cluster.IClusterDirectory? _cluster;
    private readonly SharedMessageEncoder _encoder = new();
    private readonly DrainStarter _drains = new();
    private readonly Tessera.Diagnostics.LogThrottle _failures;

    public WebSocketEndpoint(ProtocolServices protocol, ConnectionTracker connections,
                             OutgoingBudget budget, ILogger logger, Cluster.IClusterDirectory? cluster = null)
    {
        _cluster = cluster;
        _budget = budget;
        _failures = new Tessera.Diagnostics.LogThrottle(protocol.Time, Tessera.Web.ExceptionLoggingExtensions.FailureCauses);
        _protocol = protocol;
        _connections = connections;
        _logger = logger;
    }

    /// <summary>The cluster's shared name (proxyURL) is the origin of pages loaded through it.</summary>
    private bool IsSharedOrigin(string origin, string? proxyUrl) =>
        _cluster is not null && Uri.TryCreate(proxyUrl, UriKind.Absolute, out var proxy)
        && string.Equals(proxy.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext context)
    {
        // Over HTTP/2 a WebSocket opens with an extended CONNECT (RFC 8441), which Chromium uses as
        // soon as the page itself came over HTTP/2, i.e. whenever we serve TLS ourselves.
        bool http2WebSocket = HttpMethods.IsConnect(context.Request.Method) && context.WebSockets.IsWebSocketRequest;
        if (!HttpMethods.IsGet(context.Request.Method) && !http2WebSocket)
        {
            await HttpErrors.MethodNotAllowed(context, "GET");
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await HttpErrors.Text(context, StatusCodes.Status400BadRequest, "Bad Request");
            return;
        }
        var config = _protocol.Registry.Config.TryGet(out _);
        if (!OriginCheck.Allowed(context.Request, config?.AllowOrigin, configReadable: config is not null)
            && _cluster?.IsNodeOrigin(context.Request.Headers.Origin.ToString()) != true
            && !IsSharedOrigin(context.Request.Headers.Origin.ToString(), config?.ProxyUrl))
        {
            await HttpErrors.Text(context, StatusCodes.Status403Forbidden, "Forbidden");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var transport = new WebSocketTransport(socket, context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None,
                                               context.Connection.RemotePort, _budget, config?.EffectiveLimits ?? Tessera.Protocol.Config.ServerLimits.Default,
                                               _encoder, _drains);
        var remote = transport.RemoteAddress;
        var session = new ClientSession(transport, _protocol);
        var liveness = new Liveness(_protocol.Time.GetTimestamp());
        using var registration = _connections.Add(session, transport, liveness);
        try
        {
            await ReceiveLoopAsync(socket, session, transport, liveness);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            transport.Lost("read failed: " + e.Message);
        }
        catch (Exception e)
        {
            // A bug a client can trigger at will must not flood the log: the trace once a minute per cause.
            if (_failures.ShouldLog(Tessera.Diagnostics.LogThrottle.CauseOf(e), out var suppressed))
                _logger.LogError(e, "connection {Remote}: internal error ({Suppressed} similar not logged in the last period)", remote, suppressed);
            else
                _logger.LogDebug("connection {Remote}: internal error again: {Cause}", remote, Tessera.Diagnostics.LogThrottle.CauseOf(e));
            transport.Close(CloseReason.Internal);
        }
        finally
        {
            // A client that simply went away (a closed tab: the read fails) is routine, and at one
            // line per connection it cost more than the join itself; a client the server dropped
            // (not reading, write timed out) is worth an operator's attention.
            if (transport.AbortReason is { } why && (transport.LostByPeer ? LogLevel.Debug : LogLevel.Information) is var level
                && _logger.IsEnabled(level))
                _logger.Log(level, "connection {Remote} dropped: {Reason}", remote, why);
            session.Disconnected();
            transport.Close(CloseReason.Internal);
            await transport.WriterDone;
        }
    }

    private async Task ReceiveLoopAsync(WebSocket socket, ClientSession session, WebSocketTransport transport, Liveness liveness)
    {
        // The transport's own token, not one linked to the request's: the connection's end fails
        // the read anyway, and a linked source per connection was one more allocation and
        // registration per join. It also ends a receive that waits after the writer is done (no
        // answer to the close frame).
        var stop = transport.Aborted;
        var time = _protocol.Time;
        while (true)
        {
            // An idle connection holds no receive buffer: wait for a frame's header with a
            // zero-byte read, and rent one only while that frame is being read (16 KB per idle
            // member was the largest part of its memory).
            var first = await socket.ReceiveAsync(Memory<byte>.Empty, stop);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                // The client said goodbye: echo a normal closure (RFC 6455 §5.5.1), not an error.
                transport.Close(new CloseReason(CloseReason.Normal, null));
                return;
            }
            Message message;
            var (buffer, length, type, tooBig) = await ReadMessageAsync(socket, first, stop);
            try
            {
                if (type == WebSocketMessageType.Close)
                {
                    transport.Close(new CloseReason(CloseReason.Normal, null));
                    return;
                }
                liveness.Heard(time.GetTimestamp());
                if (tooBig)
                {
                    transport.Close(new CloseReason(CloseReason.TooBig, "message too big"));
                    return;
                }
                try
                {
                    message = MessageJson.Decode(buffer.AsSpan(0, length));
                }
                catch (MessageFormatException)
                {
                    // Not a protocol message at all: Galène closes with 1011 and no reason.
                    transport.Close(CloseReason.Internal);
                    return;
                }
            }
            finally
            {
                // The decoded message no longer refers to the buffer: give it back before handling.
                ArrayPool<byte>.Shared.Return(buffer);
            }
            // The drains this message's sends need run here once the handler is out of the
            // group's lock (DrainStarter), before the next message is read.
            Task handled;
            var batch = _drains.Open();
            try
            {
                handled = session.HandleAsync(message, stop);
            }
            finally
            {
                DrainStarter.Run(batch);
            }
            await handled;
        }
    }

    /// <summary>
    /// Reads the rest of the message whose first frame header <paramref name="first"/> announced,
    /// into a rented buffer that the caller returns; past <see cref="MaxMessageBytes"/> it stops and
    /// reports it. On failure the buffer is returned here (it may have been replaced by a bigger one).
    /// </summary>
    private static async Task<(byte[] Buffer, int Length, WebSocketMessageType Type, bool TooBig)> ReadMessageAsync(
        WebSocket socket, ValueWebSocketReceiveResult first, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBytes);
        var length = 0;
        var end = first.EndOfMessage;
        try
        {
            while (!end)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes) return (buffer, length, first.MessageType, true);
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxMessageBytes));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                if (result.MessageType == WebSocketMessageType.Close) return (buffer, 0, WebSocketMessageType.Close, false);
                length += result.Count;
                end = result.EndOfMessage;
            }
            return (buffer, length, first.MessageType, false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
