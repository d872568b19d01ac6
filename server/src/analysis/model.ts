// Parses a Rule or post-login Action and extracts what the other features work on: the file
// kind, the rule function / Action exports with their parameter names, and every Duo MFA
// configuration with exact source ranges. Pure: no LSP, no VS Code, no Node I/O.
//
// All offsets are UTF-16 offsets into the ORIGINAL text (the string as given), end exclusive.
import * as acorn from 'acorn';
import * as acornLoose from 'acorn-loose';
import { neutraliseKeywordTokens, type KeywordToken } from '../../../shared/keywordTokens';
import { isObjectMethodName } from '../../../shared/configurationKeys';
import type { FileKind } from '../../../shared/fileKind';
import { firstTooDeepBracket } from './completionScan';
import { walk } from './walk';

/** A half-open span of UTF-16 offsets into the original text. */
export interface OffsetRange {
  start: number;
  end: number;
}

export type { KeywordToken };

/** The first syntax error of a strict parse. */
export interface SyntaxErrorInfo {
  /** Acorn's message without its "(line:col)" suffix. */
  message: string;
  /** Offset of the offending character. */
  offset: number;
}

export interface ParseResult {
  /** The AST (acorn ESTree). A bare function-expression rule is wrapped in a synthetic Program/ExpressionStatement. */
  program: acorn.Program;
  /** Every comment seen by the parser, in source order. */
  comments: acorn.Comment[];
  /** Set when the strict parse failed; `program` then comes from acorn-loose. */
  syntaxError?: SyntaxErrorInfo;
  /** deploy-cli tokens found in the text (they were parsed as same-length identifiers). */
  keywordTokens: KeywordToken[];
  /** True when `program` came from acorn-loose (it may contain dummy `✖` nodes). */
  loose: boolean;
  /** Set when the text nests too deeply to analyse safely; `program` is then empty. */
  tooDeep?: TooDeepInfo;
  /**
   * Object keys written as member expressions (`providerOptions.ikey: …`), a syntax error. The text
   * was parsed with each dot read as `$`, and the model nests such keys as if written out.
   */
  dottedKeys: DottedKey[];
}

/** A dotted object key such as `providerOptions.ikey`. */
export interface DottedKey {
  /** The names and where each sits. */
  segments: Array<{ name: string; start: number; end: number }>;
  /** From the first name to the last. */
  range: OffsetRange;
  /** Offset of the `{` of the object literal it is written in. */
  objectStart: number;
}

/** Where and how a text nests beyond what duo-rules analyses (hostile or generated input). */
export interface TooDeepInfo {
  offset: number;
  /** What is nested: brackets (`(`, `[`, `{`, `${`), or expressions and statements. */
  what: 'brackets' | 'expressions';
  limit: number;
}

/**
 * Nesting limits. Parsing recurses per level, and a stack overflow in V8's regular-expression
 * compiler aborts Node instead of throwing (deep template literals did that on Node 20), so text
 * nested deeper than real code ever is never reaches the parser. The limits leave the parser and
 * the model scan far from the stack limit also when called deep inside the language server.
 */
const bracketNestingLimit = 160;
const syntaxNestingLimit = 1000;

/** What kind of expression a value is. `dynamic`: anything not decidable statically; `missing`: half-typed. */
export type MfaValueKind = 'string' | 'boolean' | 'number' | 'null' | 'object' | 'array' | 'function' | 'dynamic' | 'missing';

/** A reference to a configured secret: `configuration.X` (Rules) or `event.secrets.X` (Actions). */
export interface SecretRef {
  /** Which global it reads. */
  source: 'configuration' | 'event.secrets';
  /** The key X. */
  key: string;
  /** Range of the key X only (identifier or string literal, quotes included). */
  keyRange: OffsetRange;
  /** Range of the whole member expression. */
  range: OffsetRange;
}

export interface MfaValue {
  /** Range of the value expression. */
  range: OffsetRange;
  /** Kind of the expression; a string containing a keyword token is `dynamic`. */
  kind: MfaValueKind;
  /** The literal value for kinds string/boolean/number/null (template literals without `${}` count as strings). */
  literal?: string | boolean | number | null;
  /** True when the value is or contains a deploy-cli keyword token. */
  keywordToken: boolean;
  /** Set when the value is `configuration.X` / `event.secrets.X`. */
  secretRef?: SecretRef;
  /** For kind `object`: the nested object's properties. */
  object?: MfaObject;
  /**
   * A call of a helper function of the same file (`duoConfig(level)`): the object literals it
   * returns, each checked like an inline one. Kind `object` (with `object`) when it returns only
   * one literal; `dynamic` when it returns several, or also something that is not a literal.
   */
  alternatives?: MfaObject[];
  /** The helper's name, with `alternatives` from a helper call (absent for a `?:`). */
  helper?: string;
  /**
   * A `?:` (nested ones flattened): each branch's value, checked like an inline one. The value
   * itself is then `dynamic`; `alternatives` holds the branches that are object literals.
   */
  choices?: MfaValue[];
}

/** A configuration that a helper function of the same file returns (`context.multifactor = duoSettings()`). */
export interface HelperSource {
  /** The function's name. */
  name: string;
  /** The returned object literal. */
  range: OffsetRange;
  /** What the literal is: the whole configuration / the options of enable(), or its providerOptions. */
  what: 'options' | 'providerOptions';
}

export interface MfaProperty {
  /** The key name (identifier or literal key). */
  key: string;
  /** Range of the key (for `mfa.host = …` writes: the `host` identifier). */
  keyRange: OffsetRange;
  /** Range of the whole property `key: value` (or the whole assignment expression for writes). */
  range: OffsetRange;
  /** The value. */
  value: MfaValue;
  /** True when the key is a deploy-cli keyword token (its name is then not a real field name). */
  keyToken: boolean;
  /**
   * Where the key came from: the object literal, a later `x.key = …` write (or `x = { ...x, key }`),
   * `Object.assign(x, {…})`, or a spread of a variable bound to an object literal (`{ ...base }`).
   */
  origin: 'literal' | 'assignment' | 'object-assign' | 'spread';
  /** True for the object that dotted keys (`providerOptions.ikey: …`) stand for. */
  dotted?: boolean;
}

export interface MfaObject {
  /** Range of the object literal `{…}` (braces included); null when there is no literal (absent or opaque). */
  range: OffsetRange | null;
  /** Properties in source order (duplicates kept; the last one wins at runtime). */
  properties: MfaProperty[];
  /** False when a spread, computed key, opaque assignment or non-literal Object.assign source hides fields. */
  fieldsKnown: boolean;
  /**
   * Set when a write the analysis cannot read may replace any key, nested objects included: a
   * computed key (`cfg[k] = …` in a loop) or the object handed to a function that may fill it.
   */
  rewritten?: boolean;
}

export interface MfaConfig {
  /**
   * `rule-literal`: `context.multifactor = {…}`; `rule-binding`: `context.multifactor = mfa` with `mfa` bound to a literal;
   * `rule-opaque`: any other right-hand side; `action-enable`: `api.multifactor.enable(provider, options)`.
   */
  form: 'rule-literal' | 'rule-binding' | 'rule-opaque' | 'action-enable';
  /** `context.multifactor` (rules) or `api.multifactor.enable` (actions): whole-configuration diagnostics start here. */
  anchorRange: OffsetRange;
  /** The whole assignment expression (rules) or call expression (actions). */
  range: OffsetRange;
  /** The provider value: the `provider` property (rules) or the first argument (actions); null when absent. */
  provider: MfaValue | null;
  /** The provider name when it is a string literal. */
  providerName?: string;
  /** The `provider` property itself (rules only). */
  providerProperty?: MfaProperty;
  /** Rules: the multifactor object. Actions: the options argument (range null and no properties when absent). */
  options: MfaObject;
  /** Where ikey/skey/host live: rules: `options`; actions: the `providerOptions` object; null when absent. */
  duoOptions: MfaObject | null;
  /** The `admin` object of a Rule's Duo configuration, when it is an object literal. */
  admin: MfaObject | null;
  /** For `rule-binding`: the variable bound to the object. */
  bindingName?: string;
  /** Rules: the assigned right-hand side when it is a literal that is not an object (`context.multifactor = true`). */
  nonObject?: MfaValue;
  /** Actions: offset of the call's closing parenthesis (insert `, {…}` before it when options are absent). */
  callEnd?: number;
  /** Actions: the range of each argument. */
  argumentRanges?: OffsetRange[];
  /**
   * Rules: `context.multifactor = { ...context.multifactor, … }` completing the earlier
   * configurations it spreads (those before it that are not in another branch of the same
   * `if`/`?:`). Without such an earlier configuration in the rule, its fields are unknown.
   */
  completes?: boolean;
  /** Rules: a later `{ ...context.multifactor, … }` completes this configuration (it is checked there). */
  completedLater?: boolean;
  /** Rules, with `completes`: the keys the spread configurations supply (their own and what they got). */
  suppliedKeys?: string[];
  /** Set when the configuration (or its providerOptions) is an object literal returned by a helper function. */
  helper?: HelperSource;
  /**
   * Set when the configuration (or its providerOptions) is one branch of a `?:`
   * (`context.multifactor = admin ? {…} : {…}`): the range of that branch and its position (1-based).
   */
  branch?: OffsetRange & { index: number };
}

