// Completion for Duo Rules and post-login Actions. It finds the cursor's context
// with a character scan of the text (completionScan.ts), never a parse, so it answers at once on
// broken and very large files. Pure: text in, LSP completion items out.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver-types';
import { listFieldDocs, listKeyDocs, listProviders, fieldRootLink, type FieldRoot, type FileForm, type KeyDoc, type KeyPlace } from './docs';
import { collectObjectKeys, isIdentChar, isSpace, scanTo, type ObjectKey, type OpenBracket, type ScanCheckpoints } from './completionScan';
import { formatKeyDoc, formatProviderDoc, formatFieldDoc } from './hover';

/** What completion needs to know about the file; a cached model provides it, else it is read from the text. */
export interface FileShape {
  kind: 'rule' | 'action' | 'other';
  userName?: string;
  contextName?: string;
  eventName?: string;
  apiName?: string;
}

export interface CompletionInput {
  text: string;
  offset: number;
  /** The file kind and parameter names of a (possibly slightly stale) model; read from the text when absent. */
  shape?: FileShape;
  /** Keys the workspace declares for configuration / event.secrets. */
  declaredKeys?: readonly string[];
  /** The document's scan kept from its earlier completions: the scan then starts near the caret, not at the file's start. */
  checkpoints?: ScanCheckpoints;
}

export interface CompletionAnswer {
  items: CompletionItem[];
  /** The text the chosen item replaces (the partial word), as offsets. */
  replace: { start: number; end: number };
}

