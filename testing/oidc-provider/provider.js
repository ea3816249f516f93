// A real OpenID Connect provider (the certified `oidc-provider` package) on loopback, for
// tessera-auth's tests and benchmark. Usage: node provider.js SETTINGS.json
//
// SETTINGS: {"port": N, "users": {NAME: {"password", "claims": {...}, "userinfoOnly": [claim...]}},
//            "clients": [oidc-provider client metadata...]}
//
// Besides the provider itself it serves, on the same loopback port:
// - /interaction/UID: its own login and consent pages (the provider checks the password);
// - /test/*: controls that make the provider misbehave the way a broken or hostile one would,
//   so that tessera-auth's refusals are tested against real responses:
//     POST /test/tamper {"mode"}  the next token response's ID token is altered (see `tamper`), or
//                                 with "insecure-discovery" the next discovery document names a
//                                 token endpoint in clear on another host;
//     POST /test/rotate {"drop"}  a new signing key comes first (old ones dropped with "drop");
//     GET  /test/stats            how many discovery, JWKS and token requests were served.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${settings.port}`;
const users = settings.users;

async function newSigningKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: `key-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, alg: 'RS256', use: 'sig' };
}

let signingKeys = [await newSigningKey()];
// A key the provider never publishes: ID tokens signed with it must be refused.
const strangerKey = await newSigningKey();
const stats = { discovery: 0, jwks: 0, token: 0, userinfo: 0 };
let tamperMode = null;

function claimsFor(id, use) {
  const user = users[id];
  const claims = { sub: id, ...user.claims };
  if (use === 'id_token') for (const name of user.userinfoOnly ?? []) delete claims[name];
  return claims;
}

// Re-signs the ID token of a token response the way a misbehaving provider would.
async function tamper(body, mode) {
  const payload = jose.decodeJwt(body.id_token);
  const header = jose.decodeProtectedHeader(body.id_token);
  const now = Math.floor(Date.now() / 1000);
  let key = signingKeys[0];
  switch (mode) {
    case 'nonce': payload.nonce = 'not-the-nonce-that-was-sent'; break;
    case 'wrong-audience': payload.aud = 'some-other-client'; break;
    case 'wrong-issuer': payload.iss = 'http://127.0.0.1:9/'; break;
    case 'expired': payload.iat = now - 900; payload.exp = now - 600; break;
    case 'issued-in-future': payload.iat = now + 900; payload.exp = now + 1800; break;
    case 'azp': payload.aud = [payload.aud, 'some-other-client']; payload.azp = 'some-other-client'; break;
    // Same kid as the real key, so only the signature itself can tell.
    case 'other-key': key = { ...strangerKey, kid: signingKeys[0].kid }; break;
    case 'unsigned':
      body.id_token = `${jose.base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${jose.base64url.encode(JSON.stringify(payload))}.`;
      return;
    default: throw new Error(`unknown tamper mode ${mode}`);
  }
  const privateKey = await jose.importJWK(key, 'RS256');
  body.id_token = await new jose.SignJWT(payload).setProtectedHeader({ ...header, kid: key.kid }).sign(privateKey);
}

function makeProvider() {
  const provider = new Provider(issuer, {
    clients: settings.clients,
    jwks: { keys: signingKeys },
    findAccount: (ctx, id) => (users[id] ? { accountId: id, claims: (use) => claimsFor(id, use) } : undefined),
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email', 'email_verified'], groups: ['groups'], roles: ['realm_access'] },
    // ID tokens carry the claims, as Keycloak's and Entra's do; `userinfoOnly` keeps some out.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-provider-cookie-key'] },
    pkce: { required: () => true },
    // Clients are registered by the settings file: nothing is persisted, one process per test class.
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Provider error</title><h1>Provider error</h1><p>${out.error}</p>`;
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path === '/.well-known/openid-configuration') stats.discovery++;
    if (ctx.path === '/jwks') stats.jwks++;
    if (ctx.path === '/me') stats.userinfo++;
    if (ctx.path === '/token') {
      stats.token++;
      if (tamperMode === 'token-error') {
        tamperMode = null;
        ctx.status = 503;
        ctx.body = 'unavailable';
        return;
      }
    }
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && tamperMode === 'insecure-discovery') {
      tamperMode = null;
      ctx.body = { ...ctx.body, token_endpoint: 'http://198.51.100.7/token' };
    }
    if (ctx.path === '/token' && ctx.status === 200 && tamperMode && ctx.body?.id_token) {
      const mode = tamperMode;
      tamperMode = null;
      await tamper(ctx.body, mode);
    }
  });
  return provider;
}

let provider = makeProvider();

function page(res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
          `<body><h1>Test identity provider</h1>${body}</body></html>`);
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

function loginForm(res, uid, error) {
  page(res, error ? 401 : 200, 'Sign in at the test provider',
    `${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <label for="login">Provider username</label><input id="login" name="login" autocomplete="off">
      <label for="pw">Provider password</label><input id="pw" name="password" type="password">
      <button type="submit">Log in at provider</button>
    </form>`);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'login') return loginForm(res, uid);
    return page(res, 200, 'Consent', `<p>${escape(details.params.client_id)} asks for ${escape(details.params.scope)}</p>
      <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
      <form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`);
  }
  if (req.method !== 'POST') return page(res, 405, 'Method not allowed', '');
  if (action === 'login') {
    const form = await readForm(req);
    const user = users[form.get('login')];
    if (!user || user.password !== form.get('password')) return loginForm(res, uid, 'Wrong username or password.');
    return provider.interactionFinished(req, res, { login: { accountId: form.get('login') } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    const { grantId, session, params, prompt } = details;
    const grant = grantId ? await provider.Grant.find(grantId)
                          : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  if (action === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the person refused' },
                                        { mergeWithLastSubmission: false });
  }
  return page(res, 404, 'Not found', '');
}

async function control(req, res, what) {
  const reply = (value) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (what === 'stats' && req.method === 'GET') return reply(stats);
  if (what === 'tamper' && req.method === 'POST') {
    tamperMode = (await readJson(req)).mode;
    return reply({ mode: tamperMode });
  }
  if (what === 'rotate' && req.method === 'POST') {
    const { drop } = await readJson(req);
    signingKeys = [await newSigningKey(), ...(drop ? [] : signingKeys)];
    provider = makeProvider(); // sessions and codes live in the shared memory adapter
    return reply({ kid: signingKeys[0].kid });
  }
  res.writeHead(404);
  res.end();
}

const server = http.createServer(async (req, res) => {
  try {
    const path = new URL(req.url, issuer).pathname;
    const inter = path.match(/^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/);
    if (inter) return await interaction(req, res, inter[1], inter[2]);
    const test = path.match(/^\/test\/(\w+)$/);
    if (test) return await control(req, res, test[1]);
    return provider.callback()(req, res);
  } catch (e) {
    if (!res.headersSent) page(res, 500, 'Error', `<p>${escape(e.message)}</p>`);
    else res.end();
  }
});
server.listen(settings.port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
