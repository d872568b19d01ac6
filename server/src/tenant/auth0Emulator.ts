// A local stand-in for the parts of an Auth0 tenant the doctor reads: the client-credentials
// token endpoint and the read-only Management API endpoints for guardian factors, Duo settings,
// post-login bindings, Actions and Rules. It checks the bearer token and its scopes like Auth0,
// can be told to fail (401, 403, 429, 500, truncated JSON, slow answers), and refuses writes.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedClient {
  client_id: string;
  client_secret: string;
  /** Management API scopes granted to this M2M application. */
  scopes: string[];
}

export interface EmulatedAction {
  id?: string;
  name: string;
  /** The deployed code (what runs at login); absent when never deployed. */
  code?: string;
  /** Saved but undeployed code, when it differs. */
  draft_code?: string;
  deployed?: boolean;
  all_changes_deployed?: boolean;
  runtime?: string;
  secrets?: { name: string }[];
}

export interface EmulatedRule {
  id?: string;
  name: string;
  enabled: boolean;
  script: string;
  order?: number;
}

export interface SimulatedFailure {
  /** 401, 403, 429 or 500 (an HTML page), or `truncated` JSON, or `slow` (answer after delayMs). */
  mode: 401 | 403 | 429 | 500 | 'truncated' | 'slow';
  /** Only requests whose path starts with this (default: every /api/v2 request). */
  path?: string;
  /** How many matching requests fail before the emulator answers normally (default: all). */
  times?: number;
  delayMs?: number;
}

export interface EmulatedTenant {
  /** The tenant domain the emulator plays (the token audience is https://<domain>/api/v2/). */
  domain: string;
  clients: EmulatedClient[];
  factors: { name: string; enabled: boolean }[];
  /** The Duo factor settings; null or absent when not configured. */
  duo?: { ikey?: string; skey?: string; host?: string } | null;
  actions: EmulatedAction[];
  /** Action names (or ids) bound to the post-login trigger, in order. */
  bindings: { 'post-login': string[] };
  rules: EmulatedRule[];
  simulate?: SimulatedFailure[];
}

export interface Auth0EmulatorOptions {
  /** Called for every request, so a tenant file edited while running takes effect (a "deploy"). */
  tenant: () => EmulatedTenant;
  port?: number;
  hostname?: string;
  /** One line per request (method, path, status); never headers, bodies or tokens. */
  log?: (line: string) => void;
}