export interface ParamInfo {
  /** The parameter name, or undefined for a destructuring pattern / dummy node. */
  name?: string;
  /** Range of the parameter. */
  range: OffsetRange;
}

export interface FunctionInfo {
  /** The whole function. */
  range: OffsetRange;
  /** From the function's start up to its body (`function name(a, b, c) `). */
  headerRange: OffsetRange;
  /** The body (a block `{…}`, or an expression for concise arrows). */
  bodyRange: OffsetRange;
  /** The function's own name, if any. */
  name?: string;
  /** Range of that name. */
  nameRange?: OffsetRange;
  /** The parameters in order. */
  params: ParamInfo[];
  /** `async function` / `async () =>`. */
  async: boolean;
  /** An arrow function. */
  arrow: boolean;
}

export interface ActionExport {
  /** Which handler this is. */
  name: 'onExecutePostLogin' | 'onContinuePostLogin';
  /** `exports.onExecutePostLogin` (or the property key inside `module.exports = {…}`). */
  targetRange: OffsetRange;
  /** The whole exporting statement. */
  statementRange: OffsetRange;
  /** The handler function, when it could be resolved. */
  function: FunctionInfo | null;
  /** First parameter name (`event`). */
  eventName?: string;
  /** Second parameter name (`api`). */
  apiName?: string;
}

export interface StringLiteralInfo {
  /** The cooked value. */
  value: string;
  /** Range including quotes. */
  range: OffsetRange;
}

export interface RuleModel {
  /** The text the model was built from. */
  text: string;
  /** Rule, Action or anything else (which gets no diagnostics). */
  kind: FileKind;
  /** Parse output (AST, comments, tokens, syntax error). */
  parse: ParseResult;
  /** Shortcut for parse.syntaxError. */
  syntaxError?: SyntaxErrorInfo;
  /** The rule function (kind `rule`). */
  ruleFunction?: FunctionInfo;
  /** Exported handlers (kind `action`). */
  actionExports: ActionExport[];
  /** Rule parameter names (first, second, third); undefined when absent or destructured. */
  userName?: string;
  contextName?: string;
  callbackName?: string;
  /** Action parameter names of the first export (onExecutePostLogin preferred). */
  eventName?: string;
  apiName?: string;
  /** Every MFA configuration, in source order. */
  configs: MfaConfig[];
  /** Every `configuration.X` (rules) / `event.secrets.X` (actions) reference inside the rule/handlers. */
  secretRefs: SecretRef[];
  /** Every string literal and template chunk of a rule or Action file (empty for other files). */
  stringLiterals: StringLiteralInfo[];
  /** Where the rule's callback parameter is referenced inside its body. */
  callbackReferences: OffsetRange[];
  /**
   * Every `if`, `?:`, `&&`/`||`/`??` and `switch` in source (pre-)order: of the rule function for a
   * Rule (its configurations are all in there), of the whole file for an Action. Collected by the
   * scan the model makes anyway, so the MFA gate checks walk no tree of their own.
   */
  conditions: ConditionNode[];
  /**
   * Offsets of the string literals (property keys included) whose value is 'oauth2-refresh-token',
   * in the same part of the file as `conditions`.
   */
  refreshProtocolLiterals: number[];
  /**
   * Every `<name>.x` and `<name>.y.x` (not computed) on the context of a Rule or the event and api of an Action,
   * in the same part of the file as `conditions`: the misspelt-field checks read them from here, as a walk of
   * their own over the tree made the analysis of a 100 kB file half as slow again.
   */
  members: NamedMember[];
  /** Every `<user>.x` (not computed) on a Rule's user parameter, for the profile-field check; apart, as the context's checks need none of them. */
  userMembers: NamedMember[];
}

/** A member expression on one of the file's parameters, and whether it is the target of an assignment. */
export interface NamedMember {
  node: acorn.MemberExpression;
  assigned: boolean;
}

/** A node that decides which code runs: `if`, `?:`, `&&`/`||`/`??`, `switch`. */
export type ConditionNode = acorn.AnyNode & { type: 'IfStatement' | 'ConditionalExpression' | 'LogicalExpression' | 'SwitchStatement' };

/** The protocol of a refresh-token exchange, where Auth0 cannot ask for MFA. */
export const refreshProtocol = 'oauth2-refresh-token';

type AnyNode = acorn.AnyNode;

const parseOptions = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true, allowAwaitOutsideFunction: true } as const;

const actionHandlerPattern = /\bon(?:Execute|Continue)PostLogin\b/;

/**
 * The offset after whitespace, comments (and `;` when `semicolons`) from `pos`. A loop, not a
 * regex: `(?:\s+|comment)*` backtracks exponentially on long runs of blanks.
 */
function skipTrivia(text: string, pos: number, semicolons: boolean): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === 47 /* / */ && text.charCodeAt(pos + 1) === 47) {
      while (pos < text.length && !isLineBreak(text.charCodeAt(pos))) pos++;
    } else if (c === 47 && text.charCodeAt(pos + 1) === 42 /* * */) {
      const end = text.indexOf('*/', pos + 2);
      if (end < 0) return pos;
      pos = end + 2;
    } else if ((semicolons && c === 59) || isBlank(c)) {
      pos++;
    } else {
      return pos;
    }
  }
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || isLineBreak(c) || (c > 0x1000 && /\s/.test(String.fromCharCode(c)));
}

/** Does the text start (after trivia) with `function` or `async function`? */
function startsWithFunctionKeyword(text: string): boolean {
  let pos = skipTrivia(text, 0, false);
  if (text.startsWith('async', pos) && isBlank(text.charCodeAt(pos + 5))) pos = skipTrivia(text, pos + 5, false);
  return text.startsWith('function', pos) && !/[\w$]/.test(text.charAt(pos + 8));
}

function describeError(err: unknown): SyntaxErrorInfo {
  const e = err as { message?: string; pos?: number };
  return { message: String(e.message ?? err).replace(/ \(\d+:\d+\)$/, ''), offset: typeof e.pos === 'number' ? e.pos : 0 };
}

/**
 * Strict parse first (a bare function expression via parseExpressionAt so offsets stay put,
 * otherwise a script), falling back to acorn-loose, which always yields an AST. Text that can be
 * neither a rule (no leading function) nor an Action (no on…PostLogin), and binary text, is not
 * parsed at all: `program` is then empty.
 */
export function parseSource(text: string): ParseResult {
  const { text: neutral, tokens } = neutraliseKeywordTokens(text);
  const first = parseNeutral(text, neutral, tokens);
  if (!first.syntaxError || first.tooDeep) return first;
  // Auth0's published Duo Action template writes `providerOptions.ikey: …`: read such keys as nested ones.
  const dottedKeys = findDottedKeys(neutral);
  if (dottedKeys.length === 0) return first;
  let undotted = neutral;
  for (const key of dottedKeys) {
    for (let i = key.range.start; i < key.range.end; i++) {
      if (undotted[i] === '.') undotted = `${undotted.slice(0, i)}$${undotted.slice(i + 1)}`;
    }
  }
  return { ...parseNeutral(text, undotted, tokens), dottedKeys };
}

/**
 * Object keys written as member expressions: a name after `{` or `,`, then `.name` one or more
 * times, then `:`. Found with acorn's tokenizer, so strings, comments and templates never match.
 */
function findDottedKeys(text: string): DottedKey[] {
  const found: DottedKey[] = [];
  const tokens: acorn.Token[] = [];
  try {
    for (const token of acorn.tokenizer(text, { ecmaVersion: 'latest', allowHashBang: true })) tokens.push(token);
  } catch {
    // A token acorn cannot read ends the search; the keys before it still count.
  }
  const tt = acorn.tokTypes;
  const braces: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === tt.braceL || token.type === tt.dollarBraceL) braces.push(token.type === tt.braceL ? token.start : -1);
    else if (token.type === tt.braceR) braces.pop();
    const before = tokens[i - 1];
    if (token.type !== tt.name || !before || (before.type !== tt.braceL && before.type !== tt.comma)) continue;
    const segments = [{ name: text.slice(token.start, token.end), start: token.start, end: token.end }];
    let j = i + 1;
    while (tokens[j]?.type === tt.dot && tokens[j + 1]?.type === tt.name) {
      segments.push({ name: text.slice(tokens[j + 1].start, tokens[j + 1].end), start: tokens[j + 1].start, end: tokens[j + 1].end });
      j += 2;
    }
    const objectStart = braces[braces.length - 1];
    if (segments.length < 2 || tokens[j]?.type !== tt.colon || objectStart === undefined || objectStart < 0) continue;
    // Only dots between the names: `a . b` with blanks stays a plain syntax error.
    if (segments.some((seg, k) => k > 0 && seg.start !== segments[k - 1].end + 1)) continue;
    found.push({ segments, range: { start: segments[0].start, end: segments[segments.length - 1].end }, objectStart });
    i = j;
  }
  return found;
}

