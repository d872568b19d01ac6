// Rule -> post-login Action conversion, following Auth0's migration guide (DOMAIN.md §2).
// It rewrites the original text with targeted edits instead of regenerating it from the
// AST, so the user's comments, formatting and unrelated code survive untouched. Anything
// without an Actions equivalent is kept and marked with a TODO comment, and listed in
// `notes`: nothing is dropped silently.
import * as acorn from 'acorn';

/** Something the user must finish by hand; `line` is 1-based in the Rule. */
export interface ConvertNote {
  line: number;
  message: string;
}

export type ConvertResult =
  | {
      ok: true;
      /** The Action's source. */
      code: string;
      /** TODOs left in the code, in source order. */
      notes: ConvertNote[];
      /** `configuration` keys the Rule reads, in order of first use: the Action's secrets. */
      secrets: string[];
      /** The rule function's name, when it has one. */
      functionName?: string;
    }
  | { ok: false; message: string };

export const todoTag = 'TODO(duo-rules)';

/** What a Duo Client secret (skey) looks like: 40 letters and digits. */
const duoSecretShape = /^[A-Za-z0-9]{40}$/;

// Loose node shape: acorn's ESTree nodes, walked generically by their child keys.
interface JsNode {
  type: string;
  start: number;
  end: number;
  [key: string]: any;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * deploy-cli keyword tokens (`@@KEY@@`, `##KEY##`) are not JavaScript; replacing them with
 * same-length identifiers lets acorn parse the file while every offset still points into
 * the original text, which is what the output is sliced from.
 */
function neutraliseKeywordTokens(text: string): string {
  return text.replace(/(@@|##)([A-Za-z0-9_]+)\1/g, (m) => '_'.repeat(m.length));
}

const parseOptions: acorn.Options = { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true };

interface ParsedRule {
  /** The text the node offsets refer to (the original, possibly wrapped in parentheses). */
  source: string;
  /** Where the original text starts inside `source`. */
  shift: number;
  fn: JsNode;
}

/**
 * Parses `(text)`. A rule may end with `};`, which Auth0 accepts but a parenthesised expression
 * does not: such a trailing semicolon is blanked (same length, so offsets stay) and parsing retried.
 */
function parseParenthesised(neutral: string): JsNode {
  let source = neutral;
  for (;;) {
    try {
      return acorn.parse(`(${source}\n)`, parseOptions) as unknown as JsNode;
    } catch (err) {
      const at = (err as { pos?: unknown }).pos;
      if (typeof at !== 'number' || source[at - 1] !== ';') throw err;
      if (/[^\s;]/.test(source.slice(at).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''))) throw err;
      source = `${source.slice(0, at - 1)} ${source.slice(at)}`;
    }
  }
}

function parseRule(text: string): ParsedRule | { error: string } {
  const neutral = neutraliseKeywordTokens(text);
  // The anonymous `function (user, context, callback) {}` form is only an expression.
  const attempts = [{ prefix: '(', suffix: '\n)' }, { prefix: '', suffix: '' }];
  let firstError: unknown;
  let parsed = false;
  for (const { prefix, suffix } of attempts) {
    try {
      const program = prefix ? parseParenthesised(neutral) : acorn.parse(neutral, parseOptions) as unknown as JsNode;
      parsed = true;
      const body = program.body as JsNode[];
      if (body.length !== 1) continue;
      const only = body[0];
      const fn = only.type === 'FunctionDeclaration' ? only
        : only.type === 'ExpressionStatement' && only.expression.type === 'FunctionExpression' ? only.expression as JsNode
          : undefined;
      if (fn) return { source: prefix + text + suffix, shift: prefix.length, fn };
    } catch (err) {
      firstError ??= err;
    }
  }
  if (/\bexports\.onExecutePostLogin\b|\bexports\.onContinuePostLogin\b/.test(text)) {
    return { error: 'this file is already a post-login Action' };
  }
  if (!parsed && firstError instanceof SyntaxError) {
    // acorn reports "(line:col)" of the wrapped text: the wrapper adds no line, only a column on line 1.
    return { error: `fix the syntax error first: ${firstError.message}` };
  }
  return { error: 'not an Auth0 Rule: the file must contain exactly one function (user, context, callback)' };
}

function paramName(fn: JsNode, index: number): string | undefined {
  const p = (fn.params as JsNode[])[index];
  return p?.type === 'Identifier' ? (p.name as string) : undefined;
}

/** Names a function declares (params, var/let/const/function declarations), without descending into nested functions. */
function collectDeclaredNames(fn: JsNode): Set<string> {
  const names = new Set<string>();
  const addPattern = (p: JsNode | null | undefined): void => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name);
    else if (p.type === 'ObjectPattern') for (const prop of p.properties) addPattern(prop.type === 'RestElement' ? prop.argument : prop.value);
    else if (p.type === 'ArrayPattern') for (const el of p.elements) addPattern(el);
    else if (p.type === 'RestElement') addPattern(p.argument);
    else if (p.type === 'AssignmentPattern') addPattern(p.left);
  };
  for (const p of fn.params as JsNode[]) addPattern(p);
  const visit = (node: JsNode): void => {
    if (node.type === 'VariableDeclaration') for (const d of node.declarations) addPattern(d.id);
    if (node.type === 'FunctionDeclaration' && node.id) names.add(node.id.name);
    for (const child of childNodes(node)) {
      if (!isFunction(child.node)) visit(child.node);
    }
  };
  if (fn.body.type === 'BlockStatement') visit(fn.body);
  return names;
}