const ruleHeader = /^(?:async\s+)?function\b[^(]{0,200}\(\s*([\w$]+)?\s*(?:,\s*([\w$]+))?/;
const actionHandler = /\bonExecutePostLogin\s*[:=]\s*(?:async\s*)?(?:function\s*[\w$]*\s*)?\(?\s*([\w$]+)?\s*(?:,\s*([\w$]+))?|\bonContinuePostLogin\s*[:=]\s*(?:async\s*)?(?:function\s*[\w$]*\s*)?\(?\s*([\w$]+)?\s*(?:,\s*([\w$]+))?/;

/**
 * Offset of the first token: whitespace, comments and a BOM skipped by a loop, because a
 * regular expression like `^(?:\s+|//…)*` backtracks exponentially on long blank prefixes.
 */
function skipLeadingTrivia(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0xfeff || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0xa0 || c === 0x2028 || c === 0x2029) {
      i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 2;
    } else {
      break;
    }
  }
  return i;
}

/** The file kind and parameter names read straight from the text (works mid-typing). */
export function readFileShape(text: string): FileShape {
  const action = actionHandler.exec(text);
  if (action && /\bexports\b/.test(text)) {
    return { kind: 'action', eventName: action[1] ?? action[3] ?? 'event', apiName: action[2] ?? action[4] ?? 'api' };
  }
  const start = skipLeadingTrivia(text);
  const rule = ruleHeader.exec(text.slice(start, start + 400));
  if (rule) return { kind: 'rule', userName: rule[1] ?? 'user', contextName: rule[2] ?? 'context' };
  return { kind: 'other' };
}

function isIdentifierName(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

function wordBounds(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  while (start > 0 && /[\w$]/.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && /[\w$]/.test(text[end])) end++;
  return { start, end };
}

/** Removes comments from a short stretch of code so patterns can look at the tokens. */
function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/**
 * The code from `from` to `at` (the start of the bracket's current entry to the caret) for the key and value
 * patterns, which only match a stretch that is blank or ends in `:` once comments are removed. In a function
 * body that stretch is the body so far, up to the whole file: when its last character is plainly code and not
 * a `:`, no pattern can match, and that character alone stands for it instead of every comment being removed
 * from a hundred kilobytes on each keystroke. Plainly code: not the end of a block comment, and no `//` on its
 * line (a block comment cannot hold it, as its closing `*\/` would come after it).
 */
function entryBefore(text: string, from: number, at: number): string {
  let last = at - 1;
  while (last >= from && /\s/.test(text[last])) last--;
  if (last < from) return text.slice(from, at);
  const c = text[last];
  if (c !== ':' && !(c === '/' && text[last - 1] === '*')) {
    const lineStart = text.lastIndexOf('\n', last) + 1;
    if (!text.slice(Math.max(lineStart, from), last + 1).includes('//')) return c;
  }
  return stripComments(text.slice(from, at));
}

const escapeSnippet = (s: string): string => s.replace(/[$}\\]/g, '\\$&');

type ObjectRole = KeyPlace | undefined;

interface Ctx {
  text: string;
  offset: number;
  form: FileForm;
  shape: FileShape;
  stack: OpenBracket[];
  declaredKeys: readonly string[];
  /** roleOf's answers for this completion, by stack index: several steps ask for the same object's role. */
  roles: Map<number, ObjectRole>;
  /** objectKeysOf's answers for this completion, by stack index. */
  objectKeys: Map<number, { word: { start: number; end: number }; keys: ObjectKey[] }>;
}

/** The configuration expression a Duo key reads in this form, e.g. `configuration.DUO_IKEY`. */
function secretExpression(ctx: Ctx, secretName: string): string {
  return ctx.form === 'rule' ? `configuration.${secretName}` : `${ctx.shape.eventName ?? 'event'}.secrets.${secretName}`;
}

/** Which multifactor object (if any) the `{` at stack[index] opens. */
function roleOf(ctx: Ctx, index: number): ObjectRole {
  if (ctx.roles.has(index)) return ctx.roles.get(index);
  const role = readRole(ctx, index);
  ctx.roles.set(index, role);
  return role;
}

/**
 * The last `count` tokens of `code` (comments already removed), in order: names (`[\w$]+`) and single characters.
 * Read backwards from the end, so a shape that ends at a bracket is found in as many steps as it has tokens,
 * where an expression anchored at the end of the 300 characters was tried at each of their starts.
 */
function lastTokens(code: string, count: number): string[] {
  const tokens: string[] = [];
  let i = code.length;
  while (tokens.length < count) {
    while (i > 0 && isSpace(code.charCodeAt(i - 1))) i--;
    if (i === 0) break;
    const end = i;
    if (isIdentChar(code.charCodeAt(i - 1))) {
      while (i > 0 && isIdentChar(code.charCodeAt(i - 1))) i--;
    } else {
      i--;
    }
    tokens.unshift(code.slice(i, end));
  }
  return tokens;
}

/** The names standing at each `*` when `tokens` end with `pattern` (`*`: any name), else undefined. */
function endingWith(tokens: readonly string[], pattern: readonly string[]): string[] | undefined {
  const from = tokens.length - pattern.length;
  if (from < 0) return undefined;
  const names: string[] = [];
  for (let k = 0; k < pattern.length; k++) {
    const token = tokens[from + k];
    if (pattern[k] === '*') {
      if (!isIdentChar(token.charCodeAt(0))) return undefined;
      names.push(token);
    } else if (token !== pattern[k]) {
      return undefined;
    }
  }
  return names;
}

/** Whether `text` sets `<contextName>.multifactor = <name>` somewhere (the Duo object built in a variable first). */
function assignsMultifactor(text: string, contextName: string, name: string): boolean {
  const word = 'multifactor';
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
    if (endingWith(lastTokens(text.slice(Math.max(0, at - 100), at), 2), ['*', '.'])?.[0] !== contextName) continue;
    let i = at + word.length;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 61 /* = */) continue;
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.startsWith(name, i) && !isIdentChar(text.charCodeAt(i + name.length))) return true;
  }
  return false;
}

/** What the bracket at stack[index] opens, read from the tokens before it. */
function readRole(ctx: Ctx, index: number): ObjectRole {
  const open = ctx.stack[index];
  if (open.ch !== '{') return undefined;
  const tokens = lastTokens(stripComments(ctx.text.slice(Math.max(0, open.offset - 300), open.offset)), 8);
  const contextName = ctx.shape.contextName ?? 'context';
  const last = tokens[tokens.length - 1];
  if (ctx.form === 'rule') {
    if (last === '=') {
      // context.multifactor = {
      if (endingWith(tokens, ['*', '.', 'multifactor', '='])?.[0] === contextName) return 'ruleObject';
      // const mfa = { … }; … context.multifactor = mfa;
      const binding = endingWith(tokens, ['*', '*', '=']);
      if (binding && /^(?:var|let|const)$/.test(binding[0]) && assignsMultifactor(ctx.text, contextName, binding[1])) return 'ruleObject';
    }
    // Object.assign(context.multifactor, {
    if (last === ',' && endingWith(tokens, ['Object', '.', 'assign', '(', '*', '.', 'multifactor', ','])?.[0] === contextName) return 'ruleObject';
    if (last === ':' && endingWith(tokens, ['admin', ':']) && index > 0 && roleOf(ctx, index - 1) === 'ruleObject') return 'admin';
    return undefined;
  }
  if (last === ':' && endingWith(tokens, ['providerOptions', ':']) && index > 0 && roleOf(ctx, index - 1) === 'actionOptions') return 'providerOptions';
  if (last === ',' && index > 0 && isEnableCall(ctx, index - 1, ctx.shape.apiName ?? 'api')) return 'actionOptions';
  return undefined;
}

