// The logins a differential check runs a Rule and its Action on: the default mock login, varied
// along every input the Rule's conditions look at (client ids, connections, protocols, verified
// email, roles and metadata flags), with the literals those conditions compare against. Pure:
// the runner merges the settings over its mock inputs.
import type * as acorn from 'acorn';
import type { RuleModel } from './model';
import type { LoginSetting, MatrixNote } from '../../../shared/equivalenceReport';
import { memberMappings } from './ruleToAction';
import { isSecretKeyName } from '../../../shared/redact';
import { regexExamples } from './regexExamples';
import { children, describeNode, literalValue, memberName } from './conditionSyntax';
import { ClockScanner, describeClock, isClockSetting, withClock } from './loginClock';
import { findUnreadOperands, type GateSite, type UnreadOperand } from './unreadOperands';
import { isConditionSwitch, loopIndexes, walkedList } from './switchAndLoopGates';

type Node = acorn.AnyNode;

/** One input the Rule's conditions read, in Rule terms (`['context', 'clientID']`), and the values worth trying. */
export interface Dimension {
  path: string[];
  /** Values compared with `===`, `switch`, `list.indexOf(path)`… */
  equals: unknown[];
  /**
   * Values looked for inside it (`path.indexOf(x)`, `path.includes(x)`): an array holding x, or a string containing it;
   * an item may be an object (`{ name: 'mfa' }`, for `methods.find((m) => m.name === 'mfa')`).
   */
  contains: unknown[];
  /** Read as a condition on its own (`if (user.app_metadata.mfa)`): true and false are tried. */
  truthy: boolean;
  /**
   * Other inputs it is compared with (`context.connectionStrategy === context.connection`), in Rule terms: it is also
   * tried with their mock values, so the two are equal on some login.
   */
  sameAs?: string[][];
  /** Its presence is a condition of its own (`user.groups && …`): a login where it is there without the items searched for matters. */
  tested?: boolean;
}

export interface LoginCase {
  /** What differs from the default mock login (empty: the default itself). */
  settings: LoginSetting[];
  /** Epoch ms the login's clock starts at, when a clock setting asks for one; otherwise the real clock. */
  now?: number;
}

/** Inputs every Duo rule is checked on, whatever its conditions say (refresh-token logins and unverified email skip or bypass Duo in real tenants, so they are always tried). */
const alwaysTried: { path: string[]; equals: unknown[] }[] = [
  { path: ['context', 'protocol'], equals: ['oauth2-refresh-token'] },
  { path: ['user', 'email_verified'], equals: [true, false] },
];

/** Leaves that are flags even two segments deep (user.email_verified). */
const flagLeaves = new Set(['email_verified', 'phone_verified', 'blocked']);

/**
 * What a constant of the Rule holds, as far as the text tells: a literal, a list (array or Set), an
 * object (or Map) by key, or a list read from `configuration` that the run's values could not give.
 * Parts that are not constant are left out: the matrix only ever gains values from a table.
 */
type Static =
  | { kind: 'literal'; value: unknown }
  | { kind: 'list'; items: Static[]; from?: ConfigList }
  | { kind: 'object'; props: Map<string, Static[]>; from?: ConfigList }
  | { kind: 'config'; list: ConfigList; why: 'unset' | 'secret' | 'invalid' };

/** A list the Rule reads from its configuration: `configuration.X.split(',')`, `JSON.parse(configuration.X)`. */
interface ConfigList {
  key: string;
  label: SettingsLabel;
  /** How the Rule reads it, as written: `configuration.MFA_CLIENTS.split(",")`. */
  read: string;
  /** The value came from the check's stand-in, not from a given configuration. */
  standIn?: boolean;
}

/** The configuration the Rule runs with in the check: the given values and the stand-ins for the others. */
export interface MatrixConfiguration {
  values: Readonly<Record<string, string>>;
  /** Keys whose value is the check's stand-in (no value was given). */
  standIns?: readonly string[];
  /** Where the user gives a value, in the words of the command line or the editor, for the notes. */
  howToGive?: string;
}

/** An input of the login as a condition reads it: `context.clientID`, or the domain of `user.email` (`value` turns a compared value into the input's). */
interface Input {
  path: string[];
  value?: (compared: unknown) => unknown;
  /**
   * An element of the list at `path` (a callback's or a loop's variable over `user.groups`): a value compared with it
   * is tried as an item of the list (`contains`).
   */
  element?: true;
  /**
   * With `element`: the field of the item read (`m.name` of `methods.find((m) => m.name === 'mfa')`): a value compared
   * with it is tried as an item holding that field (`{ name: 'mfa' }`).
   */
  field?: string[];
}

/** The item of an input list a comparison asks for: the value itself, or an object holding it at the element's field. */
function itemOf(input: Input, value: unknown): unknown {
  if (!input.field) return value;
  let item: unknown = value;
  for (let i = input.field.length - 1; i >= 0; i--) item = { [input.field[i]]: item };
  return item;
}

/** `user.identities[0]`: a numeric index into an input list, as a path segment. */
function indexName(node: acorn.MemberExpression): string | undefined {
  if (!node.computed || node.property.type !== 'Literal') return undefined;
  const index = node.property.value;
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 100 ? String(index) : undefined;
}

/** `parts.length - 1` as the index into `parts`: its last element. */
function isLastIndexOf(index: Node, list: Node): boolean {
  return list.type === 'Identifier' && index.type === 'BinaryExpression' && index.operator === '-' && literalValue(index.right)?.value === 1
    && index.left.type === 'MemberExpression' && !index.left.computed && memberName(index.left) === 'length'
    && index.left.object.type === 'Identifier' && index.left.object.name === list.name;
}

/** `{}`, `[]`, `''`, `0`, `false`: the default an input is read through (`(user.app_metadata || {}).mfa`). */
function isEmptyDefault(node: Node): boolean {
  if (node.type === 'ObjectExpression' || node.type === 'ArrayExpression') return true;
  return !!literalValue(node);
}

/** A regular expression written in the code: a literal (`/@corp\.example$/i`) or `new RegExp('^admin', 'i')` with literal strings. */
function regexOf(node: Node | undefined): { pattern: string; flags: string } | undefined {
  if (node?.type === 'Literal' && 'regex' in node && node.regex) return node.regex;
  if ((node?.type === 'NewExpression' || node?.type === 'CallExpression') && node.callee.type === 'Identifier' && node.callee.name === 'RegExp') {
    const [pattern, flags] = node.arguments.map((a) => literalValue(a as Node)?.value);
    if (typeof pattern === 'string' && node.arguments.length <= 2 && (flags === undefined || typeof flags === 'string')) return { pattern, flags: flags ?? '' };
  }
  return undefined;
}

/** `_.get(context, 'request.query', {})` (lodash, which Rules have as `_`): the object read and the path's segments. */
function lodashGet(node: Node): { object: Node; segments: string[] } | undefined {
  if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || node.callee.object.type !== 'Identifier' || node.callee.object.name !== '_') return undefined;
  if (memberName(node.callee) !== 'get' || node.arguments.length < 2 || node.arguments.length > 3) return undefined;
  const [object, at] = node.arguments as Node[];
  const written = at.type === 'ArrayExpression' ? at.elements.map((e) => literalValue(e as Node | null)?.value) : [literalValue(at)?.value];
  const segments = written.length === 1 && typeof written[0] === 'string' ? written[0].split('.') : written;
  if (segments.length === 0 || !segments.every((seg): seg is string => typeof seg === 'string' && /^[\w$-]+$/.test(seg))) return undefined;
  return { object, segments };
}

/**
 * The number an input must pass for `input * 2 > bound` (also `+`, `-`, `/`, the number on either side) to change: the
 * input's value at which the arithmetic gives `bound`, which may fall between two integers.
 */
function inverseArithmetic(node: Node, bound: number): { operand: Node; at: number } | undefined {
  if (node.type !== 'BinaryExpression' || !['+', '-', '*', '/'].includes(node.operator)) return undefined;
  const right = literalValue(node.right)?.value;
  const left = literalValue(node.left as Node)?.value;
  if (typeof right === 'number' && Number.isFinite(right)) {
    const at = node.operator === '+' ? bound - right : node.operator === '-' ? bound + right : node.operator === '*' ? (right === 0 ? NaN : bound / right) : bound * right;
    return Number.isFinite(at) && right !== 0 ? { operand: node.left as Node, at } : undefined;
  }
  if (typeof left === 'number' && Number.isFinite(left) && (node.operator === '+' || node.operator === '-' || node.operator === '*')) {
    const at = node.operator === '+' ? bound - left : node.operator === '-' ? left - bound : left === 0 ? NaN : bound / left;
    return Number.isFinite(at) ? { operand: node.right as Node, at } : undefined;
  }
  return undefined;
}

/** Integers either side of `at` and `at` itself when it is one: a comparison with it turns between them. */
function around(at: number): number[] {
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return [...new Set([low - 1, low, high, high + 1])];
}

