// Rule -> post-login Action conversion on the analysis model (one parse, one line index).
// It rewrites the Rule's text with targeted edits instead of regenerating it from the AST,
// so comments, formatting and unrelated code survive. The one rule it never breaks: the
// Action is never less strict than the Rule. A denial stays a denial; a path it cannot
// translate with the same decision becomes a guarded api.access.deny with a TODO comment
// (unless the caller asks for the unsafe variant). Before returning, the output is analysed
// by the same core as the editor, and what it finds there is reported as blocking too.
import type * as acorn from 'acorn';
import { DUO_SKEY_CHARACTERS, looksLikeDuoSkey } from '../../../shared/redact';
import { isObjectMethodName } from '../../../shared/configurationKeys';
import type { ConvertNote } from '../../../shared/convertResult';
import { analyzeModel, LineIndex } from './diagnostics';
import { buildModel, type RuleModel } from './model';
import { lookupMember } from './ruleToAction';
import { methodTimestampReads } from './authenticationTimestamps';
import { geoipAliases, isPresenceTest, renamedNote, type GeoipAlias } from './geoipAliases';

/** Where the Action takes the Duo keys from. */
export type KeysMode = 'secrets' | 'tenant';

export interface ConvertOptions {
  /** `secrets` (default): event.secrets.*; `tenant`: the tenant's Duo factor settings, no providerOptions. */
  keys?: KeysMode;
  /** Paths the converter cannot translate end the login successfully instead of denying it. */
  unsafeAllow?: boolean;
  /** Functions earlier Rules of the pipeline stored on `global` (name -> function source). */
  globalFunctions?: ReadonlyMap<string, string>;
  /**
   * The Rule becomes one section of a merged pipeline Action (`--merge`): changes to its user and a
   * user handed to `callback(null, otherUser, context)` reach the next Rule's section, as Auth0
   * passed them on (see mergeConvertedRules).
   */
  pipeline?: boolean;
}

export type ConvertResult =
  | {
      ok: true;
      /** The Action's source. */
      code: string;
      /** In Action line order. */
      notes: ConvertNote[];
      /** `event.secrets` names the Action reads, in order of first use. */
      secrets: string[];
      /** The rule function's name, when it has one. */
      functionName?: string;
      /** Functions stored on `global` that this Rule defines (for later Rules of a pipeline). */
      definedGlobalFunctions: Map<string, string>;
      /**
       * The Rule's literal ikey and host values moved into secrets (never an skey), so a differential
       * check can give the Action what the Rule had.
       */
      movedValues: Record<string, string>;
      /** The Action without its header comment (what `--merge` combines). */
      body: string;
    }
  | { ok: false; message: string };

export const todoTag = 'TODO(duo-rules)';
export const noteTag = 'NOTE(duo-rules)';

/** Findings in the output that mean the Action is broken or still reads Rule-only names. */
const blockingSelfCodes = new Set(['rule-global-in-action', 'syntax-error', 'dotted-key', 'unknown-provider']);

/** Documentation samples and placeholders from Auth0's and Duo's docs: never copied anywhere, since they are not real values. */
const placeholderShape = /\{[^}]*\}|REPLACE_|YOUR_|\.\.\.|^Your |XXXX|^$/i;

const guardedDenyMessage = "'Access denied: this login path of the Rule was not converted yet'";

type Node = acorn.AnyNode;
type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface PendingNote {
  /** Offset in the Rule where the comment goes (start of a statement), or -1 for module-level notes. */
  pos: number;
  blocking: boolean;
  message: string;
}

function isFunction(node: Node): node is NodeOf<'FunctionExpression' | 'FunctionDeclaration' | 'ArrowFunctionExpression'> {
  return node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration' || node.type === 'ArrowFunctionExpression';
}

function* childNodes(node: Node): Generator<{ key: string; node: Node }> {
  const record = node as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const value = record[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof (v as { type?: unknown }).type === 'string') yield { key, node: v as Node };
    } else if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      yield { key, node: value as Node };
    }
  }
}

function propertyName(prop: Node): string | undefined {
  if (prop.type !== 'Property' || prop.computed) return undefined;
  if (prop.key.type === 'Identifier') return prop.key.name;
  if (prop.key.type === 'Literal' && typeof prop.key.value === 'string') return prop.key.value;
  return undefined;
}

function memberName(node: NodeOf<'MemberExpression'>): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

/** Names a function declares (params, var/let/const/function declarations), not descending into nested functions. */
function collectDeclaredNames(fn: NodeOf<'FunctionExpression' | 'FunctionDeclaration' | 'ArrowFunctionExpression'>): Set<string> {
  const names = new Set<string>();
  const addPattern = (p: Node | null | undefined): void => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name);
    else if (p.type === 'ObjectPattern') for (const prop of p.properties) addPattern(prop.type === 'RestElement' ? prop.argument : prop.value);
    else if (p.type === 'ArrayPattern') for (const el of p.elements) addPattern(el);
    else if (p.type === 'RestElement') addPattern(p.argument);
    else if (p.type === 'AssignmentPattern') addPattern(p.left);
  };
  for (const p of fn.params) addPattern(p);
  const visit = (node: Node): void => {
    if (node.type === 'VariableDeclaration') for (const d of node.declarations) addPattern(d.id);
    if (node.type === 'FunctionDeclaration' && node.id) names.add(node.id.name);
    for (const child of childNodes(node)) if (!isFunction(child.node)) visit(child.node);
  };
  if (fn.body.type === 'BlockStatement') visit(fn.body);
  return names;
}

/** The top-level rule function node of a model of kind `rule`. */
function findRuleFunctionNode(model: RuleModel): NodeOf<'FunctionExpression' | 'FunctionDeclaration'> | undefined {
  const only = model.parse.program.body.find((s) => s.type !== 'EmptyStatement');
  if (only?.type === 'FunctionDeclaration') return only;
  if (only?.type === 'ExpressionStatement' && only.expression.type === 'FunctionExpression') return only.expression;
  return undefined;
}

/** `global.NAME = function …` / `global.NAME = (…) => …` statements of a Rule: NAME -> the function's source. */
function findGlobalFunctions(model: RuleModel): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (node: Node): void => {
    if (node.type === 'AssignmentExpression' && node.operator === '=' && node.left.type === 'MemberExpression'
      && node.left.object.type === 'Identifier' && node.left.object.name === 'global' && isFunction(node.right)) {
      const name = memberName(node.left);
      if (name && /^[A-Za-z_$][\w$]*$/.test(name)) found.set(name, model.text.slice(node.right.start, node.right.end));
    }
    for (const child of childNodes(node)) visit(child.node);
  };
  visit(model.parse.program);
  return found;
}

/** How the Rule uses context.multifactor decides how the Action enables MFA. */
interface MultifactorPlan {
  /**
   * `direct`: every write is a plain object literal at statement level and nothing reads it: each
   * becomes an api.multifactor.enable call. `variable`: the Rule builds it in steps, reads or resets
   * it: the Action keeps it in a local variable and enables MFA from it where the Rule ended.
   * `ignored`: only non-object values, which Auth0 ignored.
   */
  mode: 'none' | 'direct' | 'variable' | 'ignored';
}

