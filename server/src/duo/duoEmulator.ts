// A strict local stand-in for the Duo endpoints `verify` uses: Auth API ping, check and preauth,
// the Web SDK health check and the Admin API summary. It checks v2 and v5 signatures, request
// dates and client assertions the way Duo does, so keys that pass here are well-formed for Duo.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { checkClientAssertion, healthCheckAudience, HEALTH_CHECK_PATH } from './clientAssertion';
import { canonicalizeRequest, type CanonicalRequest, type DuoParams } from './signing';
import { isDuoApiHost } from './transport';
import type { ApplicationKind } from '../../../shared/verifyResult';
import { inBackground } from '../../../shared/background';

export type EmulatorUserStatus = 'active' | 'bypass' | 'disabled';

export interface EmulatorApplication {
  kind: ApplicationKind;
  ikey: string;
  skey: string;
  name?: string;
}

export interface EmulatorUser {
  username: string;
  /** active (default): enrolled users must authenticate; bypass: allowed in; disabled: denied. */
  status?: EmulatorUserStatus;
  /** Whether the user has an authentication device (default true). */
  enrolled?: boolean;
}

export interface EmulatorConfig {
  /** The Duo API hostname this emulator plays; requests are signed for it. */
  host: string;
  applications: EmulatorApplication[];
  users: EmulatorUser[];
}

export interface EmulatorOptions {
  config: EmulatorConfig;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  hostname?: string;
  /** PEM key and certificate to serve https instead of http. */
  tls?: { key: string; cert: string };
  /** Makes the emulator's clock run ahead (positive) or behind, to reproduce clock-skew rejections. */
  clockOffsetMs?: number;
  /** One line per request (method, path, status, Duo code); never headers or bodies. */
  log?: (line: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  config: EmulatorConfig;
  close(): Promise<void>;
}

/** Duo rejects request dates further than this from its clock. */
const MAX_DATE_SKEW_SECONDS = 300;
const MAX_BODY_BYTES = 64 * 1024;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Fresh keys in Duo's formats: ikey `DI` + 18 upper-case letters/digits, skey 40 letters/digits. */
function generateApplication(kind: ApplicationKind): EmulatorApplication {
  return { kind, ikey: `DI${randomString(KEY_ALPHABET, 18)}`, skey: randomString(SECRET_ALPHABET, 40), name: `Emulated ${kind}` };
}

/** One application of each kind and the given users (enrolled, active). */
export function generateEmulatorConfig(usernames: string[] = []): EmulatorConfig {
  return {
    host: `api-${randomBytes(4).toString('hex')}.duosecurity.com`,
    applications: (['auth-api', 'web-sdk', 'admin-api'] as const).map(generateApplication),
    users: usernames.map((username) => ({ username, status: 'active', enrolled: true })),
  };
}

/** Validates a configuration read from JSON; throws an Error whose message names the bad field. */
export function parseEmulatorConfig(value: unknown): EmulatorConfig {
  const fail = (what: string): never => { throw new Error(`Invalid emulator configuration: ${what}`); };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('expected a JSON object with host, applications and users');
  const raw = value as Record<string, unknown>;
  if (typeof raw.host !== 'string' || !isDuoApiHost(raw.host)) fail('"host" must be a Duo API hostname such as api-1a2b3c4d.duosecurity.com');
  if (!Array.isArray(raw.applications) || raw.applications.length === 0) fail('"applications" must be a non-empty array');
  const applications = (raw.applications as unknown[]).map((a, i): EmulatorApplication => {
    const app = (a ?? {}) as Record<string, unknown>;
    if (app.kind !== 'auth-api' && app.kind !== 'web-sdk' && app.kind !== 'admin-api') fail(`applications[${i}].kind must be "auth-api", "web-sdk" or "admin-api"`);
    if (typeof app.ikey !== 'string' || app.ikey === '') fail(`applications[${i}].ikey must be a non-empty string`);
    if (typeof app.skey !== 'string' || app.skey.length < 8) fail(`applications[${i}].skey must be a string of at least 8 characters`);
    return { kind: app.kind as ApplicationKind, ikey: app.ikey as string, skey: app.skey as string, name: typeof app.name === 'string' ? app.name : undefined };
  });
  const users = (Array.isArray(raw.users) ? raw.users : raw.users === undefined ? [] : fail('"users" must be an array')) as unknown[];
  return {
    host: (raw.host as string).toLowerCase(),
    applications,
    users: users.map((u, i): EmulatorUser => {
      const user = (typeof u === 'string' ? { username: u } : u ?? {}) as Record<string, unknown>;
      if (typeof user.username !== 'string' || user.username === '') fail(`users[${i}].username must be a non-empty string`);
      if (user.status !== undefined && user.status !== 'active' && user.status !== 'bypass' && user.status !== 'disabled') fail(`users[${i}].status must be "active", "bypass" or "disabled"`);
      if (user.enrolled !== undefined && typeof user.enrolled !== 'boolean') fail(`users[${i}].enrolled must be true or false`);
      return { username: user.username as string, status: (user.status as EmulatorUserStatus | undefined) ?? 'active', enrolled: (user.enrolled as boolean | undefined) ?? true };
    }),
  };
}

interface Reply {
  status: number;
  body: unknown;
}

const ok = (response: unknown): Reply => ({ status: 200, body: { stat: 'OK', response } });
const fail = (status: number, code: number, message: string, detail?: string): Reply =>
  ({ status, body: detail ? { stat: 'FAIL', code, message, message_detail: detail } : { stat: 'FAIL', code, message } });

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function toParams(search: URLSearchParams): DuoParams {
  const params: DuoParams = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    params[key] = all.length === 1 ? all[0] : all;
  }
  return params;
}