function parseNeutral(text: string, neutral: string, tokens: KeywordToken[]): ParseResult {  let comments: acorn.Comment[] = [];
  let firstError: SyntaxErrorInfo | undefined;
  const startsWithFunction = startsWithFunctionKeyword(neutral);
  // Neither a rule nor an Action can be in here: skip parsing (binary files, minified bundles…).
  if (!startsWithFunction && !actionHandlerPattern.test(neutral)) {
    return { program: emptyProgram(text), comments, keywordTokens: tokens, loose: false, dottedKeys: [] };
  }
  const tooDeep = (offset: number, what: TooDeepInfo['what'], limit: number): ParseResult =>
    ({ program: emptyProgram(text), comments: [], keywordTokens: tokens, loose: false, tooDeep: { offset, what, limit }, dottedKeys: [] });
  const deepAt = firstTooDeepBracket(neutral, bracketNestingLimit);
  if (deepAt !== undefined) return tooDeep(deepAt, 'brackets', bracketNestingLimit);
  // acorn reports its own stack overflow (long `a + a + …` or `!!!…` chains) as this syntax error.
  const overflowed = (err: unknown): boolean => err instanceof RangeError || /Not enough stack space/.test(String((err as { message?: unknown })?.message));
  if (startsWithFunction) {
    try {
      const expr = acorn.parseExpressionAt(neutral, 0, { ...parseOptions, onComment: comments });
      if (skipTrivia(neutral, expr.end, true) === neutral.length) {
        const statement = { type: 'ExpressionStatement', start: expr.start, end: expr.end, expression: expr };
        const program = { type: 'Program', start: 0, end: text.length, body: [statement], sourceType: 'script' } as unknown as acorn.Program;
        return { program, comments, keywordTokens: tokens, loose: false, dottedKeys: [] };
      }
    } catch (err) {
      if (overflowed(err)) return tooDeep(describeError(err).offset, 'expressions', syntaxNestingLimit);
      firstError = describeError(err);
    }
  }
  comments = [];
  try {
    const program = acorn.parse(neutral, { ...parseOptions, onComment: comments });
    return { program, comments, keywordTokens: tokens, loose: false, dottedKeys: [] };
  } catch (err) {
    if (overflowed(err)) return tooDeep(describeError(err).offset, 'expressions', syntaxNestingLimit);
    firstError ??= describeError(err);
  }
  // Binary files (NUL bytes) are not source being typed: recovering through them is slow and useless.
  if (neutral.includes('\0')) return { program: emptyProgram(text), comments: [], keywordTokens: tokens, loose: true, syntaxError: firstError, dottedKeys: [] };
  comments = [];
  let program: acorn.Program;
  try {
    program = QuietLooseParser.parse(neutral, { ...parseOptions, onComment: comments });
  } catch (err) {
    if (overflowed(err)) return tooDeep(firstError?.offset ?? 0, 'expressions', syntaxNestingLimit);
    throw err;
  }
  return { program, comments, keywordTokens: tokens, loose: true, syntaxError: firstError, dottedKeys: [] };
}

/**
 * acorn's raise() counts lines from the start of the text to format each message; acorn-loose
 * recovers from every bad character that way, which is quadratic on binary junk. The loose
 * parser only needs the error's positions, so its tokenizer raises without the line count.
 */
class QuietTokenizer extends acorn.Parser {}
(QuietTokenizer.prototype as unknown as { raise: (pos: number, message: string) => never }).raise = function raise(this: { pos: number }, pos: number, message: string): never {
  // No stack trace either (it is the other half of the cost): acorn-loose only checks instanceof.
  throw Object.assign(Object.create(SyntaxError.prototype) as SyntaxError, { message, pos, raisedAt: this.pos });
};
class QuietLooseParser extends acornLoose.LooseParser {}
(QuietLooseParser as unknown as { BaseParser: typeof acorn.Parser }).BaseParser = QuietTokenizer;

function emptyProgram(text: string): acorn.Program {
  return { type: 'Program', start: 0, end: text.length, body: [], sourceType: 'script' } as unknown as acorn.Program;
}

function isDummy(node: AnyNode | null | undefined): boolean {
  return !!node && node.type === 'Identifier' && node.name === '✖';
}

function rangeOf(node: { start: number; end: number }): OffsetRange {
  return { start: node.start, end: node.end };
}

/** The name of a non-computed member property or a string-literal computed one. */
function memberName(node: acorn.MemberExpression): string | undefined {
  const p = node.property;
  if (!node.computed && p.type === 'Identifier') return p.name;
  if (node.computed && p.type === 'Literal' && typeof p.value === 'string') return p.value;
  return undefined;
}

function propertyKeyName(prop: acorn.Property): string | undefined {
  const k = prop.key;
  if (!prop.computed && k.type === 'Identifier') return isDummy(k) ? undefined : k.name;
  if (k.type === 'Literal' && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
  return undefined;
}

function isIdentifier(node: acorn.Node | null | undefined, name: string | undefined): boolean {
  return !!node && !!name && node.type === 'Identifier' && (node as acorn.Identifier).name === name;
}

/** `<objName>.<prop>` (also with a string-literal computed property). */
function isMember(node: acorn.Node | null | undefined, objName: string | undefined, prop: string): node is acorn.MemberExpression {
  if (!node || node.type !== 'MemberExpression') return false;
  const member = node as acorn.MemberExpression;
  return isIdentifier(member.object, objName) && memberName(member) === prop;
}

function describeFunction(node: acorn.Function): FunctionInfo {
  const id = node.id && !isDummy(node.id) ? node.id : null;
  return {
    range: rangeOf(node),
    headerRange: { start: node.start, end: node.body.start },
    bodyRange: rangeOf(node.body),
    name: id?.name,
    nameRange: id ? rangeOf(id) : undefined,
    params: node.params.map((p) => ({ name: p.type === 'Identifier' && !isDummy(p) ? p.name : undefined, range: rangeOf(p) })),
    async: node.async,
    arrow: node.type === 'ArrowFunctionExpression',
  };
}

function isFunctionNode(node: acorn.Node | null | undefined): node is acorn.Function {
  return !!node && (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'FunctionDeclaration');
}

function findRuleFunction(parse: ParseResult): acorn.Function | null {
  const body = parse.program.body.filter((s) => s.type !== 'EmptyStatement');
  // While typing, acorn-loose may close the function early (it guesses by indentation) and
  // leave the rest as extra statements: a file that starts with a function is still a rule.
  if (body.length === 0 || (body.length > 1 && !parse.loose)) return null;
  const only = body[0];
  let fn: acorn.Function | null = null;
  if (only.type === 'FunctionDeclaration') fn = only;
  else if (only.type === 'ExpressionStatement' && only.expression.type === 'FunctionExpression') fn = only.expression;
  // Extra statements after a broken function: only a rule-shaped signature makes it a rule.
  if (fn && body.length > 1 && fn.params.length < 2) return null;
  return fn;
}

const actionHandlerNames = new Set(['onExecutePostLogin', 'onContinuePostLogin']);

/** `exports` or `module.exports`. */
function isExportsObject(node: AnyNode): boolean {
  return isIdentifier(node, 'exports') || isMember(node, 'module', 'exports');
}

function findActionExports(program: acorn.Program): Array<{ name: ActionExport['name']; target: AnyNode; statement: AnyNode; value: AnyNode | null }> {
  const found: Array<{ name: ActionExport['name']; target: AnyNode; statement: AnyNode; value: AnyNode | null }> = [];
  for (const statement of program.body) {
    if (statement.type !== 'ExpressionStatement' || statement.expression.type !== 'AssignmentExpression') continue;
    const { left, right } = statement.expression;
    if (left.type !== 'MemberExpression') continue;
    const name = memberName(left);
    if (name && actionHandlerNames.has(name) && isExportsObject(left.object)) {
      found.push({ name: name as ActionExport['name'], target: left, statement, value: right });
    } else if (isMember(left, 'module', 'exports') && right.type === 'ObjectExpression') {
      for (const prop of right.properties) {
        if (prop.type !== 'Property') continue;
        const key = propertyKeyName(prop);
        if (key && actionHandlerNames.has(key)) found.push({ name: key as ActionExport['name'], target: prop.key, statement, value: prop.value });
      }
    }
  }
  return found;
}

/** The functions declared at the top level of a module (helpers an Action's handler may call), by name. */
function topLevelFunctions(program: acorn.Program): Map<string, AnyNode | null> {
  const found = new Map<string, AnyNode | null>();
  for (const statement of program.body) {
    if (statement.type === 'FunctionDeclaration' && statement.id) found.set(statement.id.name, statement);
    if (statement.type === 'VariableDeclaration') {
      for (const d of statement.declarations) if (d.id.type === 'Identifier' && isFunctionNode(d.init)) found.set(d.id.name, d.init);
    }
  }
  return found;
}

/** Resolves a top-level function name for `exports.onExecutePostLogin = handler`. */
function resolveTopLevelFunction(program: acorn.Program, name: string): acorn.Function | null {
  for (const statement of program.body) {
    if (statement.type === 'FunctionDeclaration' && statement.id?.name === name) return statement;
    if (statement.type === 'VariableDeclaration') {
      for (const d of statement.declarations) {
        if (d.id.type === 'Identifier' && d.id.name === name && isFunctionNode(d.init)) return d.init;
      }
    }
  }
  return null;
}

/** Thrown by the model scan when the tree is deeper than it walks (caught in buildModel). */
class TooDeepError extends Error {
  constructor(readonly offset: number) {
    super('too deeply nested');
  }
}

interface PendingWrite {
  /** `ctx`: `context.multifactor.key = …`; otherwise the object literal of the binding written to. */
  target: 'ctx' | acorn.ObjectExpression;
  properties: MfaProperty[];
  /** An Object.assign with a non-literal source. */
  opaque: boolean;
  /** A write of unknown keys (`cfg[k] = …`, the object passed to a function): see MfaObject.rewritten. */
  rewritten?: boolean;
  /** Written inside a nested function, which may run after any configuration (`keys.forEach(…)`, a helper called later). */
  deferred?: boolean;
  start: number;
  /** The `if`/`?:` branches the write is in. */
  branches?: Array<{ id: number; side: 0 | 1 }>;
}

type Scope = Map<string, AnyNode | null>;

/** A call of a helper function of the same file that returns object literals. */
interface HelperCall {
  name: string;
  fn: acorn.Function;
  /** The literals it returns (written in a return, or held by one of its own variables that it returns). */
  literals: acorn.ObjectExpression[];
  /** Whether every return is one of them. */
  complete: boolean;
  /** The scopes its body sees. */
  scopes: Scope[];
}

/** The branches of a `?:` (nested ones flattened) in source order; any other expression alone. */
function conditionalLeaves(expr: AnyNode): AnyNode[] {
  if (expr.type !== 'ConditionalExpression') return [expr];
  const leaves: AnyNode[] = [];
  const stack: AnyNode[] = [expr];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.type === 'ConditionalExpression') stack.push(e.alternate, e.consequent);
    else leaves.push(e);
  }
  return leaves;
}

