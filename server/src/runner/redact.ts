// Secret redaction for everything the runner reports. A value is secret when it is a Duo
// skey the code set up for multifactor (decided or not), a secret literal in the code, or a
// configuration/mapping value whose key names a secret; it is replaced wherever it appears,
// including inside longer strings (log lines) and at the end of a text cut short.
import { normaliseActionMultifactor, normaliseRuleMultifactor } from './multifactor';
import type { ChildResult, Multifactor } from './types';

export const REDACTED = '[redacted]';

const SECRET_KEY = /SKEY|SECRET|PASSWORD|TOKEN/i;

// Very short values would blank out ordinary text (every "a"); real secrets are longer.
const MIN_SECRET_LENGTH = 4;

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

// A Duo skey is 40 letters and digits; a literal of that shape in the code is treated as one.
const SKEY_LITERAL = /(['"`])([A-Za-z0-9]{40})\1/g;
// `skey: '…'`, `const duoSecret = "…"`, `'DUO_SKEY': '…'`: a literal given to a name. The lookbehind starts
// matches only at the beginning of a name, which keeps this linear on long identifiers.
const ASSIGNMENT = /(?<![\w$])([A-Za-z_$][\w$]*)['"`]?\s*[:=]\s*(['"`])([^'"`\\\n]+)\2/g;
const SECRET_NAME = /skey|secret/i;

/**
 * Secret literals written in the code itself. They must be redacted even when the run never
 * hands them to multifactor (a denial, an error or a timeout after logging them).
 */
export function findLiteralSecrets(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(SKEY_LITERAL)) found.add(m[2]);
  for (const m of source.matchAll(ASSIGNMENT)) if (SECRET_NAME.test(m[1])) found.add(m[3]);
  return [...found];
}

/**
 * Every MFA the code set up, decided or not: `context.multifactor` of a rule that then denied,
 * and each `api.multifactor.enable` of an Action (not only the last, not only on completion).
 */
export function findAttemptedMultifactors(raw: Pick<ChildResult, 'multifactor' | 'calls'> & { context?: unknown }): Multifactor[] {
  const found: Multifactor[] = raw.multifactor ? [raw.multifactor] : [];
  const ruleMfa = normaliseRuleMultifactor((raw.context as { multifactor?: unknown } | null | undefined)?.multifactor, []);
  if (ruleMfa) found.push(ruleMfa);
  for (const call of raw.calls) {
    if (call.name === 'api.multifactor.enable') found.push(normaliseActionMultifactor(call.args[0], call.args[1]));
  }
  return found;
}

/** Every secret string among the configuration, mappings and the MFA the code produced. */
export function collectSecrets(
  sources: (Record<string, unknown> | undefined)[],
  multifactors: (Multifactor | null | undefined)[],
  literals: string[] = [],
): string[] {
  const secrets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  };
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) if (isSecretKey(key)) add(value);
  }
  for (const mfa of multifactors) {
    add(mfa?.skey);
    add(mfa?.admin?.skey);
  }
  for (const literal of literals) add(literal);
  // Longest first, so a secret that contains another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

// The mark truncateText leaves on a cut text.
const CUT_MARK = /… \(\d+ characters\)$/;

export function redactString(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  const cut = CUT_MARK.exec(out);
  return cut ? redactCutTail(out.slice(0, cut.index), secrets) + cut[0] : out;
}

/**
 * A text cut in the middle of a secret ends with its beginning: that part is a secret too
 * (from MIN_SECRET_LENGTH characters on, so an ordinary line is not marked by chance).
 */
function redactCutTail(head: string, secrets: string[]): string {
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, head.length); length >= MIN_SECRET_LENGTH; length--) {
      if (head.endsWith(secret.slice(0, length))) return head.slice(0, head.length - length) + REDACTED;
    }
  }
  return head;
}

/** A redacted deep copy of a JSON value (object keys too). */
export function redactValue<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactString(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === 'object' && item !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(item)) copy[redactString(key, secrets)] = walk(inner);
      return copy;
    }
    return item;
  };
  return walk(value) as T;
}

/** The printable MFA: skeys always shown as "[redacted]", everything else redacted as usual. */
export function redactMultifactor(mfa: Multifactor | null, secrets: string[]): Multifactor | null {
  if (!mfa) return null;
  const copy = redactValue(mfa, secrets);
  if ('skey' in copy) copy.skey = REDACTED;
  if (copy.admin && 'skey' in copy.admin) copy.admin = { ...copy.admin, skey: REDACTED };
  return copy;
}
