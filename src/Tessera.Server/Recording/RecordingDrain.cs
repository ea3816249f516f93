namespace Tessera.Server.Recording;

/// <summary>On shutdown (SIGTERM included), waits for every recording to be finished before the process ends.</summary>
public sealed class RecordingDrain(GroupRecordings recordings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => recordings.DrainAsync().WaitAsync(cancellationToken);
}
