// HTTP to Duo over undici: refuses anything but a Duo API host before connecting, pins Duo's
// CA certificates, never follows redirects, bounds every request (retries included) by one
// timeout, backs off on 429 like Duo's clients, and keeps secrets out of every message.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { cutText, redactText } from '../../../shared/redact';
import { DUO_CA_CERTIFICATES } from './duoCaCerts';
import type { PreparedRequest } from './signing';
import { describeRateLimited, requestRetrying429 } from './retryingRequest';
import type { StepReason } from '../../../shared/verifyResult';
import type { DuoTransportSettings } from '../../../shared/duoTransportSettings';

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;
/** Duo's messages are one short sentence; a server sending pages of text gets them cut. */
const MAX_DUO_TEXT = 300;

/** The settings the user chooses (shared/duoTransportSettings.ts), and what only the calling code gives: cancellation, test timings. */
export interface TransportOptions extends DuoTransportSettings {
  signal?: AbortSignal;
  /** First 429 back-off delay; Duo's clients use 1000 ms. Tests make it small. */
  retryBaseDelayMs?: number;
}

export type TransportFailureReason = Exclude<StepReason, 'duo' | 'clock-skew' | 'missing-credentials'>;

export type DuoCallResult =
  | { ok: true; status: number; response: unknown; latencyMs: number }
  | { ok: false; reason: 'duo'; status: number; code?: number; duoMessage?: string; detail?: string; latencyMs: number }
  | { ok: false; reason: TransportFailureReason; message: string; latencyMs?: number };

const DUO_HOST = /^api-[a-z0-9-]+\.duosecurity\.com$/i;
const DUO_FEDERAL_HOST = /^[a-z0-9-]+\.duofederal\.com$/i;

/** A real Duo API hostname (`api-XXXXXXXX.duosecurity.com`, `*.duofederal.com`), nothing else. */
export function isDuoApiHost(host: string): boolean {
  return DUO_HOST.test(host) || DUO_FEDERAL_HOST.test(host);
}

export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Why a configured host is refused, or undefined when it is a Duo API host. */
export function describeInvalidHost(host: unknown): string | undefined {
  if (typeof host !== 'string' || host.trim() === '') return 'The Duo configuration has no host (API hostname).';
  if (isDuoApiHost(host)) return undefined;
  const shown = JSON.stringify(host.length > 80 ? `${host.slice(0, 80)}…` : host);
  if (/^https?:\/\//i.test(host) || host.includes('/')) {
    return `The host ${shown} must be only the API hostname, like api-XXXXXXXX.duosecurity.com, without https:// or a path. Nothing was sent.`;
  }
  return `The host ${shown} is not a Duo API hostname (api-XXXXXXXX.duosecurity.com or *.duofederal.com), so nothing was sent to it.`;
}

/** Where requests go; exported so the Auth0 Management API client shares the connection-error wording. */
export interface Target {
  origin: string;
  hostname: string;
  pinned: boolean;
}

/** Where requests for `host` go, or why they must not go anywhere. */
function resolveTarget(host: string, options: Pick<TransportOptions, 'baseUrl' | 'pinCertificates'>): Target | { error: string } {
  const invalid = describeInvalidHost(host);
  if (invalid) return { error: invalid };
  let url: URL;
  if (options.baseUrl === undefined || options.baseUrl === '') {
    url = new URL(`https://${host}`);
  } else {
    try {
      url = new URL(options.baseUrl);
    } catch {
      return { error: `The Duo base URL ${JSON.stringify(options.baseUrl)} is not a valid URL.` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `The Duo base URL must use https (or http to this computer), not ${url.protocol}` };
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      return { error: `The Duo base URL ${url.origin} uses plain http to another machine; only loopback addresses (127.0.0.1, ::1, localhost) may use http.` };
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
      return { error: `The Duo base URL must be just a scheme, host and port, like http://127.0.0.1:8443 (got ${JSON.stringify(options.baseUrl)}).` };
    }
  }
  const pinned = url.protocol === 'https:' && options.pinCertificates !== false && isDuoApiHost(url.hostname);
  return { origin: url.origin, hostname: url.hostname, pinned };
}

/** HTTPS_PROXY / NO_PROXY (either case) as the CLI reads them. */
export function proxyFromEnvironment(env: NodeJS.ProcessEnv): { proxy?: string; noProxy?: string } {
  const proxy = env.HTTPS_PROXY || env.https_proxy || undefined;
  const noProxy = env.NO_PROXY || env.no_proxy || undefined;
  return { proxy, noProxy };
}

/** NO_PROXY matching as curl does it: `*`, exact hosts, and domain suffixes (`.example.com` or `example.com`). */
export function bypassesProxy(hostname: string, noProxy: string | undefined): boolean {
  if (isLoopbackHost(hostname)) return true;
  if (!noProxy) return false;
  const host = hostname.toLowerCase();
  return noProxy.split(/[\s,]+/).filter(Boolean).some((raw) => {
    const entry = raw.toLowerCase().replace(/:\d+$/, '');
    if (entry === '*') return true;
    const suffix = entry.replace(/^\*?\.?/, '');
    return host === suffix || host.endsWith(`.${suffix}`);
  });
}

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof name === 'string') codes.push(name);
  }
  return codes;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

