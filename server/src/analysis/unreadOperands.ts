// The operands of a Rule's (or an Action's) MFA and denial gates that depend on the login but that the login
// matrix does not read (`user.name.split(' ').length > 2`…). In `if (A || B)` with B unread, the matrix never
// tries a login where only B decides, so an Action that drops B agrees on every login tried: the differential
// check must say so instead of reporting a silent "all clear".
// Static and pure: which operands the matrix reads is told by the caller (loginMatrix.ts's scanner).
import type * as acorn from 'acorn';
import { children, describeNode, literalValue, memberName } from './conditionSyntax';
import { countingLoopTests, leavesLoopBody, loopTest, switchGates, switchLeaves, walkedListAround } from './switchAndLoopGates';

type Node = acorn.AnyNode;

/** Where a Rule or an Action decides: it asks for MFA there, or denies the login. */
export interface GateSite {
  offset: number;
  kind: 'mfa' | 'denial';
}

/** An operand of a gate that depends on the login and that no login of the matrix was built from. */
export interface UnreadOperand {
  /** Where the operand starts in the code's text. */
  offset: number;
  /** The operand as written, on one line. */
  text: string;
  /** What it guards. */
  guards: Array<GateSite['kind']>;
}

type FunctionNode = acorn.FunctionDeclaration | acorn.FunctionExpression | acorn.ArrowFunctionExpression;

/** The names a binding pattern declares: `r`, `{ name }`, `[key, value]`, `{ a: { b } = {} }`. */
function patternNames(pattern: Node): string[] {
  if (pattern.type === 'Identifier') return [pattern.name];
  if (pattern.type === 'AssignmentPattern') return patternNames(pattern.left as Node);
  if (pattern.type === 'RestElement') return patternNames(pattern.argument as Node);
  if (pattern.type === 'ArrayPattern') return pattern.elements.flatMap((e) => (e ? patternNames(e as Node) : []));
  if (pattern.type === 'ObjectPattern') return pattern.properties.flatMap((p) => patternNames((p.type === 'Property' ? p.value : p) as Node));
  return [];
}

/** List methods whose callback is given each item of the list. */
const ITEM_METHODS = new Set(['some', 'find', 'filter', 'every', 'findIndex', 'findLast', 'forEach', 'map', 'reduce']);

const isFunction = (node: Node): node is FunctionNode =>
  node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';

/** Names of the code: what each is assigned, its functions, and the calls of each. */
class Bindings {
  readonly values = new Map<string, Node[]>();
  /** Where each name is given a value: `mfa = true` under `if (r === 'admin')` decides what `if (mfa)` sees. */
  readonly assignments = new Map<string, Node[]>();
  readonly functions = new Map<string, FunctionNode>();
  readonly calls = new Map<string, acorn.CallExpression[]>();
  /** A `for…of`/`for…in` variable, or the item parameter of a list method's callback, with the list it goes over. */
  readonly items: Array<{ name: string; list: Node }> = [];

  constructor(program: Node) {
    this.collect(program);
  }

  private add<T>(map: Map<string, T[]>, name: string, value: T): void {
    map.set(name, [...(map.get(name) ?? []), value]);
  }

  private collect(node: Node): void {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) {
      if (node.init.type === 'FunctionExpression' || node.init.type === 'ArrowFunctionExpression') this.functions.set(node.id.name, node.init);
      else {
        this.add(this.values, node.id.name, node.init as Node);
        this.add(this.assignments, node.id.name, node);
      }
    } else if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
      this.add(this.values, node.left.name, node.right as Node);
      this.add(this.assignments, node.left.name, node);
    } else if ((node.type === 'ForOfStatement' || node.type === 'ForInStatement')) {
      const declared = node.left.type === 'VariableDeclaration' ? node.left.declarations[0]?.id : node.left;
      for (const name of declared ? patternNames(declared as Node) : []) this.items.push({ name, list: node.right as Node });
    } else if (node.type === 'FunctionDeclaration' && node.id) {
      this.functions.set(node.id.name, node);
    } else if (node.type === 'CallExpression' && node.callee.type === 'Identifier') {
      this.add(this.calls, node.callee.name, node);
    } else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && ITEM_METHODS.has(memberName(node.callee) ?? '')) {
      // roles.forEach((r) => …): r is an item of roles (the accumulator of reduce comes first).
      const fn = node.arguments[0];
      const param = fn && isFunction(fn as Node) ? (fn as FunctionNode).params[memberName(node.callee) === 'reduce' ? 1 : 0] : undefined;
      for (const name of param ? patternNames(param as Node) : []) this.items.push({ name, list: node.callee.object as Node });
    }
    for (const child of children(node)) this.collect(child);
  }
}

