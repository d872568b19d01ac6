// The logins a differential check runs a Rule and its Action on: the default mock login, varied
// along every input the Rule's conditions look at (client ids, connections, protocols, verified
// email, roles and metadata flags), with the literals those conditions compare against. Pure:
// the runner merges the settings over its mock inputs.
import type * as acorn from 'acorn';
import type { RuleModel } from './model';
import { memberMappings } from './ruleToAction';

type Node = acorn.AnyNode;

/** One input the Rule's conditions read, in Rule terms (`['context', 'clientID']`), and the values worth trying. */
export interface Dimension {
  path: string[];
  /** Values compared with `===`, `switch`, `list.indexOf(path)`… */
  equals: unknown[];
  /** Values looked for inside it (`path.indexOf(x)`, `path.includes(x)`): an array holding x, or a string containing it. */
  contains: string[];
  /** Read as a condition on its own (`if (user.app_metadata.mfa)`): true and false are tried. */
  truthy: boolean;
}

/** One input of a login: `value` replaces the mock's at `path`; `contains` puts the value in a list (or a string). */
export interface LoginSetting {
  path: string[];
  value: unknown;
  contains?: boolean;
}

export interface LoginCase {
  /** What differs from the default mock login (empty: the default itself). */
  settings: LoginSetting[];
}

/** Inputs every Duo rule is checked on, whatever its conditions say (refresh-token logins and unverified email skip or bypass Duo in real tenants, so they are always tried). */
const alwaysTried: { path: string[]; equals: unknown[] }[] = [
  { path: ['context', 'protocol'], equals: ['oauth2-refresh-token'] },
  { path: ['user', 'email_verified'], equals: [true, false] },
];

/** Leaves that are flags even two segments deep (user.email_verified). */
const flagLeaves = new Set(['email_verified', 'phone_verified', 'blocked']);

function memberName(node: acorn.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

function* children(node: Node): Generator<Node> {
  const record = node as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof (v as { type?: unknown }).type === 'string') yield v as Node;
    } else if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      yield value as Node;
    }
  }
}

function literalValue(node: Node | null | undefined): { value: unknown } | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null)) return { value: node.value };
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return { value: node.quasis[0]?.value.cooked ?? '' };
  return undefined;
}

class ConditionScanner {
  readonly dimensions = new Map<string, Dimension>();
  private readonly aliases = new Map<string, string[]>();
  private readonly lists = new Map<string, unknown[]>();
  /** Loop variables that take each element of a known list: `for (const id of DENIED)`. */
  private readonly elements = new Map<string, unknown[]>();

  constructor(private readonly roots: Map<string, 'user' | 'context'>) {}

  dimension(path: string[]): Dimension {
    const key = path.join('.');
    let d = this.dimensions.get(key);
    if (!d) {
      d = { path, equals: [], contains: [], truthy: false };
      this.dimensions.set(key, d);
    }
    return d;
  }

  /** `context.clientID`, `user.app_metadata.roles`, or an alias of one; undefined for anything else. */
  pathOf(node: Node): string[] | undefined {
    if (node.type === 'Identifier') {
      const root = this.roots.get(node.name);
      return root ? [root] : this.aliases.get(node.name);
    }
    if (node.type === 'MemberExpression') {
      const name = memberName(node);
      const base = this.pathOf(node.object);
      return base && name !== undefined ? [...base, name] : undefined;
    }
    if (node.type === 'ChainExpression') return this.pathOf(node.expression);
    return undefined;
  }

  /** The input a variable stands for: `var roles = (context.authorization && context.authorization.roles) || []`. */
  private aliasTarget(init: Node): string[] | undefined {
    const direct = this.pathOf(init);
    if (direct && direct.length > 1) return direct;
    if (init.type === 'LogicalExpression') {
      const candidates = [this.aliasTarget(init.left), this.aliasTarget(init.right)].filter((p): p is string[] => !!p);
      return candidates.sort((a, b) => b.length - a.length)[0];
    }
    return undefined;
  }

  private listOf(node: Node): unknown[] | undefined {
    if (node.type === 'ArrayExpression') {
      const values = node.elements.map((e) => literalValue(e as Node | null));
      return values.every((v) => v) ? values.map((v) => v?.value) : undefined;
    }
    if (node.type === 'Identifier') return this.lists.get(node.name);
    return undefined;
  }

  /** The values `list[i]` or a loop variable over a known list can have. */
  private elementsOf(node: Node): unknown[] | undefined {
    if (node.type === 'MemberExpression' && node.computed) return this.listOf(node.object);
    if (node.type === 'Identifier') return this.elements.get(node.name);
    return undefined;
  }