/**
 * The name `x` of `x.y`, `x.z.y` or `x.w.z.y` (members not computed), else undefined. Three levels reach
 * `event.request.geoip.countryCode`, whose field names differ between Rules and Actions.
 */
function rootName(node: acorn.MemberExpression): string | undefined {
  let object = node.object;
  for (let depth = 0; depth < 2 && object.type === 'MemberExpression' && !object.computed; depth++) object = object.object;
  return object.type === 'Identifier' ? object.name : undefined;
}

/** Calls that read the objects passed to them and never add keys (any other call may fill them). */
function readsOnly(callee: AnyNode): boolean {
  if (callee.type !== 'MemberExpression') return false;
  if (isIdentifier(callee.object, 'console')) return true;
  const name = memberName(callee);
  if (isIdentifier(callee.object, 'JSON')) return name === 'stringify';
  return isIdentifier(callee.object, 'Object') && ['keys', 'values', 'entries', 'freeze', 'isFrozen', 'getOwnPropertyNames', 'hasOwn'].includes(name ?? '');
}

/** Walks one rule function or Action handler, collecting configs, secret refs, strings and callback refs. */
class FunctionScanner {
  readonly configs: MfaConfig[] = [];
  readonly writes: PendingWrite[] = [];
  private readonly scopes: Scope[] = [];
  /** Every object read from a literal, by that literal: writes to the literal's variable reach them all. */
  private readonly objects = new Map<acorn.ObjectExpression, MfaObject[]>();
  /** `x.key = {…}` writes by the literal of `x` and the key: so `x.key.sub = …` reaches the object written. */
  private readonly memberWrites = new Map<acorn.ObjectExpression, Map<string, acorn.ObjectExpression[]>>();
  /** Literals being spread (a guard against `a = { ...b }, b = { ...a }`). */
  private readonly spreading = new Set<acorn.ObjectExpression>();
  /** The `if`/`?:` branches the scan is in: the condition's offset and which side. */
  private readonly branches: Array<{ id: number; side: 0 | 1 }> = [];
  private readonly configBranches = new Map<MfaConfig, Array<{ id: number; side: 0 | 1 }>>();
  /** Above zero while reading a helper function's returned literals (helpers are followed one level). */
  private helperDepth = 0;
  /** Functions declared at the top level of an Action's module, which its handler may call. */
  moduleFunctions: Scope = new Map();
  /** Where the scan records conditions and refresh-protocol literals (see RuleModel). */
  conditions: ConditionNode[] = [];
  refreshProtocolLiterals: number[] = [];
  /** Where the scan records the members on its owner (see RuleModel), when it should. */
  members?: NamedMember[];
  /** Where the scan records the members on `userName`, the Rule's user parameter. */
  userMembers?: NamedMember[];
  userName?: string;
  /** Member expressions assigned to, seen before the scan reaches them. */
  private readonly assignedMembers = new Set<AnyNode>();

  constructor(
    private readonly kind: 'rule' | 'action',
    private owner: string | undefined,
    private readonly tokens: KeywordToken[],
    private readonly secretRefs: SecretRef[],
    private readonly strings: StringLiteralInfo[],
    private callbackName: string | undefined,
    private readonly callbackRefs: OffsetRange[],
    private eventName: string | undefined,
  ) {}

  scan(fn: acorn.Function): void {
    this.scopes.push(this.moduleFunctions);
    this.visitFunction(fn, true);
    this.scopes.pop();
    this.attachWrites();
  }

  private hasToken(start: number, end: number): boolean {
    for (const t of this.tokens) if (t.range.start < end && t.range.end > start) return true;
    return false;
  }

  private resolve(name: string): AnyNode | null {
    const index = this.scopeIndexOf(name);
    return index < 0 ? null : this.scopes[index].get(name) ?? null;
  }