/** The proxy as it may be shown: its origin, without the user and password a proxy URL may carry. */
function describeProxy(proxy: string): string | undefined {
  try {
    const { origin } = new URL(proxy);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export function describeConnectionError(err: unknown, target: Target, proxy: string | undefined): { reason: TransportFailureReason; message: string } {
  const codes = errorCodes(err);
  if (proxy !== undefined && describeProxy(proxy) === undefined) {
    return { reason: 'network', message: 'The proxy setting (HTTPS_PROXY, or http.proxy in VS Code) is not a URL like http://proxy.example:3128.' };
  }
  const where = proxy !== undefined ? `${target.origin} (through the proxy ${describeProxy(proxy)})` : target.origin;
  if (codes.some((c) => c === 'UND_ERR_CONNECT_TIMEOUT')) return { reason: 'timeout', message: `Could not connect to ${where} in time.` };
  if (codes.some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT')) return { reason: 'timeout', message: `${where} did not answer in time.` };
  const tls = codes.find((c) => TLS_CODES.has(c));
  if (tls) {
    const why = target.pinned
      ? 'its certificate is not issued by one of the certificate authorities Duo\'s own clients pin. If a company proxy inspects TLS, turn off certificate pinning (duoRules.duo.pinCertificates).'
      : 'its certificate could not be verified.';
    return { reason: 'network', message: `Refused the TLS connection to ${where}: ${why} (${tls})` };
  }
  const proxyStatus = /Proxy response \((\d+)\)/.exec(errorMessage(err));
  if (proxyStatus) return { reason: 'network', message: `The proxy refused to open a tunnel to ${target.hostname} (HTTP ${proxyStatus[1]}).` };
  const known = codes.find((c) => /^E[A-Z]+$/.test(c) || c.startsWith('UND_ERR'));
  // Through a proxy, the connection that fails is the one to the proxy: the tunnel's failures come as its HTTP status.
  if (known === 'ECONNREFUSED') return { reason: 'network', message: proxy !== undefined ? `Nothing is listening at the proxy ${describeProxy(proxy)} (connection refused).` : `Nothing is listening at ${where} (connection refused).` };
  if (known === 'ENOTFOUND' || known === 'EAI_AGAIN') return { reason: 'network', message: `Could not resolve ${proxy !== undefined ? `the proxy ${describeProxy(proxy)} or ` : ''}${target.hostname} (DNS lookup failed).` };
  return { reason: 'network', message: `Could not talk to ${where}: ${errorMessage(err)}${known ? ` (${known})` : ''}` };
}

class DeadlineExceeded extends Error {}

export async function readLimited(body: AsyncIterable<Buffer | Uint8Array>, maxBytes = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** The origin a redirect points to (its path and query may carry whatever the server chose to echo). */
export function describeRedirectTarget(location: string, origin: string): string {
  try {
    return new URL(location, origin).origin;
  } catch {
    return 'an invalid address';
  }
}

function describeBody(status: number, contentType: string | undefined, text: string): string {
  const kind = /html/i.test(contentType ?? '') || /^\s*</.test(text) ? 'an HTML page' : text.trim() === '' ? 'an empty body' : 'a body that is not Duo\'s JSON';
  return `HTTP ${status} with ${kind}`;
}

/** One connection pool for the requests of one verification; `close()` when done. */
export class DuoTransport {
  private readonly target: Target | { error: string };
  private dispatcher: Dispatcher | undefined;
  private readonly timeoutMs: number;
  private readonly hidden = new Set<string>();

  constructor(host: string, private readonly options: TransportOptions = {}) {
    this.target = resolveTarget(host, options);
    this.timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
  }

  /** Every secret and secret-derived value (signatures, assertions) sent so far. */
  get secretValues(): string[] {
    return [...this.hidden];
  }

  /** Why no request will be sent, if so. */
  get refusal(): string | undefined {
    return 'error' in this.target ? this.target.error : undefined;
  }

  private usesProxy(target: Target): boolean {
    return Boolean(this.options.proxy) && !bypassesProxy(target.hostname, this.options.noProxy);
  }

  private getDispatcher(target: Target): Dispatcher {
    if (this.dispatcher) return this.dispatcher;
    const tls = target.pinned
      ? { ca: DUO_CA_CERTIFICATES, rejectUnauthorized: true }
      : { rejectUnauthorized: this.options.strictSSL !== false };
    const common = { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, connections: 4 };
    this.dispatcher = this.usesProxy(target)
      ? new ProxyAgent({ ...common, uri: this.options.proxy!, requestTls: { ...tls, timeout: this.timeoutMs }, proxyTls: { rejectUnauthorized: this.options.strictSSL !== false, timeout: this.timeoutMs } })
      : new Agent({ ...common, connect: { ...tls, timeout: this.timeoutMs } });
    return this.dispatcher;
  }

  /**
   * Sends the request `prepare()` builds (called again for each retry, so dates and assertions
   * are fresh). Secrets are scrubbed from every message. Rejects only when `options.signal` aborts.
   */
  async send(prepare: () => PreparedRequest, secrets: readonly string[]): Promise<DuoCallResult> {
    if ('error' in this.target) return { ok: false, reason: 'invalid-host', message: this.target.error };
    const target = this.target;
    const started = Date.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DeadlineExceeded()), this.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, deadline.signal]) : deadline.signal;
    for (const secret of secrets) this.hidden.add(secret);
    const prepareAndRemember = () => {
      const prepared = prepare();
      for (const secret of prepared.secrets ?? []) this.hidden.add(secret);
      return prepared;
    };
    const hidden = () => [...this.hidden];
    // Scrubbed whole, then cut: a cut first could leave the beginning of an echoed secret behind.
    const said = (text: string | undefined) => text && cutText(redactText(text, hidden()), MAX_DUO_TEXT);
    const scrub = (r: DuoCallResult): DuoCallResult => {
      if (r.ok) return r;
      if (r.reason === 'duo') return { ...r, duoMessage: said(r.duoMessage), detail: said(r.detail) };
      return { ...r, message: redactText(r.message, hidden()) };
    };
    try {
      return scrub(await this.attempt(prepareAndRemember, target, signal, started));
    } catch (err) {
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      if (deadline.signal.aborted) {
        return { ok: false, reason: 'timeout', message: `No complete answer from ${target.origin} within ${this.timeoutMs} ms.`, latencyMs: Date.now() - started };
      }
      return scrub({ ok: false, ...describeConnectionError(err, target, this.usesProxy(target) ? this.options.proxy : undefined), latencyMs: Date.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempt(prepare: () => PreparedRequest, target: Target, signal: AbortSignal, started: number): Promise<DuoCallResult> {
    const sent = await requestRetrying429((remaining) => {
      const prepared = prepare();
      return request(`${target.origin}${prepared.target}`, {
        method: prepared.method,
        headers: { ...prepared.headers, 'user-agent': `duo-rules/${VERSION}` },
        body: prepared.body,
        dispatcher: this.getDispatcher(target),
        signal,
        headersTimeout: remaining,
        bodyTimeout: remaining,
      });
    }, { started, timeoutMs: this.timeoutMs, baseDelayMs: this.options.retryBaseDelayMs ?? 1000, signal });
    const { latencyMs } = sent;
    if (sent.rateLimited) {
      return { ok: false, reason: 'duo', status: 429, code: 42901, duoMessage: 'Too Many Requests', detail: describeRateLimited(sent.attempts), latencyMs };
    }
    const { res } = sent;
    if (res.statusCode >= 300 && res.statusCode < 400) {
      await res.body.dump();
      // Only where it points, never the whole Location: a hostile server can echo our signature or assertion into it.
      const where = typeof res.headers.location === 'string' ? ` to ${describeRedirectTarget(res.headers.location, target.origin)}` : '';
      return { ok: false, reason: 'redirect', message: `${target.origin} answered with a redirect (HTTP ${res.statusCode})${where}; Duo's API never redirects, so it was not followed.`, latencyMs };
    }
    let raw: Buffer | undefined;
    try {
      raw = await readLimited(res.body);
    } catch (err) {
      if (signal.aborted) throw err;
      return { ok: false, reason: 'bad-response', message: `The answer from ${target.origin} broke off before it was complete (HTTP ${res.statusCode}).`, latencyMs };
    }
    if (!raw) return { ok: false, reason: 'bad-response', message: `The answer from ${target.origin} is larger than 1 MiB; Duo's answers are small.`, latencyMs };
    const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
    const text = raw.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'bad-response', message: `Not a Duo API answer: ${describeBody(res.statusCode, contentType, text)}${text.trim() && !/html/i.test(contentType ?? '') && /^\s*[[{]/.test(text) ? ' (the JSON is cut off or malformed)' : ''}.`, latencyMs };
    }
    return interpretEnvelope(json, res.statusCode, latencyMs, target.origin);
  }

  async close(): Promise<void> {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d) await d.destroy().catch(() => undefined);
  }
}

/** Duo's `{stat, response}` / `{stat: FAIL, code, message, message_detail}` envelope, or OAuth's `{error, error_description}`. */
function interpretEnvelope(json: unknown, status: number, latencyMs: number, origin: string): DuoCallResult {
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    if (body.stat === 'OK' && status >= 200 && status < 300) return { ok: true, status, response: body.response, latencyMs };
    if (body.stat === 'FAIL') {
      return {
        ok: false, reason: 'duo', status, latencyMs,
        code: typeof body.code === 'number' ? body.code : undefined,
        duoMessage: typeof body.message === 'string' ? body.message : undefined,
        detail: typeof body.message_detail === 'string' ? body.message_detail : undefined,
      };
    }
    if (typeof body.error === 'string') {
      return { ok: false, reason: 'duo', status, latencyMs, duoMessage: body.error, detail: typeof body.error_description === 'string' ? body.error_description : undefined };
    }
  }
  return { ok: false, reason: 'bad-response', message: `Not a Duo API answer: HTTP ${status} with JSON that has no "stat" (from ${origin}).`, latencyMs };
}

declare const VERSION: string;
