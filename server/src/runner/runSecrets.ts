// Which values of a run are secret: a Duo skey the code set up for multifactor (decided or
// not), a secret literal in the code, or a configuration/mapping value whose key names a
// secret. shared/redact.ts then replaces them wherever they appear.
import { DUO_SKEY_CHARACTERS, isSecretKeyName, MIN_SECRET_LENGTH, REDACTED, redactValue } from '../../../shared/redact';
import { normaliseActionMultifactor, normaliseRuleMultifactor } from './requestedMultifactor';
import type { ChildResult, Multifactor } from './runTypes';

// A literal of a Duo skey's shape in the code is treated as one.
const SKEY_LITERAL = new RegExp(`(['"\`])(${DUO_SKEY_CHARACTERS})\\1`, 'g');
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
    for (const [key, value] of Object.entries(source ?? {})) if (isSecretKeyName(key)) add(value);
  }
  for (const mfa of multifactors) {
    add(mfa?.skey);
    add(mfa?.admin?.skey);
  }
  for (const literal of literals) add(literal);
  // Longest first, so a secret that contains another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** The printable MFA: skeys always shown as "[redacted]", everything else redacted as usual. */
export function redactMultifactor(mfa: Multifactor | null, secrets: string[]): Multifactor | null {
  if (!mfa) return null;
  const copy = redactValue(mfa, secrets);
  if ('skey' in copy) copy.skey = REDACTED;
  if (copy.admin && 'skey' in copy.admin) copy.admin = { ...copy.admin, skey: REDACTED };
  return copy;
}
