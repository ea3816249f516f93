using System.Net;
using System.Text.RegularExpressions;

namespace Tessera.AuthServer.Tests.Oidc;

/// <summary>
/// A browser without JavaScript, over real HTTP: keeps cookies per host, follows redirects itself
/// so each hop can be inspected, and fills the provider's login and consent forms. Like a real
/// browser it keeps the provider's session: once signed in there, it stays that person.
/// </summary>
public sealed partial class SignInClient(string authBase, CookieContainer cookies) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>The cookies this browser holds for tessera-auth.</summary>
    public int CookieCount(string prefix) => cookies.GetCookies(new Uri(authBase)).Count(c => c.Name.StartsWith(prefix, StringComparison.Ordinal));

    public SignInClient(string authBase) : this(authBase, new CookieContainer())
    {
    }

    /// <summary>The authorization request tessera-auth sent the browser to, once <see cref="StartAsync"/> ran.</summary>
    public Uri? AuthorizationRequest { get; private set; }

    public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

    /// <summary><c>GET /oidc/NAME/start?return=GROUP</c>: tessera-auth's answer (a 303 to the provider, or a page).</summary>
    public async Task<HttpResponseMessage> StartAsync(string backend, string groupUrl)
    {
        var response = await _http.GetAsync($"{authBase}oidc/{backend}/start?return={Uri.EscapeDataString(groupUrl)}");
        if (response.StatusCode == HttpStatusCode.SeeOther) AuthorizationRequest = response.Headers.Location;
        return response;
    }

    /// <summary>
    /// Starts a sign-in, logs in at the provider and consents, and stops where the provider sends
    /// the browser back to tessera-auth: the callback URL, not yet visited.
    /// </summary>
    /// <param name="consent">False: press the provider's Deny instead of Allow.</param>
    public async Task<string> UntilCallbackAsync(string backend, string groupUrl, string user, string password, bool consent = true)
    {
        var start = await StartAsync(backend, groupUrl);
        Assert.Equal(HttpStatusCode.SeeOther, start.StatusCode);
        var next = start.Headers.Location!;
        for (var hops = 0; hops < 20; hops++)
        {
            if (next.AbsoluteUri.StartsWith(authBase, StringComparison.Ordinal)) return next.AbsoluteUri;
            var response = await _http.GetAsync(next);
            if (response.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.Found or HttpStatusCode.RedirectKeepVerb)
            {
                next = new Uri(next, response.Headers.Location!);
                continue;
            }
            var page = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{next}: {(int)response.StatusCode} {page}");
            var actions = FormAction().Matches(page).Select(m => m.Groups[1].Value).ToList();
            var action = new Uri(next, consent || actions.Count == 1 ? actions[0] : actions.Single(a => a.EndsWith("/abort", StringComparison.Ordinal)));
            var form = action.AbsolutePath.EndsWith("/login", StringComparison.Ordinal)
                ? new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = user, ["password"] = password })
                : new FormUrlEncodedContent(new Dictionary<string, string>());
            var posted = await _http.PostAsync(action, form);
            Assert.True(posted.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.Found,
                        $"{action}: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
            next = new Uri(action, posted.Headers.Location!);
        }
        throw new InvalidOperationException("the provider never sent the browser back");
    }

    /// <summary>The whole sign-in: tessera-auth's answer at the callback.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string backend, string groupUrl, string user, string password) =>
        await _http.GetAsync(await UntilCallbackAsync(backend, groupUrl, user, password));

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    public void Dispose() => _http.Dispose();
}
