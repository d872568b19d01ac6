// Free references: identifiers that no enclosing scope of the file declares. An Action that
// reads a Rules global (`configuration`, `context`, `user` …) fails with a ReferenceError at
// every login unless the Action declares the name itself. Scopes are per function (let/const
// and class names count for the whole function, which only ever hides more), plus catch
// clauses and the module. Iterative, so hostile nesting cannot overflow the stack. Pure.
import type * as acorn from 'acorn';
import { walk, type AnyNode } from './walk';

/** How the outermost member expression built on the reference is used. */
export type ReferenceAccess = 'read' | 'write' | 'call';

export interface FreeReference {
  name: string;
  /** The identifier. */
  node: acorn.Identifier;
  /** Member expressions built on it, innermost first (`configuration.X.y` → [configuration.X, configuration.X.y]). */
  members: acorn.MemberExpression[];
  /** The static names of those members (stops at the first computed, non-literal one). */
  path: string[];
  /** The node using the outermost member (or the identifier when there is none). */
  user: AnyNode | undefined;
  /** The node around `user`. */
  userParent: AnyNode | undefined;
  /** The nearest function around the reference. */
  enclosingFunction: AnyNode | undefined;
  access: ReferenceAccess;
}

type Scope = Set<string>;

function isFunction(node: AnyNode): node is acorn.FunctionDeclaration | acorn.FunctionExpression | acorn.ArrowFunctionExpression {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** Names bound by a pattern (`a`, `{ a, b: [c] }`, `...rest`, `a = 1`), without recursion. */
export function patternNames(pattern: AnyNode | null | undefined): string[] {
  const names: string[] = [];
  const stack: Array<AnyNode | null | undefined> = [pattern];
  while (stack.length) {
    const p = stack.pop();
    if (!p) continue;
    if (p.type === 'Identifier') names.push(p.name);
    else if (p.type === 'ObjectPattern') for (const prop of p.properties) stack.push(prop.type === 'RestElement' ? prop.argument : prop.value);
    else if (p.type === 'ArrayPattern') for (const el of p.elements) stack.push(el);
    else if (p.type === 'RestElement') stack.push(p.argument);
    else if (p.type === 'AssignmentPattern') stack.push(p.left);
  }
  return names;
}

/** The scope-owning node for each declaration: functions, catch clauses and the program. */
function collectScopes(program: acorn.Program): Map<AnyNode, Scope> {
  const scopes = new Map<AnyNode, Scope>([[program, new Set()]]);
  const owners: AnyNode[] = [program];
  const current = (): Scope => scopes.get(owners[owners.length - 1])!;
  walk(program, {
    enter(node) {
      if (isFunction(node)) {
        // A declaration's name lives in the enclosing scope; an expression's name only inside itself.
        if (node.type === 'FunctionDeclaration' && node.id) current().add(node.id.name);
        const own: Scope = new Set(node.params.flatMap((p) => patternNames(p)));
        if (node.type === 'FunctionExpression' && node.id) own.add(node.id.name);
        scopes.set(node, own);
        owners.push(node);
      } else if (node.type === 'CatchClause') {
        scopes.set(node, new Set(patternNames(node.param)));
        owners.push(node);
      } else if (node.type === 'VariableDeclaration') {
        // `var` inside a catch clause still belongs to the function; the difference only ever hides more.
        for (const d of node.declarations) for (const name of patternNames(d.id)) current().add(name);
      } else if (node.type === 'ClassDeclaration' && node.id) {
        current().add(node.id.name);
      }
    },
    leave(node) {
      if (owners[owners.length - 1] === node) owners.pop();
    },
  });
  return scopes;
}

/** Whether an identifier with this parent is a name being referenced (not a key, label or binding). */
export function isReference(node: acorn.Identifier, parent: AnyNode | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression': return parent.object === node || parent.computed;
    case 'Property': return parent.value === node || (parent.computed && parent.key === node);
    case 'MethodDefinition':
    case 'PropertyDefinition': return parent.computed && parent.key === node;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement': return false;
    case 'VariableDeclarator': return parent.init === node;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression': return parent.body === node;
    case 'ClassDeclaration':
    case 'ClassExpression': return parent.superClass === node;
    case 'CatchClause': return false;
    case 'AssignmentPattern': return parent.right === node;
    case 'ArrayPattern':
    case 'RestElement':
    case 'ObjectPattern': return false;
    case 'UnaryExpression': return parent.operator !== 'typeof';
    default: return true;
  }
}

/** A static member name: `a.b` or `a['b']`. */
function staticName(member: acorn.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.computed && member.property.type === 'Literal' && typeof member.property.value === 'string') return member.property.value;
  return undefined;
}

/**
 * Every reference to one of `names` that no enclosing scope declares, in source order.
 * Object-pattern values inside `{ … } = x` assignments are treated as bindings (they are rare
 * and only ever hide a finding).
 */
export function findFreeReferences(program: acorn.Program, names: ReadonlySet<string>): FreeReference[] {
  const scopes = collectScopes(program);
  const chain: Scope[] = [];
  const ancestors: AnyNode[] = [];
  const found: FreeReference[] = [];
  walk(program, {
    enter(node, parent) {
      ancestors.push(node);
      const scope = scopes.get(node);
      if (scope) chain.push(scope);
      if (node.type !== 'Identifier' || !names.has(node.name) || !isReference(node, parent)) return;
      if (chain.some((s) => s.has(node.name))) return;
      const members: acorn.MemberExpression[] = [];
      const path = [node.name];
      let top: AnyNode = node;
      let static_ = true;
      for (let i = ancestors.length - 2; i >= 0; i--) {
        const up = ancestors[i];
        if (up.type !== 'MemberExpression' || up.object !== top) break;
        members.push(up);
        const name = staticName(up);
        if (static_ && name !== undefined) path.push(name);
        else static_ = false;
        top = up;
      }
      const user = ancestors[ancestors.length - 2 - members.length];
      const userParent = ancestors[ancestors.length - 3 - members.length];
      let access: ReferenceAccess = 'read';
      if (user?.type === 'AssignmentExpression' && user.left === top) access = 'write';
      else if (user?.type === 'UpdateExpression' || (user?.type === 'UnaryExpression' && user.operator === 'delete')) access = 'write';
      else if (user?.type === 'CallExpression' && user.callee === top) access = 'call';
      let enclosingFunction: AnyNode | undefined;
      for (let i = ancestors.length - 2; i >= 0 && !enclosingFunction; i--) if (isFunction(ancestors[i])) enclosingFunction = ancestors[i];
      found.push({ name: node.name, node, members, path, user, userParent, enclosingFunction, access });
    },
    leave(node) {
      ancestors.pop();
      if (scopes.has(node)) chain.pop();
    },
  });
  return found;
}
