// The logins of a batch (the differential check runs hundreds in one child) may share a vm realm
// only while nothing of one login can reach the next: every way a login can change the realm is
// tried here, and the next logins of the same batch must decide as if they ran first.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { join } from 'node:path';
import { createDefaultContext, createDefaultEvent, createDefaultUser, disposeRunnerPool, runBatch } from '../../server/src/runner/index';

const workspaceRoot = join(__dirname, '..', '..', '..');

after(() => disposeRunnerPool());

const LOGINS = 4;

/** Each login first looks for what an earlier login may have left, denies if it finds it, then leaves it itself. */
function leaver(name: string, seen: string, leave: string): { file: string; source: string } {
  return {
    file: join(workspaceRoot, `${name}.js`),
    source: `function (user, context, callback) {
      var seen = false;
      try { seen = Boolean(${seen}); } catch (e) { seen = 'check failed: ' + e.message; }
      if (seen) return callback(new UnauthorizedError('left by an earlier login: ' + seen));
      ${leave}
      context.multifactor = { provider: 'duo' };
      callback(null, user, context);
    }`,
  };
}

const ruleLeftovers: [string, string, string][] = [
  ['a property on Object.prototype', 'Object.prototype.leftover', 'Object.prototype.leftover = true;'],
  ['a replaced built-in method', 'Array.prototype.map.name !== "map"', 'Array.prototype.map = function leftover() { return []; };'],
  ['a global', 'global.leftover', 'global.leftover = 1;'],
  ['a global made by assigning an undeclared name', 'typeof leftoverName !== "undefined"', 'leftoverName = 1;'],
  ['a non-configurable global', 'typeof leftoverFixed !== "undefined"', 'Object.defineProperty(global, "leftoverFixed", { value: 1, configurable: false });'],
  ['a redefined attribute of a built-in function', 'String.prototype.trim.name !== "trim"', 'Object.defineProperty(String.prototype.trim, "name", { value: "leftover" });'],
  ['a frozen built-in', 'Object.isFrozen(Math)', 'Object.freeze(Math);'],
  ['a changed prototype', 'Object.getPrototypeOf(Intl.Collator.prototype) === null', 'Object.setPrototypeOf(Intl.Collator.prototype, null);'],
  ['a property defined as non-enumerable', 'Array.prototype.leftover !== undefined', 'Object.defineProperty(Array.prototype, "leftover", { value: 1 });'],
  ['a built-in method deleted and assigned again (now enumerable)', 'Array.prototype.propertyIsEnumerable("at")', 'var at = Array.prototype.at; delete Array.prototype.at; Array.prototype.at = at;'],
  ['a getter planted with __defineGetter__', 'Object.prototype.leftoverGetter', 'Object.prototype.__defineGetter__("leftoverGetter", function () { return true; });'],
  ['a prototype changed through __proto__', 'Object.getPrototypeOf(Intl.DateTimeFormat.prototype) === null', 'Intl.DateTimeFormat.prototype.__proto__ = null;'],
  ['a change to the array iterator\'s prototype (no global leads there)', 'Object.getPrototypeOf([][Symbol.iterator]()).leftover', 'Object.getPrototypeOf([][Symbol.iterator]()).leftover = true;'],
  ['a change to the generator prototype (no global leads there)', 'Object.getPrototypeOf(function* () {}).prototype.leftover', 'Object.getPrototypeOf(function* () {}).prototype.leftover = true;'],
  ['the last RegExp match', 'RegExp.$1 === "leftover"', '/(leftover)/.exec("leftover");'],
  ['a replaced console', 'console.leftover', 'console.leftover = true; global.console = { log: function () {}, leftover: true };'],
  ['a global declared by indirect eval', 'typeof leftoverVar !== "undefined"', '(0, eval)("var leftoverVar = 1");'],
  ['a Function-made global', 'Function("return typeof leftoverFn !== \\"undefined\\"")()', 'Function("leftoverFn = 1")();'],
  ['a changed configuration object', 'configuration.LEFTOVER', 'configuration.LEFTOVER = "x";'],
];

/**
 * Every other login reaches the child's own timers (through an object of the child's realm) and
 * changes the realm 5 ms after it ended; the logins between wait 40 ms on their own timer, then
 * look. Only the leaving logins use the way under test, so nothing else stops the realm's reuse.
 */
function lateLeaver(reach: string): { file: string; source: string } {
  return {
    file: join(workspaceRoot, 'late.js'),
    source: `function (user, context, callback) {
      if (user.watch) {
        return setTimeout(function () {
          if (Object.prototype.lateLeftover) return callback(new UnauthorizedError('changed by an earlier login'));
          callback(null, user, context);
        }, 40);
      }
      Promise.resolve(${reach}).then(function (hostSetTimeout) {
        hostSetTimeout(function () { Object.prototype.lateLeftover = true; }, 5);
        callback(null, user, context);
      });
    }`,
  };
}

const lateReaches: [string, string][] = [
  ['a global of the child (Buffer)', 'Buffer.constructor("return setTimeout")()'],
  ['the error of import()', 'import("node:fs").catch(function (e) { return e.constructor.constructor("return setTimeout")(); })'],
  ['the error of an import() made by Function', 'Function("return imp" + "ort(\\"node:fs\\")")().catch(function (e) { return e.constructor.constructor("return setTimeout")(); })'],
];

