using System.Diagnostics;
using System.Text.Json.Nodes;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;
using Tessera.AuthServer.Tests.Ldap;
using Tessera.Bench.AuthServer;

// Tokens per second from the tessera-auth executable over loopback HTTP.
//   dotnet run -c Release --project bench/Tessera.Bench.AuthServer -- [sign|file|ldap|ldap-template|ldap-nocache|all] [--seconds N] [--concurrency N]
//   ... -- refusals [--attempts N]: how long refusals take per kind of account, with and without refusalDelay
//   ... -- oidc [--seconds N] [--concurrency N]: single sign-on round trips against the tests' OpenID provider
// The machine may be shared: besides the measured rate, CPU time per token (server, load
// generator, slapd) is read from /proc and turned into what the idle cores would sustain.
var mode = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
var seconds = Option("--seconds", 10);
var concurrency = Option("--concurrency", 32);
const int Users = 1000;
const string Location = "https://meet.example.org/group/lab/";
var cores = Environment.ProcessorCount;

Console.WriteLine($"tessera-auth bench: {cores} CPUs, {concurrency} connections, {seconds} s per run after 2 s warm-up, load average {LoadAverage()}");
if (mode is "sign" or "all") Sign();
if (mode is "ldap-micro") LdapMicro();
if (mode is "file" or "all") FileBackend();
if (mode is "ldap" or "all") Ldap(searchMode: true, cache: true);
if (mode is "ldap-template" or "all") Ldap(searchMode: false, cache: true);
if (mode is "ldap-nocache" or "all") Ldap(searchMode: true, cache: false);
if (mode is "refusals") Refusals(Option("--attempts", 200));
if (mode is "oidc") OidcBench.Run(seconds, Option("--concurrency", 8), LoadAverage);
return 0;

// Refusal latency per kind of account, one request at a time: whether timing tells which names exist.
void Refusals(int attempts)
{
    using var directory = new TestDirectory(extraPeople: 0);
    var usersFile = new JsonObject
    {
        ["users"] = new JsonObject
        {
            ["plain"] = new JsonObject { ["password"] = "plain-pw" },
            ["hashed"] = new JsonObject { ["password"] = new JsonObject { ["type"] = "bcrypt", ["key"] = BCrypt.Net.BCrypt.HashPassword("hashed-pw", 10) } },
        },
    };
    var backends = new JsonArray(
        new JsonObject { ["type"] = "file", ["path"] = "users.json" },
        new JsonObject { ["type"] = "ldap", ["url"] = directory.Url, ["userDn"] = "uid={0},ou=people," + TestDirectory.Suffix });
    // Throttling would turn the repeated refusals into 429s: out of the way here.
    var generous = new JsonObject { ["attemptBurst"] = 1_000_000, ["pairFreeFailures"] = 1_000_000, ["userFreeFailures"] = 1_000_000 };
    foreach (var delay in new[] { 0.0, 0.25 })
    {
        Console.WriteLine($"refusals, refusalDelay {delay} s, {attempts} sequential attempts per kind (load average {LoadAverage()}):");
        WithServer(backends, (JsonObject)usersFile.DeepClone(), server =>
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://{server.Endpoint}/") };
            foreach (var (kind, user) in new[] { ("unknown user", (string?)null), ("plain-password user", "plain"), ("bcrypt (cost 10) user", "hashed"), ("LDAP user", "alice") })
            {
                var times = new List<double>();
                for (var i = -10; i < attempts; i++)
                {
                    var body = new JsonObject { ["username"] = user ?? $"nobody{i + 10}", ["password"] = "wrong", ["location"] = Location }.ToJsonString();
                    var sw = Stopwatch.StartNew();
                    using var response = http.PostAsync("", new StringContent(body, System.Text.Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
                    sw.Stop();
                    if ((int)response.StatusCode != 401) throw new InvalidOperationException($"{kind}: expected 401, got {(int)response.StatusCode}");
                    if (i >= 0) times.Add(sw.Elapsed.TotalMilliseconds); // the first 10 warm up
                }
                times.Sort();
                double P(double q) => times[(int)Math.Min(times.Count - 1, q * times.Count)];
                Console.WriteLine($"  {kind,-24} min {times[0],7:F1}  p50 {P(0.5),7:F1}  p90 {P(0.9),7:F1}  p99 {P(0.99),7:F1}  max {times[^1],7:F1} ms");
            }
        }, config => { config["refusalDelay"] = delay; config["throttle"] = generous.DeepClone(); });
    }
}

// Signing alone, one thread: the floor under every figure below.
void Sign()
{
    var key = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate("ES256"));
    const string claims = """{"sub":"user1","aud":"https://meet.example.org/group/lab/","permissions":["present","message"],"iat":1,"exp":31,"iss":"x"}""";
    for (var i = 0; i < 2000; i++) JwtSigner.Sign(claims, key);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var n = 0;
    while (sw.Elapsed < TimeSpan.FromSeconds(2)) { JwtSigner.Sign(claims, key); n++; }
    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"ES256 JwtSigner.Sign, one thread: {n / sw.Elapsed.TotalSeconds:F0}/s measured, {used.TotalMilliseconds * 1000 / n:F1} µs CPU each");
}