class RuleConverter {
  private readonly edits: Edit[] = [];
  private readonly notes: PendingNote[] = [];
  private readonly secrets: string[] = [];
  private readonly text: string;
  private readonly lines: LineIndex;
  private readonly userName?: string;
  private readonly contextName?: string;
  private readonly callbackName?: string;
  private readonly keys: KeysMode;
  private readonly unsafeAllow: boolean;
  private readonly globalFunctions: ReadonlyMap<string, string>;
  private readonly pipeline: boolean;
  private readonly usedGlobalFunctions = new Set<string>();
  private plan: MultifactorPlan = { mode: 'none' };
  private multifactorVar = 'multifactor';
  private needsErrorMessageHelper = false;
  private readonly globalTodoStatements = new Set<Node>();
  private readonly movedValues: Record<string, string> = {};
  private nestedDecision = false;
  /** How many decisions were found inside nested functions so far. */
  private nestedDecisions = 0;
  /** Literal Duo key values already given a secret name (value -> name). */
  private readonly keySecretNames = new Map<string, string>();
  /** `.timestamp` reads of an authentication method: a number in the Rule, an ISO 8601 string in the Action. */
  private timestampReads: ReadonlySet<Node> = new Set();
  /** Local names of context.request.geoip (`var geo = context.request.geoip;`) and destructurings of it, by the member their declaration reads. */
  private geoipAliases: ReadonlyMap<Node, GeoipAlias> = new Map();
  /** Bindings initialised with a string literal: name -> the literal node (when declared once). */
  private readonly stringBindings = new Map<string, NodeOf<'Literal'> | null>();

  constructor(private readonly model: RuleModel, private readonly fn: NodeOf<'FunctionExpression' | 'FunctionDeclaration'>, options: ConvertOptions) {
    this.text = model.text;
    this.lines = new LineIndex(this.text);
    this.userName = model.userName;
    this.contextName = model.contextName;
    this.callbackName = model.callbackName;
    this.keys = options.keys ?? 'secrets';
    this.unsafeAllow = options.unsafeAllow === true;
    this.globalFunctions = options.globalFunctions ?? new Map();
    this.pipeline = options.pipeline === true;
  }

  private lineStartOf(pos: number): number {
    return this.lines.lineStart(this.lines.positionAt(pos).line);
  }

  convert(): Extract<ConvertResult, { ok: true }> {
    const body = this.fn.body as NodeOf<'BlockStatement'>;
    this.collectStringBindings(body);
    this.timestampReads = methodTimestampReads(body, this.text, this.contextName);
    // Before the walk, so the statements it rewrites (a claim's value) render the Action's field names.
    this.geoipAliases = geoipAliases(this.fn, this.contextName, this.text);
    for (const alias of this.geoipAliases.values()) for (const rename of alias.renames) this.replace(rename.property, rename.text);
    this.plan = this.planMultifactor(body);
    if (this.plan.mode === 'variable' && /\bmultifactor\b/.test(this.text.replace(/\.\s*multifactor\b/g, ''))) this.multifactorVar = 'ruleMultifactor';
    this.moveSecretLiterals(body);
    this.walk(body, [], new Set());
    let bodyText = this.render(body.start + 1, body.end - 1);
    if (this.plan.mode === 'variable') {
      bodyText = `\n  // What the Rule kept in context.multifactor; MFA is enabled from it where the Rule ended.\n  let ${this.multifactorVar};${bodyText}`;
    }
    if (!this.nestedDecision && !this.endsWithDecision(body.body)) {
      // A Rule that reaches its end without calling callback never finished: Auth0 failed the login
      // (timeout). An Action that reaches its end allows it.
      bodyText = bodyText.replace(/\s*$/, '');
      const what = 'the Rule can reach its end here without calling callback, which failed the login (it timed out); an Action that ends here allows it.';
      if (this.unsafeAllow) {
        bodyText += `\n  // ${todoTag}: ${what} Allowed because of --unsafe-allow: check this path.\n`;
        this.notes.push({ pos: -2, blocking: true, message: `${what} Allowed because of --unsafe-allow: check this path.` });
      } else {
        const message = `${what} Denied here until you decide what this path should do.`;
        bodyText += `\n  // ${todoTag}: ${message}\n  return api.access.deny(${guardedDenyMessage});\n`;
        this.notes.push({ pos: -2, blocking: true, message });
      }
    }
    if (this.nestedDecision) {
      bodyText = bodyText.replace(/\s*$/, '');
      if (this.unsafeAllow) {
        bodyText += `\n  // ${todoTag}: the Rule decided the login inside a nested function (callback above); this Action returns before that work ends. Await it.\n`;
        this.notes.push({ pos: -2, blocking: true, message: 'the Rule decided the login inside a nested function (callback above); this Action returns before that work ends. Await it.' });
      } else {
        const message = 'the Rule decided the login inside a nested function (callback above); this Action returns before that work ends, so every login is denied here until you await that work and remove this deny.';
        bodyText += `\n  // ${todoTag}: ${message}\n  return api.access.deny(${guardedDenyMessage});\n`;
        this.notes.push({ pos: -2, blocking: true, message });
      }
    }
    const functionName = this.fn.id?.name;
    const leading = this.text.slice(0, this.fn.start).replace(/^\s+/, '');
    const trailing = this.text.slice(this.fn.end).replace(/^\s*;?/, '').trim();
    const helpers = this.renderHelpers();
    const action = `${leading}${helpers}exports.onExecutePostLogin = async (event, api) => {${bodyText}};\n${trailing ? `${trailing}\n` : ''}`;
    return this.finish(action, functionName);
  }

  private renderHelpers(): string {
    const parts: string[] = [];
    for (const name of this.usedGlobalFunctions) {
      parts.push(`// Stored on global by an earlier Rule; Actions share no global, so each Action that calls it has its own copy.\nconst ${name} = ${this.globalFunctions.get(name)};\n`);
    }
    if (this.plan.mode === 'variable') {
      if (this.keys === 'tenant') {
        const message = 'the Duo keys are not in the Action: put the ikey, skey and host in the tenant (Dashboard > Security > Multi-factor Auth > Duo Security, or auth0 guardian factors duo settings set).';
        this.notes.push({ pos: -1, blocking: false, message });
        parts.push(`// ${noteTag}: ${message}\n`);
      }
      const options = this.keys === 'tenant'
        ? '{ allowRememberBrowser }'
        : '{\n    allowRememberBrowser,\n    providerOptions: { ikey: multifactor.ikey, skey: multifactor.skey, host: multifactor.host, username: multifactor.username },\n  }';
      parts.push([
        '// Auth0 required MFA when a Rule ended with context.multifactor set to an object with a provider;',
        '// any other value (true, a string) was ignored.',
        'function enableRuleMultifactor(api, multifactor) {',
        "  if (!multifactor || typeof multifactor !== 'object' || typeof multifactor.provider !== 'string') return;",
        "  const allowRememberBrowser = multifactor.allowRememberBrowser ?? (typeof multifactor.ignoreCookie === 'boolean' ? !multifactor.ignoreCookie : undefined);",
        `  api.multifactor.enable(multifactor.provider, ${options});`,
        '}',
        '',
      ].join('\n'));
    }
    if (this.needsErrorMessageHelper) {
      parts.push([
        "// The message Auth0 gave the application for a Rule's callback(error).",
        'function ruleErrorMessage(error) {',
        "  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);",
        '}',
        '',
      ].join('\n'));
    }
    return parts.length ? `${parts.join('\n')}\n` : '';
  }

