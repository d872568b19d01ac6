// auth0-deploy-cli keyword tokens: `@@KEY@@` is replaced by the JSON-encoded mapping value,
// `##KEY##` by the raw value. The analysis, the converter and the runner must agree on what a
// token is, or a file that lints clean fails to convert or to run: this is the only definition.

/** The characters a token's key may use (deploy-cli itself accepts any mapping key). */
const KEY = '[A-Za-z0-9_$.-]+';

export type KeywordTokenStyle = '@@' | '##';

/**
 * What deploy-cli writes in place of a token whose key has a mapping: for `@@KEY@@` the JSON-encoded value, for
 * `##KEY##` the value as `String()` writes it (its replacement function hands the raw value to `String.replace`),
 * so a list mapped to `##KEY##` becomes `a,b`, not `["a","b"]`. `$` sequences in a value stay as they are.
 */
export function keywordValueText(value: unknown, style: KeywordTokenStyle): string {
  return style === '@@' ? (JSON.stringify(value) ?? 'undefined') : String(value);
}

/** A keyword token found in a text; offsets are into that text. */
export interface KeywordToken {
  name: string;
  style: KeywordTokenStyle;
  range: { start: number; end: number };
}

/** One match handed to {@link replaceKeywordTokens}'s callback. */
export interface KeywordTokenMatch {
  name: string;
  style: KeywordTokenStyle;
  /** The matched text: the token, or with `includeQuotes` the token with its quotes. */
  text: string;
  /** True when the match is a `"@@KEY@@"` or `'@@KEY@@'` with its quotes (only with `includeQuotes`). */
  quoted: boolean;
  offset: number;
}

function tokenPattern(includeQuotes: boolean): RegExp {
  return new RegExp(`${includeQuotes ? `"@@(${KEY})@@"|'@@(${KEY})@@'|` : '()()'}@@(${KEY})@@|##(${KEY})##`, 'g');
}

/** Does the text contain anything that could be a token? A cheap test before the real scan. */
function mayContainKeywordTokens(text: string): boolean {
  return text.includes('@@') || text.includes('##');
}

/**
 * Replaces every token by what `replace` returns. With `includeQuotes`, a `"@@KEY@@"` or
 * `'@@KEY@@'` is matched with its quotes, as deploy-cli matches it: a string holding only a token
 * (in JSON, YAML or JavaScript) can become any JSON value.
 */
export function replaceKeywordTokens(
  text: string,
  replace: (token: KeywordTokenMatch) => string,
  options: { includeQuotes?: boolean } = {},
): string {
  if (!mayContainKeywordTokens(text)) return text;
  const includeQuotes = options.includeQuotes ?? false;
  return text.replace(tokenPattern(includeQuotes), (whole: string, double: string | undefined, single: string | undefined, at: string | undefined, hash: string | undefined, offset: number) => {
    const style: KeywordTokenStyle = hash !== undefined ? '##' : '@@';
    const quoted = double || single || '';
    return replace({ name: quoted || at || hash || '', style, text: whole, quoted: includeQuotes && quoted !== '', offset });
  });
}

/** Every token in the text, in order. */
export function findKeywordTokens(text: string): KeywordToken[] {
  const tokens: KeywordToken[] = [];
  replaceKeywordTokens(text, (t) => {
    tokens.push({ name: t.name, style: t.style, range: { start: t.offset, end: t.offset + t.text.length } });
    return t.text;
  });
  return tokens;
}

/**
 * Tokens are not JavaScript: replacing each by a same-length identifier lets a parser read the
 * file while every offset still points into the original text.
 */
export function neutraliseKeywordTokens(text: string): { text: string; tokens: KeywordToken[] } {
  const tokens: KeywordToken[] = [];
  const neutral = replaceKeywordTokens(text, (t) => {
    tokens.push({ name: t.name, style: t.style, range: { start: t.offset, end: t.offset + t.text.length } });
    return '_'.repeat(t.text.length);
  });
  return { text: neutral, tokens };
}

/**
 * A word joiner before a `##KEY##` left in a YAML text: YAML reads `#` after a space as a comment,
 * which would turn `value: ##KEY##` into null and `value: a ##KEY##` into "a", hiding the token.
 */
const HASH_TOKEN_MARK = '\u2060';

/** A `##KEY##` token that must survive a YAML parse. */
export function markHashToken(token: string): string {
  return `${HASH_TOKEN_MARK}${token}`;
}

/** A value parsed from a text whose `##KEY##` tokens were marked with {@link markHashToken}, the tokens as written. */
export function unmarkKeywordTokens(value: string): string {
  return value.includes(HASH_TOKEN_MARK) ? value.split(`${HASH_TOKEN_MARK}##`).join('##') : value;
}