const LIST_METHODS = new Set(['some', 'find', 'filter', 'every', 'findIndex', 'findLast', 'forEach', 'map', 'reduce']);

function fromJson(value: unknown, from?: ConfigList): Static {
  if (Array.isArray(value)) return { kind: 'list', items: value.map((v) => fromJson(v)), ...(from ? { from } : {}) };
  if (value && typeof value === 'object') {
    return { kind: 'object', props: new Map(Object.entries(value).map(([k, v]) => [k, [fromJson(v)]])), ...(from ? { from } : {}) };
  }
  return { kind: 'literal', value };
}

function isInputValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null;
}


/** What a parameter of the scanned code is: the Rule's user and context, or the Action's event. */
type Root = 'user' | 'context' | 'event';

/** Where a Rule reads its settings (`configuration.X`) and an Action its secrets (`event.secrets.X`). */
type SettingsLabel = 'configuration' | 'event.secrets';

class ConditionScanner {
  readonly dimensions = new Map<string, Dimension>();
  readonly notes = new Map<string, MatrixNote>();
  private readonly aliases = new Map<string, Input>();
  /** Constants by name (every binding of the name, should there be several). */
  private readonly tables = new Map<string, Static[]>();
  /** Configuration keys the Rule reads as lists. */
  readonly listKeys = new Set<string>();
  /** Names bound to the parts of the user's email: `var parts = user.email.split('@')`. */
  private readonly emailSplits = new Map<string, Node>();
  /** Regular expressions kept in constants, by name: `const STAFF = /^staff-/`. */
  private readonly regexes = new Map<string, Array<{ pattern: string; flags: string }>>();
  /** Names bound to a configuration key: `const { MFA_CLIENTS } = configuration`. */
  private readonly configNames = new Map<string, string>();
  /** Loop variables over a configuration list that could not be read: a comparison with them is noted. */
  private readonly pendingConfig = new Map<string, Extract<Static, { kind: 'config' }>>();
  /** The Rule's helper functions by name, with their parameters: `function needsMfa(u)`, `const isCorp = (email) => …`. */
  private readonly helpers = new Map<string, Node[]>();
  /** Calls met before the helper they call was declared. */
  private readonly pendingCalls: acorn.CallExpression[] = [];
  /** The helpers' functions by name, to tell whether a call of one is read. */
  private readonly helperFunctions = new Map<string, acorn.Function>();
  /** Every call of a name with arguments: a helper called with other inputs than its first call's is read again for them. */
  private readonly namedCalls: acorn.CallExpression[] = [];
  /** Nodes whose condition gave the matrix a value to try (or a note): what it reads. */
  private readonly readNodes = new Set<Node>();
  /** Notes made, counting one made again. */
  private noted = 0;
  /** The case tests of `switch (true)`: conditions in their own right. */
  private readonly caseConditions = new Set<Node>();
  /** Counting loops' index names, with the lists (as written) they index. */
  private loopIndexes = new Map<string, Set<string>>();

  constructor(
    private readonly roots: Map<string, Root>,
    private readonly text: string,
    private readonly configuration: MatrixConfiguration | undefined,
    private readonly label: SettingsLabel = 'configuration',
  ) {}

  /** The dimension of an input in Rule terms; an Action's input without a Rule equivalent gets one that is never kept. */
  dimension(readPath: string[]): Dimension {
    const path = toRulePath(readPath);
    if (!path) return { path: readPath, equals: [], contains: [], truthy: false };
    const key = path.join('.');
    let d = this.dimensions.get(key);
    if (!d) {
      d = { path, equals: [], contains: [], truthy: false };
      this.dimensions.set(key, d);
    }
    return d;
  }

  /** `context.clientID`, `user.app_metadata.roles`, or an alias of one; undefined for anything else (a call on one too: `x.trim()` is no flag). */
  pathOf(node: Node): string[] | undefined {
    if (node.type === 'CallExpression' && !lodashGet(node)) return undefined;
    const input = this.inputOf(node);
    return input && !input.value && !input.element ? input.path : undefined;
  }

