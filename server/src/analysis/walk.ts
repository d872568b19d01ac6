// Visiting an acorn AST without recursion. Hostile input (a hundred thousand nested brackets,
// a long `a + a + …` chain) makes trees deep enough to overflow the call stack of a recursive
// walker, and an overflow inside V8 at the wrong moment aborts the whole process instead of
// throwing. Every walk over a whole tree uses this explicit stack. Pure: no I/O.
import type * as acorn from 'acorn';

export type AnyNode = acorn.AnyNode;

type NodeRecord = Record<string, unknown>;

/** The child nodes of `node`, in source order. */
export function childNodes(node: AnyNode): AnyNode[] {
  const children: AnyNode[] = [];
  const record = node as unknown as NodeRecord;
  for (const key in record) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const child = record[key];
    if (!child || typeof child !== 'object') continue;
    if (Array.isArray(child)) {
      for (const c of child) if (c && typeof (c as NodeRecord).type === 'string') children.push(c as AnyNode);
    } else if (typeof (child as NodeRecord).type === 'string') {
      children.push(child as AnyNode);
    }
  }
  return children;
}

export interface WalkVisitor {
  /** Called before the children; return false to skip them (and the matching leave). */
  enter(node: AnyNode, parent: AnyNode | undefined): boolean | void;
  /** Called after the children. */
  leave?(node: AnyNode, parent: AnyNode | undefined): void;
}

/** Depth-first, source-order walk with an explicit stack: any depth is fine. */
export function walk(root: AnyNode, visitor: WalkVisitor): void {
  const stack: Array<{ node: AnyNode; parent: AnyNode | undefined; leaving: boolean }> = [{ node: root, parent: undefined, leaving: false }];
  while (stack.length) {
    const frame = stack.pop()!;
    if (frame.leaving) {
      visitor.leave?.(frame.node, frame.parent);
      continue;
    }
    if (visitor.enter(frame.node, frame.parent) === false) continue;
    stack.push({ node: frame.node, parent: frame.parent, leaving: true });
    const children = childNodes(frame.node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], parent: frame.node, leaving: false });
  }
}