  /**
   * Places the notes' comments, analyses the output, adds what the analysis finds as blocking
   * TODOs, and prefixes the header (which lists every TODO with its final line).
   */
  private finish(action: string, functionName: string | undefined): Extract<ConvertResult, { ok: true }> {
    let model = buildModel(action);
    const cleaned = withoutCommentSkeys(action, model.parse.comments);
    // Parsed again only when a comment changed (the offsets after it moved).
    if (cleaned.removed) model = buildModel(cleaned.code);
    let code = cleaned.code;
    const selfNotes: { message: string }[] = [];
    const findings = analyzeModel(model).filter((f) => blockingSelfCodes.has(f.code));
    if (findings.length) {
      const codeLines = code.split('\n');
      const byLine = new Map<number, string[]>();
      for (const f of findings) {
        const line = f.range.start.line;
        // A TODO right above already explains this line.
        if (line > 0 && codeLines[line - 1].includes(`// ${todoTag}: `)) continue;
        const message = `${f.code}: ${f.message}`;
        const list = byLine.get(line) ?? [];
        if (!list.includes(message)) list.push(message);
        byLine.set(line, list);
      }
      for (const line of [...byLine.keys()].sort((a, b) => b - a)) {
        const indent = /^\s*/.exec(codeLines[line])?.[0] ?? '';
        const messages = byLine.get(line) ?? [];
        codeLines.splice(line, 0, ...messages.map((m) => `${indent}// ${todoTag}: ${m}`));
        selfNotes.push(...messages.map((message) => ({ message })));
      }
      code = codeLines.join('\n');
    }
    const all = [
      ...(cleaned.removed ? [{ blocking: false, message: `${cleaned.removed === 1 ? 'a comment of the Rule held a string' : `comments of the Rule held ${cleaned.removed} strings`} shaped like a Duo skey: the Action says ${COMMENT_SKEY_REMOVED} instead. If it is a real key, it was readable in the Rule's code: rotate it in the Duo Admin Panel.` }] : []),
      ...this.notes.map((n) => ({ blocking: n.blocking, message: n.message })),
      ...selfNotes.map((n) => ({ blocking: true, message: n.message })),
    ];
    const { text, notes } = withHeader(code, all, `converted from the Auth0 Rule${functionName ? ` "${functionName}"` : ''}`, this.secrets);
    return {
      ok: true,
      code: text,
      body: code,
      notes,
      secrets: this.secrets,
      functionName,
      definedGlobalFunctions: findGlobalFunctions(this.model),
      movedValues: this.movedValues,
    };
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
      out += this.text.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.text.slice(at, end);
  }

  private replace(node: { start: number; end: number }, text: string): void {
    this.edits.push({ start: node.start, end: node.end, text });
  }

  private indentAt(pos: number): string {
    return /^[ \t]*/.exec(this.text.slice(this.lineStartOf(pos), pos))?.[0] ?? '';
  }

  /** A comment on its own line above the statement: a TODO (blocking) or a note. */
  private comment(statement: Node, message: string, blocking: boolean): void {
    const line = `// ${blocking ? todoTag : noteTag}: ${message}\n`;
    const atStatement = this.edits.filter((e) => e.end === statement.start && e.text.includes('(duo-rules): '));
    // `global.cache = global.cache || {}` names the same thing twice: one comment per statement is enough.
    if (atStatement.some((e) => e.text.includes(line))) return;
    this.notes.push({ pos: statement.start, blocking, message });
    const lineStart = this.lineStartOf(statement.start);
    const before = this.text.slice(lineStart, statement.start);
    if (/^\s*$/.test(before)) {
      this.edits.push({ start: statement.start, end: statement.start, text: `${line}${before}` });
      return;
    }
    // The statement shares its line (`if (err) return callback(err);`): break the line before it so the
    // comment sits on a line of its own. A line break before a statement never changes what the code means.
    const indent = `${/^\s*/.exec(before)?.[0] ?? ''}  `;
    if (atStatement.length) {
      this.edits.push({ start: statement.start, end: statement.start, text: `${line}${indent}` });
      return;
    }
    const gap = /\s*$/.exec(before)?.[0] ?? '';
    this.edits.push({ start: statement.start - gap.length, end: statement.start, text: `\n${indent}${line}${indent}` });
  }

  /** A statement with no Action equivalent and no effect on the decision: the note takes its place. */
  private replaceWithNote(statement: Node, message: string): void {
    this.notes.push({ pos: statement.start, blocking: false, message });
    this.replace(statement, `// ${noteTag}: ${message}`);
  }

  private todo(statement: Node, message: string): void {
    this.comment(statement, message, true);
  }

  private addSecret(key: string): void {
    if (!this.secrets.includes(key)) this.secrets.push(key);
  }

  private isOwn(node: Node | null | undefined, name: string | undefined, shadowed: ReadonlySet<string>): boolean {
    return !!node && !!name && node.type === 'Identifier' && node.name === name && !shadowed.has(name);
  }

  private isContextMember(node: Node, field: string, shadowed: ReadonlySet<string>): boolean {
    return node.type === 'MemberExpression' && this.isOwn(node.object, this.contextName, shadowed) && memberName(node) === field;
  }

