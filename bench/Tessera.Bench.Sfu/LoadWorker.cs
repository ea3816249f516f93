namespace Tessera.Bench.Sfu;

/// <summary>
/// What the load client does, for one share of the publishers and subscribers: worker k of n owns
/// every publisher and subscriber whose index i has i % n == k. Runs inside the bench process
/// (one worker, the default) or in a child process driven by <see cref="RemoteWorker"/>.
/// </summary>
internal sealed class LoadWorker : ILoadWorker
{
    private readonly Uri _endpoint;
    private readonly Recorder _recorder = new();
    private readonly List<Publisher> _publishers;
    private readonly List<Subscriber> _subscribers;
    private readonly SemaphoreSlim _handshakes;
    private readonly CancellationTokenSource _cancel = new(TimeSpan.FromMinutes(15));
    private readonly Thread _sender;
    private volatile bool _sending = true;
    private long _allocatedAtOpen;
    private readonly int _streamsEach;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);

    public LoadWorker(Options options, Uri endpoint, int index, int count)
    {
        _endpoint = endpoint;
        _streamsEach = options.Publishers;
        // Bounded: each handshake is a DTLS client on a thread of its own.
        _handshakes = new SemaphoreSlim(options.Connects);
        _publishers = Share(options.Publishers).Select(i => new Publisher(i, options.VideoBitrate)).ToList();
        _subscribers = Share(options.Subscribers).Select(i => new Subscriber(i, _recorder, _handshakes, _cancel.Token)).ToList();
        _sender = new Thread(SendLoop) { IsBackground = true, Name = "publishers", Priority = ThreadPriority.AboveNormal };

        IEnumerable<int> Share(int total) => Enumerable.Range(0, total).Where(i => i % count == index);
    }

    public int Pid => Environment.ProcessId;

    /// <summary>Connects the publishers, then sends a trickle on each so that the server offers their tracks.</summary>
    public async Task ConnectPublishersAsync()
    {
        // Each publisher's WebSocket join, ICE check and DTLS handshake, several at once.
        await Task.WhenAll(_publishers.Select(async p =>
        {
            await _handshakes.WaitAsync(_cancel.Token);
            try
            {
                await p.StartAsync(_endpoint, _cancel.Token);
            }
            finally
            {
                _handshakes.Release();
            }
        }));
        _sender.Start();
    }

    /// <summary>
    /// Joins the subscribers one after the other, each once the one before has all its down streams
    /// settled. A subscriber is offered every publisher's stream at once, and the server closes a
    /// stream whose first ICE check has not come within its 30 s consent timeout: with every
    /// subscriber at once (1,000 offers at 20 × 50), handshakes queued behind the bounded ones
    /// came too late, failed after their own 20 s, and held the queue up further.
    /// </summary>
    public async Task ConnectSubscribersAsync()
    {
        foreach (var s in _subscribers)
        {
            await s.StartAsync(_endpoint);
            var settling = System.Diagnostics.Stopwatch.StartNew();
            while (s.SettledStreams < _streamsEach && settling.Elapsed < SettleTimeout)
                await Task.Delay(20, _cancel.Token);
        }
    }

    public Task<int> ConnectedStreamsAsync() => Task.FromResult(_subscribers.Sum(s => s.ConnectedStreams));

    /// <summary>Full rate on every publisher.</summary>
    public Task StartSendingAsync()
    {
        foreach (var p in _publishers)
            p.Begin();
        return Task.CompletedTask;
    }

    public Task OpenWindowAsync(long startTicks, long endTicks)
    {
        foreach (var p in _publishers)
            p.OpenWindow(startTicks, endTicks);
        _recorder.OpenWindow(startTicks, endTicks);
        _allocatedAtOpen = GC.GetTotalAllocatedBytes();
        return Task.CompletedTask;
    }

    /// <summary>
    /// The window's counts, and what this process allocated from the open to the close (the window
    /// plus the drain, so slightly more than the window's share): the proof that the packet path allocates nothing.
    /// </summary>
    public Task<WorkerReport> CloseWindowAsync() =>
        Task.FromResult(_recorder.Close(_publishers.Sum(p => p.SentInWindow), _subscribers.Sum(s => s.Undecryptable))
            with { AllocatedBytes = GC.GetTotalAllocatedBytes() - _allocatedAtOpen });

    private void SendLoop()
    {
        while (_sending)
        {
            foreach (var p in _publishers)
                p.SendDue();
            Thread.Sleep(2);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sending = false;
        _cancel.Cancel();
        // All at once: each closes its WebSocket and may wait for the server's close frame.
        await Task.WhenAll(_subscribers.Select(s => s.DisposeAsync().AsTask()).Concat(_publishers.Select(p => p.DisposeAsync().AsTask())));
        _cancel.Dispose();
    }
}

/// <summary>One share of the load, in this process or in a child process.</summary>
internal interface ILoadWorker : IAsyncDisposable
{
    /// <summary>The process whose CPU time this worker's load costs.</summary>
    int Pid { get; }
    Task ConnectPublishersAsync();
    Task ConnectSubscribersAsync();
    Task<int> ConnectedStreamsAsync();
    Task StartSendingAsync();
    Task OpenWindowAsync(long startTicks, long endTicks);
    Task<WorkerReport> CloseWindowAsync();
}
