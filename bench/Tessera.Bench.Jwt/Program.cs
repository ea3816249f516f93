// Measures end-to-end JWT verification (structure, key selection, signature, claims) on one
// thread, per algorithm, with keys parsed once as the server does. Usage:
//   dotnet run -c Release --project bench/Tessera.Bench.Jwt [seconds-per-algorithm]
using System.Diagnostics;
using Tessera.Auth.Jwk;
using Tessera.Auth.Jwt;
using Tessera.Auth.Login;
using Tessera.Auth.Passwords;

var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
var now = DateTimeOffset.UtcNow; // tokens below are valid for an hour from here
var claims = $$"""
    {"sub":"ada","aud":"https://meet.example.net/group/lab/","permissions":["present","message"],
     "iat":{{now.ToUnixTimeSeconds()}},"exp":{{now.ToUnixTimeSeconds() + 3600}},"iss":"https://auth.example.net/"}
    """;

Console.WriteLine($"JWT verification, one thread, {seconds:0.#} s per algorithm ({Environment.ProcessorCount} CPUs)");
{
    // Whole-path warm-up so that the first algorithm measured is not penalised by JIT tiering.
    var key = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate("HS256"));
    var token = JwtSigner.Sign(claims, key);
    Measure(() => JwtVerifier.Verify(token, [key], "lab", null, now), 1.0);
}
foreach (var alg in new[] { "HS256", "ES256", "RS256", "PS256", "EdDSA" })
{
    var privateKey = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate(alg, "bench"));
    var verifyKey = alg.StartsWith("HS") ? privateKey : JsonWebKeyParser.Parse(privateKey.ToPublicJwk());
    var token = JwtSigner.Sign(claims, privateKey);
    IReadOnlyList<JsonWebKey> keys = [verifyKey];
    if (!JwtVerifier.Verify(token, keys, "lab", null, now).Success) throw new InvalidOperationException($"{alg} token does not verify");

    // A forged token (last signature character changed) measures the refusal path an attacker can drive.
    var forged = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
    if (JwtVerifier.Verify(forged, keys, "lab", null, now).Success) throw new InvalidOperationException("forgery verified");

    var rate = Measure(() => JwtVerifier.Verify(token, keys, "lab", null, now), seconds);
    var refusals = Measure(() => JwtVerifier.Verify(forged, keys, "lab", null, now), seconds / 2);
    var reimport = Measure(() => JwtVerifier.Verify(token, [JsonWebKeyParser.ParseLenient(verifyKey.Json)], "lab", null, now), seconds / 2);
    Console.WriteLine($"{alg,-6} {rate,10:N0} verifications/s   forged: {refusals,8:N0}/s   re-importing the key each time: {reimport,8:N0}/s");
}

var hmac = JsonWebKeyParser.Parse(JsonWebKeyGenerator.Generate("HS256"));
var hmacToken = JwtSigner.Sign(claims, hmac);

// The join-time entry point, as the server calls it (HS256 JWT, username from sub).
using var passwords = new PasswordVerifier();
var checker = new CredentialChecker(passwords, null, TimeProvider.System);
var group = new GroupAuthContext { GroupName = "lab", AuthKeys = [hmac] };
var credentials = new JoinCredentials(null, null, hmacToken);
if (!checker.CheckAsync(credentials, group).Result.IsGranted) throw new InvalidOperationException("checker refused");
var checks = Measure(() => checker.CheckAsync(credentials, group).GetAwaiter().GetResult(), seconds);
Console.WriteLine($"CredentialChecker with an HS256 JWT: {checks:N0} checks/s on one thread");
var threads = Environment.ProcessorCount;
var total = 0L;
var stopwatch = Stopwatch.StartNew();
Parallel.For(0, threads, _ =>
{
    var count = 0L;
    while (stopwatch.Elapsed.TotalSeconds < seconds)
    {
        JwtVerifier.Verify(hmacToken, [hmac], "lab", null, now);
        count++;
    }
    Interlocked.Add(ref total, count);
});
Console.WriteLine($"HS256 on {threads} threads: {total / stopwatch.Elapsed.TotalSeconds:N0} verifications/s");

static double Measure(Action action, double seconds)
{
    // Warm up long enough for tiered compilation to reach optimised code.
    var warmup = Stopwatch.StartNew();
    while (warmup.Elapsed.TotalSeconds < 0.5) action();
    var count = 0L;
    var stopwatch = Stopwatch.StartNew();
    while (stopwatch.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 16; i++) action();
        count += 16;
    }
    return count / stopwatch.Elapsed.TotalSeconds;
}
