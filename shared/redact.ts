// Redaction of secrets from everything that may reach a user: run results and logs, Duo's
// answers and the extension's output channel. One set of rules, so a value hidden in one place
// is hidden in all of them.

export const REDACTED = '[redacted]';

/** Shorter values would blank out ordinary text (every "a"); real secrets are longer. */
export const MIN_SECRET_LENGTH = 4;

/** A Duo skey (Client secret) is 40 letters and digits: the pattern source, to embed in others. */
export const DUO_SKEY_CHARACTERS = '[A-Za-z0-9]{40}';
/** A whole string shaped like a Duo skey. */
const DUO_SKEY_SHAPE = new RegExp(`^${DUO_SKEY_CHARACTERS}$`);

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

// The ellipsis escaped: esbuild escapes strings but not regular expressions, and one character beyond Latin-1
// makes V8 keep a whole bundle's source as two bytes a character, in each thread that loads it.
const CUT_MARK = /\u2026 \(\d+ characters\)$/;
const AUTHORIZATION = /(authorization\s*[:=]\s*)(basic|bearer)\s+[A-Za-z0-9+/=._-]+/gi;

/** Any this many consecutive characters of a long secret (or of an encoded form of it) count as the secret. */
const FRAGMENT_LENGTH = 8;
/** Secrets from this length on are caught in pieces; shorter ones (a password like "hunter2!") only whole. */
const MIN_FRAGMENTED_SECRET = 16;

/**
 * The forms a secret may be printed in besides itself: base64 (standard and URL-safe, at each of
 * the three byte alignments, so the secret is found inside the base64 of a longer text such as
 * `ikey:skey`), hex, percent-encoding of every byte, and JSON/JavaScript escapes. Only the part of
 * each encoding that depends on the secret alone is kept.
 */
function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  forms.add(bytes.toString('hex'));
  forms.add([...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
  forms.add([...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
  forms.add([...secret].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''));
  for (let align = 0; align < 3; align++) {
    const encoded = Buffer.concat([Buffer.alloc(align), bytes]).toString('base64');
    // The first group mixes in the alignment bytes, the last one the end padding or what follows.
    const core = encoded.slice(align === 0 ? 0 : 4, encoded.length - 4);
    if (core.length >= FRAGMENT_LENGTH) {
      forms.add(core);
      forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms];
}

interface Matcher {
  /** Whole secrets and their forms, longest first. */
  whole: string[];
  /** Lower-cased FRAGMENT_LENGTH-character windows of the long secrets' forms. */
  fragments: Set<string>;
  /**
   * Texts already found to hold none of these secrets (so never a secret itself). A run's result
   * repeats most of the last one's strings (the default user and context, their keys), and the
   * fragment scan reads every window of each: a text seen clean is not scanned again.
   */
  clean: Set<string>;
}

/** Only short texts are remembered as clean, and only this many per set of secrets. */
const MAX_CLEAN_TEXT = 256;
const MAX_CLEAN_TEXTS = 2048;

// redactValue calls redactText with the same list for every string of a result: prepare it once.
const matchers = new WeakMap<readonly string[], Matcher>();

// Every run of a rule collects its secrets into a new list, mostly the same values: their forms and
// windows (base64, hex, escapes…) are worked out once per set of values.
const matchersByContent = new Map<string, Matcher>();
const MAX_MATCHERS_BY_CONTENT = 8;

function matcherFor(secrets: readonly string[]): Matcher {
  let matcher = matchers.get(secrets);
  if (matcher) return matcher;
  const valid = secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  const content = valid.join('\u0000');
  matcher = matchersByContent.get(content);
  if (matcher) {
    matchers.set(secrets, matcher);
    return matcher;
  }
  const whole = new Set<string>();
  const fragments = new Set<string>();
  for (const secret of valid) {
    whole.add(secret);
    if (secret.length < MIN_FRAGMENTED_SECRET) continue;
    for (const form of secretForms(secret)) {
      whole.add(form);
      const lower = form.toLowerCase();
      for (let i = 0; i + FRAGMENT_LENGTH <= lower.length; i++) fragments.add(lower.slice(i, i + FRAGMENT_LENGTH));
    }
  }
  matcher = { whole: [...whole].sort((a, b) => b.length - a.length), fragments, clean: new Set() };
  matchers.set(secrets, matcher);
  if (matchersByContent.size >= MAX_MATCHERS_BY_CONTENT) matchersByContent.clear();
  matchersByContent.set(content, matcher);
  return matcher;
}

/** Replaces every run of text covered by fragments of a long secret (any case) with one "[redacted]". */
function redactFragments(text: string, fragments: Set<string>): string {
  if (fragments.size === 0 || text.length < FRAGMENT_LENGTH) return text;
  const lower = text.toLowerCase();
  let out = '';
  let copied = 0;
  let runEnd = -1;
  let runStart = -1;
  for (let i = 0; i + FRAGMENT_LENGTH <= lower.length; i++) {
    if (!fragments.has(lower.slice(i, i + FRAGMENT_LENGTH))) continue;
    if (i > runEnd) {
      if (runStart >= 0) {
        out += text.slice(copied, runStart) + REDACTED;
        copied = runEnd;
      }
      runStart = i;
    }
    runEnd = i + FRAGMENT_LENGTH;
  }
  if (runStart < 0) return text;
  return out + text.slice(copied, runStart) + REDACTED + text.slice(runEnd);
}

/**
 * The text with every secret (from MIN_SECRET_LENGTH characters on) and every Authorization
 * header value replaced by "[redacted]", also inside longer strings. Secrets of 16 characters and
 * more are also caught in any case, in pieces of 8 characters or more, and base64-, hex-, URL- or
 * escape-encoded (alone or inside a longer encoded text such as base64 of `ikey:skey`). A text cut
 * by cutText in the middle of a secret ends with the secret's beginning: that part is redacted too.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  const matcher = matcherFor(secrets);
  if (matcher.clean.has(text)) return text;
  const { whole, fragments } = matcher;
  let out = text.replace(AUTHORIZATION, `$1${REDACTED}`);
  // Longest first, so a secret that contains another is replaced whole.
  for (const secret of whole) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  const cut = CUT_MARK.exec(out);
  if (cut) out = redactCutTail(out.slice(0, cut.index), whole) + cut[0];
  out = redactFragments(out, fragments);
  if (out === text && text.length <= MAX_CLEAN_TEXT) {
    if (matcher.clean.size >= MAX_CLEAN_TEXTS) matcher.clean.clear();
    matcher.clean.add(text);
  }
  return out;
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

/**
 * JSON.parse's complaint without the excerpt of the text that V8 quotes in it (`Unexpected
 * token 'a', ..."SKEY": abcdefghij"... is not valid JSON`): input files hold secrets.
 */
export function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /\s*(?:in JSON\s*)?at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return `${message.slice(0, position.index)} at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
  }
  return message.replace(/,\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)?\s+is not valid JSON$/, '');
}