describe('a batch of Rule logins', () => {
  for (const [what, seen, leave] of ruleLeftovers) {
    test(`${what} left by one login is not seen by the next`, async () => {
      const logins = Array.from({ length: LOGINS }, () => ({ user: createDefaultUser(), context: createDefaultContext(), event: null }));
      const { results } = await runBatch({ kind: 'rule', scripts: [leaver('leaver', seen, leave)], logins, configuration: { DUO_IKEY: 'i' }, workspaceRoot });
      assert.equal(results.length, LOGINS);
      for (const [index, steps] of results.entries()) {
        assert.equal(steps[0].outcome, 'completed', `login ${index + 1}: ${JSON.stringify(steps[0].error)}`);
        assert.equal(steps[0].multifactor?.provider, 'duo');
      }
    });
  }

  for (const [how, reach] of lateReaches) {
    test(`a change made after its login ended, through ${how}, is not seen by the next login`, async () => {
      const logins = Array.from({ length: LOGINS }, (_, i) => ({ user: { ...createDefaultUser(), watch: i % 2 === 1 }, context: createDefaultContext(), event: null }));
      const { results } = await runBatch({ kind: 'rule', scripts: [lateLeaver(reach)], logins, configuration: {}, workspaceRoot });
      for (const [index, steps] of results.entries()) assert.equal(steps[0].outcome, 'completed', `login ${index + 1}: ${JSON.stringify(steps[0].error)}`);
    });
  }

  test('a pipeline shares its global within a login, never with the next login', async () => {
    const first = { file: join(workspaceRoot, 'first.js'), source: 'function (u, c, cb) { if (global.mark) return cb(new Error("seen " + global.mark)); global.mark = u.user_id; global.deny = function (m) { return new UnauthorizedError(m); }; cb(null, u, c); }' };
    const second = { file: join(workspaceRoot, 'second.js'), source: 'function (u, c, cb) { if (global.mark !== u.user_id) return cb(global.deny("no mark")); c.idToken.mark = global.mark; cb(null, u, c); }' };
    const logins = Array.from({ length: LOGINS }, (_, i) => ({ user: { ...createDefaultUser(), user_id: `auth0|${i}` }, context: createDefaultContext(), event: null }));
    const { results } = await runBatch({ kind: 'rule', scripts: [first, second], logins, configuration: {}, workspaceRoot });
    for (const [index, steps] of results.entries()) {
      assert.deepEqual(steps.map((s) => s.outcome), ['completed', 'completed'], JSON.stringify(steps.map((s) => s.error)));
      assert.equal((steps[1].context as { idToken: { mark: string } }).idToken.mark, `auth0|${index}`);
    }
  });
});

describe('a batch of Action logins', () => {
  const action = (seen: string, leave: string) => ({
    file: join(workspaceRoot, 'leaver.action.js'),
    source: `exports.onExecutePostLogin = async (event, api) => {
      if (${seen}) return api.access.deny('left by an earlier login');
      ${leave}
      api.multifactor.enable('duo');
    };`,
  });
  const actionLeftovers: [string, string, string][] = [
    ['a replaced api method', 'api.multifactor.leftover', 'api.multifactor.leftover = true; api.access.deny = function () {};'],
    ['a changed event', 'event.user.leftover', 'event.user.leftover = true;'],
    ['a changed secret', 'event.secrets.LEFTOVER', 'event.secrets.LEFTOVER = "x";'],
    ['a replaced Promise.prototype.then', 'Promise.prototype.then.leftover', 'const then = Promise.prototype.then; Promise.prototype.then = function (a, b) { return then.call(this, a, b); }; Promise.prototype.then.leftover = true;'],
    ['a module-level global', 'globalThis.leftover', 'globalThis.leftover = 1;'],
  ];
  for (const [what, seen, leave] of actionLeftovers) {
    test(`${what} left by one login is not seen by the next`, async () => {
      const logins = Array.from({ length: LOGINS }, () => ({ user: null, context: null, event: createDefaultEvent() }));
      const { results } = await runBatch({ kind: 'action', scripts: [action(seen, leave)], logins, configuration: { DUO_IKEY: 'i' }, workspaceRoot });
      for (const [index, steps] of results.entries()) {
        assert.equal(steps[0].outcome, 'completed', `login ${index + 1}: ${JSON.stringify(steps[0].error)}`);
        assert.equal(steps[0].multifactor?.provider, 'duo');
      }
    });
  }

  test('what each login did is reported for that login only', async () => {
    const claims = { file: join(workspaceRoot, 'claims.action.js'), source: 'exports.onExecutePostLogin = async (event, api) => { console.log("login", event.user.user_id, { id: event.user.user_id }); api.idToken.setCustomClaim("id", event.user.user_id); };' };
    const logins = Array.from({ length: LOGINS }, (_, i) => ({ user: null, context: null, event: { ...createDefaultEvent(), user: { ...createDefaultUser(), user_id: `auth0|${i}` } } }));
    const { results } = await runBatch({ kind: 'action', scripts: [claims], logins, configuration: {}, workspaceRoot });
    for (const [index, steps] of results.entries()) {
      assert.deepEqual(steps[0].changes?.idToken, { id: `auth0|${index}` });
      assert.deepEqual(steps[0].logs, [`login auth0|${index} { id: 'auth0|${index}' }`]);
    }
  });
});