  /** The index in `scopes` of the innermost scope declaring `name`; -1 when none does. */
  private scopeIndexOf(name: string): number {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].has(name)) return i;
    return -1;
  }

  /** The object literal a binding was initialised with (also through `const b = a` aliases), if any. */
  private resolveObject(node: AnyNode): acorn.ObjectExpression | null {
    let current: AnyNode | null = node;
    for (let hops = 0; current?.type === 'Identifier' && hops < 8; hops++) current = this.resolve(current.name);
    return current && current !== node && current.type === 'ObjectExpression' ? current : null;
  }

  /**
   * Every object literal an expression may hold: a literal, a variable bound to one (through
   * aliases), each object branch of a `?:`, the literals a helper of the same file returns, and
   * `x.key` where `x` holds a literal whose `key` is one (written in the literal or by an earlier
   * `x.key = {…}`). Writes through it reach them all.
   */
  private resolveObjects(node: AnyNode, depth = 0): acorn.ObjectExpression[] {
    if (depth > 8) return [];
    switch (node.type) {
      case 'ObjectExpression':
        return [node];
      case 'ConditionalExpression':
        return conditionalLeaves(node).flatMap((leaf) => this.resolveObjects(leaf, depth + 1));
      case 'CallExpression':
        // `{ providerOptions: duoKeys() }`: the literals the helper returns.
        return this.helperReturns(node)?.literals ?? [];
      case 'Identifier': {
        const init = this.resolve(node.name);
        return init && init !== node ? this.resolveObjects(init, depth + 1) : [];
      }
      case 'MemberExpression': {
        const key = memberName(node);
        if (key === undefined) return [];
        const found: acorn.ObjectExpression[] = [];
        for (const parent of this.resolveObjects(node.object, depth + 1)) {
          for (let i = parent.properties.length - 1; i >= 0; i--) {
            const prop = parent.properties[i];
            if (prop.type === 'Property' && propertyKeyName(prop) === key) {
              found.push(...this.resolveObjects(prop.value, depth + 1));
              break;
            }
          }
          found.push(...(this.memberWrites.get(parent)?.get(key) ?? []));
        }
        return found;
      }
      default:
        return [];
    }
  }

  /** The literals a variable's own initialiser holds (a literal, or the object branches of a `?:`): what `x = …` replaces. */
  private ownLiterals(name: string): acorn.ObjectExpression[] {
    const init = this.resolve(name);
    if (!init) return [];
    return conditionalLeaves(init).filter((leaf): leaf is acorn.ObjectExpression => leaf.type === 'ObjectExpression');
  }

  private declareIn(scope: Scope, statements: readonly AnyNode[]): void {
    for (const s of statements) {
      if (s.type === 'VariableDeclaration') {
        for (const d of s.declarations) if (d.id.type === 'Identifier') scope.set(d.id.name, d.init ?? null);
      } else if (s.type === 'FunctionDeclaration' && s.id) {
        scope.set(s.id.name, s);
      }
    }
  }

  private visitFunction(fn: acorn.Function, root: boolean): void {
    const scope: Scope = new Map();
    // A nested function whose parameter reuses a tracked name shadows it inside.
    const shadowed = root ? [] : fn.params.filter((p) => p.type === 'Identifier').map((p) => (p as acorn.Identifier).name);
    const saved = { owner: this.owner, callbackName: this.callbackName, eventName: this.eventName, userName: this.userName };
    if (this.owner && shadowed.includes(this.owner)) this.owner = undefined;
    if (this.callbackName && shadowed.includes(this.callbackName)) this.callbackName = undefined;
    if (this.eventName && shadowed.includes(this.eventName)) this.eventName = undefined;
    if (this.userName && shadowed.includes(this.userName)) this.userName = undefined;
    for (const p of fn.params) {
      if (p.type === 'Identifier') scope.set(p.name, null);
      else this.visit(p);
    }
    this.scopes.push(scope);
    if (!root) this.nestedFunctions++;
    if (fn.body.type === 'BlockStatement') {
      this.declareIn(scope, fn.body.body);
      // A `user` a nested function declares (a Management API result, a parsed response) is some other
      // object, whose fields are not Auth0's profile; one it takes as a parameter is left above.
      if (!root && this.userName && scope.has(this.userName)) this.userName = undefined;
      for (const s of fn.body.body) this.visit(s);
    } else {
      this.visit(fn.body);
    }
    if (!root) this.nestedFunctions--;
    this.scopes.pop();
    ({ owner: this.owner, callbackName: this.callbackName, eventName: this.eventName, userName: this.userName } = saved);
  }

  /** Above zero inside a function nested in the rule function or handler. */
  private nestedFunctions = 0;

  /** Records a write; one to `context.multifactor` inside a nested function is marked as possibly running later. */
  private addWrite(write: PendingWrite): void {
    if (write.target === 'ctx' && this.nestedFunctions > 0) write.deferred = true;
    this.writes.push(write);
  }

  private depth = 0;
  /** Dotted keys by the offset of their first name. */
  dotted = new Map<number, DottedKey>();

  private visit(node: AnyNode | null | undefined): void {
    if (!node) return;
    if (++this.depth > syntaxNestingLimit) throw new TooDeepError(node.start);
    // No try/finally (it runs for every node): an error ends the whole scan, whose scanner is then dropped.
    this.visitNode(node);
    this.depth--;
  }

  private visitNode(node: AnyNode): void {
    // The commonest node types first, and those whose children are plain read directly: this runs for every
    // node, and reading a child by a computed key (visitChildren) costs several times more than by its name.
    // The direct reads take the children in the order visitChildren would (acorn and acorn-loose create
    // these fields in source order).
    switch (node.type) {
      case 'Identifier':
        if (this.callbackName && node.name === this.callbackName) this.callbackRefs.push(rangeOf(node));
        return;
      case 'MemberExpression':
        this.noteSecretRef(node);
        if (this.members && this.owner && !node.computed && rootName(node) === this.owner) this.members.push({ node, assigned: this.assignedMembers.has(node) });
        else if (this.userMembers && this.userName && !node.computed && node.object.type === 'Identifier' && node.object.name === this.userName) {
          this.userMembers.push({ node, assigned: this.assignedMembers.has(node) });
        }
        this.visit(node.object);
        if (node.computed) this.visit(node.property);
        return;
      case 'Literal':
        if (typeof node.value === 'string') {
          this.strings.push({ value: node.value, range: rangeOf(node) });
          if (node.value === refreshProtocol) this.refreshProtocolLiterals.push(node.start);
        }
        return;
      case 'CallExpression':
        this.noteCall(node);
        this.visit(node.callee);
        for (const argument of node.arguments) this.visit(argument);
        return;
      case 'ExpressionStatement':
        this.visit(node.expression);
        return;
      case 'Property':
        if (node.computed) this.visit(node.key);
        else if (node.key.type === 'Literal' && node.key.value === refreshProtocol) this.refreshProtocolLiterals.push(node.key.start);
        this.visit(node.value);
        return;
      case 'AssignmentExpression':
        if (node.operator === '=') this.noteAssignment(node);
        if (this.members && node.left.type === 'MemberExpression') this.assignedMembers.add(node.left);
        this.visit(node.left);
        this.visit(node.right);
        return;
      case 'LogicalExpression':
        this.conditions.push(node);
        this.visit(node.left);
        this.visit(node.right);
        return;
      case 'BinaryExpression':
        this.visit(node.left);
        this.visit(node.right);
        return;
      case 'ObjectExpression':
        for (const property of node.properties) this.visit(property);
        return;
      case 'IfStatement':
      case 'ConditionalExpression':
        this.conditions.push(node);
        // Configurations in the two branches of one condition never follow each other.
        this.visit(node.test);
        this.branches.push({ id: node.start, side: 0 });
        this.visit(node.consequent);
        this.branches[this.branches.length - 1] = { id: node.start, side: 1 };
        this.visit(node.alternate);
        this.branches.pop();
        return;
      case 'BlockStatement': {
        const scope: Scope = new Map();
        this.declareIn(scope, node.body);
        this.scopes.push(scope);
        for (const s of node.body) this.visit(s);
        this.scopes.pop();
        return;
      }
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'FunctionDeclaration':
        this.visitFunction(node, false);
        return;
      case 'UnaryExpression':
      case 'ReturnStatement':
        this.visit(node.argument);
        return;
      case 'VariableDeclaration':
        for (const declarator of node.declarations) this.visit(declarator);
        return;
      case 'VariableDeclarator':
        this.visit(node.id);
        this.visit(node.init);
        return;
      case 'SwitchStatement':
        this.conditions.push(node);
        break;
      case 'TemplateElement':
        this.strings.push({ value: node.value.cooked ?? node.value.raw, range: rangeOf(node) });
        return;
      default:
        break;
    }
    this.visitChildren(node);
  }

  private visitChildren(node: AnyNode): void {
    // The child nodes in source order, read in place: no array per node (this runs for most nodes).
    const record = node as unknown as Record<string, unknown>;
    for (const key in record) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
      const child = record[key];
      if (!child || typeof child !== 'object') continue;
      if (Array.isArray(child)) {
        for (const c of child) if (c && typeof (c as Record<string, unknown>).type === 'string') this.visit(c as AnyNode);
      } else if (typeof (child as Record<string, unknown>).type === 'string') {
        this.visit(child as AnyNode);
      }
    }
  }

  private secretRefOf(node: AnyNode): SecretRef | undefined {
    if (node.type !== 'MemberExpression') return undefined;
    const key = memberName(node);
    if (key === undefined || isDummy(node.property)) return undefined;
    const source = this.kind === 'rule' && isIdentifier(node.object, 'configuration') ? 'configuration'
      : this.kind === 'action' && this.eventName && isMember(node.object, this.eventName, 'secrets') ? 'event.secrets' : undefined;
    // After the owner: this runs for every member expression of the file.
    if (!source || isObjectMethodName(key)) return undefined;
    return { source, key, keyRange: rangeOf(node.property), range: rangeOf(node) };
  }

  private noteSecretRef(node: acorn.MemberExpression): void {
    const ref = this.secretRefOf(node);
    if (ref) this.secretRefs.push(ref);
  }

  private valueOf(node: AnyNode): MfaValue {
    const range = rangeOf(node);
    const keywordToken = this.hasToken(node.start, node.end);
    const base = { range, keywordToken };
    if (isDummy(node)) return { ...base, kind: 'missing' };
    if (node.type === 'ConditionalExpression') {
      // `host: prod ? 'api-a…' : 'api-b…'`: each branch is checked like an inline value.
      const choices = conditionalLeaves(node).map((leaf) => this.valueOf(leaf));
      const alternatives = choices.flatMap((c) => (c.kind === 'object' && c.object ? [c.object] : c.alternatives ?? []));
      return { ...base, kind: 'dynamic', choices, alternatives: alternatives.length ? alternatives : undefined };
    }
    // A token inside an object literal makes only that property dynamic, not the whole object.
    if (keywordToken && node.type !== 'ObjectExpression') return { ...base, kind: 'dynamic' };
    switch (node.type) {
      case 'Literal':
        if (typeof node.value === 'string') return { ...base, kind: 'string', literal: node.value };
        if (typeof node.value === 'boolean') return { ...base, kind: 'boolean', literal: node.value };
        if (typeof node.value === 'number') return { ...base, kind: 'number', literal: node.value };
        if (node.value === null && node.raw === 'null') return { ...base, kind: 'null', literal: null };
        return { ...base, kind: 'dynamic' };
      case 'TemplateLiteral':
        if (node.expressions.length === 0) return { ...base, kind: 'string', literal: node.quasis[0]?.value.cooked ?? '' };
        return { ...base, kind: 'dynamic' };
      case 'ObjectExpression':
        return { ...base, kind: 'object', object: this.objectOf(node) };
      case 'ArrayExpression':
        return { ...base, kind: 'array' };
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return { ...base, kind: 'function' };
      case 'Identifier': {
        const bound = this.resolveObject(node);
        if (bound) return { ...base, kind: 'object', object: this.objectOf(bound) };
        return { ...base, kind: 'dynamic' };
      }
      case 'CallExpression': {
        const helper = this.helperReturns(node);
        if (!helper) return { ...base, kind: 'dynamic' };
        const alternatives = helper.literals.map((literal) => this.inHelper(helper, () => this.objectOf(literal)));
        const single = alternatives.length === 1 && helper.complete;
        return { ...base, kind: single ? 'object' : 'dynamic', object: single ? alternatives[0] : undefined, alternatives, helper: helper.name };
      }
      default:
        return { ...base, kind: 'dynamic', secretRef: this.secretRefOf(node) };
    }
  }

  /**
   * The properties of an object literal. A spread of a variable bound to an object literal adds
   * that literal's keys; `selfSpread` recognises the spread of the value being replaced
   * (`{ ...context.multifactor, … }`), reported through `merge`; any other spread hides fields.
   */
  private objectOf(node: acorn.ObjectExpression, selfSpread?: (argument: AnyNode) => boolean, merge?: { found: boolean }): MfaObject {
    const properties: MfaProperty[] = [];
    let fieldsKnown = true;
    const result: MfaObject = { range: rangeOf(node), properties, fieldsKnown };
    for (const prop of node.properties) {
      if (prop.type === 'SpreadElement') {
        if (selfSpread?.(prop.argument)) {
          if (merge) merge.found = true;
          continue;
        }
        const bound = this.resolveObject(prop.argument);
        if (!bound || bound === node || this.spreading.has(bound)) { fieldsKnown = false; continue; }
        this.spreading.add(bound);
        try {
          const spread = this.objectOf(bound);
          for (const p of spread.properties) properties.push({ ...p, origin: 'spread' });
          if (!spread.fieldsKnown) fieldsKnown = false;
        } finally {
          this.spreading.delete(bound);
        }
        // Later writes to the spread variable reach this object too (union: never a false missing key).
        this.register(bound, result);
        continue;
      }
      if (prop.type !== 'Property') { fieldsKnown = false; continue; }
      const dotted = this.dotted.get(prop.key.start);
      if (dotted) {
        this.addDotted(properties, dotted.segments, prop);
        continue;
      }
      const key = propertyKeyName(prop);
      if (key === undefined) {
        if (prop.computed) fieldsKnown = false;
        continue;
      }
      const keyToken = this.hasToken(prop.key.start, prop.key.end);
      properties.push({ key, keyRange: rangeOf(prop.key), range: rangeOf(prop), value: this.valueOf(prop.value), keyToken, origin: 'literal' });
    }
    result.fieldsKnown = fieldsKnown;
    this.register(node, result);
    return result;
  }

  /** Remembers that `object` was read from `literal`, so writes to the literal's variable reach it. */
  private register(literal: acorn.ObjectExpression, object: MfaObject): void {
    const list = this.objects.get(literal);
    if (list) list.push(object);
    else this.objects.set(literal, [object]);
  }

  /**
   * A call of a function of the same file that returns object literals: the literals (followed
   * one level: a call inside the helper is not followed) and whether every return is one.
   */
  private helperReturns(call: acorn.CallExpression): HelperCall | null {
    if (this.helperDepth > 0 || call.callee.type !== 'Identifier' || call.arguments.some((a) => a.type === 'SpreadElement')) return null;
    const defined = this.scopeIndexOf(call.callee.name);
    const fn = defined < 0 ? null : this.scopes[defined].get(call.callee.name) ?? null;
    if (!isFunctionNode(fn) || fn.async || fn.generator) return null;
    // The helper sees its own names, then those of the scopes it is defined in (not the caller's inner blocks).
    const own: Scope = new Map();
    for (const p of fn.params) if (p.type === 'Identifier') own.set(p.name, null);
    if (fn.body.type === 'BlockStatement') this.declareIn(own, fn.body.body);
    const scopes = [...this.scopes.slice(0, defined + 1), own];
    // A helper inside the scanned function is scanned too, so writes to its own variables are known;
    // a module-level one of an Action is not: only the literals it returns as written count there.
    const scanned = this.kind === 'rule' || defined > 0;
    const literals: acorn.ObjectExpression[] = [];
    let complete = true;
    const consider = (expr: AnyNode): void => {
      const stack = [expr];
      while (stack.length) {
        const e = stack.pop()!;
        const bound = e.type === 'Identifier' && (scanned || !own.has(e.name)) ? scopes.findLast((scope) => scope.has(e.name))?.get(e.name) : undefined;
        if (e.type === 'ObjectExpression') literals.push(e);
        else if (bound?.type === 'ObjectExpression') literals.push(bound);
        else if (e.type === 'ConditionalExpression') stack.push(e.alternate, e.consequent);
        else if (e.type === 'SequenceExpression' && e.expressions.length) stack.push(e.expressions[e.expressions.length - 1]);
        else complete = false;
      }
    };
    if (fn.body.type !== 'BlockStatement') {
      consider(fn.body);
    } else {
      walk(fn.body, {
        enter(node) {
          if (isFunctionNode(node)) return false;
          if (node.type === 'ReturnStatement') {
            if (node.argument) consider(node.argument);
            else complete = false;
          }
          return true;
        },
      });
      // Falling off the end returns undefined.
      if (fn.body.body[fn.body.body.length - 1]?.type !== 'ReturnStatement') complete = false;
    }
    if (literals.length === 0) return null;
    literals.sort((a, b) => a.start - b.start);
    return { name: call.callee.name, fn, literals: [...new Set(literals)], complete, scopes };
  }

  /**
   * Runs `read` with the names the helper sees (its parameters and declarations, then the scopes
   * it is defined in, as anywhere else), and no further helpers.
   */
  private inHelper<T>(helper: HelperCall, read: () => T): T {
    const saved = this.scopes.splice(0, this.scopes.length, ...helper.scopes);
    this.helperDepth++;
    try {
      return read();
    } finally {
      this.helperDepth--;
      this.scopes.splice(0, this.scopes.length, ...saved);
    }
  }

  /** `a.b.c: v` as `a: { b: { c: v } }`, merged with the other dotted keys of the same object. */
  private addDotted(properties: MfaProperty[], segments: DottedKey['segments'], prop: acorn.Property): void {
    const [head, ...rest] = segments;
    const keyRange = { start: head.start, end: head.end };
    if (rest.length === 0) {
      properties.push({ key: head.name, keyRange, range: rangeOf(prop), value: this.valueOf(prop.value), keyToken: false, origin: 'literal' });
      return;
    }
    let holder = properties.find((p) => p.key === head.name && p.dotted && p.value.object);
    if (!holder) {
      holder = {
        key: head.name, keyRange, range: rangeOf(prop), keyToken: false, origin: 'literal', dotted: true,
        value: { range: rangeOf(prop), kind: 'object', keywordToken: false, object: { range: null, properties: [], fieldsKnown: true } },
      };
      properties.push(holder);
    }
    this.addDotted(holder.value.object!.properties, rest, prop);
  }

  private noteAssignment(node: acorn.AssignmentExpression): void {
    const left = node.left;
    if (left.type === 'Identifier') {
      // `mfa = { ...mfa, ikey }` (or any new value) for a variable bound to an object literal: its
      // keys count for that literal; a value that is not a literal makes its fields unknown.
      const targets = this.ownLiterals(left.name);
      if (targets.length === 0) return;
      if (node.right.type !== 'ObjectExpression') {
        for (const target of targets) this.addWrite({ target, properties: [], opaque: true, start: node.start });
        return;
      }
      const parsed = this.objectOf(node.right, (argument) => isIdentifier(argument, left.name));
      const properties = parsed.properties.map((p) => ({ ...p, origin: 'assignment' as const }));
      for (const target of targets) this.addWrite({ target, properties, opaque: !parsed.fieldsKnown, start: node.start });
      return;
    }
    if (left.type !== 'MemberExpression') return;
    if (this.kind === 'rule' && isMember(left, this.owner, 'multifactor')) {
      this.noteRuleConfig(node, left);
      return;
    }
    // context.multifactor.key = … / mfa.key = … / options.providerOptions.key = …
    const key = memberName(left);
    const ctx = this.kind === 'rule' && isMember(left.object, this.owner, 'multifactor');
    const targets: Array<PendingWrite['target']> = ctx ? ['ctx'] : this.resolveObjects(left.object);
    if (targets.length === 0) return;
    if (key === undefined) {
      // `cfg[k] = …` (a loop filling the keys): any key may be written.
      for (const target of targets) this.addWrite({ target, properties: [], opaque: true, rewritten: true, start: node.start, branches: [...this.branches] });
      return;
    }
    const keyToken = this.hasToken(left.property.start, left.property.end);
    const property: MfaProperty = { key, keyRange: rangeOf(left.property), range: rangeOf(node), value: this.valueOf(node.right), keyToken, origin: 'assignment' };
    const written = ctx ? [] : this.resolveObjects(node.right);
    for (const target of targets) {
      this.addWrite({ target, properties: [property], opaque: false, start: node.start, branches: [...this.branches] });
      // `options.providerOptions = {…}`: a later `options.providerOptions.host = …` writes into it.
      if (target !== 'ctx' && written.length) {
        const byKey = this.memberWrites.get(target) ?? new Map<string, acorn.ObjectExpression[]>();
        byKey.set(key, [...(byKey.get(key) ?? []), ...written]);
        this.memberWrites.set(target, byKey);
      }
    }
  }

  /**
   * `context.multifactor = …`. A `?:` (also through a variable bound to one) gives one
   * configuration per branch, each checked like an inline one.
   */
  private noteRuleConfig(node: acorn.AssignmentExpression, left: acorn.MemberExpression): void {
    let leaves = conditionalLeaves(node.right);
    const init = node.right.type === 'Identifier' ? this.resolve(node.right.name) : null;
    if (init?.type === 'ConditionalExpression') leaves = conditionalLeaves(init);
    leaves.forEach((leaf, i) => this.noteRuleValue(node, left, leaf, leaves.length > 1 ? { ...rangeOf(leaf), index: i + 1 } : undefined));
  }

  private noteRuleValue(node: acorn.AssignmentExpression, left: acorn.MemberExpression, right: AnyNode, branch: MfaConfig['branch']): void {
    if ((right.type === 'Literal' && right.value === null) || isIdentifier(right, 'undefined') || isDummy(right)) return;
    let form: MfaConfig['form'] = 'rule-opaque';
    let options: MfaObject = { range: null, properties: [], fieldsKnown: false };
    let bindingName: string | undefined;
    let nonObject: MfaValue | undefined;
    let completes = false;
    if (right.type === 'ObjectExpression') {
      form = 'rule-literal';
      const merge = { found: false };
      options = this.objectOf(right, (argument) => isMember(argument, this.owner, 'multifactor'), merge);
      completes = merge.found;
    } else if (right.type === 'CallExpression' && this.helperReturns(right)) {
      // context.multifactor = duoSettings(): each literal the helper returns is a configuration.
      const helper = this.helperReturns(right)!;
      // duoWithKeys(context.multifactor) builds on the earlier configuration.
      const builds = this.readsOwnMultifactor(right) || undefined;
      for (const literal of helper.literals) {
        const object = this.inHelper(helper, () => this.objectOf(literal));
        this.addConfig({ form: 'rule-literal', anchorRange: rangeOf(left), range: rangeOf(node), provider: null, options: object, duoOptions: object, admin: null, helper: { name: helper.name, range: rangeOf(literal), what: 'options' }, completes: builds });
      }
      return;
    } else {
      const bound = this.resolveObject(right);
      if (bound && right.type === 'Identifier') {
        form = 'rule-binding';
        bindingName = right.name;
        options = this.objectOf(bound);
        (options as MfaObject & { source?: acorn.ObjectExpression }).source = bound;
      } else {
        const value = this.valueOf(right);
        if (['string', 'boolean', 'number', 'array', 'function'].includes(value.kind)) nonObject = value;
        // An opaque value built from the earlier configuration (`Object.assign({}, context.multifactor, …)`,
        // `addKeys(context.multifactor)`) may complete it: the earlier one is not reported alone.
        completes = this.readsOwnMultifactor(right);
      }
    }
    this.addConfig({ form, anchorRange: rangeOf(left), range: rangeOf(node), provider: null, options, duoOptions: options, admin: null, bindingName, nonObject, completes: completes || undefined, branch });
  }

  /** Whether an expression reads `context.multifactor` (the rule's own context). */
  private readsOwnMultifactor(expr: AnyNode): boolean {
    let found = false;
    walk(expr, {
      enter: (node) => {
        if (found) return false;
        if (node.type === 'MemberExpression' && isMember(node, this.owner, 'multifactor')) found = true;
        return !found;
      },
    });
    return found;
  }

  /** Adds a configuration, remembering the branches it is written in. */
  private addConfig(config: MfaConfig): void {
    this.configs.push(config);
    this.configBranches.set(config, [...this.branches]);
  }

  private noteCall(node: acorn.CallExpression): void {
    const callee = node.callee;
    if (this.kind === 'action' && callee.type === 'MemberExpression' && memberName(callee) === 'enable' && isMember(callee.object, this.owner, 'multifactor')) {
      this.noteActionConfig(node, callee);
      return;
    }
    if (isMember(callee, 'Object', 'assign') && node.arguments.length > 0) {
      const [target, ...sources] = node.arguments;
      const dests: Array<PendingWrite['target']> = this.kind === 'rule' && isMember(target, this.owner, 'multifactor') ? ['ctx'] : this.resolveObjects(target);
      if (dests.length === 0 || target.type === 'ObjectExpression') return;
      const write: PendingWrite = { target: 'ctx', properties: [], opaque: false, start: node.start, branches: [...this.branches] };
      for (const source of sources) {
        const obj = source.type === 'ObjectExpression' ? source : this.resolveObject(source);
        if (!obj) { write.opaque = true; continue; }
        const parsed = this.objectOf(obj);
        if (!parsed.fieldsKnown) write.opaque = true;
        for (const p of parsed.properties) write.properties.push({ ...p, origin: 'object-assign' });
      }
      for (const dest of dests) this.addWrite({ ...write, target: dest });
      return;
    }
    if (readsOnly(callee)) return;
    // A configuration object handed to a function (`fill(cfg)`, `keys.forEach(…)` aside) may get any key there.
    for (const argument of node.arguments) {
      const dests: Array<PendingWrite['target']> = this.kind === 'rule' && isMember(argument, this.owner, 'multifactor') ? ['ctx']
        : argument.type === 'Identifier' || argument.type === 'MemberExpression' ? this.resolveObjects(argument) : [];
      for (const dest of dests) this.addWrite({ target: dest, properties: [], opaque: true, rewritten: true, start: node.start, branches: [...this.branches] });
    }
  }

  /** `api.multifactor.enable(provider, options)`. A `?:` as the options (also through a variable) gives one configuration per branch. */
  private noteActionConfig(node: acorn.CallExpression, callee: acorn.MemberExpression): void {
    const [providerArg, optionsArg] = node.arguments;
    const provider = providerArg && providerArg.type !== 'SpreadElement' ? this.valueOf(providerArg) : null;
    let leaves: Array<AnyNode | undefined> = optionsArg && optionsArg.type !== 'SpreadElement' ? conditionalLeaves(optionsArg) : [optionsArg];
    const init = optionsArg?.type === 'Identifier' ? this.resolve(optionsArg.name) : null;
    if (init?.type === 'ConditionalExpression') leaves = conditionalLeaves(init);
    leaves.forEach((leaf, i) => this.noteActionOptions(node, callee, provider, leaf, leaves.length > 1 && leaf ? { ...rangeOf(leaf), index: i + 1 } : undefined));
  }

  private noteActionOptions(node: acorn.CallExpression, callee: acorn.MemberExpression, provider: MfaValue | null, optionsArg: AnyNode | undefined, branch: MfaConfig['branch']): void {
    let options: MfaObject = { range: null, properties: [], fieldsKnown: true };
    const helper = optionsArg?.type === 'CallExpression' ? this.helperReturns(optionsArg) : null;
    if (helper) {
      // enable('duo', duoOptions()): each literal the helper returns is checked as the options.
      for (const literal of helper.literals) {
        const object = this.inHelper(helper, () => this.objectOf(literal));
        this.addConfig(this.actionConfig(node, callee, provider, object, { name: helper.name, range: rangeOf(literal), what: 'options' }));
      }
      return;
    }
    if (optionsArg) {
      const bound = optionsArg.type === 'ObjectExpression' ? optionsArg : this.resolveObject(optionsArg);
      if (bound) {
        options = this.objectOf(bound);
        (options as MfaObject & { source?: acorn.ObjectExpression }).source = bound;
      } else if (!isDummy(optionsArg) && !isIdentifier(optionsArg, 'undefined')) {
        options = { range: null, properties: [], fieldsKnown: false };
      }
    }
    if (node.arguments.some((a) => a.type === 'SpreadElement')) options.fieldsKnown = false;
    this.addConfig({ ...this.actionConfig(node, callee, provider, options, undefined), branch });
  }

  private actionConfig(node: acorn.CallExpression, callee: acorn.MemberExpression, provider: MfaValue | null, options: MfaObject, helper: HelperSource | undefined): MfaConfig {
    return {
      form: 'action-enable',
      anchorRange: rangeOf(callee),
      range: rangeOf(node),
      provider: provider && provider.kind !== 'missing' ? provider : null,
      providerName: provider?.kind === 'string' ? (provider.literal as string) : undefined,
      options,
      duoOptions: null,
      admin: null,
      callEnd: node.end - 1,
      argumentRanges: node.arguments.map(rangeOf),
      helper,
    };
  }

  /**
   * Adds later writes (`mfa.host = …`, Object.assign, `mfa = { ...mfa, … }`) to the objects they
   * modify, links each `{ ...context.multifactor, … }` to the configurations it completes, and
   * gives each helper-returned providerOptions literal a configuration of its own.
   */
  private attachWrites(): void {
    for (const write of this.writes) {
      let targets: MfaObject[];
      if (write.target === 'ctx' && write.deferred) {
        // A nested function may run after any configuration: its write may complete each of them.
        targets = this.configs.filter((c) => c.form !== 'action-enable').map((c) => c.options);
      } else if (write.target === 'ctx') {
        // The latest configuration before the write that is not in another branch of the same condition.
        const before = this.configs.filter((c) => c.form !== 'action-enable' && c.range.start < write.start && !exclusiveBranches(this.configBranches.get(c), write.branches));
        const last = before[before.length - 1];
        targets = last ? before.filter((c) => c.range.start === last.range.start).map((c) => c.options) : [];
      } else {
        targets = this.objects.get(write.target) ?? [];
      }
      for (const object of new Set(targets)) {
        object.properties.push(...write.properties);
        if (write.opaque) object.fieldsKnown = false;
        if (write.rewritten) object.rewritten = true;
      }
    }
    for (const config of this.configs) {
      delete (config.options as MfaObject & { source?: unknown }).source;
      finishConfig(config);
    }
    this.linkMerges();
    const expanded: MfaConfig[] = [];
    for (const config of this.configs) {
      const po = config.form === 'action-enable' ? findProperty(config.options, 'providerOptions') : undefined;
      const alternatives = po?.value.alternatives;
      if (!po || !alternatives?.length) {
        expanded.push(config);
        continue;
      }
      for (const [i, object] of alternatives.entries()) {
        // Options that a write the analysis cannot read may change hide their providerOptions too.
        const duoOptions = config.options.rewritten ? { ...object, fieldsKnown: false } : object;
        if (po.value.helper) expanded.push({ ...config, duoOptions, helper: { name: po.value.helper, range: object.range ?? po.value.range, what: 'providerOptions' } });
        else expanded.push({ ...config, duoOptions, branch: { ...(object.range ?? po.value.range), index: i + 1 } });
      }
    }
    this.configs.splice(0, this.configs.length, ...expanded);
  }

  /** `{ ...context.multifactor, … }`: the keys it gets from the earlier configurations it spreads. */
  private linkMerges(): void {
    const rules = this.configs.filter((c) => c.form !== 'action-enable');
    const exclusive = (a: MfaConfig, b: MfaConfig): boolean => exclusiveBranches(this.configBranches.get(a), this.configBranches.get(b));
    for (const config of rules) {
      if (!config.completes) continue;
      const sources = rules.filter((s) => s.range.start < config.range.start && !exclusive(s, config));
      if (sources.length === 0) {
        // Spreading a value this rule never set (an earlier rule may have): its fields are unknown.
        config.completes = undefined;
        config.options.fieldsKnown = false;
        continue;
      }
      const supplied = new Set<string>();
      for (const source of sources) {
        source.completedLater = true;
        for (const p of source.options.properties) supplied.add(p.key);
        for (const key of source.suppliedKeys ?? []) supplied.add(key);
        if (source.form === 'rule-opaque' || !source.options.fieldsKnown) config.options.fieldsKnown = false;
      }
      config.suppliedKeys = [...supplied];
      if (!config.provider) {
        const names = new Set(sources.map((s) => s.providerName));
        if (names.size === 1) config.providerName = [...names][0];
      }
    }
  }
}

