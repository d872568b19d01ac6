// The runner child's own JavaScript built-ins, recorded before any user code runs, and a check
// that they are still as recorded. A rule can reach the child's realm (any host function's
// constructor leads there) and change what the runner itself uses to build and send its report
// (Array.prototype.map, JSON, Promise.prototype.then…), which would let one rule of a login change
// how the next one is reported. The check uses only functions captured at load time, so changing
// the built-ins cannot change the check.

const ownKeys = Reflect.ownKeys;
const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const getPrototypeOf = Reflect.getPrototypeOf;
const setPrototypeOf = Reflect.setPrototypeOf;
const defineProperty = Reflect.defineProperty;
const deleteProperty = Reflect.deleteProperty;

interface Recorded {
  name: string;
  target: object;
  prototype: object | null;
  /** Every own property (all of them), or only the listed ones (`partial`). */
  keys: (string | symbol)[];
  descriptors: (PropertyDescriptor | undefined)[];
  partial: boolean;
}

/** A property descriptor's parts compared by identity. */
function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.configurable === b.configurable && a.enumerable === b.enumerable;
}

/** A key for a message: built-in names as they are, anything a rule chose reduced to safe characters. */
function describeKey(key: string | symbol): string {
  const text = typeof key === 'symbol' ? `[${String(key.description)}]` : key;
  let safe = '';
  for (let i = 0; i < text.length && i < 60; i++) {
    const c = text[i];
    // Plain comparisons only: the string methods may be the ones that were changed.
    const plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '$' || c === '[' || c === ']' || c === '@' || c === '.';
    safe += plain ? c : '?';
  }
  return safe;
}

function record(name: string, target: object, only?: (string | symbol)[]): Recorded {
  const keys = only ?? ownKeys(target);
  const descriptors: (PropertyDescriptor | undefined)[] = [];
  for (let i = 0; i < keys.length; i++) descriptors[i] = getOwnPropertyDescriptor(target, keys[i]);
  return { name, target, prototype: getPrototypeOf(target), keys, descriptors, partial: only !== undefined };
}

function compare(entry: Recorded): string | null {
  if (getPrototypeOf(entry.target) !== entry.prototype) return `the prototype of ${entry.name} was replaced`;
  for (let i = 0; i < entry.keys.length; i++) {
    if (!sameDescriptor(getOwnPropertyDescriptor(entry.target, entry.keys[i]), entry.descriptors[i])) {
      return `${entry.name}.${describeKey(entry.keys[i])} was changed`;
    }
  }
  if (entry.partial) return null;
  const now = ownKeys(entry.target);
  if (now.length === entry.keys.length) return null;
  for (let i = 0; i < now.length; i++) {
    let known = false;
    for (let j = 0; j < entry.keys.length && !known; j++) known = entry.keys[j] === now[i];
    if (!known) return `${entry.name}.${describeKey(now[i])} was added`;
  }
  return `a property of ${entry.name} was removed`;
}

/** Globals of the child the runner's own code calls (the lazily loaded ones, such as fetch, are left out: Node replaces them on first use). */
const USED_GLOBALS = [
  'Object', 'Array', 'Function', 'String', 'Number', 'Boolean', 'Symbol', 'JSON', 'Reflect', 'Promise', 'Map', 'Set', 'WeakMap',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'Proxy', 'Buffer', 'process',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
];

/** What the child's `process` offers that the runner calls during a run (the guards lock the rest). */
const USED_PROCESS = ['nextTick', 'hrtime', 'uptime', 'memoryUsage', 'emitWarning', 'on', 'once', 'emit'];

/** Puts one recorded object back as it was; false when something cannot be undone (made unchangeable). */
function restoreEntry(entry: Recorded): boolean {
  let ok = getPrototypeOf(entry.target) === entry.prototype || setPrototypeOf(entry.target, entry.prototype);
  for (let i = 0; i < entry.keys.length; i++) {
    const recorded = entry.descriptors[i];
    if (sameDescriptor(getOwnPropertyDescriptor(entry.target, entry.keys[i]), recorded)) continue;
    ok = (recorded === undefined ? deleteProperty(entry.target, entry.keys[i]) : defineProperty(entry.target, entry.keys[i], recorded)) && ok;
  }
  if (entry.partial) return ok;
  const now = ownKeys(entry.target);
  for (let i = 0; i < now.length; i++) {
    let known = false;
    for (let j = 0; j < entry.keys.length && !known; j++) known = entry.keys[j] === now[i];
    if (!known) ok = deleteProperty(entry.target, now[i]) && ok;
  }
  return ok;
}

export interface Builtins {
  /** The first change found, as "Array.prototype.map was changed"; null when there is none. Never throws. */
  check(): string | null;
  /** Undoes every change; false when one could not be undone. */
  restore(): boolean;
}

/** Records the built-ins now. Call it before any user code exists. */
export function recordBuiltins(): Builtins {
  const arrayIterator = getPrototypeOf([][Symbol.iterator]()) as object;
  const entries: Recorded[] = [
    record('Object', Object),
    record('Object.prototype', Object.prototype),
    record('Function.prototype', Function.prototype),
    record('Array', Array),
    record('Array.prototype', Array.prototype),
    record('%ArrayIteratorPrototype%', arrayIterator),
    record('%IteratorPrototype%', getPrototypeOf(arrayIterator) as object),
    record('%MapIteratorPrototype%', getPrototypeOf(new Map()[Symbol.iterator]()) as object),
    record('%SetIteratorPrototype%', getPrototypeOf(new Set()[Symbol.iterator]()) as object),
    record('%StringIteratorPrototype%', getPrototypeOf(''[Symbol.iterator]()) as object),
    record('String.prototype', String.prototype),
    record('Number.prototype', Number.prototype),
    record('Boolean.prototype', Boolean.prototype),
    record('Symbol', Symbol),
    record('Symbol.prototype', Symbol.prototype),
    record('RegExp.prototype', RegExp.prototype),
    record('Promise', Promise),
    record('Promise.prototype', Promise.prototype),
    record('Map.prototype', Map.prototype),
    record('Set.prototype', Set.prototype),
    record('WeakMap.prototype', WeakMap.prototype),
    record('JSON', JSON),
    record('Reflect', Reflect),
    record('Error.prototype', Error.prototype),
    record('globalThis', globalThis, USED_GLOBALS.filter((name) => getOwnPropertyDescriptor(globalThis, name) !== undefined)),
    record('process', process, USED_PROCESS),
  ];
  const check = (): string | null => {
    try {
      for (let i = 0; i < entries.length; i++) {
        const problem = compare(entries[i]);
        if (problem !== null) return problem;
      }
      return null;
    } catch {
      return 'the built-ins could not be checked';
    }
  };
  const restore = (): boolean => {
    try {
      let ok = true;
      for (let i = 0; i < entries.length; i++) ok = restoreEntry(entries[i]) && ok;
      return ok && check() === null;
    } catch {
      return false;
    }
  };
  return { check, restore };
}
