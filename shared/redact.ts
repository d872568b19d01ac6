// Redaction of secrets from everything that may reach a user: run results and logs, Duo's
// answers and the extension's output channel. One set of rules, so a value hidden in one place
// is hidden in all of them.

export const REDACTED = '[redacted]';

/** Shorter values would blank out ordinary text (every "a"); real secrets are longer. */
export const MIN_SECRET_LENGTH = 4;

/** A Duo skey (Client secret) is 40 letters and digits: the pattern source, to embed in others. */
export const DUO_SKEY_CHARACTERS = '[A-Za-z0-9]{40}';
/** A whole string shaped like a Duo skey. */
export const DUO_SKEY_SHAPE = new RegExp(`^${DUO_SKEY_CHARACTERS}$`);

export function looksLikeDuoSkey(value: string): boolean {
  return DUO_SKEY_SHAPE.test(value);
}

/** Does a configuration / mapping key name a secret (`DUO_SKEY`, `api_token`, `dbPassword`)? */
export function isSecretKeyName(key: string): boolean {
  return /SKEY|SECRET|PASSWORD|TOKEN/i.test(key);
}

/** Cuts a long text, saying how long it was; {@link redactText} recognises the mark. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

const CUT_MARK = /… \(\d+ characters\)$/;
const AUTHORIZATION = /(authorization\s*[:=]\s*)(basic|bearer)\s+[A-Za-z0-9+/=._-]+/gi;

/**
 * The text with every secret (from MIN_SECRET_LENGTH characters on) and every Authorization
 * header value replaced by "[redacted]", also inside longer strings. A text cut by cutText in
 * the middle of a secret ends with the secret's beginning: that part is redacted too.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(AUTHORIZATION, `$1${REDACTED}`);
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  const cut = CUT_MARK.exec(out);
  return cut ? redactCutTail(out.slice(0, cut.index), ordered) + cut[0] : out;
}

function redactCutTail(head: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, head.length); length >= MIN_SECRET_LENGTH; length--) {
      if (head.endsWith(secret.slice(0, length))) return head.slice(0, head.length - length) + REDACTED;
    }
  }
  return head;
}

/** A redacted deep copy of a JSON value (object keys too). */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactText(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === 'object' && item !== null) {
      const copy: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(item)) copy[redactText(key, secrets)] = walk(inner);
      return copy;
    }
    return item;
  };
  return walk(value) as T;
}