export interface RunningAuth0Emulator {
  url: string;
  port: number;
  /** Method and path of every request received, for tests (never a body). */
  requests: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

const ALL_FACTORS = ['sms', 'push-notification', 'otp', 'email', 'duo', 'webauthn-roaming', 'webauthn-platform', 'recovery-code'];
const MAX_BODY_BYTES = 64 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a tenant description; throws with the first problem. */
export function parseEmulatedTenant(json: unknown): EmulatedTenant {
  if (!isObject(json)) throw new Error('the tenant description must be a JSON object');
  if (typeof json.domain !== 'string' || !json.domain) throw new Error('"domain" must be the tenant domain, like demo.us.auth0.com');
  if (!Array.isArray(json.clients) || !json.clients.every((c) => isObject(c) && typeof c.client_id === 'string' && typeof c.client_secret === 'string')) {
    throw new Error('"clients" must list M2M applications: [{ "client_id", "client_secret", "scopes": [...] }]');
  }
  const arr = (key: string) => {
    const v = json[key];
    if (v !== undefined && !Array.isArray(v)) throw new Error(`"${key}" must be a list`);
    return (v ?? []) as unknown[];
  };
  const actions = arr('actions');
  if (!actions.every((a) => isObject(a) && typeof a.name === 'string')) throw new Error('every Action needs a "name"');
  const rules = arr('rules');
  if (!rules.every((r) => isObject(r) && typeof r.name === 'string' && typeof r.script === 'string')) throw new Error('every Rule needs a "name" and a "script"');
  const bindings = isObject(json.bindings) && Array.isArray(json.bindings['post-login']) ? json.bindings['post-login'].filter((b): b is string => typeof b === 'string') : [];
  return {
    domain: json.domain,
    clients: (json.clients as Record<string, unknown>[]).map((c) => ({ client_id: c.client_id as string, client_secret: c.client_secret as string, scopes: Array.isArray(c.scopes) ? c.scopes.filter((s): s is string => typeof s === 'string') : [] })),
    factors: arr('factors').filter(isObject).map((f) => ({ name: String(f.name), enabled: f.enabled === true })),
    duo: isObject(json.duo) ? json.duo as EmulatedTenant['duo'] : null,
    actions: actions as EmulatedAction[],
    bindings: { 'post-login': bindings },
    rules: (rules as EmulatedRule[]).map((r) => ({ ...r, enabled: r.enabled !== false })),
    simulate: Array.isArray(json.simulate) ? json.simulate.filter(isObject) as unknown as SimulatedFailure[] : undefined,
  };
}

function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A demo Duo Rule, as teams wrote them before Rules stopped. */
const DEMO_DUO_RULE = `function requireDuo(user, context, callback) {
  if (context.protocol === 'oauth2-refresh-token') {
    return callback(null, user, context);
  }
  context.multifactor = {
    provider: 'duo',
    ikey: configuration.DUO_IKEY,
    skey: configuration.DUO_SKEY,
    host: configuration.DUO_HOST,
    allowRememberBrowser: false,
  };
  callback(null, user, context);
}
`;

/**
 * A consistent demo tenant: one M2M application with the doctor's scopes, Duo as the only
 * enabled factor with the given keys (the Duo emulator's), and a Duo Rule still enabled.
 */
export function generateEmulatedTenant(duoKeys: { ikey: string; skey: string; host: string }): EmulatedTenant {
  return {
    domain: `duo-demo-${randomBytes(3).toString('hex')}.us.auth0.com`,
    clients: [{ client_id: randomSecret(24).replace(/[-_]/g, 'x').slice(0, 32), client_secret: randomSecret(48), scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
    factors: ALL_FACTORS.map((name) => ({ name, enabled: name === 'duo' })),
    duo: { ...duoKeys },
    actions: [],
    bindings: { 'post-login': [] },
    rules: [{ id: `rul_${randomSecret(12)}`, name: 'Require Duo', enabled: true, script: DEMO_DUO_RULE, order: 1 }],
  };
}

interface IssuedToken {
  scopes: Set<string>;
  domain: string;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function mgmtError(status: number, error: string, message: string, errorCode?: string): Record<string, unknown> {
  return { statusCode: status, error, message, ...(errorCode ? { errorCode } : {}) };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseTokenRequest(body: string, contentType: string): Record<string, string> {
  if (/json/i.test(contentType)) {
    try {
      const json = JSON.parse(body);
      return isObject(json) ? Object.fromEntries(Object.entries(json).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** Which scope each readable endpoint needs, as the Management API documents it. */
function scopeFor(path: string): string | undefined {
  if (path === '/api/v2/guardian/factors' || path === '/api/v2/guardian/factors/duo/settings') return 'read:guardian_factors';
  if (path === '/api/v2/actions/triggers/post-login/bindings' || path.startsWith('/api/v2/actions/actions/')) return 'read:actions';
  if (path === '/api/v2/rules') return 'read:rules';
  return undefined;
}

function actionId(action: EmulatedAction, index: number): string {
  return action.id ?? `act_${index}_${action.name.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`;
}

function actionSummary(action: EmulatedAction, index: number): Record<string, unknown> {
  return {
    id: actionId(action, index),
    name: action.name,
    supported_triggers: [{ id: 'post-login', version: 'v3' }],
    all_changes_deployed: action.all_changes_deployed !== false && action.draft_code === undefined,
    created_at: '2026-01-05T10:00:00.000Z',
    updated_at: '2026-11-20T10:00:00.000Z',
    runtime: action.runtime ?? 'node22',
  };
}

function actionDetail(action: EmulatedAction, index: number): Record<string, unknown> {
  const deployed = action.deployed !== false && action.code !== undefined;
  return {
    ...actionSummary(action, index),
    code: action.draft_code ?? action.code ?? '',
    secrets: (action.secrets ?? []).map((s) => ({ name: s.name, updated_at: '2026-11-20T10:00:00.000Z' })),
    ...(deployed ? { deployed_version: { id: `${actionId(action, index)}_v1`, code: action.code, runtime: action.runtime ?? 'node22', deployed: true, status: 'built' } } : {}),
  };
}

export async function startAuth0Emulator(options: Auth0EmulatorOptions): Promise<RunningAuth0Emulator> {
  const tokens = new Map<string, IssuedToken>();
  const failures = new Map<number, number>();
  const requests: RunningAuth0Emulator['requests'] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    let tenant: EmulatedTenant;
    try {
      tenant = options.tenant();
    } catch (err) {
      send(res, 500, mgmtError(500, 'Internal Server Error', `the emulator's tenant description cannot be read: ${(err as Error).message}`));
      return 500;
    }

    if (path === '/oauth/token') {
      if (req.method !== 'POST') { send(res, 405, { error: 'invalid_request', error_description: 'use POST' }); return 405; }
      const body = await readBody(req);
      const params = parseTokenRequest(body ?? '', String(req.headers['content-type'] ?? ''));
      if (params.grant_type !== 'client_credentials') { send(res, 400, { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' }); return 400; }
      const client = tenant.clients.find((c) => c.client_id === params.client_id);
      if (!client || client.client_secret !== params.client_secret) { send(res, 401, { error: 'access_denied', error_description: 'Unauthorized' }); return 401; }
      const audience = `https://${tenant.domain}/api/v2/`;
      if (params.audience !== audience) {
        send(res, 403, { error: 'access_denied', error_description: `Service not enabled within domain: ${params.audience ?? ''}`.slice(0, 200) });
        return 403;
      }
      if (client.scopes.length === 0) {
        send(res, 403, { error: 'access_denied', error_description: `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.` });
        return 403;
      }
      const token = randomSecret(32);
      tokens.set(token, { scopes: new Set(client.scopes), domain: tenant.domain });
      send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 86400, scope: client.scopes.join(' ') });
      return 200;
    }

    if (!path.startsWith('/api/v2/')) { send(res, 404, mgmtError(404, 'Not Found', 'Not Found')); return 404; }
    // The doctor only reads: a write attempt is answered, logged and never applied.
    if (req.method !== 'GET') { send(res, 405, mgmtError(405, 'Method Not Allowed', 'the emulator is read-only')); return 405; }

    for (const [i, failure] of (tenant.simulate ?? []).entries()) {
      if (failure.path && !path.startsWith(failure.path)) continue;
      const used = failures.get(i) ?? 0;
      if (failure.times !== undefined && used >= failure.times) continue;
      failures.set(i, used + 1);
      switch (failure.mode) {
        case 401: send(res, 401, mgmtError(401, 'Unauthorized', 'Invalid token')); return 401;
        case 403: {
          const scope = scopeFor(path) ?? 'read:rules';
          send(res, 403, mgmtError(403, 'Forbidden', `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope'));
          return 403;
        }
        case 429: send(res, 429, mgmtError(429, 'Too Many Requests', 'Global limit has been reached'), { 'retry-after': '0' }); return 429;
        case 500: send(res, 500, '<!DOCTYPE html><html><head><title>Auth0</title></head><body><h1>Something went wrong</h1></body></html>'); return 500;
        case 'truncated': {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"bindings":[{"id":"bnd_1","action":{"id":"act_');
          return 200;
        }
        case 'slow': {
          // Ends early when the client gives up, so a stopped emulator has no timer left behind.
          await new Promise<void>((done) => {
            const timer = setTimeout(done, Math.min(failure.delayMs ?? 5000, 60_000));
            res.once('close', () => { clearTimeout(timer); done(); });
          });
          if (res.destroyed) return 0;
          break;
        }
      }
    }

    const auth = String(req.headers.authorization ?? '');
    const issued = /^Bearer (.+)$/.exec(auth)?.[1];
    const token = issued ? tokens.get(issued) : undefined;
    if (!token || token.domain !== tenant.domain) { send(res, 401, mgmtError(401, 'Unauthorized', 'Invalid token')); return 401; }
    const scope = scopeFor(path);
    if (!scope) { send(res, 404, mgmtError(404, 'Not Found', 'Not Found')); return 404; }
    if (!token.scopes.has(scope)) { send(res, 403, mgmtError(403, 'Forbidden', `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope')); return 403; }

    if (path === '/api/v2/guardian/factors') {
      const listed = new Map(tenant.factors.map((f) => [f.name, f.enabled]));
      send(res, 200, [...new Set([...ALL_FACTORS, ...listed.keys()])].map((name) => ({ name, enabled: listed.get(name) ?? false, trial_expired: false })));
      return 200;
    }
    if (path === '/api/v2/guardian/factors/duo/settings') {
      send(res, 200, tenant.duo ?? {});
      return 200;
    }
    if (path === '/api/v2/actions/triggers/post-login/bindings') {
      const page = Number(url.searchParams.get('page') ?? 0);
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 50) || 50, 50);
      const bound = tenant.bindings['post-login'].map((ref) => {
        const index = tenant.actions.findIndex((a, i) => a.name === ref || actionId(a, i) === ref);
        return index < 0 ? undefined : { index, action: tenant.actions[index] };
      }).filter((b): b is { index: number; action: EmulatedAction } => b !== undefined);
      const slice = bound.slice(page * perPage, (page + 1) * perPage);
      send(res, 200, {
        bindings: slice.map((b) => ({ id: randomUUID(), trigger_id: 'post-login', display_name: b.action.name, action: actionSummary(b.action, b.index) })),
        total: bound.length, page, per_page: perPage,
      });
      return 200;
    }
    if (path.startsWith('/api/v2/actions/actions/')) {
      const id = decodeURIComponent(path.slice('/api/v2/actions/actions/'.length));
      const index = tenant.actions.findIndex((a, i) => actionId(a, i) === id);
      if (index < 0) { send(res, 404, mgmtError(404, 'Not Found', 'That action does not exist.')); return 404; }
      send(res, 200, actionDetail(tenant.actions[index], index));
      return 200;
    }
    // /api/v2/rules
    const page = Number(url.searchParams.get('page') ?? 0);
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 50) || 50, 50);
    const all = tenant.rules.map((r, i) => ({ id: r.id ?? `rul_${i}`, name: r.name, enabled: r.enabled, script: r.script, order: r.order ?? i + 1, stage: 'login_success' }));
    const slice = all.slice(page * perPage, (page + 1) * perPage);
    send(res, 200, url.searchParams.get('include_totals') === 'true' ? { rules: slice, start: page * perPage, limit: perPage, total: all.length } : slice);
    return 200;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).then(
      (status) => {
        const path = (req.url ?? '/').split('?')[0];
        requests.push({ method: req.method ?? '', path, status });
        options.log?.(`${req.method} ${path} ${status}`);
      },
      () => { if (!res.headersSent) send(res, 500, mgmtError(500, 'Internal Server Error', 'emulator error')); },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.hostname ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