// One thread, one connection, binds in a loop: the client library's own cost per operation.
void LdapMicro()
{
    using var directory = new TestDirectory(extraPeople: 10);
    using var connection = new System.DirectoryServices.Protocols.LdapConnection(
        new System.DirectoryServices.Protocols.LdapDirectoryIdentifier("127.0.0.1", directory.Port))
    { AuthType = System.DirectoryServices.Protocols.AuthType.Basic, AutoBind = false };
    connection.SessionOptions.ProtocolVersion = 3;
    var credential = new System.Net.NetworkCredential("uid=user1,ou=people," + TestDirectory.Suffix, "user1-pw");
    for (var i = 0; i < 500; i++) connection.Bind(credential);
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var slapd = directory.CpuTime();
    var sw = Stopwatch.StartNew();
    var n = 0;
    while (sw.Elapsed < TimeSpan.FromSeconds(3)) { connection.Bind(credential); n++; }
    var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    Console.WriteLine($"LdapConnection.Bind, one thread: {n / sw.Elapsed.TotalSeconds:F0}/s, {used.TotalMilliseconds * 1000 / n:F0} µs CPU client, " +
                      $"{(directory.CpuTime() - slapd).TotalMilliseconds * 1000 / n:F0} µs CPU slapd, {sw.Elapsed.TotalMilliseconds * 1000 / n:F0} µs wall each");
}

void FileBackend()
{
    var users = new JsonObject();
    for (var i = 0; i < Users; i++) users[$"user{i}"] = new JsonObject { ["password"] = $"user{i}-pw", ["permissions"] = "present" };
    WithServer(new JsonObject { ["type"] = "file", ["path"] = "users.json" }, new JsonObject { ["users"] = users }, server =>
    {
        var (result, serverCpu) = Measure(server);
        Report("users file, plain passwords, ES256", result, serverCpu, TimeSpan.Zero);
    });
}

void Ldap(bool searchMode, bool cache)
{
    using var directory = new TestDirectory(extraPeople: Users);
    var backend = new JsonObject
    {
        ["type"] = "ldap",
        ["url"] = directory.Url,
        ["groupBase"] = "ou=groups," + TestDirectory.Suffix,
        ["groupFilter"] = "(&(objectClass=groupOfNames)(member={dn}))",
        ["poolSize"] = 16,
        ["cacheSeconds"] = cache ? 60 : 0,
    };
    if (searchMode)
    {
        backend["bindDn"] = TestDirectory.ReaderDn;
        backend["bindPassword"] = TestDirectory.ReaderPassword;
        backend["base"] = "ou=people," + TestDirectory.Suffix;
    }
    else backend["userDn"] = "uid={0},ou=people," + TestDirectory.Suffix;

    WithServer(backend, null, server =>
    {
        TimeSpan slapdBefore = default;
        var (result, serverCpu) = Measure(server, () => slapdBefore = directory.CpuTime());
        var slapd = directory.CpuTime() - slapdBefore;
        var steps = (searchMode, cache) switch
        {
            (_, true) => "DN and groups cached (cacheSeconds 60): one user bind per token",
            (true, false) => "no cache: service search + user bind + group search per token",
            (false, false) => "no cache: user bind + group search per token",
        };
        Report($"LDAP {(searchMode ? "search" : "bind-template")} mode, pool 16, {steps}", result, serverCpu, slapd);
    });
}

void WithServer(JsonNode backend, JsonObject? usersFile, Action<ServerProcess> run, Action<JsonObject>? configure = null)
{
    var dir = Directory.CreateTempSubdirectory("tessera-bench-").FullName;
    try
    {
        if (usersFile is not null) File.WriteAllText(Path.Combine(dir, "users.json"), usersFile.ToJsonString());
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["insecure"] = true,
            ["keys"] = new JsonArray(JsonNode.Parse(JsonWebKeyGenerator.Generate("ES256", "bench"))),
            ["conferences"] = new JsonArray("https://meet.example.org/"),
            ["backends"] = backend is JsonArray list ? list.DeepClone() : new JsonArray(backend.DeepClone()),
            ["rules"] = JsonNode.Parse("""[{"groups":"**","permissions":["present","message"]}]"""),
        };
        configure?.Invoke(config);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        using var server = new ServerProcess(Path.Combine(dir, "config.json"));
        run(server);
    }
    finally
    {
        Directory.Delete(dir, true);
    }
}

(LoadGenerator.Result Result, TimeSpan ServerCpu) Measure(ServerProcess server, Action? onStart = null)
{
    var requests = Enumerable.Range(0, Users).Select(i => LoadGenerator.LoginRequest($"user{i}", $"user{i}-pw", Location)).ToList();
    LoadGenerator.RunAsync(server.Endpoint, requests, concurrency, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
    onStart?.Invoke();
    var before = server.CpuTime();
    var result = LoadGenerator.RunAsync(server.Endpoint, requests, concurrency, TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();
    return (result, server.CpuTime() - before);
}

void Report(string label, LoadGenerator.Result r, TimeSpan serverCpu, TimeSpan slapdCpu)
{
    double PerToken(TimeSpan t) => t.TotalMilliseconds * 1000 / Math.Max(1, r.Tokens);
    var server = PerToken(serverCpu);
    var client = PerToken(r.LoadGeneratorCpu);
    var slapd = PerToken(slapdCpu);
    Console.WriteLine($"{label}:");
    Console.WriteLine($"  measured {r.PerSecond:F0} tokens/s ({r.Tokens} tokens, {r.Failures} failures, load average now {LoadAverage()})");
    Console.WriteLine($"  CPU per token: tessera-auth {server:F0} µs, load generator {client:F0} µs" + (slapdCpu > TimeSpan.Zero ? $", slapd {slapd:F0} µs" : ""));
    Console.WriteLine($"  on {cores} idle cores: tessera-auth alone ≈ {cores * 1e6 / server:F0} tokens/s; " +
                      $"sharing them with the load generator{(slapdCpu > TimeSpan.Zero ? " and slapd" : "")} ≈ {cores * 1e6 / (server + client + slapd):F0} tokens/s");
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