  /** An input as read, plain (`context.clientID`) or derived (`user.email.split('@')[1]`, lower-cased or not). */
  private inputOf(node: Node): Input | undefined {
    if (node.type === 'Identifier') {
      const root = this.roots.get(node.name);
      return root ? { path: [root] } : this.aliases.get(node.name);
    }
    if (node.type === 'ChainExpression') return this.inputOf(node.expression);
    if (node.type === 'MemberExpression') {
      // user.email.split('@')[1]: the domain; a value compared with it is tried as someone@that-domain.
      if (node.computed && node.property.type === 'Literal' && node.property.value === 1 && this.isEmailSplit(node.object)) return this.emailDomain(node.object);
      // parts[parts.length - 1] of parts = user.email.split('@'): the domain too.
      if (node.computed && isLastIndexOf(node.property, node.object) && this.isEmailSplit(node.object)) return this.emailDomain(node.object);
      // user.identities[0].provider: the index is a segment of the path (the login's list gets an element there).
      const name = memberName(node) ?? indexName(node);
      const base = this.inputOf(node.object);
      // groups[i] in `for (let i = 0; i < groups.length; i++)`: an item of the list, as a `for…of` variable is.
      if (node.computed && node.property.type === 'Identifier' && this.loopIndexes.get(node.property.name)?.has(describeNode(this.text, node.object))
        && base && !base.value && !base.element && base.path.length > 1) return { path: base.path, element: true };
      // m.name of an item m of context.authentication.methods: the item's field.
      if (base?.element && !base.value && name !== undefined && !/^\d+$/.test(name)) return { path: base.path, element: true, field: [...(base.field ?? []), name] };
      return base && !base.value && !base.element && name !== undefined ? { path: [...base.path, name] } : undefined;
    }
    // (user.app_metadata || {}).mfa_enabled: the default stands in only when the input is missing; the path goes on.
    if (node.type === 'LogicalExpression' && (node.operator === '||' || node.operator === '??') && isEmptyDefault(node.right)) return this.inputOf(node.left);
    const got = lodashGet(node);
    if (got) {
      const base = this.inputOf(got.object);
      return base && !base.value && !base.element ? { path: [...base.path, ...got.segments] } : undefined;
    }
    if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression') {
      const method = memberName(node.callee);
      if ((method === 'pop' || (method === 'at' && node.arguments.length === 1 && node.arguments[0].type === 'UnaryExpression')) && this.isEmailSplit(node.callee.object)) return this.emailDomain(node.callee.object);
      // Case changes keep the input: the table's values are what it is compared with.
      if (method === 'toLowerCase' || method === 'toUpperCase' || method === 'trim') return this.inputOf(node.callee.object);
    }
    return undefined;
  }

  private isEmailSplit(node: Node): boolean {
    if (node.type === 'ChainExpression') return this.isEmailSplit(node.expression);
    if (node.type === 'Identifier') return this.emailSplits.has(node.name);
    if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || memberName(node.callee) !== 'split') return false;
    const separator = literalValue(node.arguments[0] as Node | undefined);
    const input = this.inputOf(node.callee.object);
    return separator?.value === '@' && !!input && !input.value && toRulePath(input.path)?.join('.') === 'user.email';
  }

  private emailDomain(split: Node): Input | undefined {
    if (split.type === 'Identifier') {
      const bound = this.emailSplits.get(split.name);
      return bound && this.emailDomain(bound);
    }
    const base = split.type === 'ChainExpression' ? split.expression : split;
    if (base.type !== 'CallExpression' || base.callee.type !== 'MemberExpression') return undefined;
    const input = this.inputOf(base.callee.object);
    return input && { path: input.path, value: (domain) => `someone@${String(domain)}` };
  }

  /** The input a variable stands for: `var roles = (context.authorization && context.authorization.roles) || []`. */
  private aliasTarget(init: Node): Input | undefined {
    const direct = this.inputOf(init);
    if (direct && (direct.path.length > 1 || direct.value)) return direct;
    if (init.type === 'LogicalExpression') {
      const candidates = [this.aliasTarget(init.left), this.aliasTarget(init.right)].filter((p): p is Input => !!p);
      return candidates.sort((a, b) => b.path.length - a.path.length)[0];
    }
    return undefined;
  }

  /** `configuration.X`, `configuration['X']`, or a name destructured from it: the key. */
  private configKeyOf(node: Node): string | undefined {
    if (node.type === 'Identifier') return this.configNames.get(node.name);
    if (node.type === 'MemberExpression' && this.isSettings(node.object)) return memberName(node);
    if (node.type === 'ChainExpression') return this.configKeyOf(node.expression);
    return undefined;
  }

  /** `configuration` in a Rule, `event.secrets` in an Action. */
  private isSettings(node: Node): boolean {
    if (this.label === 'configuration') return node.type === 'Identifier' && node.name === 'configuration';
    const path = node.type === 'CallExpression' ? undefined : this.inputOf(node)?.path;
    return path?.length === 2 && path[0] === 'event' && path[1] === 'secrets';
  }

  /** A list read from the configuration, with the run's value when it gives one. */
  private configList(key: string, read: Node, parse: (value: string) => unknown): Static {
    const list: ConfigList = { key, label: this.label, read: describeNode(this.text, read) };
    this.listKeys.add(key);
    const value = this.configuration?.values[key];
    if (isSecretKeyName(key)) return { kind: 'config', list, why: 'secret' };
    if (value === undefined) return { kind: 'config', list, why: 'unset' };
    if (this.configuration?.standIns?.includes(key)) list.standIn = true;
    try {
      return fromJson(parse(value), list);
    } catch {
      // A stand-in is no JSON: the key had no value, which is what the note must say.
      return { kind: 'config', list, why: list.standIn ? 'unset' : 'invalid' };
    }
  }

  /**
   * A single configuration value compared with an input: the value both sides run with (given, or the
   * same stand-in for both), so the logins it selects are tried. A secret's value is never a login.
   */
  private configValue(key: string): Static[] {
    const value = this.configuration?.values[key];
    return value === undefined || isSecretKeyName(key) ? [] : [{ kind: 'literal', value }];
  }

  /** Every value an expression can have, as far as the Rule's constants tell (empty: not known). */
  valuesOf(node: Node | null | undefined): Static[] {
    if (!node) return [];
    const literal = literalValue(node);
    if (literal) return [{ kind: 'literal', value: literal.value }];
    switch (node.type) {
      case 'Identifier': {
        const key = this.configNames.get(node.name);
        return key !== undefined ? this.configValue(key) : this.tables.get(node.name) ?? [];
      }
      case 'ChainExpression':
        return this.valuesOf(node.expression);
      case 'LogicalExpression':
        return [...this.valuesOf(node.left), ...this.valuesOf(node.right)];
      case 'ConditionalExpression':
        return [...this.valuesOf(node.consequent), ...this.valuesOf(node.alternate)];
      case 'ArrayExpression': {
        const items: Static[] = [];
        for (const e of node.elements) {
          if (!e) continue;
          if (e.type === 'SpreadElement') items.push(...this.itemsOf(this.valuesOf(e.argument as Node)));
          else items.push(...this.valuesOf(e as Node));
        }
        return [{ kind: 'list', items }];
      }
      case 'ObjectExpression': {
        const props = new Map<string, Static[]>();
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') {
            for (const v of this.valuesOf(p.argument as Node)) if (v.kind === 'object') for (const [k, inner] of v.props) props.set(k, inner);
            continue;
          }
          const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : literalValue(p.key as Node)?.value;
          if (key !== undefined) props.set(String(key), this.valuesOf(p.value as Node));
        }
        return [{ kind: 'object', props }];
      }
      case 'NewExpression': {
        const name = node.callee.type === 'Identifier' ? node.callee.name : undefined;
        const source = this.itemsOf(this.valuesOf(node.arguments[0] as Node | undefined));
        if (name === 'Set') return [{ kind: 'list', items: source }];
        if (name === 'Map') {
          const props = new Map<string, Static[]>();
          for (const entry of source) {
            if (entry.kind !== 'list') continue;
            const [k, v] = entry.items;
            if (k?.kind === 'literal') props.set(String(k.value), v ? [v] : []);
          }
          return [{ kind: 'object', props }];
        }
        return [];
      }
      case 'MemberExpression': {
        // context.clientID === configuration.MFA_CLIENT_ID, [configuration.ADMIN_APP]: the value the check runs with.
        if (this.isSettings(node.object)) {
          const key = memberName(node);
          return key === undefined ? [] : this.configValue(key);
        }
        const name = node.computed ? literalValue(node.property as Node)?.value : memberName(node);
        const out: Static[] = [];
        for (const v of this.valuesOf(node.object)) {
          if (v.kind === 'config') {
            out.push(v); // policy.duoClients of an unread JSON.parse(configuration.POLICY) is unread too
          } else if (name !== undefined) {
            if (v.kind === 'object') out.push(...(v.props.get(String(name)) ?? []));
          } else if (v.kind === 'list') {
            out.push(...v.items); // DENIED[i]
          } else if (v.kind === 'object') {
            for (const inner of v.props.values()) out.push(...inner); // TABLE[key]
          }
        }
        return out;
      }
      case 'CallExpression':
        return this.callValues(node);
      default:
        return [];
    }
  }

  private callValues(node: acorn.CallExpression): Static[] {
    const callee = node.callee;
    if (callee.type !== 'MemberExpression') return [];
    const method = memberName(callee);
    const target = callee.object as Node;
    // Object.keys(TABLE), Object.values(TABLE)
    if (target.type === 'Identifier' && target.name === 'Object' && (method === 'keys' || method === 'values')) {
      const out: Static[] = [];
      for (const v of this.valuesOf(node.arguments[0] as Node | undefined)) {
        if (v.kind !== 'object') continue;
        out.push({ kind: 'list', items: method === 'keys' ? [...v.props.keys()].map((k) => ({ kind: 'literal', value: k })) : [...v.props.values()].flat() });
      }
      return out;
    }
    // JSON.parse(configuration.X)
    if (target.type === 'Identifier' && target.name === 'JSON' && method === 'parse') {
      const key = this.configKeyOf(node.arguments[0] as Node);
      return key === undefined ? [] : [this.configList(key, node, (value) => JSON.parse(value))];
    }
    // configuration.X.split(',')
    if (method === 'split') {
      const key = this.configKeyOf(target);
      const separator = literalValue(node.arguments[0] as Node | undefined)?.value;
      if (key !== undefined && typeof separator === 'string') return [this.configList(key, node, (value) => value.split(separator))];
      return [];
    }
    // list.map(trim), list.filter(Boolean), list.concat(OTHER), list.slice(): the same values (trimmed ones too).
    if (method === 'map' || method === 'filter' || method === 'slice' || method === 'concat') {
      const lists = this.valuesOf(target).filter((v) => v.kind === 'list' || v.kind === 'config');
      const extra = method === 'concat' ? node.arguments.flatMap((a) => this.valuesOf(a as Node)) : [];
      return [...lists, ...extra].map((v) => v.kind === 'list' && method === 'map' ? { ...v, items: withTrimmed(v.items) } : v);
    }
    return [];
  }

  /** The elements of lists (array or Set elements, Map/object values are not elements). */
  private itemsOf(values: Static[]): Static[] {
    return values.flatMap((v) => v.kind === 'list' ? v.items : []);
  }

  /**
   * The input `input` is looked up in `container` (`TABLE[x]`, `x in TABLE`, `LIST.includes(x)`,
   * `SET.has(x)`): its keys or elements become values to try, and a list that could not be read is noted.
   */
  private lookup(input: Input | undefined, container: Node, by: 'key' | 'element' | 'either'): void {
    if (!input || (input.path.length < 2 && !input.value)) return;
    for (const table of this.valuesOf(container)) {
      if (table.kind === 'config') {
        this.noteConfig(input, table);
        continue;
      }
      const values: unknown[] = [];
      if (table.kind === 'list' && by !== 'key') for (const item of table.items) if (item.kind === 'literal') values.push(item.value);
      if (table.kind === 'object' && by !== 'element') values.push(...table.props.keys());
      if (values.length === 0) continue;
      this.equal(input, values);
      if (table.kind !== 'literal' && table.from?.standIn) this.noteStandIn(input, table.from);
    }
  }

  private equal(input: Input, values: unknown[]): void {
    const d = this.dimension(input.path);
    for (const v of values) {
      // An element of an input list equal to v: the list holds v.
      if (input.element) {
        if (input.field ? isInputValue(v) : typeof v === 'string') d.contains.push(itemOf(input, v));
      } else if (isInputValue(v)) d.equals.push(input.value ? input.value(v) : v);
    }
  }

  private noteConfig(input: Input, table: Extract<Static, { kind: 'config' }>): void {
    const what = input.value ? `the domain of ${input.path.join('.')}` : input.path.join('.');
    const why = table.why === 'unset'
      ? `${table.list.label}.${table.list.key} has no value in the check${this.configuration?.howToGive ? ` (${this.configuration.howToGive})` : ''}`
      : table.why === 'secret'
        ? `${table.list.label}.${table.list.key} is named like a secret, so its value is never used as a login`
        : `the value given for ${table.list.label}.${table.list.key} cannot be read that way`;
    const message = `logins where ${what} is in ${table.list.read} were not tried: ${why}.`;
    // Once per input and key: the Rule and its Action reading the same list say the same thing.
    this.noted++;
    this.notes.set(`not-tried:${toRulePath(input.path)?.join('.')}:${table.list.key}`, { kind: 'not-tried', message });
  }

  /**
   * An input tested against a regular expression, written there or kept in a constant: the strings it matches are
   * tried (at the end of the value, as `contains` writes it, unless the expression must match at the start); a
   * pattern no string can be built for, or one the text does not show, is noted as not tried, so an Action that
   * drops Duo for those logins is not reported as agreeing.
   */
  private matchRegex(input: Input | undefined, regex: Node, given?: { pattern: string; flags: string }): void {
    if (!input || input.value || input.path.length < 2) return;
    const written = given ?? regexOf(regex);
    const bound = regex.type === 'Identifier' ? this.regexes.get(regex.name) : undefined;
    const expressions = written ? [written] : bound ?? [];
    const untried: Array<{ pattern: string; flags: string } | undefined> = expressions.length === 0 ? [undefined] : [];
    for (const expression of expressions) {
      const examples = regexExamples(expression.pattern, expression.flags);
      if (!examples) {
        untried.push(expression);
        continue;
      }
      const d = this.dimension(input.path);
      for (const example of examples) {
        if (input.element) d.contains.push(itemOf(input, example.text));
        else (example.start ? d.equals : d.contains).push(example.text);
      }
    }
    for (const expression of untried) {
      const shown = expression ? `/${expression.pattern}/${expression.flags}` : describeNode(this.text, regex);
      const message = `logins where ${input.path.join('.')} matches ${shown} were not tried: the check builds no value for such a regular expression.`;
      this.noted++;
      this.notes.set(`not-tried:${toRulePath(input.path)?.join('.')}:${shown}`, { kind: 'not-tried', message });
    }
  }

  private noteStandIn(input: Input, list: ConfigList): void {
    const message = `${input.value ? `the domain of ${input.path.join('.')}` : input.path.join('.')} was tried only with the stand-in item of ${list.read} (${list.label}.${list.key} has no value in the check${this.configuration?.howToGive ? `; ${this.configuration.howToGive} to try the real list` : ''}).`;
    this.noted++;
    this.notes.set(`stand-in:${toRulePath(input.path)?.join('.')}:${list.key}`, { kind: 'stand-in', message });
  }

  /** Constants, aliases and configuration names, everywhere in the Rule, before any condition is read. */
  collect(program: Node): void {
    this.loopIndexes = loopIndexes(program, this.text);
    this.collectNode(program);
    // A helper called before its declaration (hoisted): its parameters are bound once every helper is known.
    for (const call of this.pendingCalls) this.bindCall(call);
    this.pendingCalls.length = 0;
  }

  private collectNode(node: Node): void {
    if (node.type === 'VariableDeclarator' && node.init) {
      if (node.id.type === 'Identifier') {
        const target = this.aliasTarget(node.init);
        const regex = regexOf(node.init);
        if (this.isEmailSplit(node.init) && node.init.type !== 'Identifier') this.emailSplits.set(node.id.name, node.init);
        if (node.init.type === 'ArrowFunctionExpression' || node.init.type === 'FunctionExpression') {
          this.helpers.set(node.id.name, node.init.params as Node[]);
          this.helperFunctions.set(node.id.name, node.init);
        }
        else if (regex) this.regexes.set(node.id.name, [...(this.regexes.get(node.id.name) ?? []), regex]);
        else if (target) this.aliases.set(node.id.name, target);
        else this.bind(node.id.name, this.valuesOf(node.init));
      } else if (node.id.type === 'ObjectPattern' && this.isSettings(node.init)) {
        for (const p of node.id.properties) {
          if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
          const local = p.value.type === 'Identifier' ? p.value : p.value.type === 'AssignmentPattern' && p.value.left.type === 'Identifier' ? p.value.left : undefined;
          if (local) this.configNames.set(local.name, p.key.name);
        }
      } else if (node.id.type === 'ObjectPattern') {
        // const { clientID } = context; const { request: { geoip } } = context: each name stands for its input.
        const input = this.inputOf(node.init);
        if (input && !input.value && !input.element) this.bindPattern(node.id, input);
      }
    } else if (node.type === 'FunctionDeclaration' && node.id) {
      this.helpers.set(node.id.name, node.params as Node[]);
      this.helperFunctions.set(node.id.name, node);
    } else if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.arguments.length > 0) {
      // needsMfa(user), isCorp(user.email): the helper's parameters stand for the inputs given to it.
      this.namedCalls.push(node);
      if (this.helpers.has(node.callee.name)) this.bindCall(node);
      else this.pendingCalls.push(node);
    } else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.type === 'Identifier') {
      const method = memberName(node.callee);
      const [first, second] = node.arguments as Node[];
      if (method === 'set') this.fillTable(node.callee.object.name, literalValue(first)?.value, this.valuesOf(second));
      else if (method === 'add' || method === 'push' || method === 'unshift') this.fillTable(node.callee.object.name, undefined, node.arguments.flatMap((a) => this.valuesOf(a as Node)));
    } else if (node.type === 'AssignmentExpression' && node.operator === '=' && node.left.type === 'Identifier') {
      // let methods = []; if (…) methods = context.authentication.methods: the name stands for that input too.
      const target = this.aliasTarget(node.right);
      if (target && !this.roots.has(node.left.name)) this.aliases.set(node.left.name, target);
      this.bind(node.left.name, this.valuesOf(node.right));
    } else if (node.type === 'AssignmentExpression' && node.operator === '=' && node.left.type === 'MemberExpression' && node.left.object.type === 'Identifier') {
      // const MFA_APPS = {}; MFA_APPS['app-123'] = true: the table gains the key.
      const key = node.left.computed ? literalValue(node.left.property as Node)?.value : memberName(node.left);
      if (key !== undefined) this.fillTable(node.left.object.name, key, this.valuesOf(node.right));
    }
    for (const child of children(node)) this.collectNode(child);
  }

  /**
   * A table of the Rule filled after it was declared: `TABLE[k] = v` and `MAP.set(k, v)` add a key, `SET.add(x)` and
   * `LIST.push(x)` an element (`key` undefined). Only a table bound to a literal (`{}`, `[]`, `new Set()`) gains them.
   */
  private fillTable(name: string, key: unknown, values: Static[]): void {
    for (const table of this.tables.get(name) ?? []) {
      if (table.kind === 'object' && key !== undefined) table.props.set(String(key), [...(table.props.get(String(key)) ?? []), ...values]);
      else if (table.kind === 'list' && key === undefined) table.items.push(...values);
    }
  }

  /** A helper's parameters, bound to the inputs a call gives (an input or one of its objects, never a derived value). */
  private bindCall(call: acorn.CallExpression): void {
    const params = call.callee.type === 'Identifier' ? this.helpers.get(call.callee.name) : undefined;
    if (!params) return;
    call.arguments.forEach((arg, i) => {
      const param = params[i];
      const input = param && arg.type !== 'SpreadElement' ? this.inputOf(arg as Node) : undefined;
      if (input && !input.value && !input.element) this.bindPattern(param, input);
    });
  }

  /**
   * A name (or each name of a destructuring pattern) that stands for an input: `u` of `needsMfa(user)`, `{ clientID }`
   * of `context`. A name bound already keeps its input, unless `rebind` (a helper read again for another call).
   */
  private bindPattern(pattern: Node, input: Input, rebind = false): void {
    if (pattern.type === 'Identifier') {
      if (!this.roots.has(pattern.name) && (rebind || !this.aliases.has(pattern.name))) this.aliases.set(pattern.name, input);
    } else if (pattern.type === 'AssignmentPattern') {
      this.bindPattern(pattern.left, input, rebind);
    } else if (pattern.type === 'ObjectPattern') {
      for (const p of pattern.properties) {
        if (p.type !== 'Property') continue;
        const key = p.computed ? literalValue(p.key as Node)?.value : p.key.type === 'Identifier' ? p.key.name : literalValue(p.key as Node)?.value;
        if (typeof key === 'string') this.bindPattern(p.value as Node, { path: [...input.path, key] }, rebind);
      }
    }
  }

  /**
   * `isGold(user.app_metadata.tier) || isGold(user.user_metadata.tier)`: the helper's parameters stand for the first
   * call's inputs while the Rule is scanned; its body is read again for each call giving other inputs, so their values
   * are tried too (and the call counts as read).
   */
  scanHelperCalls(): void {
    for (const call of this.namedCalls) {
      if (call.callee.type !== 'Identifier' || this.readsHelperCall(call)) continue;
      const fn = this.helperFunctions.get(call.callee.name);
      if (!fn) continue;
      const inputs = call.arguments.map((arg) => (arg.type === 'SpreadElement' ? undefined : this.inputOf(arg as Node)));
      if (!inputs.some((input) => input && !input.value && !input.element)) continue;
      const saved = new Map(this.aliases);
      inputs.forEach((input, i) => {
        const param = fn.params[i] as Node | undefined;
        if (param && input && !input.value && !input.element) this.bindPattern(param, input, true);
      });
      const before = this.findings();
      this.scan(fn.body as Node);
      if (this.findings() > before) this.readNodes.add(call);
      this.aliases.clear();
      for (const [name, input] of saved) this.aliases.set(name, input);
    }
  }

  private bind(name: string, values: Static[]): void {
    if (values.length === 0) return;
    this.tables.set(name, [...(this.tables.get(name) ?? []), ...values]);
  }

  /**
   * A loop or callback variable over an input list (`user.groups`, `(roles || [])`) stands for an item of it; a
   * variable of the same name over anything else no longer does.
   */
  private bindElement(name: string, list: Node): void {
    const input = this.inputOf(list);
    if (input && !input.value && !input.element && input.path.length > 1) this.aliases.set(name, { path: input.path, element: true });
    else if (this.aliases.get(name)?.element) this.aliases.delete(name);
  }

  /**
   * `for (const { name } of context.authentication.methods)`, `methods.some(({ name }) => …)`: each name stands for that
   * field of an item, as `m.name` of `m` would.
   */
  private bindItemFields(pattern: acorn.ObjectPattern, list: Node): void {
    const input = this.inputOf(list);
    const over = input && !input.value && !input.element && input.path.length > 1 ? input : undefined;
    for (const p of pattern.properties) {
      if (p.type !== 'Property') continue;
      const key = p.computed ? literalValue(p.key as Node)?.value : p.key.type === 'Identifier' ? p.key.name : literalValue(p.key as Node)?.value;
      const local = p.value.type === 'Identifier' ? p.value : p.value.type === 'AssignmentPattern' && p.value.left.type === 'Identifier' ? p.value.left : undefined;
      if (!local || this.roots.has(local.name)) continue;
      if (over && typeof key === 'string') this.aliases.set(local.name, { path: over.path, element: true, field: [key] });
      else if (this.aliases.get(local.name)?.element) this.aliases.delete(local.name);
    }
  }

  /** `context.stats.loginsCount % 10 === 3`: the input and a number leaving that remainder. */
  private remainderOf(node: Node, compared: Node): { input: Input; value: number } | undefined {
    if (node.type !== 'BinaryExpression' || node.operator !== '%') return undefined;
    const input = this.inputOf(node.left as Node);
    const divisor = literalValue(node.right)?.value;
    const remainder = literalValue(compared)?.value;
    if (!input || input.value || input.element || input.path.length < 2 || typeof divisor !== 'number' || typeof remainder !== 'number') return undefined;
    return Number.isInteger(remainder) && remainder > 0 && remainder < divisor ? { input, value: divisor + remainder } : undefined;
  }

  /**
   * `TABLE['app-' + context.connection]`, `TABLE[\`${context.clientID}:duo\`]`: a key built around an input. Each key
   * of the table with that prefix and suffix gives the input the part between them.
   */
  private lookupAffixed(key: Node, table: Node): void {
    let parts: Node[] | undefined;
    if (key.type === 'BinaryExpression' && key.operator === '+') parts = [key.left as Node, key.right as Node];
    else if (key.type === 'TemplateLiteral' && key.expressions.length === 1) parts = [{ type: 'Literal', value: key.quasis[0].value.cooked ?? '' } as Node, key.expressions[0] as Node, { type: 'Literal', value: key.quasis[1].value.cooked ?? '' } as Node];
    if (!parts) return;
    const at = parts.findIndex((p) => literalValue(p) === undefined);
    const around = parts.filter((_, i) => i !== at).map((p) => literalValue(p)?.value);
    if (at < 0 || around.length !== parts.length - 1 || !around.every((v) => typeof v === 'string')) return;
    const input = this.inputOf(parts[at]);
    if (!input || input.value || input.element || input.path.length < 2) return;
    const prefix = parts.slice(0, at).map((p) => String(literalValue(p)?.value)).join('');
    const suffix = parts.slice(at + 1).map((p) => String(literalValue(p)?.value)).join('');
    const values: string[] = [];
    for (const t of this.valuesOf(table)) {
      if (t.kind !== 'object') continue;
      for (const k of t.props.keys()) if (k.length >= prefix.length + suffix.length && k.startsWith(prefix) && k.endsWith(suffix)) values.push(k.slice(prefix.length, k.length - suffix.length));
    }
    this.equal(input, values);
  }

  /**
   * `new Date(user.created_at) < new Date('2020-01-01')` (also `Date.parse(…)`, `.getTime()`, a number of milliseconds):
   * the input and the instants just before, at and just after the bound, as ISO strings.
   */
  private dateOf(node: Node, compared: Node): { input: Input; values: string[] } | undefined {
    const inner = (n: Node): Node | undefined => {
      if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && memberName(n.callee) === 'getTime' && n.arguments.length === 0) return inner(n.callee.object as Node);
      const isDate = (n.type === 'NewExpression' && n.callee.type === 'Identifier' && n.callee.name === 'Date')
        || (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.type === 'Identifier' && n.callee.object.name === 'Date' && memberName(n.callee) === 'parse');
      return isDate && n.arguments.length === 1 ? n.arguments[0] as Node : undefined;
    };
    const read = inner(node);
    const input = read && this.inputOf(read);
    if (!input || input.value || input.element || input.path.length < 2) return undefined;
    const written = inner(compared);
    const bound = written ? literalValue(written)?.value : literalValue(compared)?.value;
    const ms = typeof bound === 'string' ? Date.parse(bound) : typeof bound === 'number' ? bound : NaN;
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15 - 1) return undefined;
    return { input, values: [ms - 1, ms, ms + 1].map((t) => new Date(t).toISOString()) };
  }

  /**
   * `Object.keys(user.app_metadata).length > 3` (also `Object.values`, `Object.entries`): the input as an object with
   * one key fewer than the bound, as many, and one more (`key1`, `key2`…; inputs set inside it are added to it).
   */
  private countKeys(node: Node, bound: number): void {
    if (node.type !== 'MemberExpression' || memberName(node) !== 'length') return;
    const call = node.object;
    if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || call.callee.object.type !== 'Identifier' || call.callee.object.name !== 'Object') return;
    if (!['keys', 'values', 'entries'].includes(memberName(call.callee) ?? '') || call.arguments.length !== 1 || !Number.isInteger(bound) || bound < 0 || bound > 50) return;
    const input = this.inputOf(call.arguments[0] as Node);
    if (!input || input.value || input.element || input.path.length < 2) return;
    const d = this.dimension(input.path);
    for (const size of [bound - 1, bound, bound + 1]) if (size >= 0) d.equals.push(Object.fromEntries(Array.from({ length: size }, (_, i) => [`key${i + 1}`, true])));
  }

  /** `user.name.charAt(0) === 'Z'`: the input and a string with that character there. */
  private characterOf(node: Node, compared: Node): { input: Input; value: string } | undefined {
    if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || memberName(node.callee) !== 'charAt' || node.arguments.length > 1) return undefined;
    const index = node.arguments.length ? literalValue(node.arguments[0] as Node)?.value : 0;
    const character = literalValue(compared)?.value;
    const input = this.inputOf(node.callee.object as Node);
    if (!input || input.value || input.element || input.path.length < 2 || typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 20) return undefined;
    return typeof character === 'string' && character.length === 1 ? { input, value: `${'_'.repeat(index)}${character}` } : undefined;
  }

  /** A loop or callback variable over a table takes each of its elements (or keys, for for…in). */
  private bindElements(name: string, values: Static[]): void {
    const items = this.itemsOf(values);
    if (items.length) this.tables.set(name, [...(this.tables.get(name) ?? []), ...items]);
  }

  /** How much the scan has found so far: values to try, flags, notes (each one again too). */
  private findings(): number {
    let n = this.noted;
    for (const d of this.dimensions.values()) n += d.equals.length + d.contains.length;
    return n;
  }

  /** Whether the matrix reads the condition `node`: a value to try (or a note) came from it, or from the helper it calls. */
  reads(node: Node): boolean {
    return this.readsWithin(node) || this.readsHelperCall(node);
  }

  private readsWithin(node: Node): boolean {
    if (this.readNodes.has(node)) return true;
    for (const child of children(node)) if (this.readsWithin(child)) return true;
    return false;
  }

  /**
   * `isStaff(user.app_metadata.tier)`: read when the helper's parameters stand for the inputs this call gives (they
   * are bound to those of the first call only) and its body gave values to try.
   */
  private readsHelperCall(node: Node): boolean {
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier') return false;
    if (this.readNodes.has(node)) return true;
    const fn = this.helperFunctions.get(node.callee.name);
    const params = this.helpers.get(node.callee.name);
    if (!fn || !params || !this.readsWithin(fn as Node)) return false;
    return node.arguments.every((arg, i) => {
      const input = arg.type === 'SpreadElement' ? undefined : this.inputOf(arg as Node);
      if (!input) return true;
      const param = params[i];
      const name = param?.type === 'Identifier' ? param.name : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left.name : undefined;
      const bound = name === undefined ? undefined : this.roots.has(name) ? { path: [this.roots.get(name)!] } : this.aliases.get(name);
      return !!bound && !input.value && !bound.value && !bound.element && JSON.stringify(bound.path) === JSON.stringify(input.path);
    });
  }

  scan(node: Node, inTest = false): void {
    const before = this.findings();
    switch (node.type) {
      case 'ForOfStatement':
      case 'ForInStatement': {
        const declared = node.left.type === 'VariableDeclaration' ? node.left.declarations[0]?.id : node.left;
        if (declared?.type === 'ObjectPattern' && node.type === 'ForOfStatement') this.bindItemFields(declared, node.right);
        if (declared?.type === 'Identifier') {
          if (node.type === 'ForOfStatement') this.bindElement(declared.name, node.right);
          const right = this.valuesOf(node.right);
          if (node.type === 'ForOfStatement') this.bindElements(declared.name, right);
          else this.bindElements(declared.name, right.flatMap((v) => v.kind === 'object' ? [{ kind: 'list' as const, items: [...v.props.keys()].map((k) => ({ kind: 'literal' as const, value: k })) }] : []));
          for (const v of right) if (v.kind === 'config') this.pendingConfig.set(declared.name, v);
        }
        break;
      }
      case 'BinaryExpression':
        if (['===', '!==', '==', '!='].includes(node.operator)) {
          for (const [a, b] of [[node.left, node.right], [node.right, node.left]] as const) {
            const remainder = this.remainderOf(a as Node, b as Node);
            if (remainder) this.equal(remainder.input, [remainder.value]);
            const character = this.characterOf(a as Node, b as Node);
            if (character) this.equal(character.input, [character.value]);
            const compared = literalValue(b as Node)?.value;
            if (typeof compared === 'number') this.countKeys(a as Node, compared);
            const inverse = typeof compared === 'number' && Number.isFinite(compared) ? inverseArithmetic(a as Node, compared) : undefined;
            const operand = inverse && this.inputOf(inverse.operand);
            if (inverse && operand && !operand.value && !operand.element && operand.path.length > 1) this.equal(operand, around(inverse.at));
            const input = this.inputOf(a as Node);
            if (!input || (input.path.length < 2 && !input.value)) continue;
            const other = this.inputOf(b as Node);
            const otherPath = other && !other.value && !other.element && other.path.length > 1 ? toRulePath(other.path) : undefined;
            // One side taking the other's value is enough for them to be equal: the left one (fewer logins).
            if (otherPath && !input.value && !input.element && a === node.left) {
              const d = this.dimension(input.path);
              (d.sameAs ??= []).push(otherPath);
              this.readNodes.add(node);
            }
            const values = this.valuesOf(b as Node);
            this.equal(input, values.flatMap((v) => v.kind === 'literal' ? [v.value] : []));
            for (const v of values) if (v.kind === 'config') this.noteConfig(input, v);
            if (b.type === 'Identifier' && this.pendingConfig.has(b.name)) this.noteConfig(input, this.pendingConfig.get(b.name)!);
          }
        } else if (node.operator === 'in') {
          this.lookup(this.inputOf(node.left as Node), node.right, 'key');
        } else if (['<', '<=', '>', '>='].includes(node.operator)) {
          // context.stats.loginsCount < 5: the numbers either side of the bound, and the bound itself.
          for (const [a, b] of [[node.left, node.right], [node.right, node.left]] as const) {
            const input = this.inputOf(a as Node);
            const bound = literalValue(b as Node)?.value;
            // A list's length is tried as a list with an item (above), never written as a number.
            if (input && !input.value && !input.element && input.path.length > 1 && input.path[input.path.length - 1] !== 'length' && typeof bound === 'number' && Number.isFinite(bound)) this.equal(input, [bound - 1, bound, bound + 1]);
            const date = this.dateOf(a as Node, b as Node);
            if (date) this.equal(date.input, date.values);
            if (typeof bound === 'number') this.countKeys(a as Node, bound);
            // user.logins_count * 2 > 100: the counts either side of 50.
            const inverse = typeof bound === 'number' && Number.isFinite(bound) ? inverseArithmetic(a as Node, bound) : undefined;
            const operand = inverse && this.inputOf(inverse.operand);
            if (inverse && operand && !operand.value && !operand.element && operand.path.length > 1 && operand.path[operand.path.length - 1] !== 'length') this.equal(operand, around(inverse.at));
          }
        } else if (node.operator === '%') {
          // context.stats.loginsCount % 10: a multiple of the divisor and a number that is not one.
          const input = this.inputOf(node.left as Node);
          const divisor = literalValue(node.right)?.value;
          if (input && !input.value && !input.element && input.path.length > 1 && typeof divisor === 'number' && Number.isInteger(divisor) && divisor > 1) this.equal(input, [divisor, divisor + 1]);
        }
        break;
      case 'MemberExpression':
        // TABLE[context.clientID], POLICY.apps[context.clientID].duo
        if (node.computed) {
          this.lookup(this.inputOf(node.property as Node), node.object, 'key');
          this.lookupAffixed(node.property as Node, node.object as Node);
        }
        // user.multifactor.length > 0 (enrolled in a factor): the empty mock list never passes, so a list with an item is tried.
        else if (memberName(node) === 'length') {
          const list = this.pathOf(node.object);
          if (list && list.length > 1) this.dimension(list).contains.push('item');
        }
        break;
      case 'SwitchStatement': {
        // switch (true) { case user.app_metadata.mfa: … }: each case test is a condition, read as an `if` reads it.
        if (isConditionSwitch(node)) {
          for (const c of node.cases) if (c.test) this.caseConditions.add(c.test as Node);
          break;
        }
        const input = this.inputOf(node.discriminant);
        if (input && (input.path.length > 1 || input.value)) for (const c of node.cases) this.equal(input, this.valuesOf(c.test).flatMap((v) => v.kind === 'literal' ? [v.value] : []));
        // The discriminant is what the check names when it gave nothing to try: it is read when it did.
        if (this.findings() > before) this.readNodes.add(node.discriminant as Node);
        break;
      }
      case 'CallExpression':
        this.scanCall(node, inTest);
        break;
      default:
        break;
    }
    if (inTest) {
      const read = this.pathOf(node);
      const path = read && toRulePath(read);
      if (read && path && (path.length > 2 || flagLeaves.has(path[path.length - 1]))) {
        this.dimension(read).truthy = true;
        this.readNodes.add(node);
      } else if (read && path && path.length === 2) {
        this.dimension(read).tested = true;
      }
    }
    if (this.findings() > before) this.readNodes.add(node);
    for (const child of children(node)) this.scan(child, isTestPosition(node, child) || this.caseConditions.has(child) || (inTest && (node.type === 'LogicalExpression' || (node.type === 'UnaryExpression' && node.operator === '!'))));
    const walked = walkedList(node);
    if (walked) this.walkItems(walked);
  }

  /**
   * `for (const f of user.multifactor || [])`, `groups.forEach(…)` over an input list: the body runs only when the list
   * has an item, so a login with one is tried when nothing the items were compared with gave one already (the body
   * may ask for Duo whatever the item), and the list is read.
   */
  private walkItems(list: Node): void {
    const input = this.inputOf(list);
    if (!input || input.value || input.element || input.path.length < 2) return;
    const d = this.dimension(input.path);
    if (d.contains.length === 0) d.contains.push('item');
    for (let at: Node | undefined = list; at;) {
      this.readNodes.add(at);
      at = at.type === 'ChainExpression' ? at.expression : at.type === 'LogicalExpression' && isEmptyDefault(at.right) ? at.left : undefined;
    }
  }

  /** The one string a name or a configuration read stands for (a constant, or the configuration value the check runs with). */
  private constantString(node: Node): { value: string } | undefined {
    // const role = event.secrets.MFA_ROLE: an Action's secret read through a name is kept as a path of the event.
    const alias = node.type === 'Identifier' ? this.aliases.get(node.name) : undefined;
    if (alias && this.label === 'event.secrets' && alias.path.length === 3 && alias.path[0] === 'event' && alias.path[1] === 'secrets') {
      const [value] = this.configValue(alias.path[2]);
      return value?.kind === 'literal' && typeof value.value === 'string' ? { value: value.value } : undefined;
    }
    const values = this.valuesOf(node);
    return values.length === 1 && values[0].kind === 'literal' && typeof values[0].value === 'string' ? { value: values[0].value } : undefined;
  }

  private scanCall(node: acorn.CallExpression, inTest: boolean): void {
    const callee = node.callee;
    if (callee.type !== 'MemberExpression') return;
    const method = memberName(callee) ?? '';
    const target = callee.object as Node;
    const arg = node.arguments[0] as Node | undefined;
    if ((method === 'indexOf' || method === 'includes' || method === 'has') && arg) {
      // context.clientName.toLowerCase().includes('admin') too: the case change keeps the input.
      const input = this.inputOf(target);
      const inside = input && !input.value ? input.path : undefined;
      // roles.indexOf(requiredRole) with `const requiredRole = configuration.MFA_ROLE`: the value the check runs with.
      const literal = literalValue(arg) ?? (arg.type === 'Identifier' || arg.type === 'MemberExpression' ? this.constantString(arg) : undefined);
      if (method !== 'has' && input && inside && inside.length > 1 && literal && typeof literal.value === 'string') {
        const d = this.dimension(inside);
        d.contains.push(itemOf(input, literal.value));
        // `if (user.groups.indexOf('x'))` is true when x is ABSENT (-1): a list with another item is tried too.
        if (inTest && method === 'indexOf' && !input?.element) d.contains.push(literal.value === 'other' ? 'another' : 'other');
      }
      // Set#has looks for an element; Map#has for a key (a Map is kept as an object of its keys).
      this.lookup(this.inputOf(arg), target, 'either');
    } else if (method === 'endsWith' && arg) {
      // user.email.endsWith('@corp.example'), lower-cased or not: the login whose input has the literal put at its
      // end (as `contains` writes a string) is the one the condition picks.
      const input = this.inputOf(target);
      const literal = literalValue(arg);
      if (input && !input.value && input.path.length > 1 && literal && typeof literal.value === 'string') this.dimension(input.path).contains.push(itemOf(input, literal.value));
    } else if (method === 'startsWith' && arg) {
      // user.email.startsWith('admin'): the literal itself is a value that starts with it.
      const input = this.inputOf(target);
      const literal = literalValue(arg);
      if (input && !input.value && input.path.length > 1 && literal && typeof literal.value === 'string') this.equal(input, [literal.value]);
    } else if ((method === 'test' || method === 'exec') && arg) {
      // /@corp\.example$/i.test(user.email), `(user.email || '')` too, or a regular expression kept in a constant
      // or a table (which the check cannot read: noted).
      const tested = arg.type === 'LogicalExpression' && (arg.operator === '||' || arg.operator === '??') ? arg.left as Node : arg;
      this.matchRegex(this.inputOf(tested), target);
    } else if ((method === 'match' || method === 'search') && arg) {
      // A string given to match() or search() is a pattern too.
      const pattern = literalValue(arg)?.value;
      this.matchRegex(this.inputOf(target), arg, typeof pattern === 'string' ? { pattern, flags: '' } : undefined);
    } else if ((method === 'hasOwnProperty' || method === 'get') && arg) {
      // TABLE.hasOwnProperty(x), MAP.get(x): a key of the Rule's table (`get` on anything else finds no table).
      this.lookup(this.inputOf(arg), target, 'key');
    } else if (target.type === 'Identifier' && target.name === 'Object' && method === 'hasOwn' && node.arguments.length === 2) {
      this.lookup(this.inputOf(node.arguments[1] as Node), node.arguments[0] as Node, 'key');
    } else if (method === 'call' && target.type === 'MemberExpression' && memberName(target) === 'hasOwnProperty' && node.arguments.length === 2) {
      this.lookup(this.inputOf(node.arguments[1] as Node), node.arguments[0] as Node, 'key');
    } else if (LIST_METHODS.has(method)) {
      // APPS.some((app) => app.id === context.clientID): the parameter takes each element.
      const fn = node.arguments[0];
      const param = fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') ? fn.params[method === 'reduce' ? 1 : 0] : undefined;
      if (param?.type === 'ObjectPattern') this.bindItemFields(param, target);
      if (param?.type === 'Identifier') {
        // (context.authorization.roles || []).some((r) => r.startsWith('admin')): r is an item of the login's list.
        this.bindElement(param.name, target);
        const values = this.valuesOf(target);
        this.bindElements(param.name, values);
        for (const v of values) if (v.kind === 'config') this.pendingConfig.set(param.name, v);
      }
    }
  }
}

