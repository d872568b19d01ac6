// The HS512 client-assertion JWT that Duo's Web SDK v4 (Universal Prompt) clients send to
// /oauth/v1/health_check, built as @duosecurity/duo_universal builds it, with Node's crypto only.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const HEALTH_CHECK_PATH = '/oauth/v1/health_check';
/** Lifetime Duo's clients give the assertion (seconds). */
const ASSERTION_LIFETIME_SECONDS = 300;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** `aud` of the health-check assertion: always the configured Duo host, wherever the request goes. */
export function healthCheckAudience(host: string): string {
  return `https://${host}${HEALTH_CHECK_PATH}`;
}

export interface AssertionOptions {
  clientId: string;
  clientSecret: string;
  audience: string;
  now?: Date;
}

export function createClientAssertion(options: AssertionOptions): string {
  const iat = Math.round((options.now ?? new Date()).getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS512' }));
  const payload = base64url(JSON.stringify({
    iss: options.clientId,
    sub: options.clientId,
    aud: options.audience,
    jti: randomBytes(18).toString('hex'),
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  }));
  const signature = createHmac('sha512', options.clientSecret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export interface AssertionClaims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  jti?: unknown;
  iat?: unknown;
  exp?: unknown;
}

export type AssertionCheck = { ok: true; claims: AssertionClaims } | { ok: false; detail: string };

/** Checks an assertion as Duo does (used by the emulator); `detail` is the `message_detail` to answer with. */
export function checkClientAssertion(token: string, expect: { clientId: string; clientSecret: string; audience: string; nowSeconds: number; leewaySeconds?: number }): AssertionCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, detail: 'Malformed client assertion.' };
  let header: { alg?: unknown };
  let claims: AssertionClaims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, detail: 'Malformed client assertion.' };
  }
  if (header.alg !== 'HS512') return { ok: false, detail: 'Unsupported signing algorithm.' };
  const expected = createHmac('sha512', expect.clientSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, detail: 'Failed to verify signature.' };
  if (claims.iss !== expect.clientId || claims.sub !== expect.clientId) return { ok: false, detail: 'Invalid issuer or subject.' };
  if (claims.aud !== expect.audience) return { ok: false, detail: 'Invalid audience.' };
  if (typeof claims.jti !== 'string' || claims.jti.length === 0) return { ok: false, detail: 'Missing JWT ID.' };
  const leeway = expect.leewaySeconds ?? 60;
  if (typeof claims.exp !== 'number' || claims.exp + leeway < expect.nowSeconds) return { ok: false, detail: 'The client assertion has expired.' };
  if (typeof claims.iat !== 'number' || claims.iat - leeway > expect.nowSeconds) return { ok: false, detail: 'The client assertion was issued in the future.' };
  return { ok: true, claims };
}