/** Whether the `(` at stack[index] is the argument list of `<api>.multifactor.enable`. */
function isEnableCall(ctx: Ctx, index: number, apiName: string): boolean {
  const open = ctx.stack[index];
  if (open.ch !== '(') return false;
  const tokens = lastTokens(stripComments(ctx.text.slice(Math.max(0, open.offset - 200), open.offset)), 5);
  return endingWith(tokens, ['*', '.', 'multifactor', '.', 'enable'])?.[0] === apiName;
}

/** The keys of the object at stack[index] other than the word being completed; read once per completion. */
function objectKeysOf(ctx: Ctx, index: number, word: { start: number; end: number }): ObjectKey[] {
  const kept = ctx.objectKeys.get(index);
  if (kept && kept.word.start === word.start && kept.word.end === word.end) return kept.keys;
  const keys = collectObjectKeys(ctx.text, ctx.stack[index].offset, word);
  ctx.objectKeys.set(index, { word, keys });
  return keys;
}

function providerOfObject(ctx: Ctx, index: number, skip: { start: number; end: number }): string | undefined {
  const role = roleOf(ctx, index);
  if (role === 'ruleObject') {
    return objectKeysOf(ctx, index, skip).find((k) => k.name === 'provider')?.stringValue;
  }
  if (role === 'actionOptions') {
    const call = ctx.stack[index - 1];
    const first = /^\s*(['"`])([^'"`]*)\1/.exec(ctx.text.slice(call.offset + 1, ctx.stack[index].offset));
    return first?.[2];
  }
  if (role === 'admin' || role === 'providerOptions') return 'duo';
  return undefined;
}

function keyInsertText(ctx: Ctx, doc: KeyDoc, place: KeyPlace): string {
  const eventName = ctx.shape.eventName ?? 'event';
  const userName = ctx.shape.userName ?? 'user';
  if (doc.secretName) {
    const expr = secretExpression(ctx, doc.secretName);
    const dot = expr.lastIndexOf('.');
    return `${doc.name}: ${escapeSnippet(expr.slice(0, dot + 1))}\${1:${doc.secretName}}`;
  }
  switch (doc.name) {
    case 'provider':
      return `provider: '\${1|${listProviders(ctx.form).map((p) => p.name).join(',')}|}'`;
    case 'allowRememberBrowser':
      return 'allowRememberBrowser: ${1|false,true|}';
    case 'username':
      return `username: \${1:${escapeSnippet(place === 'providerOptions' ? `${eventName}.user.email` : `${userName}.email`)}}`;
    case 'issuer':
      return "issuer: '${1}'";
    case 'admin':
      return `admin: {\n\tikey: ${escapeSnippet(secretExpression(ctx, ''))}\${1:DUO_ADMIN_IKEY},\n\tskey: ${escapeSnippet(secretExpression(ctx, ''))}\${2:DUO_ADMIN_SKEY},\n}`;
    case 'providerOptions': {
      const prefix = escapeSnippet(`${eventName}.secrets.`);
      return `providerOptions: {\n\tikey: ${prefix}\${1:DUO_IKEY},\n\tskey: ${prefix}\${2:DUO_SKEY},\n\thost: ${prefix}\${3:DUO_HOST},\n}`;
    }
    default:
      return `${doc.name}: \${1}`;
  }
}

function completeKeys(ctx: Ctx, index: number, place: KeyPlace, word: { start: number; end: number }): CompletionItem[] {
  const provider = providerOfObject(ctx, index, word);
  const present = new Set(objectKeysOf(ctx, index, word).map((k) => k.name));
  // ignoreCookie is the former, inverted name of allowRememberBrowser. The deprecated-field warning
  // and its fix recommend allowRememberBrowser, so completion offers it too, first, saying that
  // ignoreCookie then goes (both would set the option twice).
  const replacesIgnoreCookie = present.has('ignoreCookie') && !present.has('allowRememberBrowser');
  // A comma after the inserted property when the line has nothing else after the word.
  const lineEnd = ctx.text.indexOf('\n', word.end);
  const restOfLine = ctx.text.slice(word.end, lineEnd === -1 ? ctx.text.length : lineEnd);
  const comma = /^\s*$/.test(restOfLine) ? ',' : '';
  // Triggered right after `{` or `,`: keep a space between the punctuation and the key.
  const space = /[{,]/.test(ctx.text[word.start - 1] ?? '') ? ' ' : '';
  return listKeyDocs(place, ctx.form, provider)
    .filter((d) => !present.has(d.name))
    .map((d, i) => {
      const replacing = replacesIgnoreCookie && d.name === 'allowRememberBrowser';
      return {
        label: d.name,
        kind: CompletionItemKind.Property,
        detail: replacing ? `${detailOf(d)}: replaces ignoreCookie (inverted), delete ignoreCookie` : detailOf(d),
        documentation: { kind: MarkupKind.Markdown, value: keyDocumentation(d) },
        insertText: space + keyInsertText(ctx, d, place) + comma,
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: replacing ? '00' : String(i + 1).padStart(2, '0'),
        ...(replacing ? { preselect: true } : {}),
      };
    })
    // sortText is two digits: compared as code units, as the editor does. localeCompare went through the collator
    // of the server's locale, a fifth of this function's time after a keystroke at 100 kB.
    .sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : 0));
}

/**
 * Each key's documentation and detail, written once: they are the same in every completion, and a completion
 * after a keystroke runs cold (about 100 µs at 100 kB, against 14 µs in a loop), so each step it skips counts.
 */
const keyTexts = new WeakMap<KeyDoc, { documentation: string; detail: string }>();

function textsOf(d: KeyDoc): { documentation: string; detail: string } {
  let texts = keyTexts.get(d);
  if (!texts) keyTexts.set(d, (texts = { documentation: formatKeyDoc(d), detail: `${d.type}${d.required ? ', required' : ''}${d.duoName ? ` (Duo: ${d.duoName})` : ''}` }));
  return texts;
}

function keyDocumentation(d: KeyDoc): string {
  return textsOf(d).documentation;
}

function detailOf(d: KeyDoc): string {
  return textsOf(d).detail;
}

function completeProviders(ctx: Ctx, quoted: boolean, space = ''): CompletionItem[] {
  return listProviders(ctx.form).map((p, i) => ({
    label: p.name,
    kind: CompletionItemKind.EnumMember,
    detail: 'MFA provider',
    documentation: { kind: MarkupKind.Markdown, value: formatProviderDoc(p) },
    insertText: quoted ? p.name : `${space}'${p.name}'`,
    sortText: String(i).padStart(2, '0'),
  }));
}

function completeSecretKeys(ctx: Ctx, source: string): CompletionItem[] {
  return ctx.declaredKeys.filter(isIdentifierName).map((key) => ({
    label: key,
    kind: CompletionItemKind.Constant,
    detail: `${source} key declared in the workspace`,
  }));
}

/** `a.b.c.` before the cursor (the partial word excluded): the chain of names, or undefined. */
function memberChainBefore(text: string, wordStart: number): string[] | undefined {
  // A chain ends with a dot before the word: without one the expression below cannot match, and trying it at every
  // start in the window took a sixth of a completion's time.
  let last = wordStart - 1;
  while (last >= 0 && wordStart - last <= 300 && /\s/.test(text[last])) last--;
  if (last < 0 || wordStart - last > 300 || text[last] !== '.') return undefined;
  const before = text.slice(Math.max(0, wordStart - 300), wordStart);
  const m = /((?:[A-Za-z_$][\w$]*\s*(?:\?\.|\.)\s*)+)$/.exec(before);
  if (!m) return undefined;
  // `x.y` must not be preceded by another `.`: `foo.context.` is not context.
  const prefix = before.slice(0, before.length - m[1].length);
  if (/(?:\.|\?\.)\s*$/.test(prefix) || /[\w$]$/.test(prefix)) return undefined;
  return m[1].split(/\s*\??\.\s*/).filter(Boolean);
}

function completeMember(ctx: Ctx, chain: string[]): CompletionItem[] | undefined {
  const [root, ...path] = chain;
  const s = ctx.shape;
  let docRoot: FieldRoot | undefined;
  let docPath = path;
  if (ctx.form === 'rule') {
    if (root === 'configuration' && path.length === 0) return completeSecretKeys(ctx, 'configuration');
    if (root === s.contextName) docRoot = 'context';
    else if (root === s.userName) docRoot = 'user';
  } else {
    if (root === s.eventName) {
      if (path.length === 1 && path[0] === 'secrets') return completeSecretKeys(ctx, 'event.secrets');
      docRoot = 'event';
    } else if (root === s.apiName) {
      docRoot = 'api';
    }
  }
  if (!docRoot) return undefined;
  const fields = listFieldDocs(docRoot, docPath);
  if (!fields) return undefined;
  const link = fieldRootLink(docRoot);
  return fields.map((f) => ({
    label: f.name,
    kind: f.type.includes('=>') ? CompletionItemKind.Method : CompletionItemKind.Field,
    detail: f.type,
    documentation: { kind: MarkupKind.Markdown, value: formatFieldDoc([root, ...path, f.name].join('.'), f, link) },
  }));
}

/** Completion items at `offset`, or null when duo-rules has nothing to offer there. */
export function complete(input: CompletionInput): CompletionAnswer | null {
  const { text } = input;
  const offset = Math.max(0, Math.min(input.offset, text.length));
  // A shape given by a current model decides, 'other' included: the header scan only sees the first function.
  const shape = input.shape ?? readFileShape(text);
  if (shape.kind === 'other') return null;
  const state = input.checkpoints ? input.checkpoints.scanTo(text, offset) : scanTo(text, offset);
  if (state.comment) return null;
  const ctx: Ctx = { text, offset, form: shape.kind, shape, stack: state.stack, declaredKeys: input.declaredKeys ?? [], roles: new Map(), objectKeys: new Map() };
  const top = state.stack.length - 1;

  if (state.string) {
    // Only a provider value is completed inside quotes.
    if (state.string.quote === '`') return null;
    const contentStart = state.string.start + 1;
    const close = text.indexOf(state.string.quote, offset);
    const nl = text.indexOf('\n', offset);
    const contentEnd = close !== -1 && (nl === -1 || close < nl) ? close : offset;
    const replace = { start: contentStart, end: contentEnd };
    if (top >= 0 && isProviderValueSlot(ctx, top, state.string.start)) return { items: completeProviders(ctx, true), replace };
    return null;
  }

  const word = wordBounds(text, offset);
  const chain = memberChainBefore(text, word.start);
  if (chain) {
    const items = completeMember(ctx, chain);
    return items ? { items, replace: word } : null;
  }
  if (top < 0) return null;
  // Triggered by the `:` itself: the value gets the usual space after the colon.
  const space = text[word.start - 1] === ':' ? ' ' : '';
  if (isProviderValueSlot(ctx, top, word.start)) return { items: completeProviders(ctx, false, space), replace: word };

  const open = state.stack[top];
  const role = roleOf(ctx, top);
  if (!role) return null;
  const segment = entryBefore(text, Math.max(open.offset, open.lastComma) + 1, word.start);
  if (/^\s*$/.test(segment)) return { items: completeKeys(ctx, top, role, word), replace: word };
  const valueOf = /^\s*([\w$]+)\s*:\s*$/.exec(segment);
  if (valueOf) {
    const doc = listKeyDocs(role, ctx.form, providerOfObject(ctx, top, word)).find((d) => d.name === valueOf[1]);
    if (doc?.secretName) {
      const expr = secretExpression(ctx, doc.secretName);
      return { items: [{ label: expr, insertText: space + expr, kind: CompletionItemKind.Value, detail: `read ${doc.name} from the ${ctx.form === 'rule' ? 'rule configuration' : "Action's secrets"}`, documentation: { kind: MarkupKind.Markdown, value: keyDocumentation(doc) } }], replace: word };
    }
    if (doc?.type === 'boolean') {
      return { items: ['false', 'true'].map((v) => ({ label: v, insertText: space + v, kind: CompletionItemKind.Value, documentation: { kind: MarkupKind.Markdown, value: keyDocumentation(doc) } })), replace: word };
    }
  }
  return null;
}

/**
 * Whether `at` (the start of the value being typed, or of its opening quote) is where a
 * provider value goes: after `provider:` in a Rule object, or as the first argument of enable().
 */
function isProviderValueSlot(ctx: Ctx, top: number, at: number): boolean {
  const open = ctx.stack[top];
  const segment = entryBefore(ctx.text, Math.max(open.offset, open.lastComma) + 1, at);
  if (open.ch === '(' && open.lastComma === -1 && /^\s*$/.test(segment)) return isEnableCall(ctx, top, ctx.shape.apiName ?? 'api');
  if (open.ch === '{' && /^\s*provider\s*:\s*$/.test(segment)) return roleOf(ctx, top) === 'ruleObject';
  return false;
}