/** What is the login in a Rule or Action: the names that hold it, and what does not. */
interface LoginReading {
  /** Names whose value comes from the login. */
  names: Set<string>;
  /** Names holding an answer from elsewhere: a callback's parameters (`body` of `request.get(url, (err, res, body) => …)`) and what is made of them. */
  foreign: Set<string>;
  /** The Action's event name: its `secrets` are its settings, not the login. */
  settings?: string;
}

/** The name a chain of members and calls starts from: `data` of `data.filter(…).length`. */
function baseName(node: Node): string | undefined {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression') return baseName(node.object as Node);
  if (node.type === 'CallExpression') return baseName(node.callee as Node);
  if (node.type === 'ChainExpression') return baseName(node.expression as Node);
  return undefined;
}

/**
 * Whether `node` reads the login (a property name after a dot is no read). What an `await` gives, and what a callback
 * was given, is an answer from elsewhere (`await axios.post(url, { email: user.email })`, `data.filter((u) => u.user_id
 * !== user.user_id)` of an API's answer), not the login; an Action's `event.secrets` are its settings.
 */
function readsLogin(node: Node, reading: LoginReading): boolean {
  if (node.type === 'Identifier') return reading.names.has(node.name);
  if (node.type === 'AwaitExpression') return false;
  if (node.type === 'MemberExpression' && reading.settings !== undefined && node.object.type === 'Identifier' && node.object.name === reading.settings && memberName(node) === 'secrets') return false;
  if (node.type === 'MemberExpression') return readsLogin(node.object as Node, reading) || (node.computed && readsLogin(node.property as Node, reading));
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && reading.foreign.has(baseName(node.callee) ?? '')) return false;
  if (node.type === 'Property') return (node.computed && readsLogin(node.key as Node, reading)) || readsLogin(node.value as Node, reading);
  for (const child of children(node)) if (readsLogin(child, reading)) return true;
  return false;
}

/** Whether `node` is made only of an answer from elsewhere: `JSON.parse(body)`, `body.split('\n')`, `await …`. */
function isForeign(node: Node, foreign: ReadonlySet<string>): boolean {
  if (node.type === 'AwaitExpression') return true;
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.type === 'Identifier' && node.callee.object.name === 'JSON') return node.arguments.length > 0 && isForeign(node.arguments[0] as Node, foreign);
  const base = baseName(node);
  return base !== undefined && foreign.has(base);
}

/**
 * The names whose value comes from the login: the Rule's `user` and `context`, variables assigned from them,
 * parameters of functions called with them, and functions that read them from their closure.
 */