/** `list.map((s) => s.trim())` keeps what the list had; its trimmed strings are tried too. */
function withTrimmed(items: Static[]): Static[] {
  const out = [...items];
  for (const item of items) if (item.kind === 'literal' && typeof item.value === 'string' && item.value.trim() !== item.value) out.push({ kind: 'literal', value: item.value.trim() });
  return out;
}

function isTestPosition(parent: Node, child: Node): boolean {
  return ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression' || parent.type === 'WhileStatement') && parent.test === child);
}

/** The inputs the Rules' conditions read, with the values to try, and what could not be tried. */
export interface ConditionInputs {
  dimensions: Dimension[];
  notes: MatrixNote[];
  /** Configuration keys the Rules read as lists (`configuration.X.split(',')`, `JSON.parse(configuration.X)`), secret-named ones left out. */
  listKeys: string[];
  /**
   * By model (empty without `sitesOf`): the operands of the gates of those sites (a Rule's, or an Action's) that read the
   * login but gave the matrix nothing to try, so no login where only they decide was tried.
   */
  unread: UnreadOperand[][];
}

/**
 * The inputs the Rules' conditions read, with the values to try (the always-tried ones included):
 * literals they compare against, and the keys and elements of the tables they look inputs up in.
 * `configuration` is what the Rules run with in the check: lists read from it are tried with its values.
 */