  private collectStringBindings(root: Node): void {
    const visit = (node: Node): void => {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') {
        const init = node.init?.type === 'Literal' && typeof node.init.value === 'string' ? node.init : null;
        this.stringBindings.set(node.id.name, this.stringBindings.has(node.id.name) ? null : init);
      }
      for (const child of childNodes(node)) visit(child.node);
    };
    visit(root);
  }

  private planMultifactor(body: Node): MultifactorPlan {
    let objectWrites = 0;
    let ignoredWrites = 0;
    let other = 0;
    const visit = (node: Node, nested: boolean, parent: Node | undefined, grand: Node | undefined): void => {
      if (node.type === 'MemberExpression' && this.isContextMember(node, 'multifactor', new Set())) {
        const isWrite = parent?.type === 'AssignmentExpression' && parent.left === node && parent.operator === '=' && grand?.type === 'ExpressionStatement';
        if (!isWrite || nested) other++;
        else {
          const right = (parent as NodeOf<'AssignmentExpression'>).right;
          if (right.type === 'ObjectExpression' && right.properties.every((p) => propertyName(p) !== undefined)) objectWrites++;
          else if (right.type === 'Literal' && right.value !== null && typeof right.value !== 'object') ignoredWrites++;
          else other++;
        }
      }
      for (const child of childNodes(node)) visit(child.node, nested || (isFunction(child.node)), node, parent);
    };
    visit(body, false, undefined, undefined);
    if (objectWrites + ignoredWrites + other === 0) return { mode: 'none' };
    if (other === 0 && ignoredWrites === 0) return { mode: 'direct' };
    if (other === 0 && objectWrites === 0) return { mode: 'ignored' };
    return { mode: 'variable' };
  }

  /** The secret name for a literal Duo key value, numbered when the Rule has several different ones. */
  private secretNameFor(field: 'ikey' | 'skey' | 'host', value: string, admin: boolean): string {
    const known = this.keySecretNames.get(`${field}\0${admin}\0${value}`);
    if (known) return known;
    const base = `DUO_${admin ? 'ADMIN_' : ''}${field.toUpperCase()}`;
    const taken = [...this.keySecretNames.values()].filter((n) => n === base || n.startsWith(`${base}_`)).length;
    const name = taken === 0 ? base : `${base}_${taken + 1}`;
    this.keySecretNames.set(`${field}\0${admin}\0${value}`, name);
    return name;
  }

  /**
   * Literal Duo keys never stay in the Action: with `--keys secrets` the ikey, skey and host of every
   * multifactor object (and any skey-shaped string) become `event.secrets.*` reads. An skey is never
   * copied (a TODO asks to set it), a sample or placeholder value is never copied, a real ikey or host
   * is named in a note so the user can map the secret to it.
   */
  private moveSecretLiterals(root: Node): void {
    const dropped: Node[] = [];
    const moveLiteral = (literal: NodeOf<'Literal'>, field: 'ikey' | 'skey' | 'host', admin: boolean, statement: Node): void => {
      const value = literal.value as string;
      const name = this.secretNameFor(field, value, admin);
      this.replace(literal, `event.secrets.${name}`);
      if (field !== 'skey') this.movedValues[name] = value;
      if (this.secrets.includes(name)) return;
      this.addSecret(name);
      if (placeholderShape.test(value)) {
        this.todo(statement, `the Rule's ${field} was the sample value of a template: set the Action secret ${name} to your ${field} (the sample was not copied).`);
      } else if (field === 'skey') {
        this.todo(statement, `the Rule's hard-coded Duo ${admin ? 'Admin API ' : ''}skey was replaced by event.secrets.${name}: set that Action secret (its value was not copied).`);
      } else {
        this.comment(statement, `the Rule's literal ${field} ${JSON.stringify(value)} is read from event.secrets.${name}: set that Action secret to it.`, false);
      }
    };
    const moveValue = (value: Node, field: 'ikey' | 'skey' | 'host', admin: boolean, statement: Node): void => {
      // A deploy-cli token (@@DUO_IKEY@@, '##DUO_HOST##') names the value already: the secret gets that name.
      const token = this.model.parse.keywordTokens.find((t) => t.range.start >= value.start && t.range.end <= value.end);
      if (token && (value.type === 'Identifier' || (value.type === 'Literal' && value.raw?.length === token.range.end - token.range.start + 2))) {
        // deploy-cli accepts keys such as DUO.IKEY or DUO-HOST, which are no identifiers.
        this.replace(value, /^[A-Za-z_$][\w$]*$/.test(token.name) ? `event.secrets.${token.name}` : `event.secrets[${JSON.stringify(token.name)}]`);
        this.addSecret(token.name);
        return;
      }
      if (value.type === 'Literal' && typeof value.value === 'string') {
        moveLiteral(value, field, admin, statement);
      } else if (value.type === 'Identifier') {
        const bound = this.stringBindings.get(value.name);
        if (bound) moveLiteral(bound, field, admin, statement);
      }
    };
    const visitObject = (object: NodeOf<'ObjectExpression'>, admin: boolean, statement: Node): void => {
      for (const prop of object.properties) {
        const key = propertyName(prop);
        if (prop.type !== 'Property' || key === undefined) continue;
        if (key === 'admin' && prop.value.type === 'ObjectExpression') {
          // A direct conversion leaves the admin block out: its keys are asked for nowhere.
          if (this.plan.mode === 'direct') dropped.push(prop.value);
          else visitObject(prop.value, true, statement);
        }
        else if ((key === 'ikey' || key === 'host') && this.keys === 'secrets') moveValue(prop.value, key, admin, statement);
        else if (key === 'skey') moveValue(prop.value, key, admin, statement);
      }
    };
    const visit = (node: Node, statement: Node, shadowed: Set<string>): void => {
      const here = /Statement$|Declaration$/.test(node.type) && node.type !== 'BlockStatement' ? node : statement;
      if (node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression' && this.isContextMember(node.left, 'multifactor', shadowed)
        && node.right.type === 'ObjectExpression') {
        visitObject(node.right, false, here);
      }
      if (node.type === 'Literal' && typeof node.value === 'string' && looksLikeDuoSkey(node.value)
        && !this.edits.some((e) => e.start === node.start) && !dropped.some((d) => d.start <= node.start && node.end <= d.end)) {
        moveLiteral(node, 'skey', false, here);
      }
      for (const child of childNodes(node)) visit(child.node, here, shadowed);
    };
    visit(root, root, new Set());
  }

  /**
   * `statement` is the innermost statement holding the node (where comments go); `nested` tells
   * whether we are inside a function nested in the rule (a `return` there does not end the Action).
   */
  private walk(node: Node, ancestors: Node[], shadowed: Set<string>, nested = false): void {
    // `return request(…, function () { callback(…) })` in the handler: the Action would return at once
    // and let the login through before that work decides it.
    if (node.type === 'ReturnStatement' && !nested && node.argument && !this.unsafeAllow) {
      const before = this.nestedDecisions;
      this.walkNode(node, ancestors, shadowed, nested);
      if (this.nestedDecisions > before) this.denyAfterReturn(node);
      return;
    }
    this.walkNode(node, ancestors, shadowed, nested);
  }

  /** `return X` (X decides later, in a nested function) becomes `{ X; return api.access.deny(…); }` with a TODO. */
  private denyAfterReturn(node: NodeOf<'ReturnStatement'>): void {
    const message = 'the Rule returned here while a nested function (above) would decide the login later; an Action that returns here lets the login through, so it denies it here until you await that work and decide in the handler.';
    const indent = this.indentAt(node.start);
    const semicolon = this.text.slice(node.start, node.end).trimEnd().endsWith(';') ? '' : ';';
    this.notes.push({ pos: node.start, blocking: true, message });
    this.edits.push({ start: node.start, end: node.start + 'return'.length, text: '{' });
    this.edits.push({ start: node.end, end: node.end, text: `${semicolon}\n${indent}  // ${todoTag}: ${message}\n${indent}  return api.access.deny(${guardedDenyMessage});\n${indent}}` });
  }

  private walkNode(node: Node, ancestors: Node[], shadowed: Set<string>, nested: boolean): void {
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
    if (this.rewriteExpression(node, parent, statement, shadowed, ancestors)) return;

    for (const child of childNodes(node)) {
      if (child.key === 'property' && node.type === 'MemberExpression' && !node.computed) continue;
      if (child.key === 'key' && node.type === 'Property' && !node.computed) continue;
      if (child.key === 'label') continue;
      this.walk(child.node, [...ancestors, node], shadowed, nested);
    }
  }

  private walkInside(node: Node, ancestors: Node[], shadowed: Set<string>, nested: boolean): string {
    this.walk(node, ancestors, shadowed, nested);
    return this.render(node.start, node.end);
  }

  /** True when every path through these statements ends in a callback call, a return of one, or a throw. */
  private endsWithDecision(statements: readonly Node[]): boolean {
    const last = [...statements].reverse().find((s) => s.type !== 'EmptyStatement' && s.type !== 'FunctionDeclaration');
    if (!last) return false;
    const isCallback = (n: Node | null | undefined): boolean => !!n && n.type === 'CallExpression' && this.isOwn(n.callee, this.callbackName, new Set());
    switch (last.type) {
      case 'ExpressionStatement': return isCallback(last.expression);
      case 'ReturnStatement': return isCallback(last.argument);
      case 'ThrowStatement': return true;
      case 'BlockStatement': return this.endsWithDecision(last.body);
      case 'IfStatement':
        return !!last.alternate && this.endsWithDecision([last.consequent]) && this.endsWithDecision([last.alternate]);
      case 'TryStatement':
        return this.endsWithDecision(last.block.body) && (!last.handler || this.endsWithDecision(last.handler.body.body));
      default: return false;
    }
  }

  /** What ends the Action where the Rule ended the login successfully. */
  private successText(): string {
    return this.plan.mode === 'variable' ? `return enableRuleMultifactor(api, ${this.multifactorVar});` : 'return;';
  }

  /** A deny that stands in for what could not be converted; the TODO says what the Rule did. */
  private guardedDeny(node: Node, statement: Node, what: string): void {
    if (this.unsafeAllow) {
      this.todo(statement, `${what} It was converted as an allowed login because of --unsafe-allow: translate it by hand.`);
      this.replace(node, this.successText());
      return;
    }
    this.todo(statement, `${what} The Action denies this login until you translate it and remove the deny.`);
    this.replace(node, `return api.access.deny(${guardedDenyMessage});`);
  }

  /** Statement-level rewrites: multifactor and redirect assignments, callback calls, token claims. */
  private rewriteStatement(node: Node, statement: Node, shadowed: Set<string>, nested: boolean, ancestors: Node[]): boolean {
    const expr = node.type === 'ExpressionStatement' ? node.expression : node.type === 'ReturnStatement' ? node.argument : undefined;
    if (!expr) return false;
    const inner = [...ancestors, node, expr];

    if (node.type === 'ExpressionStatement' && expr.type === 'AssignmentExpression' && expr.operator === '=' && expr.left.type === 'MemberExpression') {
      const left = expr.left;
      // context.multifactor = …
      if (this.isContextMember(left, 'multifactor', shadowed) && !nested) {
        if (this.plan.mode === 'direct' && expr.right.type === 'ObjectExpression') {
          this.rewriteMultifactor(node, expr.right, shadowed);
          return true;
        }
        if (this.plan.mode === 'ignored') {
          const value = this.text.slice(expr.right.start, expr.right.end);
          this.replaceWithNote(node, `the Rule set context.multifactor = ${value}, which is not an object: Auth0 ignored it and required no MFA, so the Action enables none. Set a real configuration if MFA was meant.`);
          return true;
        }
      }
      // context.redirect = … (or context.redirect.url = …)
      const redirectTarget = this.isContextMember(left, 'redirect', shadowed) ? left
        : left.object.type === 'MemberExpression' && this.isContextMember(left.object, 'redirect', shadowed) ? left.object : undefined;
      if (redirectTarget) {
        const value = this.text.slice(expr.right.start, expr.right.end).replace(/\s+/g, ' ');
        this.guardedDeny(node, statement, `the Rule redirected the user (${this.text.slice(left.start, left.end)} = ${value.length > 80 ? `${value.slice(0, 77)}...` : value}); Actions redirect with api.redirect.sendUserTo(url) and resume in exports.onContinuePostLogin.`);
        return true;
      }
      // context.idToken[k] = v / context.accessToken.k = v
      const token = (['idToken', 'accessToken'] as const).find((t) => this.isContextMember(left.object, t, shadowed));
      if (token === 'accessToken' && memberName(left) === 'scope') {
        this.walk(expr.right, inner, shadowed, nested);
        this.todo(statement, "the access token's scope is not a custom claim: grant scopes with api.accessToken.addScope(scope) / api.accessToken.removeScope(scope).");
        return true;
      }
      if (token) {
        const value = this.walkInside(expr.right, inner, shadowed, nested);
        const key = left.computed ? this.walkInside(left.property, inner, shadowed, nested) : `'${memberName(left)}'`;
        this.replace(node, `api.${token}.setCustomClaim(${key}, ${value});`);
        return true;
      }
      // global.NAME = function … : the function moves to module level in the Actions that call it.
      if (left.object.type === 'Identifier' && left.object.name === 'global' && !shadowed.has('global') && isFunction(expr.right)) {
        this.replaceWithNote(node, `${memberName(left) ?? '…'}, stored on global, is a helper for the Rules after this one: the Actions converted from them define it themselves (Actions share no global).`);
        return true;
      }
    }

    // callback(…) / return callback(…)
    if (expr.type === 'CallExpression' && this.isOwn(expr.callee, this.callbackName, shadowed)) {
      if (nested) {
        this.nestedDecision = true;
        this.nestedDecisions++;
        this.todo(statement, `${this.callbackName} is called inside a nested function: an async Action ends when its handler returns, so await this work (for example await the promise) and decide in the handler.`);
      }
      this.rewriteCallback(node, expr, statement, shadowed, nested, inner);
      return true;
    }
    return false;
  }

  private rewriteCallback(node: Node, call: NodeOf<'CallExpression'>, statement: Node, shadowed: Set<string>, nested: boolean, inner: Node[]): void {
    const [first, second, third] = call.arguments;
    const isNull = (n: Node | undefined) => !n || (n.type === 'Literal' && n.value === null) || (n.type === 'Identifier' && n.name === 'undefined' && !shadowed.has('undefined'));
    const passesOwnContext = !third || this.isOwn(third, this.contextName, new Set());
    const passesOwnUser = !second || this.isOwn(second, this.userName, new Set());
    const success = (): string => {
      if (!passesOwnContext) return '';
      if (!passesOwnUser && this.pipeline && second) {
        // The merged Action hands this user to the next Rule's section, as Auth0 did.
        const handed = this.walkInside(second, inner, shadowed, nested);
        this.comment(statement, `the Rule handed ${this.callbackName}() another user object (${this.text.slice(second.start, second.end)}) for the Rules after it: this Action hands it to the next Rule's section the same way. Neither the Rule nor the Action saves it to the user's profile (api.user.setAppMetadata / setUserMetadata would).`, false);
        const ending = this.successText();
        return ending === 'return;' ? `return new HandedUser(${handed});` : `return (${ending.replace(/^return\s*|;$/g, '')}, new HandedUser(${handed}));`;
      }
      if (!passesOwnUser) {
        this.todo(statement, `the Rule passed another user object to ${this.callbackName}(); Actions cannot replace the user: apply its changes with api.user.setAppMetadata / api.user.setUserMetadata.`);
      }
      return this.successText();
    };
    const notOwnContext = () => `the Rule ended the login with ${this.callbackName}(null, ${second ? this.text.slice(second.start, second.end) : ''}, ${third ? this.text.slice(third.start, third.end) : ''}): the login went on with a context other than its own, which no Action can express.`;

    if (isNull(first)) {
      if (!passesOwnContext) {
        this.guardedDeny(node, statement, notOwnContext());
        return;
      }
      this.replaceSuccess(node, success(), nested);
      return;
    }
    const arg = first as Node;
    const errorName = arg.type === 'NewExpression' && arg.callee.type === 'Identifier' && /Error$/.test(arg.callee.name) ? arg.callee.name : undefined;
    if (errorName) {
      // new UnauthorizedError(m) / new Error(m): denied with the same message.
      const message = arg.type === 'NewExpression' && arg.arguments[0] ? this.walkInside(arg.arguments[0], [...inner, arg], shadowed, nested) : "''";
      this.replace(node, `return api.access.deny(${message});`);
      return;
    }
    if (arg.type === 'Literal' || arg.type === 'TemplateLiteral') {
      this.replace(node, `return api.access.deny(${this.walkInside(arg, inner, shadowed, nested)});`);
      return;
    }
    // A value known only at run time: Auth0 failed the login when it was not null or undefined.
    this.needsErrorMessageHelper = true;
    const value = this.walkInside(arg, inner, shadowed, nested);
    if (arg.type === 'Identifier' && (second || third) && passesOwnContext) {
      const otherwise = success().replace(/^return\s*|;$/g, '') || 'undefined';
      this.replace(node, `return ${value} == null ? ${otherwise} : api.access.deny(ruleErrorMessage(${value}));`);
      return;
    }
    this.replace(node, `return api.access.deny(ruleErrorMessage(${value}));`);
  }

  /** Where the Rule ended successfully; the last statement of the rule needs no `return`. */
  private replaceSuccess(node: Node, text: string, nested: boolean): void {
    const statements = (this.fn.body as NodeOf<'BlockStatement'>).body;
    // A user handed on is the section's result; a statement with a comment keeps its line, or the comment goes with it.
    const keep = text.includes('new HandedUser(') || this.notes.some((n) => n.pos === node.start);
    if (!nested && !keep && statements[statements.length - 1] === node) {
      if (text !== 'return;') {
        this.replace(node, text.replace(/^return /, ''));
        return;
      }
      const lineStart = this.lineStartOf(node.start);
      const lineEnd = this.text.indexOf('\n', node.end);
      const onlyThing = /^\s*$/.test(this.text.slice(lineStart, node.start)) && /^\s*$/.test(this.text.slice(node.end, lineEnd === -1 ? undefined : lineEnd));
      if (onlyThing) {
        // Drop the line and a blank line right above it, so the Action does not end on a gap.
        let start = lineStart;
        const line = this.lines.positionAt(node.start).line;
        const prevStart = line > 0 ? this.lines.lineStart(line - 1) : lineStart;
        if (prevStart < lineStart && /^\s*$/.test(this.text.slice(prevStart, lineStart))) start = prevStart;
        this.edits.push({ start, end: lineEnd === -1 ? node.end : lineEnd + 1, text: '' });
        return;
      }
    }
    this.replace(node, text);
  }

  /** Expression-level rewrites. Returns true when the node (and its children) are handled. */
  private rewriteExpression(node: Node, parent: Node | undefined, statement: Node, shadowed: Set<string>, ancestors: readonly Node[]): boolean {
    const grandparent = ancestors[ancestors.length - 2];
    // Noted, and its parts still rewritten below (context.authentication → event.authentication).
    if (this.timestampReads.has(node)) {
      this.todo(statement, 'an authentication method\'s timestamp is an ISO 8601 string in an Action (the Rule\'s was milliseconds): use Date.parse(…timestamp) where the Rule computed with the number, and check any claim that carries it.');
    }
    // configuration.X -> event.secrets.X
    if (this.isOwn(node, 'configuration', shadowed)) {
      if (parent?.type === 'MemberExpression' && parent.object === node) {
        const key = memberName(parent);
        if (key && isObjectMethodName(key)) {
          // configuration.hasOwnProperty('X') asks about the secret X.
          const first = grandparent?.type === 'CallExpression' && grandparent.callee === parent ? grandparent.arguments[0] : undefined;
          if (key === 'hasOwnProperty' && first?.type === 'Literal' && typeof first.value === 'string') this.addSecret(first.value);
        } else if (key) this.addSecret(key);
        else this.todo(statement, 'configuration is read with a computed key: add every key it can take as a secret of the Action.');
      } else if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'ObjectPattern') {
        const keys = parent.id.properties.map((p) => propertyName(p));
        for (const key of keys) if (key !== undefined) this.addSecret(key);
        if (keys.includes(undefined)) this.todo(statement, 'configuration is destructured with a rest element or a computed key: add every key it can take as a secret of the Action.');
      } else {
        this.todo(statement, 'configuration is used as a whole object here: add every key read from it as a secret of the Action.');
      }
      this.replace(node, parent?.type === 'Property' && parent.shorthand ? 'configuration: event.secrets' : 'event.secrets');
      return true;
    }

    // user -> event.user
    if (node.type === 'Identifier' && this.isOwn(node, this.userName, shadowed)) {
      if (parent?.type === 'MemberExpression' && parent.object === node && this.isWriteTarget(parent, statement)) {
        if (this.pipeline) {
          this.comment(statement, `the change to ${this.userName} reaches the Rules after this one in this Action, as in the Rule pipeline; neither the Rule nor the Action saves it to the user's profile (api.user.setAppMetadata / setUserMetadata would).`, false);
        } else {
          this.todo(statement, `Actions cannot change the user object: use api.user.setAppMetadata(name, value) / api.user.setUserMetadata(name, value) instead of writing to ${this.userName}.`);
        }
      }
      this.replace(node, parent?.type === 'Property' && parent.shorthand ? `${this.userName}: event.user` : 'event.user');
      return true;
    }

    // delete context.multifactor: `delete` of the local variable would do nothing (and keep MFA on)
    if (node.type === 'UnaryExpression' && node.operator === 'delete' && this.plan.mode === 'variable' && this.isContextMember(node.argument, 'multifactor', shadowed)) {
      this.replace(node, parent?.type === 'ExpressionStatement' ? `${this.multifactorVar} = undefined` : `(${this.multifactorVar} = undefined, true)`);
      return true;
    }
    // context.multifactor kept in a local variable
    if (node.type === 'MemberExpression' && this.plan.mode === 'variable' && this.isContextMember(node, 'multifactor', shadowed)) {
      this.replace(node, this.multifactorVar);
      return true;
    }

    // context.X
    if (node.type === 'MemberExpression' && this.isOwn(node.object, this.contextName, shadowed)) {
      const field = memberName(node);
      // The members read off it, up to `context.request.geoip.country_code`, each node with the path it ends.
      const chain: Array<{ node: Node; name: string }> = field === undefined ? [] : [{ node, name: field }];
      for (let i = ancestors.length - 1; chain.length > 0 && chain.length < 3 && i >= 0; i--) {
        const above = ancestors[i];
        const name = above.type === 'MemberExpression' && above.object === chain[chain.length - 1].node ? memberName(above) : undefined;
        if (name === undefined) break;
        chain.push({ node: above, name });
      }
      const equivalent = chain.length ? lookupMember(['context', ...chain.map((c) => c.name)]) : undefined;
      if (equivalent?.rewrite === 'mechanical') {
        const replaced = chain[equivalent.consumed - 2].node;
        this.replace(replaced, equivalent.action);
        const user = ancestors[ancestors.length - (equivalent.consumed - 1)];
        if (equivalent.mapping.usedWhole && equivalent.consumed - 1 === chain.length && !isPresenceTest(replaced, user)) {
          // A local name whose every use is a field the table renames (renamed above) or a presence test needs no TODO,
          // nor a destructuring whose every key is in the table (its keys renamed above).
          const alias = this.geoipAliases.get(replaced);
          if (!alias || alias.escapes) {
            const done = alias ? renamedNote(alias) : '';
            this.todo(statement, `${this.contextName}.${chain.map((c) => c.name).join('.')}: ${equivalent.mapping.usedWhole}${done}`);
          }
        }
        return true;
      }
      const hint = field === 'multifactor' ? 'set MFA with api.multifactor.enable(...) where the rule assigns context.multifactor.'
        : equivalent?.note ?? 'it has no direct post-login Action equivalent (see the event object reference).';
      this.todo(statement, `${this.contextName}.${field ?? '[…]'}: ${hint}`);
      return true;
    }
    if (this.isOwn(node, this.contextName, shadowed)) {
      this.todo(statement, `the whole ${this.contextName} object is used here; Actions split it into event (read) and api (change).`);
      return true;
    }
    if (this.isOwn(node, this.callbackName, shadowed)) {
      this.nestedDecision = true;
      this.nestedDecisions++;
      this.todo(statement, `${this.callbackName} is used as a value or inside a nested function; an async Action ends when its handler returns: await the work, then return or call api.access.deny.`);
      return true;
    }
    // global.NAME( … ) of a helper an earlier Rule defined
    if (node.type === 'MemberExpression' && node.object.type === 'Identifier' && node.object.name === 'global' && !shadowed.has('global')) {
      const name = memberName(node);
      if (name && this.globalFunctions.has(name) && !(parent?.type === 'AssignmentExpression' && parent.left === node)) {
        this.usedGlobalFunctions.add(name);
        this.replace(node, name);
        return true;
      }
      const isWrite = parent?.type === 'AssignmentExpression' && parent.left === node || parent?.type === 'UpdateExpression';
      // `global.cache = global.cache || {}` names it twice: one TODO per statement says it all.
      if (this.globalTodoStatements.has(statement)) return true;
      this.globalTodoStatements.add(statement);
      this.todo(statement, isWrite
        ? `global.${name ?? '…'} is state shared between the Rules of a login (and cached across logins); Actions share no global: pass it through api.cache or recompute it.`
        : `global.${name ?? '…'} comes from another Rule and has no definition here: Actions share no global; define it in this Action.`);
      return true;
    }
    if (node.type === 'Identifier' && !shadowed.has(node.name) && (node.name === 'auth0' || node.name === 'global')) {
      this.todo(statement, node.name === 'auth0'
        ? 'the auth0 management object does not exist in Actions: use api.user.setAppMetadata/setUserMetadata or the Management API with a secret.'
        : 'the global cache does not exist in Actions: use api.cache.set/get.');
      return true;
    }
    if (node.type === 'Identifier' && node.name === 'UnauthorizedError' && !shadowed.has(node.name)) {
      // Only an error's message reaches the application: a plain Error carries the same.
      this.replace(node, 'Error');
      return true;
    }
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && !shadowed.has('require')) {
      const arg = node.arguments[0];
      if (arg?.type === 'Literal' && typeof arg.value === 'string') {
        const versioned = /^(@?[^@]+)@(.+)$/.exec(arg.value);
        if (versioned) {
          this.replace(arg, `'${versioned[1]}'`);
          this.comment(statement, `add the dependency ${versioned[1]}@${versioned[2]} to the Action (Actions do not take versions in require).`, false);
        } else {
          this.comment(statement, `add the dependency ${arg.value} to the Action.`, false);
        }
        return true;
      }
    }
    return false;
  }

  private isWriteTarget(member: Node, statement: Node): boolean {
    let found = false;
    const visit = (n: Node): void => {
      if (found) return;
      const target = n.type === 'AssignmentExpression' ? n.left : n.type === 'UpdateExpression' ? n.argument : undefined;
      for (let t: Node | undefined = target; t?.type === 'MemberExpression'; t = t.object) {
        if (t === member) { found = true; return; }
      }
      for (const c of childNodes(n)) visit(c.node);
    };
    visit(statement);
    return found;
  }

  /** `context.multifactor = { … }` -> `api.multifactor.enable(provider, { … })`. */
  private rewriteMultifactor(statement: Node, value: NodeOf<'ObjectExpression'>, shadowed: Set<string>): void {
    const indent = this.indentAt(statement.start);
    const inner = `${indent}  `;
    const innerMost = `${indent}    `;
    const comments = this.model.parse.comments.filter((c) => c.start > value.start && c.end < value.end).map((c) => ({
      end: c.end, text: c.type === 'Block' ? `/*${c.value}*/` : `//${c.value}`, used: false,
    }));
    const commentsBefore = (pos: number): string[] => {
      const taken = comments.filter((c) => !c.used && c.end <= pos);
      for (const c of taken) c.used = true;
      return taken.map((c) => c.text);
    };
    let provider: string | undefined;
    let providerLiteral: string | undefined;
    const options: string[] = [];
    const providerOptions: string[] = [];
    const droppedForTenant: string[] = [];
    for (const prop of value.properties) {
      if (prop.type !== 'Property') continue;
      const key = propertyName(prop) as string;
      const leading = commentsBefore(prop.start);
      if (key === 'admin') {
        options.push(...leading.map((c) => inner + c), `${inner}// ${noteTag}: admin (Duo Admin API credentials) has no Actions equivalent; Auth0 no longer updates the real name and email in Duo. The admin credentials were left out.`);
        this.notes.push({ pos: prop.start, blocking: false, message: 'admin (Duo Admin API credentials) has no Actions equivalent; Auth0 no longer updates the real name and email in Duo. The admin credentials were left out.' });
        continue;
      }
      if (this.keys === 'tenant' && (key === 'ikey' || key === 'skey' || key === 'host' || key === 'username')) {
        droppedForTenant.push(key);
        options.push(...leading.map((c) => inner + c));
        continue;
      }
      const valueText = this.walkInside(prop.value, [statement, value, prop], shadowed, false);
      const literal = prop.value.type === 'Literal' ? prop.value.value : undefined;
      if (key === 'provider') {
        provider = valueText;
        providerLiteral = typeof literal === 'string' ? literal : undefined;
        options.push(...leading.map((c) => inner + c));
      } else if (key === 'allowRememberBrowser') {
        options.push(...leading.map((c) => inner + c), `${inner}allowRememberBrowser: ${valueText},`);
      } else if (key === 'ignoreCookie') {
        options.push(...leading.map((c) => inner + c));
        if (typeof literal === 'boolean') {
          options.push(`${inner}// ignoreCookie: ${literal} became allowRememberBrowser: ${!literal} (ignoreCookie was replaced by allowRememberBrowser, inverted).`);
          options.push(`${inner}allowRememberBrowser: ${!literal},`);
        } else {
          options.push(`${inner}allowRememberBrowser: !(${valueText}),`);
        }
      } else if (key === 'ikey' || key === 'skey' || key === 'host' || key === 'username') {
        providerOptions.push(...leading.map((c) => innerMost + c), `${innerMost}${key}: ${valueText},`);
      } else {
        this.notes.push({ pos: prop.start, blocking: false, message: `${key} has no Actions equivalent in api.multifactor.enable options and was left out.` });
        options.push(...leading.map((c) => inner + c), `${inner}// ${noteTag}: ${key} has no Actions equivalent in api.multifactor.enable options and was left out.`);
      }
    }
    const rest = commentsBefore(value.end);
    if (provider === undefined) {
      const message = "the Rule's multifactor object has no provider, so Auth0 required no MFA; the Action assumes 'duo' (stricter): confirm it.";
      this.notes.push({ pos: statement.start, blocking: true, message });
      options.unshift(`${inner}// ${todoTag}: ${message}`);
      provider = "'duo'";
      providerLiteral = 'duo';
    }
    if (this.keys === 'tenant' && (providerLiteral === 'duo' || providerLiteral === undefined) && droppedForTenant.length) {
      if (droppedForTenant.includes('username')) {
        const message = 'the Rule chose the Duo username; without providerOptions Duo uses the name Auth0 derives from user_id: check that users keep their enrolment.';
        this.notes.push({ pos: statement.start, blocking: true, message });
        options.unshift(`${inner}// ${todoTag}: ${message}`);
      }
      const message = 'the Duo keys are not in the Action: put the ikey, skey and host in the tenant (Dashboard > Security > Multi-factor Auth > Duo Security, or auth0 guardian factors duo settings set).';
      this.notes.push({ pos: statement.start, blocking: false, message });
      options.unshift(`${inner}// ${noteTag}: ${message}`);
    }
    if (providerOptions.length) options.push(`${inner}providerOptions: {`, ...providerOptions, `${inner}},`);
    options.push(...rest.map((c) => inner + c));
    const text = options.length ? `api.multifactor.enable(${provider}, {\n${options.join('\n')}\n${indent}});` : `api.multifactor.enable(${provider});`;
    this.replace(statement, text);
  }
}