function loginNames(roots: Iterable<string>, bindings: Bindings, program: Node, settings?: string): LoginReading {
  const names = new Set(roots);
  const foreign = new Set<string>();
  const reading: LoginReading = { names, foreign, settings };
  // The parameters of functions given to calls (not the Rule's named helpers, whose calls bind them).
  const collectCallbacks = (node: Node): void => {
    if (node.type === 'CallExpression' || node.type === 'NewExpression') {
      for (const arg of node.arguments) {
        if (arg.type !== 'FunctionExpression' && arg.type !== 'ArrowFunctionExpression') continue;
        for (const param of arg.params) if (param.type === 'Identifier' && !names.has(param.name)) foreign.add(param.name);
      }
    }
    for (const child of children(node)) collectCallbacks(child);
  };
  collectCallbacks(program);
  for (let round = 0; round < 8; round++) {
    const before = foreign.size;
    for (const [name, values] of bindings.values) {
      if (foreign.has(name) || names.has(name)) continue;
      // data = data.filter(…) keeps what data was: the name counts as foreign while its own values are looked at.
      foreign.add(name);
      if (!values.every((v) => isForeign(v, foreign))) foreign.delete(name);
    }
    if (foreign.size === before) break;
  }
  const mentions = (node: Node): boolean => readsLogin(node, reading);
  // A few rounds reach every chain a Rule writes (a = user.x; b = a.y; f(b)); the loop is bounded all the same.
  for (let round = 0; round < 8; round++) {
    const before = names.size;
    for (const [name, values] of bindings.values) if (!names.has(name) && values.some((v) => mentions(v))) names.add(name);
    // An item of a login list (`for (const r of context.authorization.roles)`, `groups.forEach((g) => …)`) is the login
    // too, not an answer from elsewhere, though it is a callback's parameter.
    for (const { name, list } of bindings.items) {
      if (names.has(name) || !mentions(list)) continue;
      names.add(name);
      foreign.delete(name);
    }
    for (const [name, fn] of bindings.functions) {
      if (!names.has(name) && mentions(fn.body as Node)) names.add(name);
      for (const call of bindings.calls.get(name) ?? []) {
        call.arguments.forEach((arg, i) => {
          const param = fn.params[i];
          if (param?.type === 'Identifier' && mentions(arg as Node)) names.add(param.name);
        });
      }
    }
    if (names.size === before) break;
  }
  return reading;
}

/** The nodes from `root` down to the innermost one holding `offset`. */
function chainTo(root: Node, offset: number): Node[] {
  const chain = [root];
  for (let at: Node | undefined = root; at;) {
    at = [...children(at)].find((c) => c.start <= offset && offset < c.end);
    if (at) chain.push(at);
  }
  return chain;
}

/** A statement that leaves the function (a `return` or a `throw` outside nested functions). */
function exits(node: Node): boolean {
  if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement') return true;
  if (isFunction(node)) return false;
  for (const child of children(node)) if (exits(child)) return true;
  return false;
}

/**
 * The conditions that decide whether the code at the end of `chain` runs: the tests of the `if`s and `?:`s around
 * it, the left side of `&&`/`||` it is the right side of, the `switch` whose case holds it, the test of a `while` or
 * `for` loop holding it (a loop counting over a list's items only walks them), the list a `for…of`, `for…in` or
 * `forEach` holding it walks, and the tests of `if`s (and
 * `switch`es) before it that return, or that `continue` or `break` out of the loop body holding it.
 */
function gatesOf(chain: readonly Node[], countingTests: ReadonlySet<Node>): Node[] {
  const gates: Node[] = [];
  chain.forEach((node, i) => {
    const inner = chain[i + 1];
    if (!inner) return;
    if ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') && inner !== node.test) gates.push(node.test as Node);
    if (node.type === 'LogicalExpression' && node.operator !== '??' && inner === node.right) gates.push(node.left as Node);
    if (node.type === 'SwitchStatement' && inner.type === 'SwitchCase') gates.push(...switchGates(node, inner));
    const test = loopTest(node);
    if (test && inner !== test && !countingTests.has(test)) gates.push(test);
    // for (const f of user.multifactor || []) { … }: the body runs only when the list has an item. A list made by a
    // call (`user.name.split(' ')`, `Object.keys(…)`) is left to the conditions on its items, which are named.
    const walked = walkedListAround(node, inner);
    if (walked && !isCallResult(walked)) gates.push(walked);
    const body = node.type === 'BlockStatement' || node.type === 'Program' ? node.body : node.type === 'SwitchCase' ? node.consequent : undefined;
    for (const statement of body ?? []) {
      if (statement === inner) break;
      if (statement.type === 'IfStatement' && (exits(statement.consequent as Node) || (statement.alternate && exits(statement.alternate as Node)))) gates.push(statement.test as Node);
      // for (const g of groups) { if (!g.startsWith('vpn-')) continue; … }: the `if` decides for the rest of the body.
      else if (statement.type === 'IfStatement' && (leavesLoopBody(statement.consequent as Node) || (statement.alternate && leavesLoopBody(statement.alternate as Node)))) gates.push(statement.test as Node);
      if (statement.type === 'SwitchStatement' && switchLeaves(statement)) gates.push(...switchGates(statement));
    }
  });
  return gates;
}