export function findConditionInputs(models: readonly RuleModel[], configuration?: MatrixConfiguration, sitesOf?: (model: RuleModel) => GateSite[]): ConditionInputs {
  const all = new Map<string, Dimension>();
  const notes = new Map<string, MatrixNote>();
  const listKeys = new Set<string>();
  const unread: UnreadOperand[][] = [];
  const add = (d: Dimension): void => {
    const key = d.path.join('.');
    const found = all.get(key);
    if (!found) all.set(key, { ...d, equals: [...d.equals], contains: [...d.contains] });
    else {
      found.equals.push(...d.equals);
      found.contains.push(...d.contains);
      found.truthy ||= d.truthy;
      if (d.sameAs) found.sameAs = [...(found.sameAs ?? []), ...d.sameAs];
      if (d.tested) found.tested = true;
    }
  };
  for (const model of models) {
    unread.push([]);
    const roots = new Map<string, Root>();
    if (model.kind === 'rule' && model.ruleFunction) {
      if (model.userName) roots.set(model.userName, 'user');
      if (model.contextName) roots.set(model.contextName, 'context');
    } else if (model.kind === 'action' && model.eventName) {
      roots.set(model.eventName, 'event');
    } else {
      continue;
    }
    const scanner = new ConditionScanner(roots, model.text, configuration, model.kind === 'action' ? 'event.secrets' : 'configuration');
    scanner.collect(model.parse.program);
    scanner.scan(model.parse.program);
    scanner.scanHelperCalls();
    for (const d of scanner.dimensions.values()) add(d);
    for (const [key, note] of scanner.notes) if (!notes.has(key)) notes.set(key, note);
    const clock = new ClockScanner(model.text);
    clock.collect(model.parse.program);
    clock.scan(model.parse.program);
    for (const [field, values] of clock.values) add({ path: ['clock', field], equals: values, contains: [], truthy: false });
    for (const [key, note] of clock.notes) if (!notes.has(key)) notes.set(key, note);
    for (const key of scanner.listKeys) if (!isSecretKeyName(key)) listKeys.add(key);
    const sites = sitesOf?.(model) ?? [];
    if (sites.length) unread[unread.length - 1] = findUnreadOperands(model.parse.program, model.text, roots.keys(), sites, (node) => scanner.reads(node), model.kind === 'action' ? model.eventName : undefined);
  }
  for (const { path, equals } of alwaysTried) add({ path, equals, contains: [], truthy: false });
  const dims = [...all.values()].map((d) => ({
    ...d,
    equals: dedupe(d.equals),
    contains: dedupe(d.contains),
  }));
  return { dimensions: dims.sort((a, b) => a.path.join('.').localeCompare(b.path.join('.'))), notes: [...notes.values()], listKeys: [...listKeys], unread };
}