function isFunction(node: JsNode): boolean {
  return node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration' || node.type === 'ArrowFunctionExpression';
}

function* childNodes(node: JsNode): Generator<{ key: string; node: JsNode }> {
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v.type === 'string') yield { key, node: v };
    } else if (value && typeof value === 'object' && typeof value.type === 'string') {
      yield { key, node: value };
    }
  }
}

/** Rules `context` fields with a direct Actions equivalent. */
const contextFieldMap: Record<string, string> = {
  clientID: 'event.client.client_id',
  clientName: 'event.client.name',
  clientMetadata: 'event.client.metadata',
  connection: 'event.connection.name',
  connectionID: 'event.connection.id',
  connectionStrategy: 'event.connection.strategy',
  connectionMetadata: 'event.connection.metadata',
  protocol: 'event.transaction.protocol',
  tenant: 'event.tenant.id',
  request: 'event.request',
  authentication: 'event.authentication',
  authorization: 'event.authorization',
  organization: 'event.organization',
  stats: 'event.stats',
};

/** Sub-fields renamed on the way (Rules camelCase -> Actions snake_case). */
const contextSubFieldMap: Record<string, Record<string, string>> = {
  stats: { loginsCount: 'event.stats.logins_count' },
  request: { userAgent: 'event.request.user_agent' },
};

const providerOptionKeys = new Set(['ikey', 'skey', 'host', 'username']);
/** Rule multifactor keys that have a place in api.multifactor.enable(). */
const convertedKeys = new Set([...providerOptionKeys, 'provider', 'allowRememberBrowser', 'ignoreCookie']);

function propertyName(prop: JsNode): string | undefined {
  if (prop.type !== 'Property' || prop.computed) return undefined;
  if (prop.key.type === 'Identifier') return prop.key.name;
  if (prop.key.type === 'Literal' && typeof prop.key.value === 'string') return prop.key.value;
  return undefined;
}

class RuleConverter {
  private readonly edits: Edit[] = [];
  private readonly notes: { pos: number; message: string }[] = [];
  private readonly secrets: string[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly userName?: string;
  private readonly contextName?: string;
  private readonly callbackName?: string;

  constructor(private readonly source: string, private readonly shift: number, private readonly fn: JsNode) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.userName = paramName(fn, 0);
    this.contextName = paramName(fn, 1);
    this.callbackName = paramName(fn, 2);
  }