  scan(node: Node, inTest = false): void {
    switch (node.type) {
      case 'ForOfStatement': {
        const list = this.listOf(node.right);
        const declared = node.left.type === 'VariableDeclaration' ? node.left.declarations[0]?.id : node.left;
        if (list && declared?.type === 'Identifier') this.elements.set(declared.name, list);
        break;
      }
      case 'VariableDeclarator':
        if (node.id.type === 'Identifier' && node.init) {
          const target = this.aliasTarget(node.init);
          if (target) this.aliases.set(node.id.name, target);
          const list = this.listOf(node.init);
          if (list) this.lists.set(node.id.name, list);
        }
        break;
      case 'BinaryExpression':
        if (['===', '!==', '==', '!='].includes(node.operator)) {
          for (const [a, b] of [[node.left, node.right], [node.right, node.left]] as const) {
            const path = this.pathOf(a as Node);
            const literal = literalValue(b as Node);
            if (path && path.length > 1 && literal) this.dimension(path).equals.push(literal.value);
            // DENIED[i] === context.clientID inside a loop over the list
            const elements = this.elementsOf(b as Node);
            if (path && path.length > 1 && elements) this.dimension(path).equals.push(...elements);
          }
        }
        break;
      case 'SwitchStatement': {
        const path = this.pathOf(node.discriminant);
        if (path && path.length > 1) for (const c of node.cases) { const l = literalValue(c.test); if (l) this.dimension(path).equals.push(l.value); }
        break;
      }
      case 'CallExpression':
        if (node.callee.type === 'MemberExpression' && ['indexOf', 'includes'].includes(memberName(node.callee) ?? '') && node.arguments[0]) {
          const arg = node.arguments[0] as Node;
          const inside = this.pathOf(node.callee.object);
          const literal = literalValue(arg);
          if (inside && inside.length > 1 && literal && typeof literal.value === 'string') this.dimension(inside).contains.push(literal.value);
          const list = this.listOf(node.callee.object);
          const argPath = this.pathOf(arg);
          if (list && argPath && argPath.length > 1) this.dimension(argPath).equals.push(...list);
        }
        break;
      default:
        break;
    }
    if (inTest) {
      const path = this.pathOf(node);
      if (path && (path.length > 2 || flagLeaves.has(path[path.length - 1]))) this.dimension(path).truthy = true;
    }
    for (const child of children(node)) this.scan(child, isTestPosition(node, child) || (inTest && (node.type === 'LogicalExpression' || (node.type === 'UnaryExpression' && node.operator === '!'))));
  }
}

function isTestPosition(parent: Node, child: Node): boolean {
  return ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression' || parent.type === 'WhileStatement') && parent.test === child);
}

/** The inputs the Rules' conditions read, with the values to try (the always-tried ones included). */
export function findConditionDimensions(models: readonly RuleModel[]): Dimension[] {
  const all = new Map<string, Dimension>();
  const add = (d: Dimension): void => {
    const key = d.path.join('.');
    const found = all.get(key);
    if (!found) all.set(key, { ...d, equals: [...d.equals], contains: [...d.contains] });
    else {
      found.equals.push(...d.equals);
      found.contains.push(...d.contains);
      found.truthy ||= d.truthy;
    }
  };
  for (const model of models) {
    if (model.kind !== 'rule' || !model.ruleFunction) continue;
    const roots = new Map<string, 'user' | 'context'>();
    if (model.userName) roots.set(model.userName, 'user');
    if (model.contextName) roots.set(model.contextName, 'context');
    const scanner = new ConditionScanner(roots);
    scanner.scan(model.parse.program);
    for (const d of scanner.dimensions.values()) add(d);
  }
  for (const { path, equals } of alwaysTried) add({ path, equals, contains: [], truthy: false });
  const dims = [...all.values()].map((d) => ({
    ...d,
    equals: dedupe(d.equals),
    contains: dedupe(d.contains) as string[],
  }));
  return dims.sort((a, b) => a.path.join('.').localeCompare(b.path.join('.')));
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

/**
 * The logins to try: every combination when there are at most `maxLogins`; otherwise the default,
 * each single change, then random combinations (always the same ones) up to `maxLogins`.
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
    return cases.sort((a, b) => a.settings.length - b.settings.length);
  }
  const seen = new Set<string>();
  const push = (settings: LoginSetting[]): void => {
    const key = JSON.stringify(settings);
    if (seen.has(key) || cases.length >= maxLogins) return;
    seen.add(key);
    cases.push({ settings });
  };
  push([]);
  for (const c of options) for (const choice of c) push([choice]);
  const random = seededRandom(0x5eed);
  for (let attempts = 0; cases.length < maxLogins && attempts < maxLogins * 20; attempts++) {
    const settings: LoginSetting[] = [];
    for (const c of options) {
      const pick = Math.floor(random() * (c.length + 1));
      if (pick < c.length) settings.push(c[pick]);
    }
    push(settings);
  }
  return cases;
}

/** `user.app_metadata.roles = ['admin']` as people read it. */
export function describeLogin(settings: readonly LoginSetting[]): string {
  if (settings.length === 0) return 'the default mock login';
  return settings.map((s) => s.contains ? `${s.path.join('.')} contains ${JSON.stringify(s.value)}` : `${s.path.join('.')} = ${JSON.stringify(s.value)}`).join(', ');
}

type Json = Record<string, unknown>;

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let at = target;
  for (const segment of path.slice(0, -1)) {
    const next = at[segment];
    if (!next || typeof next !== 'object') at[segment] = {};
    at = at[segment] as Json;
  }
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

/** The mock user and context with a login's settings applied (copies; the inputs are not changed). */
export function applyLogin(user: unknown, context: unknown, login: LoginCase): { user: Json; context: Json } {
  const inputs: Json = structuredClone({ user, context }) as Json;
  for (const s of login.settings) {
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

/** The mechanical context → event copies of the mapping table; whole objects first (context.request), then the fields renamed inside them (request.userAgent → user_agent). */
function contextToEvent(): { from: string[]; to: string[] }[] {
  contextToEventPaths ??= [...memberMappings]
    .sort((a, b) => a.rule.length - b.rule.length)
    .filter((m) => m.rule[0] === 'context' && m.rewrite === 'mechanical' && !m.rule.includes('*') && m.rule.length >= 2)
    .map((m) => ({ from: m.rule.slice(1), to: m.action.replace(/^\{event\}\./, '').split('.') }));
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
  // Rules name these camelCase inside objects the table copies whole.
  const request = event.request as Json | undefined;
  if (request && 'userAgent' in request) delete request.userAgent;
  return event;
}
