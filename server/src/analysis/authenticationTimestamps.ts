// The `timestamp` of an authentication method is milliseconds since 1970 in a Rule
// (`context.authentication.methods[i].timestamp`) and an ISO 8601 string in an Action
// (`event.authentication.methods[i].timestamp`). Arithmetic that worked in the Rule (`timestamp / 1000`,
// `Date.now() - timestamp`) gives NaN in the Action, so the converter marks each read for a person to check.
// Pure: which reads those are, from the syntax tree.
import { walk, type AnyNode as Node } from './walk';

const isFunction = (node: Node): boolean => node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';

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
  // `event.authentication?.methods` too: an Action's event may lack authentication.
  const path = new RegExp(`\\b${contextName.replace(/\$/g, '\\$')}\\s*\\??\\.\\s*authentication\\s*\\??\\.\\s*methods\\b`);
  const names: RegExp[] = [];
  const mentions = (node: Node): boolean => {
    const written = text.slice(node.start, node.end);
    return path.test(written) || names.some((name) => name.test(written));
  };
  const bindings: Array<{ name: string; value: Node }> = [];
  const timestamps: Array<Extract<Node, { type: 'MemberExpression' }>> = [];
  // One walk with an explicit stack (hostile nesting must not overflow the call stack).
  walk(body, {
    enter(node) {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init && !isFunction(node.init as Node)) {
        bindings.push({ name: node.id.name, value: node.init as Node });
      } else if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier' && !isFunction(node.right as Node)) {
        bindings.push({ name: node.left.name, value: node.right as Node });
      } else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed
        && node.callee.property.type === 'Identifier' && ITEM_METHODS.has(node.callee.property.name)) {
        const fn = node.arguments[0] as Node | undefined;
        if (fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression')) {
          const param = fn.params[node.callee.property.name === 'reduce' ? 1 : 0];
          if (param?.type === 'Identifier') bindings.push({ name: param.name, value: node.callee.object as Node });
        }
      } else if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'timestamp') {
        timestamps.push(node);
      }
    },
  });
  if (timestamps.length === 0) return reads;
  // Names bound to the list or to one of its methods, found again until no new one appears (an alias of an alias).
  const related = new Set<string>();
  for (let round = 0; round < 4; round++) {
    const before = related.size;
    for (const { name, value } of bindings) {
      if (related.has(name) || !mentions(value)) continue;
      related.add(name);
      names.push(new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}\\b`));
    }
    if (related.size === before) break;
  }
  for (const node of timestamps) if (mentions(node.object as Node)) reads.add(node);
  return reads;
}
