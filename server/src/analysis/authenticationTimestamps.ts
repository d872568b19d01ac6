// The `timestamp` of an authentication method is milliseconds since 1970 in a Rule
// (`context.authentication.methods[i].timestamp`) and an ISO 8601 string in an Action
// (`event.authentication.methods[i].timestamp`). Arithmetic that worked in the Rule (`timestamp / 1000`,
// `Date.now() - timestamp`) gives NaN in the Action, so the converter marks each read for a person to check.
// Pure: which reads those are, from the syntax tree.
import type * as acorn from 'acorn';
import { children, describeNode } from './conditionSyntax';

type Node = acorn.AnyNode;

/** Methods whose callback is given one method of the list, or that return one. */
const ITEM_METHODS = new Set(['find', 'findLast', 'filter', 'some', 'every', 'forEach', 'map', 'reduce', 'sort', 'at', 'pop', 'shift', 'slice']);

/**
 * The `x.timestamp` reads in `body` whose `x` is a method of `<context>.authentication.methods`: read off the list
 * itself (`methods.find(…).timestamp`, `methods[0].timestamp`), a name holding such a method or the list
 * (`const pwd = methods.find(…)`), or a callback's parameter over the list (`methods.some((m) => m.timestamp > t)`).
 * It may take in a name that holds something else too: a read it names is only checked by a person.
 */
export function methodTimestampReads(body: Node, text: string, contextName: string | undefined): Set<Node> {
  const reads = new Set<Node>();
  if (!contextName) return reads;
  const path = new RegExp(`\\b${contextName.replace(/\$/g, '\\$')}\\s*\\.\\s*authentication\\s*\\.\\s*methods\\b`);
  // Names bound to the list or to one of its methods, found again until no new one appears (an alias of an alias).
  const related = new Set<string>();
  const mentions = (node: Node): boolean => {
    const written = describeNode(text, node);
    if (path.test(written)) return true;
    for (const name of related) if (new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}\\b`).test(written)) return true;
    return false;
  };
  const bindings: Array<{ name: string; value: Node }> = [];
  const collect = (node: Node): void => {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) bindings.push({ name: node.id.name, value: node.init as Node });
    else if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') bindings.push({ name: node.left.name, value: node.right as Node });
    else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed
      && node.callee.property.type === 'Identifier' && ITEM_METHODS.has(node.callee.property.name)) {
      const fn = node.arguments[0];
      if (fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression')) {
        const param = fn.params[node.callee.property.name === 'reduce' ? 1 : 0];
        if (param?.type === 'Identifier') bindings.push({ name: param.name, value: node.callee.object as Node });
      }
    }
    for (const child of children(node)) collect(child);
  };
  collect(body);
  for (let round = 0; round < 4; round++) {
    const before = related.size;
    for (const { name, value } of bindings) if (!related.has(name) && mentions(value)) related.add(name);
    if (related.size === before) break;
  }
  const find = (node: Node): void => {
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'timestamp' && mentions(node.object as Node)) {
      reads.add(node);
    }
    for (const child of children(node)) find(child);
  };
  find(body);
  return reads;
}
