// Turns whatever a rule leaves in user/context (cycles, functions, getters that throw,
// BigInts, class instances from the vm realm) into plain JSON data for IPC and printing.
import { cutText } from '../../../shared/redact';

const MAX_DEPTH = 40;
/** Longer strings are cut: a rule that puts 100 MB into user/context must not flood the editor. */
const MAX_STRING_LENGTH = 100_000;
/** Values beyond this many, in one result, become "[Truncated]". */
const MAX_VALUES = 200_000;

export function toPlainJson(value: unknown): unknown {
  const ancestors: object[] = [];
  let budget = MAX_VALUES;
  const walk = (item: unknown, depth: number): unknown => {
    if (--budget < 0) return '[Truncated]';
    if (typeof item === 'string') return cutText(item, MAX_STRING_LENGTH);
    if (item === null || typeof item === 'boolean') return item;
    if (typeof item === 'number') return Number.isFinite(item) ? item : null;
    if (typeof item === 'bigint') return item.toString();
    if (typeof item !== 'object') return undefined; // functions, symbols, undefined: dropped like JSON.stringify
    if (ancestors.includes(item)) return '[Circular]';
    if (depth > MAX_DEPTH) return '[Too deep]';
    try {
      if (typeof (item as { toJSON?: unknown }).toJSON === 'function') {
        return walk((item as { toJSON(): unknown }).toJSON(), depth + 1);
      }
      ancestors.push(item);
      if (Array.isArray(item)) return item.map((inner) => walk(inner, depth + 1) ?? null);
      // No prototype: a rule that reached the child's own Object.prototype (through a host object such as
      // `this.constructor`) must not make later runs in this child read keys it planted there.
      const copy: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(item)) {
        const inner = walk((item as Record<string, unknown>)[key], depth + 1);
        if (inner !== undefined) copy[key] = inner;
      }
      return copy;
    } catch (err) {
      return `[Unreadable: ${err instanceof Error ? err.message : String(err)}]`;
    } finally {
      if (ancestors[ancestors.length - 1] === item) ancestors.pop();
    }
  };
  return walk(value, 0);
}
