// A Rule's `context.request.geoip` names its fields in snake_case (`country_code`), an Action's
// `event.request.geoip` in camelCase (`countryCode`). The converter renames direct reads from the
// member table; this finds the Rule's local names for the object (`var geo = context.request.geoip;`,
// optionally `|| {}` or `?? {}`) so the converter can rename the reads made through them too (`geo.country_code`),
// and tells whether the name is used in any other way, which still needs a person's look. A declaration that
// destructures the object (`const { country_code, city_name: city } = context.request.geoip;`) gets its keys
// renamed instead (`{ countryCode: country_code, cityName: city }`): the local names, and so the rest of the code, stay.
// Pure: from the syntax tree of the rule function.
import type * as acorn from 'acorn';
import { memberName } from './conditionSyntax';
import { geoipRenames } from './ruleToAction';
import { isReference, patternNames } from './scope';
import { walk, type AnyNode as Node } from './walk';

type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;

export interface GeoipFieldRename {
  /** The member's property node: an identifier, or a string literal of a computed member (`geo['country_code']`). */
  property: Node;
  /** Its text in the Action (`countryCode`, or `'countryCode'` with the literal's own quotes). */
  text: string;
  ruleName: string;
  actionName: string;
}

export interface GeoipAlias {
  /** The local name; for a destructuring declaration, its local names joined with ', '. */
  name: string;
  /** Whether the declaration destructures the object (its renames are the pattern's keys) rather than naming it. */
  destructured: boolean;
  /** The `<context>.request.geoip` member its declaration reads. */
  init: Node;
  /** The reads (and writes) of a field of the table through the name, whose names differ in an Action. */
  renames: GeoipFieldRename[];
  /**
   * Whether the name is used other than as a field of the table (`geo.country_code`) or a presence test
   * (`if (geo)`, `geo && …`, `!geo`, `geo ? … : …`): passed on, stored, spread, read with a computed key,
   * read for a field the table lacks, or a field written. For a destructuring: a key the table lacks, a computed
   * key, a rest element, or a local name bound again or assigned.
   */
  escapes: boolean;
}

const isFunction = (node: Node): node is NodeOf<'FunctionExpression' | 'FunctionDeclaration' | 'ArrowFunctionExpression'> =>
  node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration' || node.type === 'ArrowFunctionExpression';

/** Nodes whose body holds a `let`/`const` declared directly inside. */
const isBlockScope = (node: Node): boolean => isFunction(node) || node.type === 'BlockStatement' || node.type === 'Program'
  || node.type === 'ForStatement' || node.type === 'ForInStatement' || node.type === 'ForOfStatement' || node.type === 'SwitchStatement'
  || node.type === 'StaticBlock';

/** A test of the object's presence only: `if (x)`, `x ? … : …`, `!x`, `x && …`. */
export function isPresenceTest(node: Node, user: Node | undefined): boolean {
  if (!user) return false;
  if ((user.type === 'IfStatement' || user.type === 'ConditionalExpression') && user.test === node) return true;
  if (user.type === 'UnaryExpression' && user.operator === '!') return true;
  return user.type === 'LogicalExpression' && user.operator === '&&' && user.left === node;
}

/** `<context>.request.geoip` itself, or that `|| {}` or `?? {}`: the member read, else undefined. */
function geoipRead(init: Node | null | undefined, contextName: string): Node | undefined {
  if (!init) return undefined;
  if (init.type === 'LogicalExpression' && (init.operator === '||' || init.operator === '??') && init.right.type === 'ObjectExpression' && init.right.properties.length === 0) {
    return geoipRead(init.left, contextName);
  }
  if (init.type !== 'MemberExpression' || memberName(init) !== 'geoip' || init.optional) return undefined;
  const request = init.object;
  if (request.type !== 'MemberExpression' || memberName(request) !== 'request' || request.optional) return undefined;
  return request.object.type === 'Identifier' && request.object.name === contextName ? init : undefined;
}

/** The TODO's words on what was renamed anyway, when the declaration still needs a person's look ('' when nothing was). */
export function renamedNote(alias: GeoipAlias): string {
  if (alias.destructured) {
    const keys = [...new Set(alias.renames.map((r) => `${r.ruleName} → ${r.actionName}`))];
    // The pattern's own text may span lines, which a line comment cannot hold: only the keys are named.
    return keys.length ? ` The destructuring's keys were renamed (${keys.join(', ')}), keeping its local names; its other keys, computed keys and rest element were not.` : '';
  }
  const renamed = [...new Set(alias.renames.map((r) => `${alias.name}.${r.ruleName} → ${alias.name}.${r.actionName}`))];
  return renamed.length ? ` Its field reads through ${alias.name} were renamed (${renamed.join(', ')}); its other uses were not.` : '';
}

/**
 * `{ country_code, city_name: city = 'x' }` read from the object: each key the table renames, written with the Action's
 * name and the Rule's local name kept; escapes unless every key is a plain one in the table.
 */
function destructuring(pattern: NodeOf<'ObjectPattern'>, text: string): { renames: GeoipFieldRename[]; escapes: boolean } {
  const renames: GeoipFieldRename[] = [];
  let escapes = false;
  for (const prop of pattern.properties) {
    if (prop.type === 'RestElement' || prop.computed) {
      escapes = true;
      continue;
    }
    const key = prop.key;
    const field = key.type === 'Identifier' ? key.name : key.type === 'Literal' && typeof key.value === 'string' ? key.value : undefined;
    const actionName = field === undefined ? undefined : geoipRenames.get(field);
    if (field === undefined || actionName === undefined) {
      escapes = true;
      continue;
    }
    if (actionName === field) continue;
    const quote = key.type === 'Literal' ? (key.raw ?? "'").charAt(0) : '';
    // `{ country_code }` and `{ country_code = 'US' }` are shorthand: the key becomes `countryCode: country_code`.
    const renamed = prop.shorthand ? `${actionName}: ${text.slice(key.start, key.end)}` : `${quote}${actionName}${quote}`;
    renames.push({ property: key, text: renamed, ruleName: field, actionName });
  }
  return { renames, escapes };
}

