// Duo's HMAC request signing (v2 and v5), byte-for-byte as Duo's own clients build it.
// Pure: no I/O, so the emulator verifies with exactly the code the client signs with.
import { createHash, createHmac } from 'node:crypto';

export type SignatureVersion = 2 | 5;
export type DuoParams = Record<string, string | string[]>;

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const utf8 = new TextEncoder();

/** Percent-encodes everything but `A-Za-z0-9-._~`, UTF-8, upper-case hex (RFC 3986, as Duo's clients do). */
function encodeDuoComponent(text: string): string {
  let out = '';
  for (const char of text) {
    if (UNRESERVED.test(char)) {
      out += char;
    } else {
      for (const byte of utf8.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function compareBytes(a: string, b: string): number {
  // Encoded strings are ASCII, so code-unit order is byte order.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `k=v&k=v` sorted by encoded key, repeated values sorted too. This follows duo_client_python
 * (Duo's reference client); Duo's Node client sorts raw keys and keeps repeated values unsorted,
 * which only differs for keys outside `A-Za-z0-9-._~` and for repeated keys.
 */
export function canonicalizeParams(params: DuoParams): string {
  const pairs: string[] = [];
  const keys = Object.keys(params).map((k) => [encodeDuoComponent(k), k] as const).sort((a, b) => compareBytes(a[0], b[0]));
  for (const [encodedKey, key] of keys) {
    const raw = params[key];
    const values = (Array.isArray(raw) ? raw : [raw]).map(encodeDuoComponent).sort(compareBytes);
    for (const value of values) pairs.push(`${encodedKey}=${value}`);
  }
  return pairs.join('&');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 2822 date in UTC, the form Python's `email.utils.formatdate()` gives: `Tue, 21 Aug 2012 17:29:18 -0000`. */
export function formatRfc2822Date(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} `
    + `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} -0000`;
}

function sha512Hex(text: string | Uint8Array): string {
  return createHash('sha512').update(text).digest('hex');
}

/** Hash of the `x-duo-*` headers for v5: lower-cased names sorted, then name and value joined with NUL. */
function hashDuoHeaders(headers: Record<string, string> = {}): string {
  const parts: string[] = [];
  const entries = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v] as const).sort((a, b) => compareBytes(a[0], b[0]));
  for (const [name, value] of entries) parts.push(name, value);
  return sha512Hex(parts.join('\0'));
}

export interface CanonicalRequest {
  method: string;
  host: string;
  path: string;
  /** Parameters that are part of the signed string: the query (GET) or, for v2, the form body. */
  params: DuoParams;
  date: string;
  /** v5 only: the exact request body (empty for GET/DELETE). */
  body?: string;
  /** v5 only: any `x-duo-*` headers sent. */
  duoHeaders?: Record<string, string>;
}

export function canonicalizeRequest(request: CanonicalRequest, version: SignatureVersion): string {
  const lines = [request.date, request.method.toUpperCase(), request.host.toLowerCase(), request.path, canonicalizeParams(request.params)];
  if (version === 5) lines.push(sha512Hex(request.body ?? ''), hashDuoHeaders(request.duoHeaders));
  return lines.join('\n');
}

/** Hex HMAC-SHA512 of the canonical request (the same hash for v2 and v5, as Duo's clients use today). */
function computeSignature(skey: string, request: CanonicalRequest, version: SignatureVersion): string {
  return createHmac('sha512', skey).update(canonicalizeRequest(request, version)).digest('hex');
}

/** The `Authorization` header value: `Basic base64(ikey:hexsig)`. */
export function signRequest(ikey: string, skey: string, request: CanonicalRequest, version: SignatureVersion = 5): string {
  return `Basic ${Buffer.from(`${ikey}:${computeSignature(skey, request, version)}`).toString('base64')}`;
}

/** The header, its Base64 token and the hex signature inside: none may ever be shown. */
function authorizationSecrets(authorization: string): string[] {
  const token = authorization.slice('Basic '.length);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  return [authorization, token, decoded.slice(decoded.indexOf(':') + 1)];
}

export interface PreparedRequest {
  method: 'GET' | 'POST';
  /** Path plus query string. */
  target: string;
  headers: Record<string, string>;
  body?: string;
  /** Values derived from a secret (signatures, assertions) that must never be shown, even if a server echoes them. */
  secrets?: string[];
}

export interface SignedCall {
  ikey: string;
  skey: string;
  host: string;
  method: 'GET' | 'POST';
  path: string;
  params?: Record<string, string>;
  version?: SignatureVersion;
  now?: Date;
}

/**
 * Builds a complete signed request. GET parameters go in the query string; POST parameters go
 * in a JSON body for v5 (as duo_client_python sends them) or a form body for v2.
 */
export function prepareSignedRequest(call: SignedCall): PreparedRequest {
  const version = call.version ?? 5;
  const params = call.params ?? {};
  const date = formatRfc2822Date(call.now ?? new Date());
  const headers: Record<string, string> = { date };
  const query = canonicalizeParams(params);
  if (call.method === 'GET') {
    headers.authorization = signRequest(call.ikey, call.skey, { method: 'GET', host: call.host, path: call.path, params, date, body: '' }, version);
    return { method: 'GET', target: query ? `${call.path}?${query}` : call.path, headers, secrets: authorizationSecrets(headers.authorization) };
  }
  if (version === 5) {
    const body = JSON.stringify(Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]])));
    headers['content-type'] = 'application/json';
    headers.authorization = signRequest(call.ikey, call.skey, { method: call.method, host: call.host, path: call.path, params: {}, date, body }, 5);
    return { method: call.method, target: call.path, headers, body, secrets: authorizationSecrets(headers.authorization) };
  }
  headers['content-type'] = 'application/x-www-form-urlencoded';
  headers.authorization = signRequest(call.ikey, call.skey, { method: call.method, host: call.host, path: call.path, params, date }, 2);
  return { method: call.method, target: call.path, headers, body: query, secrets: authorizationSecrets(headers.authorization) };
}