/** The inputs the Rules' conditions read, with the values to try (the always-tried ones included). */
export function findConditionDimensions(models: readonly RuleModel[], configuration?: MatrixConfiguration): Dimension[] {
  return findConditionInputs(models, configuration).dimensions;
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v) ?? 'undefined';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Each value a dimension can take besides the mock's own. */
function choices(d: Dimension): LoginSetting[] {
  const out: LoginSetting[] = d.equals.map((value) => ({ path: d.path, value }));
  for (const c of d.contains) out.push({ path: d.path, value: c, contains: true });
  if (d.truthy) {
    if (!d.equals.includes(true)) out.push({ path: d.path, value: true });
    if (!d.equals.includes(false)) out.push({ path: d.path, value: false });
  }
  return out;
}

/** A small deterministic generator, so a check run twice tries the same logins. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many logins every combination of the dimensions' values makes (the default login included). */
export function countCombinations(dimensions: readonly Dimension[]): number {
  return dimensions.map(choices).reduce((n, c) => n * (c.length + 1), 1);
}

/**
 * The logins to try: every combination when there are at most `maxLogins`; otherwise the default,
 * each single change (taking each input's values in turn, so a long table does not crowd the other
 * inputs out), then random combinations (always the same ones) up to `maxLogins`.
 */