/** Whether two places lie in different branches of one `if`/`?:` (so neither runs after the other). */
function exclusiveBranches(a: Array<{ id: number; side: 0 | 1 }> | undefined, b: Array<{ id: number; side: 0 | 1 }> | undefined): boolean {
  return !!a && !!b && a.some((x) => b.some((y) => y.id === x.id && y.side !== x.side));
}

/** The last property with this key. */
export function findProperty(object: MfaObject | null | undefined, key: string): MfaProperty | undefined {
  if (!object) return undefined;
  for (let i = object.properties.length - 1; i >= 0; i--) if (object.properties[i].key === key) return object.properties[i];
  return undefined;
}

/** Fills provider / duoOptions / admin once all writes are attached. */
function finishConfig(config: MfaConfig): void {
  if (config.form === 'action-enable') {
    const po = findProperty(config.options, 'providerOptions');
    if (po) config.duoOptions = po.value.object ?? { range: null, properties: [], fieldsKnown: false };
    // `options[k] = …`: providerOptions may be written there too (its keys are then unknown).
    else if (config.options.rewritten) config.duoOptions = { range: null, properties: [], fieldsKnown: false };
    if (config.options.rewritten && config.duoOptions?.fieldsKnown) config.duoOptions = { ...config.duoOptions, fieldsKnown: false };
    return;
  }
  const provider = findProperty(config.options, 'provider');
  config.providerProperty = provider;
  config.provider = provider && provider.value.kind !== 'missing' ? provider.value : null;
  config.providerName = config.provider?.kind === 'string' ? (config.provider.literal as string) : undefined;
  config.duoOptions = config.options;
  config.admin = findProperty(config.options, 'admin')?.value.object ?? null;
}

