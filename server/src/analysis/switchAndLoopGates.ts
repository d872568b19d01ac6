// How a `switch` decides which code runs, for the login matrix (which values it tries) and for the operands the
// differential check names as NOT TRIED (unreadOperands.ts). A `switch` on a login input is a gate like an `if`
// comparing it with each case: a converted Action that drops a case must show up on some login, or be named.
// Pure: no I/O.
import type * as acorn from 'acorn';
import { children, literalValue } from './conditionSyntax';

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
