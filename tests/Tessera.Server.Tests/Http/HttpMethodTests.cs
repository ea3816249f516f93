using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tessera.Server.Tests.Support;
using Tessera.Web;

namespace Tessera.Server.Tests.Http;

/// <summary>
/// Methods a route does not serve: a 405 that names what it does serve, never a 500, never a
/// stack trace in the log; and failures inside a request reach the log in full at most once a
/// minute per cause.
/// </summary>
public class HttpMethodTests
{
    private static readonly string[] ReadOnlyPaths =
        ["/", "/index.html", "/404.html", "/group/lab/", "/group/lab/.status", "/group/lab/.status.json", "/public-groups.json"];

    private static readonly string[] OddMethods = ["CONNECT", "TRACE", "PROPFIND", "FOO", "PUT", "DELETE", "PATCH", "POST"];

    private static Task<TestServer> Start(List<string> log) =>
        TestServer.StartAsync(f => f.Group("lab", """{"users": {"ann": {"password": "pw"}}}"""), logSink: log);

    [Fact]
    public async Task Unserved_methods_on_pages_files_and_status_answer_405_with_allow()
    {
        var log = new List<string>();
        await using var s = await Start(log);
        foreach (var path in ReadOnlyPaths)
            foreach (var method in OddMethods)
            {
                var reply = await RawHttp.SendAsync(s.Url, method, path);
                Assert.True(reply.Status == 405, $"{method} {path}: {reply.Status}");
                Assert.Equal("OPTIONS, GET, HEAD", reply.Headers["Allow"]);
                Assert.Equal("method not allowed\n", reply.Body);
            }
        var options = await RawHttp.SendAsync(s.Url, "OPTIONS", "/group/lab/");
        Assert.Equal(204, options.Status);
        Assert.Equal("OPTIONS, GET, HEAD", options.Headers["Allow"]);
        Assert.Equal(200, (await RawHttp.SendAsync(s.Url, "HEAD", "/index.html")).Status);
        Assert.Equal(405, (await RawHttp.SendAsync(s.Url, "CONNECT", "/ws")).Status);
        lock (log)
            Assert.DoesNotContain(log, l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)
                                            && l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hundred_connect_requests_leave_nothing_at_information_or_above()
    {
        var log = new List<string>();
        await using var s = await Start(log);
        int before;
        lock (log) before = log.Count(IsInformationOrAbove);
        for (var i = 0; i < 100; i++)
            Assert.Equal(405, (await RawHttp.SendAsync(s.Url, "CONNECT", i % 2 == 0 ? "/index.html" : "/group/lab/")).Status);
        lock (log) Assert.Equal(before, log.Count(IsInformationOrAbove));
    }

    [Fact]
    public async Task A_throwing_request_is_logged_in_full_once_per_minute_per_cause()
    {
        var time = new ShiftedTime();
        var log = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(log));
        await using var app = builder.Build();
        app.UseRateLimitedExceptionLogging(time);
        app.MapGet("/broken", (HttpContext _) => throw new InvalidOperationException("the broken route"));
        app.MapGet("/also-broken", (HttpContext _) => throw new FormatException("another cause"));
        await app.StartAsync();
        var url = new Uri(app.Urls.First());

        for (var i = 0; i < 20; i++)
        {
            var reply = await RawHttp.SendAsync(url, "GET", "/broken");
            Assert.Equal(500, reply.Status);
            Assert.Equal("Internal server error\n", reply.Body);
        }
        Assert.Equal(500, (await RawHttp.SendAsync(url, "GET", "/also-broken")).Status);
        lock (log)
        {
            Assert.Single(log, l => IsInformationOrAbove(l) && l.Contains("InvalidOperationException", StringComparison.Ordinal));
            Assert.Single(log, l => IsInformationOrAbove(l) && l.Contains("FormatException", StringComparison.Ordinal));
            Assert.DoesNotContain(log, l => l.StartsWith("Error Microsoft", StringComparison.Ordinal)); // Kestrel's own trace never follows
        }

        time.Offset += TimeSpan.FromSeconds(61);
        Assert.Equal(500, (await RawHttp.SendAsync(url, "GET", "/broken")).Status);
        lock (log)
        {
            var full = log.Where(l => IsInformationOrAbove(l) && l.Contains("InvalidOperationException", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, full.Count);
            Assert.Contains("(19 similar failures not logged", full[1]);
        }
    }

    private static bool IsInformationOrAbove(string line) =>
        line.StartsWith("Information", StringComparison.Ordinal) || line.StartsWith("Warning", StringComparison.Ordinal) ||
        line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal);
}