/**
 * Every string literal and template chunk of a whole program (an Action's module code included),
 * with its conditions, refresh-protocol literals and the members on the handlers' event and api (one walk).
 */
function collectStrings(root: AnyNode, model: RuleModel): void {
  const out = model.stringLiterals;
  const owners = new Set(model.actionExports.flatMap((e) => [e.eventName, e.apiName]).filter((n): n is string => !!n));
  walk(root, {
    enter(node, parent) {
      if (node.type === 'MemberExpression' && !node.computed && owners.has(rootName(node) ?? '')) {
        model.members.push({ node, assigned: parent?.type === 'AssignmentExpression' && parent.left === node });
      }
      if (node.type === 'IfStatement' || node.type === 'ConditionalExpression' || node.type === 'LogicalExpression' || node.type === 'SwitchStatement') {
        model.conditions.push(node);
        return true;
      }
      if (node.type === 'Literal') {
        if (typeof node.value === 'string') out.push({ value: node.value, range: rangeOf(node) });
        if (node.value === refreshProtocol) model.refreshProtocolLiterals.push(node.start);
        return false;
      }
      if (node.type === 'TemplateElement') {
        out.push({ value: node.value.cooked ?? node.value.raw, range: rangeOf(node) });
        return false;
      }
      return true;
    },
  });
}