/** `user.name.split(' ')`, `(user.name || '').split(' ')`, also behind a default: `Object.keys(x) || []`. */
function isCallResult(node: Node): boolean {
  if (node.type === 'ChainExpression') return isCallResult(node.expression as Node);
  if (node.type === 'LogicalExpression') return isCallResult(node.left as Node);
  return node.type === 'CallExpression';
}

/** The enclosing named function of the code at the end of `chain`, if any: its calls decide too. */
function enclosingHelper(chain: readonly Node[], bindings: Bindings): string | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i];
    if (!isFunction(node)) continue;
    for (const [name, fn] of bindings.functions) if (fn === node) return name;
    return undefined;
  }
  return undefined;
}

/** The operands a condition combines with `&&`, `||` and `!`. */
function operandsOf(test: Node): Node[] {
  if (test.type === 'LogicalExpression' && test.operator !== '??') return [...operandsOf(test.left as Node), ...operandsOf(test.right as Node)];
  if (test.type === 'UnaryExpression' && test.operator === '!') return operandsOf(test.argument as Node);
  if (test.type === 'SequenceExpression') return operandsOf(test.expressions[test.expressions.length - 1] as Node);
  return [test];
}

/** `user.app_metadata`, `context.request.geoip`: an input written as a plain path. */
function isPlainPath(node: Node): boolean {
  if (node.type === 'Identifier') return true;
  if (node.type === 'ChainExpression') return isPlainPath(node.expression as Node);
  return node.type === 'MemberExpression' && !node.computed && isPlainPath(node.object as Node);
}

const isNothing = (node: Node): boolean => (node.type === 'Identifier' && node.name === 'undefined') || (node.type === 'Literal' && node.value === null);

/**
 * The path an operand only checks the presence or type of: `P !== undefined`, `P == null`, `typeof P === 'object'`,
 * `Array.isArray(P)`.
 */
function presenceChecked(node: Node): Node | undefined {
  if (node.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(node.operator)) {
    for (const [a, b] of [[node.left, node.right], [node.right, node.left]] as const) {
      if (isNothing(b as Node) && isPlainPath(a as Node)) return a as Node;
      if (a.type === 'UnaryExpression' && a.operator === 'typeof' && b.type === 'Literal' && isPlainPath(a.argument as Node)) return a.argument as Node;
    }
  }
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.type === 'Identifier' && node.callee.object.name === 'Array'
    && !node.callee.computed && node.callee.property.type === 'Identifier' && node.callee.property.name === 'isArray' && node.arguments.length === 1 && isPlainPath(node.arguments[0] as Node)) return node.arguments[0] as Node;
  // context.hasOwnProperty('authorization'): the presence of context.authorization.
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && memberName(node.callee) === 'hasOwnProperty' && node.arguments.length === 1
    && typeof literalValue(node.arguments[0] as Node)?.value === 'string' && isPlainPath(node.callee.object as Node)) return node;
  return undefined;
}

/** Every input written as a plain path in the Rule (`user.app_metadata.roles`), with where it is. */
function plainPaths(program: Node, text: string): Array<{ start: number; end: number; text: string }> {
  const out: Array<{ start: number; end: number; text: string }> = [];
  const walk = (node: Node): void => {
    if (node.type === 'MemberExpression' && isPlainPath(node)) out.push({ start: node.start, end: node.end, text: describeNode(text, node) });
    for (const child of children(node)) walk(child);
  };
  walk(program);
  return out;
}

/** `switch (X)` and `case Y:` as written, for a discriminant or a `switch (true)` case test named on its own. */
function switchPartLabels(program: Node, text: string): Map<Node, string> {
  const labels = new Map<Node, string>();
  const walk = (node: Node): void => {
    if (node.type === 'SwitchStatement') {
      labels.set(node.discriminant as Node, `switch (${describeNode(text, node.discriminant as Node)})`);
      for (const c of node.cases) if (c.test) labels.set(c.test as Node, `case ${describeNode(text, c.test as Node)}:`);
    }
    for (const child of children(node)) walk(child);
  };
  walk(program);
  return labels;
}

