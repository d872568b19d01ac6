// A vm context that a batch of logins reuses, because creating a context costs more than running a
// Duo rule in it. Reuse must never let one login see anything of another, so a context is reused
// only after a login that provably left it as it was created:
//
// - Everything the code is handed that it may keep (console, callback, api, auth0, require) is
//   made inside the context's own realm, so no object of the child's realm, and no function that
//   could schedule work for later, is reachable without going through a guard.
// - Every guard marks the login "tainted": the child's globals (Buffer, URL, timers, process,
//   fetch, crypto…), a call of require, and code made from strings (eval, Function and its async/generator kin, which can reach
//   import(), whose error object belongs to the child's realm). So can the realm's own ways of
//   calling back later: WebAssembly, Atomics, FinalizationRegistry. A tainted login's context is
//   dropped: something of it may still run later.
// - So does every way to change what a property is or an object's prototype or extensibility
//   (Object.defineProperty and kin, freeze, setPrototypeOf, __proto__, __defineGetter__,
//   Error.captureStackTrace): what a clean login can do to existing objects is assign, add and
//   delete properties.
// - After an untainted login, its globals are removed and every object reachable from the global or
//   from values any code can make (iterator and generator prototypes) is compared with a snapshot taken before the first login:
//   own keys in order, how many are enumerable, the value of each writable property, prototype and
//   extensibility. The legacy RegExp statics (RegExp.$1, RegExp.input) are reset. Any difference
//   drops the context.
//
// What the check cannot see (script-scope `let` of indirect eval, closures kept by a pending host
// callback) is reachable only through the guards above. The inputs of each login are parsed afresh
// inside the realm. The child process, not the realm, remains the security boundary.
import * as vm from 'node:vm';
import { toPlainJson } from './plainJson';

/** How the realm reaches the login in progress. None of these may throw into the realm. */
export interface LoginBridge {
  /** `console.*` with its arguments (objects as their plain JSON copy). */
  log(args: unknown[]): void;
  /** An `api.*` call of an Action, arguments as given. */
  record(name: string, args: unknown[]): void;
  /** The Rule's callback. */
  callback(args: unknown[]): void;
  /** `auth0.users.update*`; true when the code passed a callback, which the bridge schedules. */
  update(name: string, args: unknown[]): boolean;
  /** The promise returned by onExecutePostLogin settled. */
  settled(ok: boolean, value: unknown): void;
  /** The login's own host globals (timers, process): reached only through a guard. */
  hostGlobal(name: string): unknown;
  /** The sandbox's require (reached only through a guard). */
  require(id: unknown): unknown;
}

/** What the realm made for one login. */
export interface LoginObjects {
  console: unknown;
  callback: unknown;
  api: unknown;
  auth0: unknown;
  /** Resolves the handler's result inside the realm and reports it through `settled`. */
  settle(pending: unknown): void;
  require: unknown;
}

