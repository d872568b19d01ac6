// Reading the values a condition of a Rule or Action compares with, shared by the login matrix's scanners
// (loginMatrix.ts for the inputs, loginClock.ts for the clock). Pure: no I/O.
import type * as acorn from 'acorn';

type Node = acorn.AnyNode;

/** The property name of `a.b` or `a['b']`, else undefined. */
export function memberName(node: acorn.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

/** The child nodes of `node`, in key order. */
export function* children(node: Node): Generator<Node> {
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

/** The value of a string, number, boolean or null literal, or of a template without expressions. */
export function literalValue(node: Node | null | undefined): { value: unknown } | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null)) return { value: node.value };
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return { value: node.quasis[0]?.value.cooked ?? '' };
  return undefined;
}

/** The source of `node`, on one line. */
export function describeNode(text: string, node: Node): string {
  return text.slice(node.start, node.end).replace(/\s+/g, ' ');
}
