// Visiting an acorn AST without recursion. Hostile input (a hundred thousand nested brackets,
// a long `a + a + …` chain) makes trees deep enough to overflow the call stack of a recursive
// walker, and an overflow inside V8 at the wrong moment aborts the whole process instead of
// throwing. Every walk over a whole tree uses this explicit stack. Pure: no I/O.
import type * as acorn from 'acorn';

export type AnyNode = acorn.AnyNode;

type NodeRecord = Record<string, unknown>;

/** Appends the child nodes of `node` to `out`, in source order. */
function collectChildren(node: AnyNode, out: AnyNode[]): void {
  const record = node as unknown as NodeRecord;
  for (const key in record) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const child = record[key];
    if (!child || typeof child !== 'object') continue;
    if (Array.isArray(child)) {
      for (const c of child) if (c && typeof (c as NodeRecord).type === 'string') out.push(c as AnyNode);
    } else if (typeof (child as NodeRecord).type === 'string') {
      out.push(child as AnyNode);
    }
  }
}

export interface WalkVisitor {
  /** Called before the children; return false to skip them (and the matching leave). */
  enter(node: AnyNode, parent: AnyNode | undefined): boolean | void;
  /** Called after the children. */
  leave?(node: AnyNode, parent: AnyNode | undefined): void;
}

/**
 * Depth-first, source-order walk with an explicit stack: any depth is fine. The stack is three
 * parallel arrays (no object per frame), and a node is revisited for `leave` only when there is one.
 */
export function walk(root: AnyNode, visitor: WalkVisitor): void {
  const nodes: AnyNode[] = [root];
  const parents: Array<AnyNode | undefined> = [undefined];
  const leaving: boolean[] = [false];
  const leave = visitor.leave;
  while (nodes.length) {
    const node = nodes.pop()!;
    const parent = parents.pop();
    if (leaving.pop()) {
      leave?.(node, parent);
      continue;
    }
    if (visitor.enter(node, parent) === false) continue;
    if (leave) {
      nodes.push(node);
      parents.push(parent);
      leaving.push(true);
    }
    // Children go straight onto the stack in source order, then that stretch is reversed so they come
    // off in source order (no buffer to clear per node: truncating an array is a runtime call in V8).
    const first = nodes.length;
    collectChildren(node, nodes);
    const last = nodes.length - 1;
    for (let i = first; i <= last; i++) {
      parents.push(node);
      leaving.push(false);
    }
    for (let i = first, j = last; i < j; i++, j--) {
      const swap = nodes[i];
      nodes[i] = nodes[j];
      nodes[j] = swap;
    }
  }
}