/** Host globals whose value is the same for every login (reached only through a guard). */
const CONSTANT_GLOBALS: Record<string, () => unknown> = {
  Buffer: () => Buffer,
  URL: () => URL,
  URLSearchParams: () => URLSearchParams,
  TextEncoder: () => TextEncoder,
  TextDecoder: () => TextDecoder,
  AbortController: () => AbortController,
  AbortSignal: () => AbortSignal,
  atob: () => atob,
  btoa: () => btoa,
  structuredClone: () => structuredClone,
  queueMicrotask: () => queueMicrotask,
  // Node loads these on first access: keep that cost for code that uses them.
  fetch: () => globalThis.fetch,
  crypto: () => globalThis.crypto,
};
/** Host globals that belong to the login in progress. */
export const LOGIN_HOST_GLOBALS = ['process', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'];
/** The realm's own ways to run code later or to make code from strings. */
const GUARDED_INTRINSICS = ['eval', 'WebAssembly', 'Atomics', 'FinalizationRegistry'];

const REALM_SETUP = new vm.Script(`(function (host) {
  'use strict';
  const taint = host.taint, hostGet = host.get, hostSet = host.set, hostLog = host.log, hostRecord = host.record;
  const hostCallback = host.callback, hostUpdate = host.update, hostSettled = host.settled, hostRequire = host.require;
  const apply = Reflect.apply, construct = Reflect.construct, getPrototypeOf = Object.getPrototypeOf;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, defineProperty = Object.defineProperty;
  const RealPromise = Promise, promiseThen = Promise.prototype.then, promiseResolve = Promise.resolve, RealProxy = Proxy;
  globalThis.global = globalThis;
  globalThis.UnauthorizedError = class UnauthorizedError extends Error {
    constructor(message) { super(message); this.name = 'UnauthorizedError'; }
  };
  const guardConstructor = (Real, proto) => new RealProxy(Real, {
    apply(target, self, args) { taint(); return apply(target, self, args); },
    construct(target, args, newTarget) { taint(); return construct(target, args, newTarget); },
    getPrototypeOf(target) { return proto === undefined ? getPrototypeOf(target) : proto; },
  });
  const GuardedFunction = guardConstructor(Function);
  const replaceConstructor = (prototype, value) => {
    const descriptor = getOwnPropertyDescriptor(prototype, 'constructor');
    descriptor.value = value;
    defineProperty(prototype, 'constructor', descriptor);
  };
  replaceConstructor(Function.prototype, GuardedFunction);
  for (const sample of [async function () {}, function* () {}, async function* () {}]) {
    const prototype = getPrototypeOf(sample);
    replaceConstructor(prototype, guardConstructor(prototype.constructor, GuardedFunction));
  }
  globalThis.Function = GuardedFunction;
  // Everything that changes what a property is (accessor or data, its attributes), an object's
  // prototype or its extensibility, other than assignment and delete. With these guarded, a clean
  // login can only have assigned, added or deleted properties, which the check below sees cheaply.
  const guardFunction = (fn) => new RealProxy(fn, { apply(target, self, args) { taint(); return apply(target, self, args); } });
  const guardMethod = (holder, key) => {
    const descriptor = getOwnPropertyDescriptor(holder, key);
    descriptor.value = guardFunction(descriptor.value);
    defineProperty(holder, key, descriptor);
  };
  for (const key of ['defineProperty', 'defineProperties', 'setPrototypeOf', 'freeze', 'seal', 'preventExtensions']) guardMethod(Object, key);
  for (const key of ['defineProperty', 'setPrototypeOf', 'preventExtensions']) guardMethod(Reflect, key);
  for (const key of ['__defineGetter__', '__defineSetter__']) guardMethod(Object.prototype, key);
  guardMethod(Error, 'captureStackTrace');
  const protoAccessor = getOwnPropertyDescriptor(Object.prototype, '__proto__');
  protoAccessor.set = guardFunction(protoAccessor.set);
  defineProperty(Object.prototype, '__proto__', protoAccessor);
  const accessor = (name) => ({ get: function () { return hostGet(name); }, set: function (value) { hostSet(name, value); } });
  const require = function require(id) { return hostRequire(id); };
  const login = (serial) => {
    const log = function () { hostLog(serial, arguments); };
    const console = { log, info: log, warn: log, error: log, debug: log, trace: log, dir: function (value) { hostLog(serial, [value]); } };
    const callback = function (err, user, context) { hostCallback(serial, arguments); };
    const api = {};
    const method = (name) => (...args) => { hostRecord(serial, name, args); return api; };
    api.multifactor = { enable: method('multifactor.enable') };
    api.access = { deny: method('access.deny') };
    api.idToken = { setCustomClaim: method('idToken.setCustomClaim') };
    api.accessToken = { setCustomClaim: method('accessToken.setCustomClaim'), addScope: method('accessToken.addScope'), removeScope: method('accessToken.removeScope') };
    api.user = { setAppMetadata: method('user.setAppMetadata'), setUserMetadata: method('user.setUserMetadata') };
    api.redirect = { sendUserTo: method('redirect.sendUserTo'), encodeToken: () => 'mock.redirect.token', validateToken: () => ({}) };
    api.cache = { get: () => undefined, set: method('cache.set'), delete: method('cache.delete') };
    const update = (name) => (...args) => (hostUpdate(serial, name, args) ? undefined : apply(promiseResolve, RealPromise, []));
    const auth0 = {
      accessToken: 'mock-management-api-access-token',
      domain: 'example-tenant.us.auth0.com',
      baseUrl: 'https://example-tenant.us.auth0.com/api/v2',
      users: { updateAppMetadata: update('updateAppMetadata'), updateUserMetadata: update('updateUserMetadata') },
    };
    const settle = (pending) => {
      const settled = new RealPromise((resolve) => resolve(pending));
      apply(promiseThen, settled, [() => hostSettled(serial, true, undefined), (err) => hostSettled(serial, false, err)]);
    };
    return { console, callback, api, auth0, settle, require };
  };
  // The check runs inside the realm (crossing realms per property costs far more), with functions
  // taken before any user code ran. A clean login (none of the guards above used) can only have
  // assigned, added or deleted properties: added or deleted keys change the own keys; a deleted
  // property added again by assignment is enumerable, which every non-enumerable one of the
  // snapshot was not; an assigned value differs from the snapshot's. Reading a data property runs
  // no code of the login.
  const ownKeys = Reflect.ownKeys, objectKeys = Object.keys, isExtensible = Object.isExtensible, is = Object.is;
  const snapshot = (roots) => {
    const seen = new Set(), states = [], pending = [...roots];
    const visit = (value) => { if ((typeof value === 'object' && value !== null) || typeof value === 'function') pending.push(value); };
    while (pending.length > 0) {
      const object = pending.pop();
      if (seen.has(object)) continue;
      seen.add(object);
      const keys = ownKeys(object), watched = [], values = [];
      for (let i = 0; i < keys.length; i++) {
        const descriptor = getOwnPropertyDescriptor(object, keys[i]);
        visit(descriptor.value);
        visit(descriptor.get);
        visit(descriptor.set);
        if (descriptor.writable) {
          watched[watched.length] = keys[i];
          values[values.length] = descriptor.value;
        }
      }
      const proto = getPrototypeOf(object);
      visit(proto);
      states[states.length] = { object, proto, extensible: isExtensible(object), keys, enumerable: objectKeys(object).length, watched, values };
    }
    return states;
  };
  let states = null;
  const unchanged = () => {
    for (let s = 0; s < states.length; s++) {
      const state = states[s], object = state.object;
      if (getPrototypeOf(object) !== state.proto || isExtensible(object) !== state.extensible) return false;
      const keys = ownKeys(object), expected = state.keys;
      if (keys.length !== expected.length) return false;
      for (let i = 0; i < keys.length; i++) if (keys[i] !== expected[i]) return false;
      if (objectKeys(object).length !== state.enumerable) return false;
      const watched = state.watched, values = state.values;
      for (let i = 0; i < watched.length; i++) if (!is(object[watched[i]], values[i])) return false;
    }
    return true;
  };
  // Intrinsics no global property leads to, reachable from values any code can make: the prototypes
  // of async and generator functions, of generators, and of the iterators of arrays, maps, sets,
  // strings, regular expressions, iterator helpers and segmenters.
  const hiddenIntrinsics = () => {
    const found = [];
    const add = (make) => { try { found[found.length] = getPrototypeOf(make()); } catch { /* not in this Node */ } };
    add(() => async function () {});
    add(() => function* () {});
    add(() => async function* () {});
    add(() => (function* () {})());
    add(() => (async function* () {})());
    add(() => [][Symbol.iterator]());
    add(() => new Map()[Symbol.iterator]());
    add(() => new Set()[Symbol.iterator]());
    add(() => ''[Symbol.iterator]());
    add(() => /a/[Symbol.matchAll](''));
    add(() => [].values().map((x) => x));
    add(() => Iterator.from({ next() { return { done: true }; } }));
    add(() => new Intl.Segmenter().segment(''));
    add(() => new Intl.Segmenter().segment('')[Symbol.iterator]());
    return found;
  };
  const takeSnapshot = () => { states = snapshot([globalThis, ...hiddenIntrinsics()]); };
  return { accessor, login, takeSnapshot, unchanged, parse: JSON.parse, regExpExec: RegExp.prototype.exec, emptyRegExp: /(?:)/ };
})`);

interface RealmTools {
  accessor(name: string): { get: () => unknown; set: (value: unknown) => void };
  login(serial: number): LoginObjects;
  parse(text: string): unknown;
  takeSnapshot(): void;
  unchanged(): boolean;
  regExpExec: (this: RegExp, text: string) => unknown;
  emptyRegExp: RegExp;
}

const { ownKeys, apply } = Reflect;

/** An object the code logs, as plain data with ordinary prototypes (so it prints as util.format prints JSON data). */
function plainCopy(value: unknown): unknown {
  const plain = toPlainJson(value);
  return plain === undefined ? undefined : JSON.parse(JSON.stringify(plain));
}

export class ReusableRealm {
  readonly context: vm.Context;
  private readonly sandbox: Record<string, unknown> = {};
  private readonly tools: RealmTools;
  private readonly baselineSandboxKeys: ReadonlySet<string | symbol>;
  private readonly overrides = new Map<string, unknown>();
  private serial = 0;
  private bridge: LoginBridge | null = null;
  private tainted = false;

  constructor(name: string) {
    this.context = vm.createContext(this.sandbox, { name });
    const intrinsics = new Map(GUARDED_INTRINSICS.map((key) => [key, vm.runInContext(`globalThis[${JSON.stringify(key)}]`, this.context)]));
    const current = (serial: number) => (serial === this.serial ? this.bridge : null);
    const host = {
      taint: () => {
        this.tainted = true;
      },
      get: (key: string) => {
        this.tainted = true;
        if (this.overrides.has(key)) return this.overrides.get(key);
        if (intrinsics.has(key)) return intrinsics.get(key);
        const constant = CONSTANT_GLOBALS[key];
        return constant ? constant() : this.bridge?.hostGlobal(key);
      },
      set: (key: string, value: unknown) => {
        this.tainted = true;
        this.overrides.set(key, value);
      },
      // Node's inspect would hand an object's own custom inspect method objects of the child's realm:
      // objects are logged as their plain copy instead.
      log: (serial: number, args: ArrayLike<unknown>) => current(serial)?.log((Array.prototype.slice.call(args) as unknown[]).map((a) => ((typeof a === 'object' && a !== null) || typeof a === 'function' ? plainCopy(a) : a))),
      record: (serial: number, name: string, args: ArrayLike<unknown>) => current(serial)?.record(name, Array.prototype.slice.call(args) as unknown[]),
      callback: (serial: number, args: ArrayLike<unknown>) => current(serial)?.callback(Array.prototype.slice.call(args) as unknown[]),
      update: (serial: number, name: string, args: ArrayLike<unknown>) => current(serial)?.update(name, Array.prototype.slice.call(args) as unknown[]) ?? false,
      settled: (serial: number, ok: boolean, value: unknown) => current(serial)?.settled(ok, value),
      require: (id: unknown) => {
        this.tainted = true;
        return this.bridge?.require(id);
      },
    };
    this.tools = (REALM_SETUP.runInContext(this.context) as (h: typeof host) => RealmTools)(host);
    for (const key of [...Object.keys(CONSTANT_GLOBALS), ...LOGIN_HOST_GLOBALS]) {
      const { get, set } = this.tools.accessor(key);
      Object.defineProperty(this.sandbox, key, { get, set, enumerable: true, configurable: false });
    }
    for (const key of GUARDED_INTRINSICS) {
      const { get, set } = this.tools.accessor(key);
      Object.defineProperty(this.sandbox, key, { get, set, enumerable: false, configurable: false });
    }
    this.sandbox.require = this.tools.login(0).require;
    this.baselineSandboxKeys = new Set(ownKeys(this.sandbox));
    this.tools.takeSnapshot();
  }

  /** Starts a login, or the next script of the same login (a pipeline's next rule: the same global): returns what its code is handed. */
  beginScript(bridge: LoginBridge, firstOfLogin: boolean): LoginObjects {
    this.serial++;
    this.bridge = bridge;
    if (firstOfLogin) this.tainted = false;
    const objects = this.tools.login(this.serial);
    this.setGlobal('console', objects.console);
    return objects;
  }

  /** A global of the login in progress (configuration, auth0, console). */
  setGlobal(key: string, value: unknown): void {
    try {
      Object.defineProperty(this.sandbox, key, { value, writable: true, enumerable: true, configurable: true });
    } catch {
      // An earlier rule of this login made it non-configurable: the realm cannot be cleaned after this login.
      this.tainted = true;
      try {
        this.sandbox[key] = value;
      } catch {
        // read-only as well: the rule sees what the earlier rule left, as it would in Auth0's shared global
      }
    }
  }

  /** JSON text as objects of this realm (each login's inputs are fresh objects). */
  parse(text: string): unknown {
    return this.tools.parse(text);
  }

  /**
   * Ends the login: removes its globals and whatever it added to the global object, and answers
   * whether the realm is exactly as it was created, so that the next login may use it.
   */
  endLogin(): boolean {
    this.serial++;
    this.bridge = null;
    if (this.tainted) return false;
    for (const key of ownKeys(this.sandbox)) {
      if (!this.baselineSandboxKeys.has(key) && !Reflect.deleteProperty(this.sandbox, key)) return false;
    }
    try {
      if (!this.tools.unchanged()) return false;
    } catch {
      return false;
    }
    // RegExp.$1, RegExp.input and kin hold the realm's last match.
    apply(this.tools.regExpExec, this.tools.emptyRegExp, ['']);
    return true;
  }
}
