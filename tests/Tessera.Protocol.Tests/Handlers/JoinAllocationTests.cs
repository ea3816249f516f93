using System.Text;
using Tessera.Protocol;

namespace Tessera.Protocol.Tests.Handlers;

/// <summary>
/// Keeps allocation regressions out of the join path: a password join on an idle server, as the
/// WebSocket endpoint drives it (decode the client's bytes, handle, encode what is sent, then the
/// disconnection), allocates within a stated budget. Measured on the test's own thread: with a
/// plain password every step completes synchronously, which the test checks, so nothing else in
/// the process is counted and the figure is the same on a busy machine as on a quiet one.
/// </summary>
public sealed class JoinAllocationTests : IDisposable
{
    /// <summary>
    /// Measured: 7.9 KB per handshake + join + disconnection (joined with its status and
    /// rtcConfiguration, and the user/add, encoded; the leave; 9.3 KB before config.json and the
    /// group file were checked without allocating). The margin absorbs runtime updates, not a new
    /// copy of a message.
    /// </summary>
    private const long BudgetBytes = 11 * 1024;

    private readonly ProtocolHost _host = new(("g", """{"wildcard-user": {"password": "pw", "permissions": "present"}}"""));

    public void Dispose() => _host.Dispose();

    [Fact]
    public void A_password_join_on_an_idle_server_allocates_within_its_budget()
    {
        for (var i = 0; i < 50; i++) JoinAndLeave(i); // first joins open the group, read its file, fill caches
        const int joins = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < joins; i++) JoinAndLeave(i);
        var perJoin = (GC.GetAllocatedBytesForCurrentThread() - before) / joins;
        Assert.True(perJoin <= BudgetBytes, $"a join allocated {perJoin} bytes, over its budget of {BudgetBytes}");
    }

    private void JoinAndLeave(int i)
    {
        var transport = new InMemoryTransport();
        var session = new ClientSession(transport, _host.Services);
        Handle(session, $$"""{"type":"handshake","version":["2"],"id":"c{{i}}"}""");
        Handle(session, $$"""{"type":"join","kind":"join","group":"g","username":"u{{i}}","password":"pw"}""");
        var sent = transport.Take();
        Assert.Equal(("joined", "join"), (sent[1].Type, sent[1].Kind));
        foreach (var message in sent) MessageJson.Encode(message);
        session.Disconnected();
    }

    private static void Handle(ClientSession session, string json)
    {
        var handling = session.HandleAsync(MessageJson.Decode(Encoding.UTF8.GetBytes(json)), CancellationToken.None);
        Assert.True(handling.IsCompletedSuccessfully, "the message was handled synchronously, on this thread");
    }
}
