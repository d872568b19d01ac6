// How a `switch` or a loop decides which code runs, for the login matrix (which values it tries) and for the operands the
// differential check names as NOT TRIED (unreadOperands.ts). A `switch` on a login input is a gate like an `if`
// comparing it with each case, and a loop over an input list is a gate on each of its items: a converted Action that
// drops a case or a loop's condition must show up on some login, or be named.
// Pure: no I/O.
import type * as acorn from 'acorn';
import { children, describeNode, literalValue } from './conditionSyntax';

type Node = acorn.AnyNode;

/**
 * `switch (true) { case user.app_metadata.mfa: … }`: the discriminant is a constant, so each case test is a condition
 * of its own (read as an `if` would read it) rather than a value the discriminant is compared with.
 */
export function isConditionSwitch(node: acorn.SwitchStatement): boolean {
  return !!literalValue(node.discriminant as Node);
}

/**
 * The conditions that decide whether the code in `inner` (a case of `node`) runs: the discriminant, or for a
 * `switch (true)` the tests of that case and of every case before it (the first one that holds wins, and the cases
 * before fall through into it). Without `inner` (code after a switch that leaves in some case), all of them.
 */
export function switchGates(node: acorn.SwitchStatement, inner?: Node): Node[] {
  if (!isConditionSwitch(node)) return [node.discriminant as Node];
  const at = inner ? node.cases.findIndex((c) => c === inner) : -1;
  const upTo = at < 0 ? node.cases : node.cases.slice(0, at + 1);
  return upTo.flatMap((c) => (c.test ? [c.test as Node] : []));
}

/** A `return` or `throw` in `node` outside nested functions: a switch with one in a case decides whether code after it runs. */
function leavesFunction(node: Node): boolean {
  if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement') return true;
  if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return false;
  for (const child of children(node)) if (leavesFunction(child)) return true;
  return false;
}

/** Whether some case of the switch returns or throws, so the switch gates the statements after it. */
export function switchLeaves(node: acorn.SwitchStatement): boolean {
  return node.cases.some((c) => c.consequent.some((s) => leavesFunction(s as Node)));
}

type Loop = acorn.ForStatement | acorn.WhileStatement | acorn.DoWhileStatement;

const isLoop = (node: Node): node is Loop => node.type === 'ForStatement' || node.type === 'WhileStatement' || node.type === 'DoWhileStatement';

/** The condition a `for (…; test; …)`, `while (test)` or `do … while (test)` loop runs its body on. */
export function loopTest(node: Node): Node | undefined {
  return isLoop(node) && node.test ? node.test as Node : undefined;
}

/**
 * A `continue` or `break` in `node` that leaves the loop body holding `node` (an unlabeled one of a loop or switch
 * nested in it leaves only that one; a labeled one, `continue outer`, leaves at least ours): an `if` holding one
 * decides whether the statements after it in that body run.
 */
export function leavesLoopBody(node: Node, nested = false): boolean {
  if (node.type === 'ContinueStatement' || node.type === 'BreakStatement') return !!node.label || !nested;
  if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return false;
  const inner = nested || isLoop(node) || node.type === 'ForOfStatement' || node.type === 'ForInStatement' || node.type === 'SwitchStatement';
  for (const child of children(node)) if (leavesLoopBody(child, inner)) return true;
  return false;
}

/** `list.length`: the list, else undefined. */
function lengthOf(node: Node): Node | undefined {
  return node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'length' ? node.object as Node : undefined;
}

/**
 * The index variables of counting loops and the lists they index, as written: `i` of `for (let i = 0; i < groups.length;
 * i++)` (also `while (i < groups.length)`, `i <= groups.length - 1`, `groups.length > i`, and a bound kept in a name,
 * `for (let x = 0, len = groups.length; x < len; x++)`). `groups[i]` in such a loop is an item of the list.
 */
export function loopIndexes(program: Node, text: string): Map<string, Set<string>> {
  return readCountingLoops(program, text).indexes;
}

/**
 * The tests of counting loops over a list (`i < groups.length`): they only walk the list, and the conditions on its
 * items are the gates. A login with an item there is tried whenever an item is compared with something.
 */
export function countingLoopTests(program: Node, text: string): Set<Node> {
  return readCountingLoops(program, text).tests;
}

function readCountingLoops(program: Node, text: string): { indexes: Map<string, Set<string>>; tests: Set<Node> } {
  const indexes = new Map<string, Set<string>>();
  const tests = new Set<Node>();
  /** Names bound to a list's length: `len = groups.length`. */
  const lengths = new Map<string, Node>();
  const listOfBound = (bound: Node, inclusive: boolean): Node | undefined => {
    // i <= list.length - 1
    if (inclusive) {
      return bound.type === 'BinaryExpression' && bound.operator === '-' && literalValue(bound.right as Node)?.value === 1 ? lengthOf(bound.left as Node) : undefined;
    }
    return lengthOf(bound) ?? (bound.type === 'Identifier' ? lengths.get(bound.name) : undefined);
  };
  const readTest = (test: Node): void => {
    if (test.type !== 'BinaryExpression') return;
    const flipped = test.operator === '>' || test.operator === '>=';
    const [index, bound] = flipped ? [test.right as Node, test.left as Node] : [test.left as Node, test.right as Node];
    if (index.type !== 'Identifier' || !['<', '<=', '>', '>='].includes(test.operator)) return;
    const list = listOfBound(bound, test.operator === '<=' || test.operator === '>=');
    if (!list) return;
    const lists = indexes.get(index.name) ?? new Set<string>();
    lists.add(describeNode(text, list));
    indexes.set(index.name, lists);
    tests.add(test);
  };
  // The bounds kept in names first: a for's init is walked after its test.
  const collectLengths = (node: Node): void => {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) {
      const list = lengthOf(node.init as Node);
      if (list) lengths.set(node.id.name, list);
    }
    for (const child of children(node)) collectLengths(child);
  };
  const collectTests = (node: Node): void => {
    const test = loopTest(node);
    if (test) readTest(test);
    for (const child of children(node)) collectTests(child);
  };
  collectLengths(program);
  collectTests(program);
  return { indexes, tests };
}

/**
 * The list whose items a `for…of` or `forEach` runs its body for (`user.multifactor || []`): the body runs only when
 * it has an item, so it is a gate of the code in the body.
 */
export function walkedList(node: Node): Node | undefined {
  if (node.type === 'ForOfStatement') return node.right as Node;
  if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed && node.callee.property.type === 'Identifier' && node.callee.property.name === 'forEach') return node.callee.object as Node;
  return undefined;
}

/** The list (or object, for `for…in`) a loop or `forEach` whose body or callback is `inner` walks, if `node` is one. */
export function walkedListAround(node: Node, inner: Node): Node | undefined {
  if ((node.type === 'ForOfStatement' || node.type === 'ForInStatement') && inner === node.body) return node.right as Node;
  if (node.type === 'CallExpression' && node.arguments.includes(inner as acorn.Expression)) return walkedList(node);
  return undefined;
}