interface Candidate {
  name: string;
  declarator: NodeOf<'VariableDeclarator'>;
  init: Node;
  /** Where the name is visible: the function of a `var`, the block of a `let`/`const`. */
  scope: Node;
}

/**
 * The names in the rule function `fn` that hold `<contextName>.request.geoip` and nothing else: declared once in
 * the whole function (no other binding of the name anywhere in it, nested functions included), never assigned,
 * with the context parameter bound nowhere else either, so every use of the name in its scope is the object.
 * Keyed by the `<context>.request.geoip` member of the declaration.
 */
export function geoipAliases(fn: Node, contextName: string | undefined, text: string): Map<Node, GeoipAlias> {
  const aliases = new Map<Node, GeoipAlias>();
  if (!contextName) return aliases;
  const bindings = new Map<string, number>();
  const written = new Set<string>();
  const candidates: Candidate[] = [];
  const patterns: Array<{ pattern: NodeOf<'ObjectPattern'>; init: Node }> = [];
  const bind = (names: readonly string[]): void => { for (const n of names) bindings.set(n, (bindings.get(n) ?? 0) + 1); };
  const ancestors: Node[] = [];
  walk(fn, {
    enter(node, parent) {
      if (isFunction(node)) {
        bind(node.params.flatMap((p) => patternNames(p)));
        if (node.id) bind([node.id.name]);
      } else if (node.type === 'VariableDeclarator') {
        bind(patternNames(node.id));
        if (node.id.type === 'ObjectPattern') {
          const read = geoipRead(node.init, contextName);
          if (read) patterns.push({ pattern: node.id, init: read });
        }
        const init = node.id.type === 'Identifier' ? geoipRead(node.init, contextName) : undefined;
        const declaration = parent?.type === 'VariableDeclaration' ? parent : undefined;
        if (init && declaration && node.id.type === 'Identifier') {
          const scopes = ancestors.slice(0, -1).reverse();
          const scope = declaration.kind === 'var' ? scopes.find((n) => isFunction(n)) : scopes.find(isBlockScope);
          if (scope) candidates.push({ name: node.id.name, declarator: node, init, scope });
        }
      } else if (node.type === 'CatchClause') {
        bind(patternNames(node.param));
      } else if ((node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && node.id) {
        bind([node.id.name]);
      } else if (node.type === 'AssignmentExpression') {
        for (const n of patternNames(node.left)) written.add(n);
      } else if (node.type === 'UpdateExpression' && node.argument.type === 'Identifier') {
        written.add(node.argument.name);
      } else if ((node.type === 'ForInStatement' || node.type === 'ForOfStatement') && node.left.type !== 'VariableDeclaration') {
        for (const n of patternNames(node.left)) written.add(n);
      }
      ancestors.push(node);
    },
    leave() {
      ancestors.pop();
    },
  });
  if (bindings.get(contextName) !== 1 || written.has(contextName)) return aliases;
  // A destructuring copies the fields out once: its keys are renamed whatever happens to the local names later,
  // but a name bound again or assigned is left to a person, as an alias would be.
  for (const { pattern, init } of patterns) {
    const { renames, escapes } = destructuring(pattern, text);
    const rebound = patternNames(pattern).some((n) => bindings.get(n) !== 1 || written.has(n));
    aliases.set(init, { name: patternNames(pattern).join(', '), destructured: true, init, renames, escapes: escapes || rebound });
  }
  const chosen = new Map<string, Candidate>();
  for (const c of candidates) if (bindings.get(c.name) === 1 && !written.has(c.name) && c.name !== contextName) chosen.set(c.name, c);
  if (chosen.size === 0) return aliases;
  for (const c of chosen.values()) aliases.set(c.init, { name: c.name, destructured: false, init: c.init, renames: [], escapes: false });

  // Every use of a chosen name inside its scope: a field read the table renames, a presence test, or an escape.
  const parents: Array<Node | undefined> = [];
  walk(fn, {
    enter(node, parent) {
      const grandparent = parents[parents.length - 1];
      parents.push(parent);
      if (node.type !== 'Identifier') return;
      const candidate = chosen.get(node.name);
      if (!candidate || node === candidate.declarator.id || node.start < candidate.scope.start || node.end > candidate.scope.end) return;
      if (!isReference(node as acorn.Identifier, parent)) return;
      const alias = aliases.get(candidate.init)!;
      if (parent?.type === 'MemberExpression' && parent.object === node) {
        const field = memberName(parent);
        const actionName = field === undefined ? undefined : geoipRenames.get(field);
        if (field === undefined || actionName === undefined) {
          alias.escapes = true;
          return;
        }
        // A field written (or deleted) through the name changes the event: renamed the same, and left to a person.
        if ((grandparent?.type === 'AssignmentExpression' && grandparent.left === parent)
          || (grandparent?.type === 'UpdateExpression' && grandparent.argument === parent)
          || (grandparent?.type === 'UnaryExpression' && grandparent.operator === 'delete')) {
          alias.escapes = true;
        }
        if (actionName !== field) {
          const property = parent.property;
          const quote = property.type === 'Literal' ? (property.raw ?? "'").charAt(0) : '';
          alias.renames.push({ property, text: `${quote}${actionName}${quote}`, ruleName: field, actionName });
        }
        return;
      }
      if (!isPresenceTest(node, parent)) alias.escapes = true;
    },
    leave() {
      parents.pop();
    },
  });
  return aliases;
}