interface ParsedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

class DuoEmulator {
  private readonly usedAssertionIds = new Set<string>();

  constructor(private readonly config: EmulatorConfig, private readonly clockOffsetMs: number) {}

  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  handle(req: ParsedRequest): Reply {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /auth/v2/ping': return ok({ time: Math.floor(this.now() / 1000) });
      case 'GET /auth/v2/check': return this.authenticate(req, 'auth-api') ?? ok({ time: Math.floor(this.now() / 1000) });
      case 'POST /auth/v2/preauth': return this.authenticate(req, 'auth-api') ?? this.preauth(req);
      case 'GET /admin/v1/info/summary': return this.authenticate(req, 'admin-api') ?? ok({ admin_count: 1, integration_count: this.config.applications.length, telephony_credits_remaining: 1000, user_count: this.config.users.length });
      case `POST ${HEALTH_CHECK_PATH}`: return this.healthCheck(req);
    }
    const known = ['/auth/v2/ping', '/auth/v2/check', '/auth/v2/preauth', '/admin/v1/info/summary', HEALTH_CHECK_PATH];
    return known.includes(req.path) ? fail(405, 40501, 'Method not allowed') : fail(404, 40401, 'Resource not found');
  }

  /** Duo's HMAC check; returns the failure to answer with, or undefined when the caller may proceed. */
  private authenticate(req: ParsedRequest, kind: ApplicationKind): Reply | undefined {
    const auth = req.headers.authorization;
    const match = typeof auth === 'string' ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(auth) : null;
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) return fail(401, 40101, 'Missing request credentials');
    const ikey = decoded.slice(0, colon);
    const signature = decoded.slice(colon + 1).toLowerCase();
    const app = this.config.applications.find((a) => a.ikey === ikey);
    if (!app) return fail(401, 40102, 'Invalid integration key');
    const dateHeader = req.headers['x-duo-date'] ?? req.headers.date;
    const date = typeof dateHeader === 'string' ? dateHeader : undefined;
    const when = date ? Date.parse(date) : NaN;
    if (!date || Number.isNaN(when)) return fail(401, 40101, 'Missing request credentials', 'Date header');
    if (Math.abs(this.now() - when) > MAX_DATE_SKEW_SECONDS * 1000) return fail(401, 40105, 'Bad request timestamp');
    if (!this.signatureMatches(req, app.skey, date, signature)) return fail(401, 40103, 'Invalid signature in request credentials');
    if (app.kind !== kind) return fail(403, 40301, 'Access forbidden', 'Wrong integration type for this API.');
    return undefined;
  }

  private signatureMatches(req: ParsedRequest, skey: string, date: string, signature: string): boolean {
    const contentType = String(req.headers['content-type'] ?? '');
    const queryParams = toParams(req.query);
    const formParams = /application\/x-www-form-urlencoded/i.test(contentType) ? toParams(new URLSearchParams(req.body)) : {};
    const duoHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-duo-') && typeof value === 'string') duoHeaders[name] = value;
    }
    const base = { method: req.method, host: this.config.host, path: req.path, date };
    const v2: CanonicalRequest = { ...base, params: { ...queryParams, ...formParams } };
    const v5: CanonicalRequest = { ...base, params: queryParams, body: req.body, duoHeaders };
    const candidates = [
      createHmac('sha512', skey).update(canonicalizeRequest(v5, 5)).digest('hex'),
      createHmac('sha512', skey).update(canonicalizeRequest(v2, 2)).digest('hex'),
      // Older v2 clients sign with HMAC-SHA1; Duo still accepts them.
      createHmac('sha1', skey).update(canonicalizeRequest(v2, 2)).digest('hex'),
    ];
    return candidates.some((candidate) => safeEqualHex(candidate, signature));
  }

  private requestParams(req: ParsedRequest): Record<string, unknown> {
    const contentType = String(req.headers['content-type'] ?? '');
    if (/application\/json/i.test(contentType)) {
      try {
        const parsed = JSON.parse(req.body);
        return parsed && typeof parsed === 'object' ? parsed : {};
      } catch {
        return {};
      }
    }
    return Object.fromEntries(new URLSearchParams(/x-www-form-urlencoded/i.test(contentType) ? req.body : req.query.toString()));
  }

  private preauth(req: ParsedRequest): Reply {
    const params = this.requestParams(req);
    const name = typeof params.username === 'string' ? params.username : typeof params.user_id === 'string' ? params.user_id : undefined;
    if (!name) return fail(400, 40001, 'Missing required request parameters', 'username');
    const user = this.config.users.find((u) => u.username.toLowerCase() === name.toLowerCase());
    if (!user || user.enrolled === false) {
      return ok({
        result: 'enroll',
        status_msg: 'Enroll an authentication device to proceed',
        enroll_portal_url: `https://${this.config.host}/portal?code=${randomBytes(8).toString('hex')}&akey=DA${randomString(KEY_ALPHABET, 18)}`,
      });
    }
    if (user.status === 'disabled') return ok({ result: 'deny', status_msg: 'Your account is disabled.' });
    if (user.status === 'bypass') return ok({ result: 'allow', status_msg: 'Account is in bypass mode' });
    return ok({
      result: 'auth',
      status_msg: 'Account is active',
      devices: [{ device: `DP${randomString(KEY_ALPHABET, 18)}`, type: 'phone', number: 'XXX-XXX-0100', name: '', capabilities: ['auto', 'push', 'sms', 'phone', 'mobile_otp'] }],
    });
  }

  private healthCheck(req: ParsedRequest): Reply {
    const form = new URLSearchParams(req.body);
    const clientId = form.get('client_id');
    const assertion = form.get('client_assertion');
    if (!clientId || !assertion) return fail(400, 40002, 'invalid_request', 'client_id and client_assertion are required.');
    const app = this.config.applications.find((a) => a.ikey === clientId);
    if (!app || app.kind !== 'web-sdk') return fail(400, 40002, 'invalid_client', 'Invalid Client ID.');
    const nowSeconds = Math.floor(this.now() / 1000);
    const checked = checkClientAssertion(assertion, { clientId, clientSecret: app.skey, audience: healthCheckAudience(this.config.host), nowSeconds });
    if (!checked.ok) return fail(400, 40002, 'invalid_client', checked.detail);
    const jti = String(checked.claims.jti);
    if (this.usedAssertionIds.has(jti)) return fail(400, 40002, 'invalid_client', 'The client assertion was already used.');
    this.usedAssertionIds.add(jti);
    return ok({ timestamp: nowSeconds });
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const config = parseEmulatorConfig(options.config);
  const emulator = new DuoEmulator(config, options.clockOffsetMs ?? 0);
  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    let reply: Reply;
    const url = new URL(req.url ?? '/', 'http://emulator');
    try {
      const body = await readBody(req);
      reply = body === undefined
        ? fail(413, 41301, 'Request entity too large')
        : emulator.handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
    } catch {
      reply = fail(400, 40000, 'Bad request');
    }
    const payload = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
    const code = (reply.body as { code?: number }).code;
    options.log?.(`${req.method} ${url.pathname} ${reply.status}${code ? ` ${code}` : ''}`);
  };
  // A reply that cannot be written (the client hung up) ends that connection, not the emulator.
  const listener = (req: IncomingMessage, res: ServerResponse) => inBackground(respond(req, res), () => res.destroy());
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  const hostname = options.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = hostname.includes(':') ? `[${hostname}]` : hostname;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`,
    port,
    config,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
