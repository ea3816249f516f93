using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Tessera.Bench.Sfu;

/// <summary>A synthetic receiver: requests everything, answers each down-stream offer, records what arrives.</summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private readonly int _index;
    private readonly Recorder _recorder;
    private readonly SignallingClient _signalling = new();
    private readonly ConcurrentDictionary<string, MediaPeer> _peers = new();
    private readonly ConcurrentDictionary<string, bool> _connected = new();
    private readonly SemaphoreSlim _handshakes;
    private readonly CancellationToken _cancel;

    public Subscriber(int index, Recorder recorder, SemaphoreSlim handshakes, CancellationToken cancel)
    {
        _index = index;
        _recorder = recorder;
        _handshakes = handshakes;
        _cancel = cancel;
    }

    public int ConnectedStreams => _connected.Count;

    /// <summary>Down streams whose handshake ended, connected or failed.</summary>
    public int SettledStreams => _connected.Count + Volatile.Read(ref _failed);
    private int _failed;
    public long Undecryptable => _peers.Values.Sum(p => Interlocked.Read(ref p.UndecryptableRtp));

    public async Task StartAsync(Uri endpoint)
    {
        _signalling.OnMessage = OnMessage;
        await _signalling.JoinAsync(endpoint, ServerProcess.Group, $"sub{_index}", _cancel);
        await _signalling.SendAsync(new JsonObject
        {
            ["type"] = "request", ["request"] = new JsonObject { [""] = new JsonArray("audio", "video") },
        });
    }

    private async Task OnMessage(JsonObject m)
    {
        string? type = (string?)m["type"];
        if (type == "offer")
        {
            string id = (string)m["id"]!, sdp = (string)m["sdp"]!;
            bool fresh = false;
            var peer = _peers.GetOrAdd(id, _ => { fresh = true; return NewPeer(); });
            await _signalling.SendAsync(new JsonObject { ["type"] = "answer", ["id"] = id, ["sdp"] = peer.AnswerFor(sdp) });
            if (!fresh)
                return; // renegotiation of a connected stream: same transport
            await _handshakes.WaitAsync(_cancel);
            try
            {
                await peer.ConnectAsync(sdp, _cancel);
                _connected[id] = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                Console.Error.WriteLine($"subscriber {_index}: stream {id} failed to connect: {e.Message}");
            }
            finally
            {
                _handshakes.Release();
            }
        }
        else if (type is "abort" or "error")
        {
            Console.Error.WriteLine($"subscriber {_index}: {m.ToJsonString()}");
        }
    }

    private MediaPeer NewPeer()
    {
        var peer = new MediaPeer();
        // Indexed by publisher × 2 + kind: no hashing per packet (a down stream carries one publisher's two tracks).
        var tracks = Array.Empty<Recorder.Track?>();
        peer.RtpReceived = rtp =>
        {
            if (!_recorder.Measuring || !BenchPayload.TryRead(rtp, out int publisher, out byte kind, out uint counter, out long sent)
                || publisher < 0 || kind > 1)
                return;
            int slot = publisher * 2 + kind;
            if (slot >= tracks.Length)
                Array.Resize(ref tracks, slot + 1);
            var track = tracks[slot] ??= _recorder.NewTrack();
            _recorder.Record(track, counter, sent);
        };
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _signalling.DisposeAsync();
        foreach (var p in _peers.Values)
            p.Dispose();
    }
}