  convert(): ConvertResult {
    const body = this.fn.body as JsNode;
    this.moveSecretLiterals(body);
    this.walk(body, [], new Set());
    const bodyText = this.render(body.start + 1, body.end - 1);
    this.reportMovedSecrets(bodyText);
    const leading = this.source.slice(this.shift, this.fn.start).replace(/^\s+/, '');
    const trailing = this.source.slice(this.fn.end, this.source.length - (this.shift ? 2 : 0)).replace(/^\s*;?/, '').trim();
    const name = this.fn.id?.name as string | undefined;
    const header = [
      '/**',
      ` * Post-login Action converted from the Auth0 Rule${name ? ` "${name}"` : ''} by duo-rules convert.`,
      this.secrets.length ? ` * Add these secrets to the Action: ${this.secrets.join(', ')}.` : undefined,
      this.notes.length ? ` * Finish the ${todoTag} comments before deploying it.` : undefined,
      ' */',
    ].filter((l): l is string => l !== undefined).join('\n');
    const code = `${header}\n${leading}exports.onExecutePostLogin = async (event, api) => {${bodyText}};\n${trailing ? `${trailing}\n` : ''}`;
    const notes = this.notes
      .sort((a, b) => a.pos - b.pos)
      .map((n) => ({ line: this.lineOf(n.pos), message: n.message }));
    return { ok: true, code, notes, secrets: this.secrets, functionName: name };
  }