export function buildLoginMatrix(dimensions: readonly Dimension[], maxLogins: number): LoginCase[] {
  const options = dimensions.map(choices).filter((c) => c.length > 0);
  const total = options.reduce((n, c) => n * (c.length + 1), 1);
  const cases: LoginCase[] = [];
  if (total <= maxLogins) {
    const walk = (index: number, settings: LoginSetting[]): void => {
      if (index === options.length) {
        cases.push({ settings });
        return;
      }
      walk(index + 1, settings);
      for (const choice of options[index]) walk(index + 1, [...settings, choice]);
    };
    walk(0, []);
    return cases.sort((a, b) => a.settings.length - b.settings.length).map(withClock);
  }
  const seen = new Set<string>();
  const push = (settings: LoginSetting[]): void => {
    const key = JSON.stringify(settings);
    if (seen.has(key) || cases.length >= maxLogins) return;
    seen.add(key);
    cases.push({ settings });
  };
  push([]);
  const longest = Math.max(0, ...options.map((c) => c.length));
  for (let i = 0; i < longest && cases.length < maxLogins; i++) for (const c of options) if (i < c.length) push([c[i]]);
  const random = seededRandom(0x5eed);
  for (let attempts = 0; cases.length < maxLogins && attempts < maxLogins * 20; attempts++) {
    const settings: LoginSetting[] = [];
    for (const c of options) {
      const pick = Math.floor(random() * (c.length + 1));
      if (pick < c.length) settings.push(c[pick]);
    }
    push(settings);
  }
  return cases.map(withClock);
}