/** What a Duo skey in a comment becomes in the Action. */
const COMMENT_SKEY_REMOVED = '[skey removed by duo-rules]';
/** 40 letters and digits with both cases, as a Duo skey is (a git commit hash has one case only). */
const COMMENT_SKEY = new RegExp(`(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])${DUO_SKEY_CHARACTERS}(?![A-Za-z0-9])`, 'g');

/**
 * Comments are copied into the Action, and an old configuration left in one (`// skey: '…'`) would be
 * printed by `duo-rules convert` and deployed with the Action: such strings are never copied.
 */
function withoutCommentSkeys(code: string, comments: readonly { start: number; end: number }[]): { code: string; removed: number } {
  let out = code;
  let removed = 0;
  for (const c of [...comments].sort((a, b) => b.start - a.start)) {
    const text = out.slice(c.start, c.end);
    const clean = text.replace(COMMENT_SKEY, () => {
      removed++;
      return COMMENT_SKEY_REMOVED;
    });
    if (clean !== text) out = out.slice(0, c.start) + clean + out.slice(c.end);
  }
  return { code: out, removed };
}

/** The 1-based line of each note's comment in `code` (notes without a comment get line 1). */
function locateNotes(code: string, notes: readonly { blocking: boolean; message: string }[]): ConvertNote[] {
  const codeLines = code.split('\n');
  const taken = new Set<number>();
  return notes.map((n) => {
    const marker = `${n.blocking ? todoTag : noteTag}: ${n.message}`;
    const index = codeLines.findIndex((l, i) => !taken.has(i) && l.includes(marker));
    if (index >= 0) taken.add(index);
    return { line: index >= 0 ? index + 1 : 1, blocking: n.blocking, message: n.message };
  });
}