  private lineOf(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= pos) lo = mid; else hi = mid - 1;
    }
    // The wrapper parenthesis sits on the first line, so lines need no shift.
    return lo + 1;
  }

  private indentAt(pos: number): string {
    const lineStart = this.lineStarts[this.lineOf(pos) - 1];
    const before = this.source.slice(lineStart, pos);
    return /^\s*$/.test(before) ? before : (/^\s*/.exec(before)?.[0] ?? '');
  }

  /** The original text of [start, end) with the edits inside it applied. */
  private render(start: number, end: number): string {
    const inside = this.edits
      .filter((e) => e.start >= start && e.end <= end)
      .sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
    let out = '';
    let at = start;
    for (const e of inside) {
      if (e.start < at) continue; // covered by an earlier, larger rewrite
      out += this.source.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.source.slice(at, end);
  }

  private replace(node: { start: number; end: number }, text: string): void {
    this.edits.push({ start: node.start, end: node.end, text });
  }

  /** A TODO on its own line above the statement that holds `node`. */
  private todo(statement: JsNode, node: JsNode, message: string): void {
    const line = `// ${todoTag}: ${message}\n`;
    const atStatement = this.edits.filter((e) => e.end === statement.start && e.text.includes(`// ${todoTag}: `));
    // `global.cache = global.cache || {}` names the same thing twice: one TODO per statement is enough.
    if (atStatement.some((e) => e.text.includes(line))) return;
    this.notes.push({ pos: node.start, message });
    const lineStart = this.lineStarts[this.lineOf(statement.start) - 1];
    const before = this.source.slice(lineStart, statement.start);
    if (/^\s*$/.test(before)) {
      this.edits.push({ start: statement.start, end: statement.start, text: `${line}${before}` });
      return;
    }
    // The statement shares its line (`if (err) return callback(err);`, `.then(function () { callback(…); })`):
    // break the line before it so the TODO sits on a line of its own. A line break before a statement
    // never changes what the code means.
    const indent = `${/^\s*/.exec(before)![0]}  `;
    if (atStatement.length) {
      this.edits.push({ start: statement.start, end: statement.start, text: `${line}${indent}` });
      return;
    }
    const gap = /\s*$/.exec(before)![0];
    this.edits.push({ start: statement.start - gap.length, end: statement.start, text: `\n${indent}${line}${indent}` });
  }

  /** Literals replaced by `event.secrets.<name>` before the walk; reported once the output is known. */
  private readonly movedSecrets: { name: string; pos: number }[] = [];

  /**
   * Our code never writes a Duo secret into the workspace: a string given to `skey` (sample or real)
   * and any other skey-shaped literal become `event.secrets.*` references, and the user is told to
   * add the value as an Action secret. The value itself is not copied anywhere.
   */
  private moveSecretLiterals(root: JsNode): void {
    const names = new Map<string, string>();
    const nameFor = (value: string, admin: boolean, pos: number): string => {
      let name = names.get(value);
      if (!name) {
        const base = admin ? 'DUO_ADMIN_SKEY' : 'DUO_SKEY';
        const taken = [...names.values()].filter((n) => n === base || n.startsWith(`${base}_`)).length;
        name = taken === 0 ? base : `${base}_${taken + 1}`;
        names.set(value, name);
        this.movedSecrets.push({ name, pos });
      }
      return name;
    };
    const visit = (node: JsNode, parentKey: string | undefined, admin: boolean): void => {
      if (node.type === 'Property' && !node.computed) {
        const key = propertyName(node);
        visit(node.value as JsNode, key, admin || key === 'admin');
        return;
      }
      if (node.type === 'Literal' && typeof node.value === 'string') {
        if (parentKey !== 'skey' && !duoSecretShape.test(node.value)) return;
        const name = nameFor(node.value, admin, node.start);
        this.replace(node, `event.secrets.${name}`);
        return;
      }
      for (const child of Object.values(node)) {
        if (Array.isArray(child)) {
          for (const item of child) if (item && typeof item.type === 'string') visit(item, undefined, admin);
        } else if (child && typeof child === 'object' && typeof (child as JsNode).type === 'string') {
          visit(child as JsNode, undefined, admin);
        }
      }
    };
    visit(root, undefined, false);
  }

  /** Secrets moved out of the code that the output still refers to (an `admin` block is dropped with its key). */
  private reportMovedSecrets(output: string): void {
    for (const { name, pos } of this.movedSecrets) {
      if (!new RegExp(`event\\.secrets\\.${name}\\b`).test(output)) continue;
      this.addSecret(name);
      this.notes.push({ pos, message: `a hard-coded Duo secret was replaced by event.secrets.${name}: add its value as the Action secret ${name} (it was not copied into the Action).` });
    }
  }

  private addSecret(key: string): void {
    if (!this.secrets.includes(key)) this.secrets.push(key);
  }

  /**
   * `statement` is the innermost statement holding the node (where TODO lines go); `nested`
   * tells whether we are inside a function nested in the rule (a `return` there would not end the Action).
   */
  private walk(node: JsNode, ancestors: JsNode[], shadowed: Set<string>, nested = false): void {
    const parent = ancestors[ancestors.length - 1];
    const statement = [...ancestors, node].reverse().find((n) => /Statement$|Declaration$/.test(n.type) && n.type !== 'BlockStatement') ?? node;

    if (isFunction(node) && node !== this.fn) {
      const inner = new Set(shadowed);
      for (const name of collectDeclaredNames(node)) inner.add(name);
      for (const child of childNodes(node)) {
        if (child.key !== 'params' && child.key !== 'id') this.walk(child.node, [...ancestors, node], inner, true);
      }
      return;
    }

    if (this.rewriteStatement(node, statement, shadowed, nested, ancestors)) return;
    if (this.rewriteExpression(node, parent, statement, shadowed)) return;

    for (const child of childNodes(node)) {
      if (child.key === 'property' && node.type === 'MemberExpression' && !node.computed) continue;
      if (child.key === 'key' && node.type === 'Property' && !node.computed) continue;
      if (child.key === 'label') continue;
      this.walk(child.node, [...ancestors, node], shadowed, nested);
    }
  }

  private isOwn(node: JsNode | undefined, name: string | undefined, shadowed: Set<string>): boolean {
    return !!node && !!name && node.type === 'Identifier' && node.name === name && !shadowed.has(name);
  }

  /** Statement-level rewrites: multifactor assignment, callback calls, token claims. Returns true when handled. */
  private rewriteStatement(node: JsNode, statement: JsNode, shadowed: Set<string>, nested: boolean, ancestors: JsNode[]): boolean {
    const expr = node.type === 'ExpressionStatement' ? node.expression as JsNode
      : node.type === 'ReturnStatement' ? node.argument as JsNode | null : undefined;
    if (!expr) return false;

    // context.multifactor = …
    if (node.type === 'ExpressionStatement' && expr.type === 'AssignmentExpression' && expr.operator === '='
      && this.isContextMember(expr.left, 'multifactor', shadowed)) {
      this.rewriteMultifactor(node, expr.right, shadowed);
      return true;
    }

    // context.idToken[k] = v / context.accessToken.k = v
    if (node.type === 'ExpressionStatement' && expr.type === 'AssignmentExpression' && expr.operator === '='
      && expr.left.type === 'MemberExpression') {
      const target = expr.left.object as JsNode;
      const token = ['idToken', 'accessToken'].find((t) => this.isContextMember(target, t, shadowed));
      if (token === 'accessToken' && !expr.left.computed && expr.left.property.name === 'scope') {
        // Auth0's "deny API access" template sets the granted scopes this way; scope is no custom claim.
        this.walk(expr.right, [...ancestors, node, expr], shadowed, nested);
        this.todo(statement, node, 'the access token\'s scope is not a custom claim: grant scopes with api.accessToken.addScope(scope) / api.accessToken.removeScope(scope).');
        return true;
      }
      if (token) {
        this.walk(expr.right, [...ancestors, node, expr], shadowed, nested);
        if (expr.left.computed) this.walk(expr.left.property, [...ancestors, node, expr], shadowed, nested);
        const key = expr.left.computed ? this.render(expr.left.property.start, expr.left.property.end) : `'${expr.left.property.name}'`;
        this.replace(node, `api.${token}.setCustomClaim(${key}, ${this.render(expr.right.start, expr.right.end)});`);
        return true;
      }
    }

    // callback(…) / return callback(…)
    if (expr.type === 'CallExpression' && this.isOwn(expr.callee, this.callbackName, shadowed)) {
      if (nested) return false; // handled as a plain reference: a TODO
      const args = expr.arguments as JsNode[];
      const first = args[0];
      const isSuccess = !first || (first.type === 'Literal' && first.value === null) || (first.type === 'Identifier' && first.name === 'undefined');
      if (isSuccess) {
        const passesOwn = (args.length < 2 || this.isOwn(args[1], this.userName, new Set()))
          && (args.length < 3 || this.isOwn(args[2], this.contextName, new Set()));
        if (!passesOwn) {
          this.todo(statement, node, 'the rule passed other user/context objects to callback(); apply those changes with api.user.setAppMetadata/setUserMetadata or api.idToken.setCustomClaim.');
        }
        this.replaceSuccess(node);
        return true;
      }
      if (first.type === 'NewExpression' && first.callee.type === 'Identifier' && first.callee.name === 'UnauthorizedError') {
        if (first.arguments[0]) this.walk(first.arguments[0], [...ancestors, node, expr, first], shadowed, nested);
        const reason = first.arguments[0] ? this.render(first.arguments[0].start, first.arguments[0].end) : "'Access denied'";
        this.replace(node, `return api.access.deny(${reason});`);
        return true;
      }
      // Any other error also stops the login; in an Action that is a thrown error.
      this.walk(first, [...ancestors, node, expr], shadowed, nested);
      this.replace(node, `throw ${this.render(first.start, first.end)};`);
      return true;
    }
    return false;
  }

  /** `callback(null, user, context)` ends the rule: `return;`, or nothing when it is the last statement. */
  private replaceSuccess(node: JsNode): void {
    const statements = (this.fn.body as JsNode).body as JsNode[];
    if (statements[statements.length - 1] === node) {
      const lineStart = this.lineStarts[this.lineOf(node.start) - 1];
      const lineEnd = this.source.indexOf('\n', node.end);
      const onlyThing = /^\s*$/.test(this.source.slice(lineStart, node.start)) && /^\s*$/.test(this.source.slice(node.end, lineEnd === -1 ? undefined : lineEnd));
      if (onlyThing) {
        // Drop the line and a blank line right above it, so the Action does not end on a gap.
        let start = lineStart;
        const prevStart = this.lineStarts[Math.max(0, this.lineOf(node.start) - 2)];
        if (prevStart < lineStart && /^\s*$/.test(this.source.slice(prevStart, lineStart))) start = prevStart;
        this.edits.push({ start, end: lineEnd === -1 ? node.end : lineEnd + 1, text: '' });
        return;
      }
    }
    this.replace(node, 'return;');
  }

  private isContextMember(node: JsNode, field: string, shadowed: Set<string>): boolean {
    return node.type === 'MemberExpression' && !node.computed && this.isOwn(node.object, this.contextName, shadowed)
      && node.property.type === 'Identifier' && node.property.name === field;
  }

  /** Expression-level rewrites. Returns true when the node (and its children) are handled. */
  private rewriteExpression(node: JsNode, parent: JsNode | undefined, statement: JsNode, shadowed: Set<string>): boolean {
    // configuration.X -> event.secrets.X
    if (this.isOwn(node, 'configuration', shadowed)) {
      if (parent?.type === 'MemberExpression' && parent.object === node) {
        const key = !parent.computed ? parent.property.name
          : parent.property.type === 'Literal' && typeof parent.property.value === 'string' ? parent.property.value : undefined;
        if (key) this.addSecret(key);
        else this.todo(statement, node, 'configuration is read with a computed key: add every key it can take as a secret of the Action.');
      } else if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'ObjectPattern') {
        // const { DUO_IKEY, DUO_SKEY } = configuration: the destructured keys are the secrets.
        const keys = (parent.id.properties as JsNode[]).map((p) => propertyName(p));
        for (const key of keys) if (key !== undefined) this.addSecret(key);
        if (keys.includes(undefined)) this.todo(statement, node, 'configuration is destructured with a rest element or a computed key: add every key it can take as a secret of the Action.');
      } else {
        this.todo(statement, node, 'configuration is used as a whole object here: add every key read from it as a secret of the Action.');
      }
      this.replace(node, parent?.type === 'Property' && parent.shorthand ? 'configuration: event.secrets' : 'event.secrets');
      return true;
    }

    // user -> event.user
    if (this.isOwn(node, this.userName, shadowed)) {
      if (parent?.type === 'MemberExpression' && parent.object === node && this.isWriteTarget(parent, statement)) {
        this.todo(statement, node, `Actions cannot change the user object: use api.user.setAppMetadata(name, value) / api.user.setUserMetadata(name, value) instead of writing to ${this.userName}.`);
      }
      this.replace(node, parent?.type === 'Property' && parent.shorthand ? `${this.userName}: event.user` : 'event.user');
      return true;
    }

    // context.X
    if (node.type === 'MemberExpression' && !node.computed && this.isOwn(node.object, this.contextName, shadowed)) {
      const field = node.property.name as string;
      const sub = parent?.type === 'MemberExpression' && parent.object === node && !parent.computed ? parent.property.name as string : undefined;
      const subMapped = sub ? contextSubFieldMap[field]?.[sub] : undefined;
      if (subMapped && parent) {
        this.replace(parent, subMapped);
        return true;
      }
      const mapped = contextFieldMap[field];
      if (mapped) {
        this.replace(node, mapped);
        return true;
      }
      const hint = field === 'multifactor' ? 'set MFA with api.multifactor.enable(...) where the rule assigns context.multifactor; reading or changing it later has no Actions equivalent.'
        : field === 'idToken' || field === 'accessToken' ? `use api.${field}.setCustomClaim(name, value).`
          : field === 'redirect' ? 'use api.redirect.sendUserTo(url, { query }) and exports.onContinuePostLogin.'
            : 'it has no direct post-login Action equivalent (see the event object reference).';
      this.todo(statement, node, `${this.contextName}.${field}: ${hint}`);
      return true;
    }
    if (this.isOwn(node, this.contextName, shadowed)) {
      this.todo(statement, node, `the whole ${this.contextName} object is used here; Actions split it into event (read) and api (change).`);
      return true;
    }
    if (this.isOwn(node, this.callbackName, shadowed)) {
      this.todo(statement, node, `${this.callbackName} is used inside a nested function or as a value; an async Action ends when it returns (await the work, then return, or call api.access.deny).`);
      return true;
    }
    if (node.type === 'Identifier' && !shadowed.has(node.name) && (node.name === 'auth0' || node.name === 'global' || node.name === 'UnauthorizedError')) {
      const hint = node.name === 'auth0' ? 'the auth0 management object does not exist in Actions: use api.user.setAppMetadata/setUserMetadata or the Management API with a secret.'
        : node.name === 'global' ? 'the global cache does not exist in Actions: use api.cache.set/get.'
          : 'UnauthorizedError does not exist in Actions: use api.access.deny(reason).';
      this.todo(statement, node, hint);
      return true;
    }
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && !shadowed.has('require')) {
      const arg = node.arguments[0];
      if (arg?.type === 'Literal' && typeof arg.value === 'string') {
        const versioned = /^(@?[^@]+)@(.+)$/.exec(arg.value);
        if (versioned) {
          this.replace(arg, `'${versioned[1]}'`);
          this.todo(statement, node, `add the dependency ${versioned[1]}@${versioned[2]} to the Action (Actions do not take versions in require).`);
        } else {
          this.todo(statement, node, `add the dependency ${arg.value} to the Action.`);
        }
        return true;
      }
    }
    return false;
  }

  private isWriteTarget(member: JsNode, statement: JsNode): boolean {
    // A write anywhere along user.a.b… = v
    let found = false;
    const visit = (n: JsNode): void => {
      if (found) return;
      if ((n.type === 'AssignmentExpression' || n.type === 'UpdateExpression') && (n.left ?? n.argument)) {
        let target = (n.left ?? n.argument) as JsNode;
        while (target.type === 'MemberExpression') {
          if (target === member) { found = true; return; }
          target = target.object;
        }
      }
      for (const c of childNodes(n)) visit(c.node);
    };
    visit(statement);
    return found;
  }

  /** `context.multifactor = …` -> `api.multifactor.enable(provider, { … })`. */
  private rewriteMultifactor(statement: JsNode, value: JsNode, shadowed: Set<string>): void {
    const indent = this.indentAt(statement.start);
    const literal = value.type === 'ObjectExpression' && !(value.properties as JsNode[]).some((p) => p.type !== 'Property' || propertyName(p) === undefined);
    // A literal's values are rewritten key by key below, so keys that are left out (admin) add no secrets.
    if (!literal) this.walk(value, [statement], shadowed);
    else for (const p of value.properties as JsNode[]) if (convertedKeys.has(propertyName(p) as string)) this.walk(p.value, [statement], shadowed);
    if (!literal) {
      // Not a literal object: read its fields at the same point the rule handed it to Auth0.
      const source = this.render(value.start, value.end);
      const simple = value.type === 'Identifier';
      const name = simple ? source : 'multifactor';
      const lines = [
        simple ? undefined : `const multifactor = ${source};`,
        `api.multifactor.enable(${name}.provider, {`,
        `  allowRememberBrowser: ${name}.allowRememberBrowser,`,
        `  providerOptions: { ikey: ${name}.ikey, skey: ${name}.skey, host: ${name}.host, username: ${name}.username },`,
        `});`,
      ].filter((l): l is string => l !== undefined);
      this.notes.push({ pos: statement.start, message: 'the multifactor object is built dynamically: check that api.multifactor.enable receives the same fields (later changes to the object are not seen).' });
      this.replace(statement, `// ${todoTag}: the multifactor object is built dynamically; check the fields passed below.\n${indent}` + lines.join(`\n${indent}`));
      return;
    }

    const props = value.properties as JsNode[];
    const comments = this.commentsIn(value.start + 1, value.end - 1);
    const commentsBefore = (pos: number): string[] => {
      const taken = comments.filter((c) => !c.used && c.end <= pos);
      for (const c of taken) c.used = true;
      return taken.map((c) => c.text);
    };
    let provider: string | undefined;
    let providerLiteral: string | undefined;
    const options: string[] = [];
    const providerOptions: string[] = [];
    const inner = `${indent}  `;
    const innerMost = `${indent}    `;
    for (const prop of props) {
      const key = propertyName(prop) as string;
      const leadingComments = commentsBefore(prop.start);
      const valueText = this.render(prop.value.start, prop.value.end);
      const literal = prop.value.type === 'Literal' ? prop.value.value : undefined;
      if (key === 'provider') {
        provider = valueText;
        providerLiteral = typeof literal === 'string' ? literal : undefined;
        options.push(...leadingComments.map((c) => inner + c));
      } else if (key === 'allowRememberBrowser') {
        options.push(...leadingComments.map((c) => inner + c), `${inner}allowRememberBrowser: ${valueText},`);
      } else if (key === 'ignoreCookie') {
        options.push(...leadingComments.map((c) => inner + c));
        if (typeof literal === 'boolean') {
          options.push(`${inner}// ignoreCookie: ${literal} became allowRememberBrowser: ${!literal} (ignoreCookie was replaced by allowRememberBrowser, inverted).`);
          options.push(`${inner}allowRememberBrowser: ${!literal},`);
        } else {
          this.notes.push({ pos: prop.start, message: 'ignoreCookie has no Actions equivalent: set allowRememberBrowser to its negation.' });
          options.push(`${inner}// ${todoTag}: ignoreCookie has no Actions equivalent; set allowRememberBrowser to its negation.`);
          options.push(`${inner}allowRememberBrowser: !(${valueText}),`);
        }
      } else if (providerOptionKeys.has(key)) {
        providerOptions.push(...leadingComments.map((c) => innerMost + c), `${innerMost}${key}: ${valueText},`);
      } else if (key === 'admin') {
        this.notes.push({ pos: prop.start, message: 'admin (Duo Admin API credentials) has no Actions equivalent: Auth0 no longer updates the real name and email in Duo; the credentials were left out.' });
        options.push(...leadingComments.map((c) => inner + c), `${inner}// ${todoTag}: admin (Duo Admin API credentials) has no Actions equivalent; Auth0 no longer updates the real name and email in Duo. The admin credentials were left out.`);
      } else {
        this.notes.push({ pos: prop.start, message: `${key} has no Actions equivalent in api.multifactor.enable options.` });
        options.push(...leadingComments.map((c) => inner + c), `${inner}// ${todoTag}: ${key} has no Actions equivalent: ${key}: ${valueText}`);
      }
    }
    const rest = commentsBefore(value.end);
    if (provider === undefined) {
      this.notes.push({ pos: statement.start, message: "the multifactor object has no provider: 'duo' was assumed." });
      provider = "'duo'";
      providerLiteral = 'duo';
      options.unshift(`${inner}// ${todoTag}: the rule set no provider; 'duo' was assumed.`);
    }
    if (providerOptions.length && providerLiteral !== undefined && providerLiteral !== 'duo') {
      this.notes.push({ pos: statement.start, message: `providerOptions are only used by the duo provider, not ${providerLiteral}.` });
    }
    if (providerOptions.length) options.push(`${inner}providerOptions: {`, ...providerOptions, `${inner}},`);
    options.push(...rest.map((c) => inner + c));
    const text = options.length
      ? `api.multifactor.enable(${provider}, {\n${options.join('\n')}\n${indent}});`
      : `api.multifactor.enable(${provider});`;
    this.replace(statement, text);
  }

  private commentsIn(start: number, end: number): { end: number; text: string; used: boolean }[] {
    const found: { end: number; text: string; used: boolean }[] = [];
    const slice = this.source.slice(start, end);
    // Comments are only found between tokens of the object, so scanning its text with the
    // tokenizer (not a regex) keeps "//" inside strings from being taken as a comment.
    try {
      for (const _token of acorn.tokenizer(neutraliseKeywordTokens(slice), {
        ecmaVersion: 'latest',
        onComment: (block, text, _s, e) => { found.push({ end: start + e, text: block ? `/*${text}*/` : `//${text}`, used: false }); },
      })) { /* drain */ }
    } catch {
      return [];
    }
    return found;
  }
}

/** Convert a Rule's text to a post-login Action. Pure: no I/O. */
export function convertRuleToAction(text: string): ConvertResult {
  const parsed = parseRule(text);
  if ('error' in parsed) return { ok: false, message: parsed.error };
  if ((parsed.fn.body as JsNode).type !== 'BlockStatement') return { ok: false, message: 'the rule function has no body' };
  return new RuleConverter(parsed.source, parsed.shift, parsed.fn).convert();
}