/** Parses the text and extracts the rule/action model. Never throws on any input. */
export function buildModel(text: string): RuleModel {
  const parse = parseSource(text);
  try {
    return extractModel(text, parse);
  } catch (err) {
    if (!(err instanceof TooDeepError) && !(err instanceof RangeError)) throw err;
    // A tree deeper than the scan walks (a long `a + a + …` chain that the parser still managed).
    const offset = err instanceof TooDeepError ? err.offset : 0;
    const tooDeep: TooDeepInfo = { offset, what: 'expressions', limit: syntaxNestingLimit };
    return extractModel(text, { program: emptyProgram(text), comments: [], keywordTokens: parse.keywordTokens, loose: false, tooDeep, dottedKeys: [] });
  }
}

function extractModel(text: string, parse: ParseResult): RuleModel {
  const model: RuleModel = {
    text,
    kind: 'other',
    parse,
    syntaxError: parse.syntaxError,
    actionExports: [],
    configs: [],
    secretRefs: [],
    stringLiterals: [],
    callbackReferences: [],
    conditions: [],
    refreshProtocolLiterals: [],
    members: [],
    userMembers: [],
  };
  const ruleFn = findRuleFunction(parse);
  if (ruleFn) {
    model.kind = 'rule';
    const info = describeFunction(ruleFn);
    model.ruleFunction = info;
    [model.userName, model.contextName, model.callbackName] = [info.params[0]?.name, info.params[1]?.name, info.params[2]?.name];
    const scanner = new FunctionScanner('rule', model.contextName, parse.keywordTokens, model.secretRefs, model.stringLiterals, model.callbackName, model.callbackReferences, undefined);
    scanner.dotted = new Map(parse.dottedKeys.map((k) => [k.range.start, k]));
    scanner.conditions = model.conditions;
    scanner.refreshProtocolLiterals = model.refreshProtocolLiterals;
    scanner.members = model.members;
    scanner.userMembers = model.userMembers;
    scanner.userName = model.userName;
    scanner.scan(ruleFn);
    model.configs = scanner.configs;
    return model;
  }
  const exportsFound = findActionExports(parse.program);
  if (exportsFound.length === 0) return model;
  model.kind = 'action';
  for (const found of exportsFound) {
    let fn: acorn.Function | null = null;
    if (isFunctionNode(found.value)) fn = found.value;
    else if (found.value?.type === 'Identifier') fn = resolveTopLevelFunction(parse.program, found.value.name);
    const info = fn ? describeFunction(fn) : null;
    const exp: ActionExport = {
      name: found.name,
      targetRange: rangeOf(found.target),
      statementRange: rangeOf(found.statement),
      function: info,
      eventName: info?.params[0]?.name,
      apiName: info?.params[1]?.name,
    };
    model.actionExports.push(exp);
    if (fn) {
      const scanner = new FunctionScanner('action', exp.apiName, parse.keywordTokens, model.secretRefs, [], undefined, [], exp.eventName);
      scanner.dotted = new Map(parse.dottedKeys.map((k) => [k.range.start, k]));
      scanner.moduleFunctions = topLevelFunctions(parse.program);
      scanner.scan(fn);
      model.configs.push(...scanner.configs);
    }
  }
  collectStrings(parse.program, model);
  const primary = model.actionExports.find((e) => e.name === 'onExecutePostLogin') ?? model.actionExports[0];
  model.eventName = primary.eventName;
  model.apiName = primary.apiName;
  model.configs.sort((a, b) => a.range.start - b.range.start);
  return model;
}