/**
 * The operands of the gates of `sites` that read the login and that `reads` says the matrix did not read.
 * `roots` are the names of the Rule's `user` and `context` (or the Action's `event`, with `settings` its name too, as
 * `event.secrets` is no login input). An operand that only checks that an input read elsewhere is there
 * (`!user.email || …user.email.endsWith(…)`) is not one the code decides on.
 */
export function findUnreadOperands(program: Node, text: string, roots: Iterable<string>, sites: readonly GateSite[], reads: (node: Node) => boolean, settings?: string): UnreadOperand[] {
  const bindings = new Bindings(program);
  const reading = loginNames(roots, bindings, program, settings);
  const mentions = (node: Node): boolean => readsLogin(node, reading);
  const paths = plainPaths(program, text);
  /**
   * A check that an input is there before the Rule reads it (`!user.app_metadata || …user.app_metadata.roles`, or
   * `Array.isArray(groups)` before reading the same path again): the reads that follow are the decision.
   */
  const guardsRead = (path: Node, operand: Node, same: boolean): boolean => {
    const written = path.type === 'CallExpression' && path.callee.type === 'MemberExpression'
      ? `${describeNode(text, path.callee.object as Node)}.${String(literalValue(path.arguments[0] as Node)?.value)}`
      : describeNode(text, path);
    return paths.some((p) => (p.start < operand.start || p.start >= operand.end)
      && ((same && p.text === written) || p.text.startsWith(`${written}.`) || p.text.startsWith(`${written}[`)));
  };
  const switchParts = switchPartLabels(program, text);
  const countingTests = countingLoopTests(program, text);
  const found = new Map<number, UnreadOperand>();
  const seen = new Set<string>();
  const visit = (offset: number, kind: GateSite['kind'], depth: number): void => {
    const key = `${offset}:${kind}`;
    if (seen.has(key) || depth > 3) return;
    seen.add(key);
    const chain = chainTo(program, offset);
    for (const gate of gatesOf(chain, countingTests)) for (const operand of unreadIn(gate, 0, kind, depth)) {
      const entry = found.get(operand.start) ?? { offset: operand.start, text: switchParts.get(operand) ?? describeNode(text, operand), guards: [] };
      if (!entry.guards.includes(kind)) entry.guards.push(kind);
      found.set(operand.start, entry);
    }
    // requireDuo() under `if (A || B)`: the gates of each call decide too.
    const helper = enclosingHelper(chain, bindings);
    for (const call of helper ? bindings.calls.get(helper) ?? [] : []) visit(call.start, kind, depth + 1);
  };
  const unreadIn = (gate: Node, depth: number, kind: GateSite['kind'], siteDepth: number): Node[] => {
    return operandsOf(gate).flatMap((operand) => {
      // `let mfa = false; for (const r of roles) { if (r === 'admin') mfa = true; }`, then `if (mfa)`: the conditions
      // each value was given under decide too, though the values themselves (true, false) are no login input.
      if (operand.type === 'Identifier') for (const assigned of bindings.assignments.get(operand.name) ?? []) visit(assigned.start, kind, siteDepth + 1);
      if (!mentions(operand) || reads(operand)) return [];
      // `needsMfa || B` with `var needsMfa = A && C`: the operands of what it was assigned.
      if (operand.type === 'Identifier' && depth < 3) {
        const values = bindings.values.get(operand.name);
        if (values?.length) return values.flatMap((v) => unreadIn(v, depth + 1, kind, siteDepth));
      }
      if (operand.type === 'Identifier') return [];
      // `!user.email || …` before the Rule reads user.email: a check that it is there.
      if (isPlainPath(operand) && guardsRead(operand, operand, true)) return [];
      const checked = presenceChecked(operand);
      if (checked && guardsRead(checked, operand, true)) return [];
      return [operand];
    });
  };
  for (const site of sites) visit(site.offset, site.kind, 0);
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}
