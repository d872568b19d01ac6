// HTTP to one Auth0 tenant over undici, with the Duo client's guarantees: only the given Auth0
// domain (or a loopback stand-in) is contacted, every request (429 retries included) is bounded by
// one timeout, redirects are never followed, bodies are bounded, proxies come from the caller, and
// no secret or token survives into a message.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { cutText, redactText } from '../../../shared/redact';
import {
  bypassesProxy,
  describeConnectionError,
  describeRedirectTarget,
  isLoopbackHost,
  readLimited,
  type Target,
} from '../duo/transport';
import { describeRateLimited, requestRetrying429 } from '../duo/retryingRequest';

const DEFAULT_TIMEOUT_MS = 15_000;
/** A bindings page carries every bound Action's code (up to 100 kB each). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_MESSAGE = 300;

export interface Auth0HttpOptions {
  /** Send requests here (a loopback emulator) instead of https://<domain>. */
  baseUrl?: string;
  /** How messages name where `baseUrl` came from (default `--auth0-url`; the editor's setting). */
  baseUrlName?: string;
  /** Bound for each request including its 429 retries (default 15 s). */
  timeoutMs?: number;
  proxy?: string;
  noProxy?: string;
  strictSSL?: boolean;
  signal?: AbortSignal;
  /** First 429 back-off delay (default 1000 ms); tests make it small. */
  retryBaseDelayMs?: number;
}

export type Auth0FailureReason = 'invalid-domain' | 'timeout' | 'network' | 'bad-response' | 'redirect';

export type Auth0Reply =
  | { ok: true; status: number; json: unknown; latencyMs: number }
  /** Auth0 answered with an HTTP error and (usually) its JSON error body. */
  | { ok: false; reason: 'http'; status: number; error?: string; errorCode?: string; description?: string; latencyMs: number }
  | { ok: false; reason: Auth0FailureReason; message: string; latencyMs?: number };

const AUTH0_DOMAIN = /^[a-z0-9][a-z0-9-]*(?:\.[a-z]{2}(?:-\d+)?)?\.auth0\.com$/i;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An Auth0 tenant domain: `tenant.auth0.com` or a regional form such as `tenant.eu.auth0.com`. */
function isAuth0Domain(domain: string): boolean {
  return AUTH0_DOMAIN.test(domain);
}

/**
 * Why `domain` must not be contacted, or undefined. A custom domain (login.example.com) is
 * accepted only when the user typed it as a flag (`explicit`): an environment variable left over
 * from another project must not send the client secret to an arbitrary host.
 */
function describeInvalidDomain(domain: unknown, explicit: boolean): string | undefined {
  if (typeof domain !== 'string' || domain.trim() === '') return 'No Auth0 domain: set AUTH0_DOMAIN or pass --auth0-domain <tenant>.auth0.com.';
  const shown = JSON.stringify(domain.length > 80 ? `${domain.slice(0, 80)}…` : domain);
  if (/^[a-z]+:\/\//i.test(domain) || domain.includes('/')) {
    return `The Auth0 domain ${shown} must be only the host name, like my-tenant.us.auth0.com, without https:// or a path. Nothing was sent.`;
  }
  if (isAuth0Domain(domain)) return undefined;
  if (!HOSTNAME.test(domain)) return `The Auth0 domain ${shown} is not a host name. Nothing was sent.`;
  if (!explicit) {
    return `The Auth0 domain ${shown} is not an *.auth0.com tenant domain; a custom domain is used only when passed explicitly with --auth0-domain. Nothing was sent.`;
  }
  return undefined;
}

/** Why nothing is sent: the domain (stored with the credentials) or the stand-in URL setting is wrong. */
interface Refusal { error: string; about: 'credentials' | 'setting' }

function resolveTarget(domain: string, explicit: boolean, baseUrl: string | undefined, baseUrlName = '--auth0-url'): Target | Refusal {
  const invalid = describeInvalidDomain(domain, explicit);
  if (invalid) return { error: invalid, about: 'credentials' };
  if (baseUrl === undefined || baseUrl === '') return { origin: `https://${domain.toLowerCase()}`, hostname: domain.toLowerCase(), pinned: false };
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { error: `The Auth0 URL ${JSON.stringify(baseUrl)} is not a valid URL.`, about: 'setting' };
  }
  // The stand-in receives the client secret: it must be this computer, whatever the scheme.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !isLoopbackHost(url.hostname)) {
    return { error: `${baseUrlName} must point to this computer (127.0.0.1, ::1 or localhost), like http://127.0.0.1:8444; got ${JSON.stringify(url.origin)}. Nothing was sent.`, about: 'setting' };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    return { error: `${baseUrlName} must be just a scheme, host and port, like http://127.0.0.1:8444 (got ${JSON.stringify(baseUrl)}).`, about: 'setting' };
  }
  return { origin: url.origin, hostname: url.hostname, pinned: false };
}

class DeadlineExceeded extends Error {}

export interface Auth0Request {
  method: 'GET' | 'POST';
  /** Path and query, e.g. `/api/v2/rules?page=0`. */
  path: string;
  bearer?: string;
  json?: unknown;
}

/** One connection pool to one tenant; `close()` when done. */
export class Auth0Http {
  private readonly target: Target | Refusal;
  private dispatcher: Dispatcher | undefined;
  private readonly timeoutMs: number;
  private readonly secrets = new Set<string>();

  constructor(readonly domain: string, explicitDomain: boolean, private readonly options: Auth0HttpOptions = {}) {
    this.target = resolveTarget(domain, explicitDomain, options.baseUrl, options.baseUrlName);
    this.timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
  }