/** Prefixes the header (what it is, its secrets, every TODO with its final line) and gives the notes their final lines. */
function withHeader(code: string, notes: readonly { blocking: boolean; message: string }[], origin: string, secrets: readonly string[]): { text: string; notes: ConvertNote[] } {
  const located = locateNotes(code, notes);
  const blocking = located.filter((n) => n.blocking);
  const headerLines = [
    '/**',
    ` * Post-login Action ${origin} by duo-rules convert.`,
    secrets.length ? ` * Secrets it reads (event.secrets): ${secrets.join(', ')}.` : undefined,
    blocking.length ? ` * Finish these ${todoTag} comments before deploying it:` : undefined,
  ].filter((l): l is string => l !== undefined);
  const shift = headerLines.length + blocking.length + 1;
  for (const n of blocking) headerLines.push(` *   line ${n.line + shift}: ${n.message.replace(/\*\//g, '* /')}`);
  headerLines.push(' */');
  return {
    text: `${headerLines.join('\n')}\n${code}`,
    notes: located.map((n) => ({ ...n, line: n.line + shift })).sort((a, b) => a.line - b.line),
  };
}

/**
 * One Action that runs the converted Rules of a pipeline in order (`duo-rules convert --merge`):
 * each Rule's Action code keeps its own scope (its helpers cannot collide), and a denial stops the
 * rules after it, as in Auth0. MFA enabled by a later rule replaces an earlier one's, as the last
 * context.multifactor did. The user goes from rule to rule as Auth0 passed it: changes a rule makes
 * to it, or the user it hands to its callback (converted with `pipeline: true`), reach the next.
 */