/** What a capped matrix left out, for the check's report (undefined: every combination was tried). */
export function describeMatrixCap(dimensions: readonly Dimension[], maxLogins: number): MatrixNote | undefined {
  const total = countCombinations(dimensions);
  if (total <= maxLogins) return undefined;
  const singles = dimensions.map(choices).reduce((n, c) => n + c.length, 0);
  const combinations = Number.isSafeInteger(total) ? `${total} combinations` : 'more combinations than can be counted';
  const left = 1 + singles > maxLogins
    ? `the default and ${maxLogins - 1} of the ${singles} single changes: ${1 + singles - maxLogins} value${1 + singles - maxLogins === 1 ? ' was' : 's were'} never tried`
    : `the default, every single change and a fixed sample of combinations`;
  return { kind: 'capped', message: `the conditions make ${combinations} of logins; only ${maxLogins} were tried (${left}); raise --max-logins to try more.` };
}

/** `user.app_metadata.roles = ['admin']` as people read it. */
export function describeLogin(settings: readonly LoginSetting[]): string {
  if (settings.length === 0) return 'the default mock login';
  const shown = (path: readonly string[]): string => path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  const inputs = settings.filter((s) => !isClockSetting(s)).map((s) => s.contains ? `${shown(s.path)} contains ${JSON.stringify(s.value)}` : `${shown(s.path)} = ${JSON.stringify(s.value)}`);
  const clock = describeClock(settings);
  return [...inputs, ...(clock ? [clock] : [])].join(', ');
}

type Json = Record<string, unknown>;

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let at = target;
  path.slice(0, -1).forEach((segment, i) => {
    const next = at[segment];
    // user.identities[0].provider on a user without identities: a list with that element.
    if (!next || typeof next !== 'object') at[segment] = /^\d+$/.test(path[i + 1]) ? [] : {};
    at = at[segment] as Json;
  });
  at[path[path.length - 1]] = value;
}

function getPath(target: unknown, path: readonly string[]): unknown {
  let at = target;
  for (const segment of path) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Json)[segment];
  }
  return at;
}

/**
 * An input whose mock value is one of the values it is compared with never takes the other branch
 * (`riskAssessment.confidence !== 'high'` on a mock whose confidence is high): it also gets a value
 * unlike every compared one.
 */
export function withUnequalValues(dimensions: readonly Dimension[], user: unknown, context: unknown): Dimension[] {
  const mock = { user, context };
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return dimensions.map((compared) => {
    const current = getPath(mock, compared.path);
    // context.connectionStrategy === context.connection: the other input's mock value, so the two are equal once.
    const copies = (compared.sameAs ?? []).map((path) => getPath(mock, path)).filter((v) => isInputValue(v) && !compared.equals.some((e) => same(e, v)));
    const d = copies.length ? { ...compared, equals: [...compared.equals, ...dedupe(copies)] } : compared;
    // `user.groups && user.groups.indexOf('okta_mfa') !== -1` on a mock without groups: a list holding only the
    // compared items never shows a login whose list is there but lacks them, where `user.groups` alone would decide.
    if (d.tested && current === undefined && d.contains.length > 0 && d.contains.every((v) => typeof v === 'string')) {
      const other = ['other', 'another', 'other-item'].find((v) => !d.contains.includes(v));
      if (other && !d.contains.some((v) => v === 'other' || v === 'another')) return { ...d, contains: [...d.contains, other] };
    }
    // The mock's own domain among the compared ones (an allow-list holding example.com for jamie.rivera@example.com):
    // an address at another domain too, or the list's other branch is never taken.
    const domain = typeof current === 'string' && current.includes('@') ? current.slice(current.lastIndexOf('@') + 1).toLowerCase() : undefined;
    if (domain && d.equals.some((v) => typeof v === 'string' && v.toLowerCase() === `someone@${domain}`)) {
      const elsewhere = `someone@other-${domain}`;
      return d.equals.includes(elsewhere) ? d : { ...d, equals: [...d.equals, elsewhere] };
    }
    if (!d.equals.some((v) => same(v, current))) return d;
    const other = typeof current === 'string' ? `${current}-other` : typeof current === 'number' ? current + 1 : typeof current === 'boolean' ? !current : undefined;
    if (other === undefined || d.equals.some((v) => same(v, other))) return d;
    return { ...d, equals: [...d.equals, other] };
  });
}

/** The mock user and context with a login's settings applied (copies; the inputs are not changed). */
export function applyLogin(user: unknown, context: unknown, login: LoginCase): { user: Json; context: Json } {
  const inputs: Json = structuredClone({ user, context }) as Json;
  for (const s of login.settings) {
    if (isClockSetting(s)) continue;
    let value = s.value;
    if (s.contains) {
      const current = getPath(inputs, s.path);
      value = typeof current === 'string' ? `${current}${String(s.value)}` : [s.value];
    }
    setPath(inputs, s.path, value);
  }
  return { user: inputs.user as Json, context: inputs.context as Json };
}

let contextToEventPaths: { from: string[]; to: string[] }[] | null = null;

/**
 * An Action's input in Rule terms, through the same mapping table the Action's event is built with
 * (`event.client.client_id` → `context.clientID`, `event.user.email` → `user.email`); undefined
 * when the Rule has no such input. Rule paths are returned as they are.
 */
function toRulePath(path: readonly string[]): string[] | undefined {
  if (path[0] !== 'event') return [...path];
  const rest = path.slice(1);
  if (rest[0] === 'user') return rest.length > 1 ? ['user', ...rest.slice(1)] : undefined;
  // The longest mapped prefix: event.request.user_agent is context.request.userAgent, not context.request's user_agent.
  let best: { from: string[]; to: string[] } | undefined;
  for (const m of contextToEvent()) {
    if (m.to.length <= rest.length && m.to.every((segment, i) => rest[i] === segment) && (!best || m.to.length > best.to.length)) best = m;
  }
  return best ? ['context', ...best.from, ...rest.slice(best.to.length)] : undefined;
}

/** The mechanical context → event copies of the mapping table; whole objects first (context.request), then the fields renamed inside them (request.userAgent → user_agent). */
function contextToEvent(): { from: string[]; to: string[] }[] {
  contextToEventPaths ??= [...memberMappings]
    .sort((a, b) => a.rule.length - b.rule.length)
    .filter((m) => m.rule[0] === 'context' && m.rewrite === 'mechanical' && !m.rule.includes('*') && m.rule.length >= 2)
    .map((m) => ({ from: m.rule.slice(1), to: m.action.replace(/^\{event\}\./, '').split('.').map((segment) => segment.replace(/\?$/, '')) }));
  return contextToEventPaths;
}

/**
 * The Action `event` of the same login: the user as event.user, and every context field with a
 * mechanical equivalent in the mapping table copied to its place (context.clientID → event.client.client_id…).
 */
export function toActionEvent(user: Json, context: Json, defaultEvent: Json): Json {
  const event = structuredClone(defaultEvent) as Json;
  event.user = structuredClone(user);
  for (const { from, to } of contextToEvent()) {
    const value = getPath(context, from);
    if (value !== undefined) setPath(event, to, structuredClone(value));
  }
  // A field renamed inside an object the table copies whole (request.userAgent → user_agent, the snake_case
  // request.geoip.country_code → countryCode) is there under the Action's name only, as at Auth0: an Action
  // that reads the Rule's name gets undefined here too.
  for (const { from, to } of contextToEvent()) {
    const [name, place] = [from[from.length - 1], from.slice(0, -1)];
    if (name === to[to.length - 1] || place.join('.') !== to.slice(0, -1).join('.')) continue;
    const holder = getPath(event, place);
    if (holder && typeof holder === 'object' && !Array.isArray(holder)) delete (holder as Json)[name];
  }
  // A method's timestamp is milliseconds in a Rule and an ISO 8601 string in an Action.
  const methods = getPath(event, ['authentication', 'methods']);
  for (const method of Array.isArray(methods) ? methods : []) {
    const stamp = method && typeof method === 'object' ? (method as Json).timestamp : undefined;
    if (typeof stamp === 'number' && Number.isFinite(stamp) && Math.abs(stamp) <= 8.64e15) (method as Json).timestamp = new Date(stamp).toISOString();
  }
  return event;
}