  /** Why nothing will be sent, if so. */
  get refusal(): string | undefined {
    return 'error' in this.target ? this.target.error : undefined;
  }

  /** What the refusal is about: the tenant domain or the stand-in URL. */
  get refusalAbout(): Refusal['about'] | undefined {
    return 'error' in this.target ? this.target.about : undefined;
  }

  get origin(): string | undefined {
    return 'error' in this.target ? undefined : this.target.origin;
  }

  /** Values that must never appear in a message (the client secret, tokens). */
  hide(...values: string[]): void {
    for (const v of values) if (v) this.secrets.add(v);
  }

  scrub(text: string): string {
    return redactText(text, [...this.secrets]);
  }

  private usesProxy(target: Target): boolean {
    return Boolean(this.options.proxy) && !bypassesProxy(target.hostname, this.options.noProxy);
  }

  private getDispatcher(target: Target): Dispatcher {
    if (this.dispatcher) return this.dispatcher;
    const tls = { rejectUnauthorized: this.options.strictSSL !== false };
    const common = { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, connections: 4 };
    this.dispatcher = this.usesProxy(target)
      ? new ProxyAgent({ ...common, uri: this.options.proxy!, requestTls: { ...tls, timeout: this.timeoutMs }, proxyTls: { ...tls, timeout: this.timeoutMs } })
      : new Agent({ ...common, connect: { ...tls, timeout: this.timeoutMs } });
    return this.dispatcher;
  }

  /** Rejects only when `options.signal` aborts; every other failure is a reply. */
  async send(req: Auth0Request): Promise<Auth0Reply> {
    if ('error' in this.target) return { ok: false, reason: 'invalid-domain', message: this.target.error };
    if (req.bearer) this.hide(req.bearer);
    const target = this.target;
    const started = Date.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DeadlineExceeded()), this.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, deadline.signal]) : deadline.signal;
    const clean = (r: Auth0Reply): Auth0Reply => {
      if (r.ok) return r;
      if (r.reason === 'http') {
        const said = (t: string | undefined) => t && cutText(this.scrub(t), MAX_MESSAGE);
        return { ...r, error: said(r.error), errorCode: said(r.errorCode), description: said(r.description) };
      }
      return { ...r, message: this.scrub(r.message) };
    };
    try {
      return clean(await this.attempt(req, target, signal, started));
    } catch (err) {
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      if (deadline.signal.aborted) {
        return { ok: false, reason: 'timeout', message: `No complete answer from ${target.origin} within ${this.timeoutMs} ms (${req.method} ${req.path.split('?')[0]}).`, latencyMs: Date.now() - started };
      }
      const failure = describeConnectionError(err, target, this.usesProxy(target) ? this.options.proxy : undefined);
      return clean({ ok: false, reason: failure.reason === 'timeout' ? 'timeout' : 'network', message: failure.message, latencyMs: Date.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(req: Auth0Request, target: Target, signal: AbortSignal, started: number): Promise<Auth0Reply> {
    const where = `${req.method} ${req.path.split('?')[0]}`;
    const headers: Record<string, string> = { 'user-agent': `duo-rules/${VERSION}`, accept: 'application/json' };
    if (req.bearer) headers.authorization = `Bearer ${req.bearer}`;
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    const sent = await requestRetrying429((remaining) => request(`${target.origin}${req.path}`, {
      method: req.method,
      headers,
      body: req.json === undefined ? undefined : JSON.stringify(req.json),
      dispatcher: this.getDispatcher(target),
      signal,
      headersTimeout: remaining,
      bodyTimeout: remaining,
    }), { started, timeoutMs: this.timeoutMs, baseDelayMs: this.options.retryBaseDelayMs ?? 1000, signal });
    const { latencyMs } = sent;
    if (sent.rateLimited) {
      return { ok: false, reason: 'http', status: 429, error: 'Too Many Requests', description: describeRateLimited(sent.attempts), latencyMs };
    }
    const { res } = sent;
    if (res.statusCode >= 300 && res.statusCode < 400) {
      await res.body.dump();
      const to = typeof res.headers.location === 'string' ? ` to ${describeRedirectTarget(res.headers.location, target.origin)}` : '';
      return { ok: false, reason: 'redirect', message: `${target.origin} answered ${where} with a redirect (HTTP ${res.statusCode})${to}; the Management API never redirects, so it was not followed.`, latencyMs };
    }
    let raw: Buffer | undefined;
    try {
      raw = await readLimited(res.body, MAX_BODY_BYTES);
    } catch (err) {
      if (signal.aborted) throw err;
      return { ok: false, reason: 'bad-response', message: `The answer to ${where} from ${target.origin} broke off before it was complete (HTTP ${res.statusCode}).`, latencyMs };
    }
    if (!raw) return { ok: false, reason: 'bad-response', message: `The answer to ${where} from ${target.origin} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`, latencyMs };
    const text = raw.toString('utf8');
    const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : '';
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const kind = /html/i.test(contentType) || /^\s*</.test(text) ? 'an HTML page' : text.trim() === '' ? 'an empty body' : /^\s*[[{]/.test(text) ? 'JSON that is cut off or malformed' : 'a body that is not JSON';
      return { ok: false, reason: 'bad-response', message: `Not a Management API answer to ${where}: HTTP ${res.statusCode} with ${kind} (from ${target.origin}).`, latencyMs };
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode, json, latencyMs };
    const body = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      ok: false, reason: 'http', status: res.statusCode, latencyMs,
      error: str(body.error),
      errorCode: str(body.errorCode),
      description: str(body.error_description) ?? str(body.message),
    };
  }

  async close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d) await d.destroy().catch(() => undefined);
  }
}

declare const VERSION: string;