export function mergeConvertedRules(parts: readonly { name: string; body: string; notes: readonly ConvertNote[]; secrets: readonly string[] }[]): { code: string; notes: ConvertNote[]; secrets: string[] } {
  const handsOn = parts.some((p) => p.body.includes('new HandedUser('));
  const sections = parts.map((p) => [
    `// Rule "${p.name.replace(/\n/g, ' ')}"`,
    '(() => {',
    'const exports = {};',
    p.body.replace(/\n+$/, ''),
    'return exports.onExecutePostLogin;',
    '})(),',
  ].join('\n'));
  const code = [
    ...(handsOn ? [
      '// The user a Rule handed to callback(null, user, context) for the Rules after it.',
      'class HandedUser {',
      '  constructor(user) { this.user = user; }',
      '}',
      '',
    ] : []),
    '// The Rules of the pipeline, in order, each converted to a post-login handler in its own scope.',
    'const rules = [',
    ...sections,
    '];',
    '',
    'exports.onExecutePostLogin = async (event, api) => {',
    '  let denied = false;',
    '  const tracked = Object.assign(Object.create(api), {',
    '    access: { ...api.access, deny: (reason) => { denied = true; return api.access.deny(reason); } },',
    '  });',
    '  // As in the Rule pipeline, each Rule sees the user as the Rules before it left it: a copy of',
    '  // event.user that they change and hand on (Auth0 saves none of it to the profile).',
    '  let user = event.user && JSON.parse(JSON.stringify(event.user));',
    '  for (const rule of rules) {',
    `  ${handsOn ? '  const handed = ' : '  '}await rule({ ...event, user }, tracked);`,
    '    // Auth0 ran no rule after one that failed the login.',
    '    if (denied) return;',
    ...(handsOn ? ['    if (handed instanceof HandedUser && handed.user != null) user = handed.user;'] : []),
    '  }',
    '};',
    '',
  ].join('\n');
  const secrets = [...new Set(parts.flatMap((p) => p.secrets))];
  const { text, notes } = withHeader(code, parts.flatMap((p) => p.notes), `running the Auth0 Rules ${parts.map((p) => `"${p.name}"`).join(', ')} in order, converted`, secrets);
  return { code: text, notes, secrets };
}

/** Converts a Rule's text to a post-login Action. Pure: no I/O. */
export function convertRule(text: string, options: ConvertOptions = {}): ConvertResult {
  const model = buildModel(text);
  if (model.syntaxError) return { ok: false, message: `fix the syntax error first: ${model.syntaxError.message}` };
  if (model.kind === 'action') return { ok: false, message: 'this file is already a post-login Action' };
  const fn = model.kind === 'rule' ? findRuleFunctionNode(model) : undefined;
  if (!fn) return { ok: false, message: 'not an Auth0 Rule: the file must contain exactly one function (user, context, callback)' };
  if (fn.body.type !== 'BlockStatement') return { ok: false, message: 'the rule function has no body' };
  return new RuleConverter(model, fn, options).convert();
}
