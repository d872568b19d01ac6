// The differential check as a real process on Rules whose Duo or denial gate is `A || B` (or `A && B`) with B in a
// shape beyond a plain comparison: an Action that simply drops B must not pass silently. Shapes the login matrix reads
// (arithmetic on a number, a character of a string, a list compared with a configuration value, a list that is there
// without the item) show
// a divergence; shapes it does not read are named as NOT TRIED with their line, and --strict fails them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

interface Report {
  logins: number;
  agreeing: number;
  notes: { kind: string; message: string }[];
  divergences: { fields: string[]; logins: number; login: string }[];
}

const duo = `    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };`;
const enable = `    api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });`;

/** A Rule asking for Duo when `test` holds, and an Action doing the same on `actionTest`. */
const ruleWith = (test: string, before = ''): string => `function (user, context, callback) {\n${before}  if (${test}) {\n${duo}\n  }\n  callback(null, user, context);\n}\n`;
const actionWith = (test: string, before = ''): string => `exports.onExecutePostLogin = async (event, api) => {\n${before}  if (${test}) {\n${enable}\n  }\n};\n`;

describe('a gate operand the matrix once could not read: an Action that drops it is caught', () => {
  const work = createWorkspace({ prefix: 'duo-operands-', packageName: 'duo-operands' });
  const cli = (args: string[]): CliResult => runCliSync(args, { cwd: work.root });
  const report = (run: CliResult): Report => JSON.parse(run.stdout) as Report;
  const admin = { rule: `context.clientID === 'admin-portal'`, action: `event.client.client_id === 'admin-portal'` };

  const read: Array<{ name: string; rule: string; action: string; login: RegExp; before?: string; a?: { rule: string; action: string } }> = [
    { name: 'arithmetic on a number', rule: 'user.logins_count * 2 > 100', action: 'event.user.logins_count * 2 > 100', login: /user\.logins_count = 5[01]/ },
    { name: 'a number plus a constant, below a bound', rule: '10 + user.logins_count <= 12', action: '10 + event.user.logins_count <= 12', login: /user\.logins_count = [012]\b/ },
    { name: 'the first character of a string', rule: `user.name.charAt(0) === 'Z'`, action: `event.user.name.charAt(0) === 'Z'`, login: /user\.name = "Z"/ },
    { name: 'a date built from an input', rule: `new Date(user.created_at) < new Date('2020-01-01')`, action: `new Date(event.user.created_at) < new Date('2020-01-01')`, login: /user\.created_at = "2019-12-31T23:59:59\.999Z"/ },
    { name: 'a table looked up with a key built around an input', rule: `TABLE['app-' + context.connection]`, action: `TABLE['app-' + event.connection.name]`, before: `  const TABLE = { 'app-corp-ad': true };\n`, login: /context\.connection = "corp-ad"/ },
    { name: 'two inputs compared with each other', rule: 'context.connectionStrategy === context.connection', action: 'event.connection.strategy === event.connection.name', login: /context\.connectionStrategy = "Username-Password-Authentication"/ },
    { name: 'how many keys an input has', rule: 'Object.keys(user.app_metadata).length > 3', action: 'Object.keys(event.user.app_metadata).length > 3', login: /user\.app_metadata = \{"key1":true,"key2":true,"key3":true,"key4":true\}/ },
    { name: 'a helper called with a second input', rule: `isGold(user.user_metadata.tier)`, action: `isGold(event.user.user_metadata.tier)`, before: `  function isGold(tier) { return tier === 'gold'; }\n`, a: { rule: 'isGold(user.app_metadata.tier)', action: 'isGold(event.user.app_metadata.tier)' }, login: /user\.user_metadata\.tier = "gold"/ },
  ];
  for (const [i, c] of read.entries()) {
    for (const op of ['||', '&& !'] as const) {
      test(`${c.name} (${op}): the Action without it diverges (exit 1); the faithful one agrees with no note`, () => {
        const a = c.a ?? admin;
        const rule = work.write(`rules/read-${i}-${op.length}.js`, ruleWith(`${a.rule} ${op}(${c.rule})`, c.before));
        const dropped = work.write(`read-${i}-${op.length}-dropped.js`, actionWith(a.action, c.before));
        const faithful = work.write(`read-${i}-${op.length}-faithful.js`, actionWith(`${a.action} ${op}(${c.action})`, c.before));
        const caught = cli(['equivalence', rule, dropped, '--format', 'json']);
        assert.equal(caught.code, 1, caught.stderr + caught.stdout);
        const diverging = report(caught).divergences;
        assert.ok(diverging.some((d) => d.fields.includes('mfa') && c.login.test(d.login)), caught.stdout);
        const agreed = cli(['equivalence', rule, faithful, '--format', 'json', '--strict']);
        assert.equal(agreed.code, 0, agreed.stderr + agreed.stdout);
        assert.deepEqual(report(agreed).notes, []);
        assert.equal(report(agreed).agreeing, report(agreed).logins);
      });
    }
  }

  test('a role list compared with a role read from the configuration: an Action that drops that role diverges', () => {
    const before = `  const required = configuration.MFA_ROLE;\n`;
    const rule = work.write('rules/config-role.js', ruleWith(`${admin.rule} || (context.authorization.roles.indexOf(required) !== -1)`, before));
    const dropped = work.write('config-role-dropped.js', actionWith(admin.action));
    const faithful = work.write('config-role-faithful.js', actionWith(`${admin.action} || (event.authorization.roles.indexOf(event.secrets.MFA_ROLE) !== -1)`));
    const values = work.write('config-role.json', JSON.stringify({ MFA_ROLE: 'finance' }));
    const caught = cli(['equivalence', rule, dropped, '--configuration', values, '--format', 'json']);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    assert.ok(report(caught).divergences.some((d) => d.login === 'context.authorization.roles contains "finance"'), caught.stdout);
    const agreed = cli(['equivalence', rule, faithful, '--configuration', values, '--format', 'json', '--strict']);
    assert.equal(agreed.code, 0, agreed.stderr + agreed.stdout);
  });

  test('a list that is there but lacks the item: `user.groups && user.groups.indexOf(x) !== -1` without its second half diverges', () => {
    const rule = work.write('rules/groups.js', ruleWith(`user.groups && user.groups.indexOf('mfa-required') !== -1`));
    const dropped = work.write('groups-dropped.js', actionWith('event.user.groups'));
    const caught = cli(['equivalence', rule, dropped, '--format', 'json']);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    assert.ok(report(caught).divergences.some((d) => d.login === 'user.groups contains "other"'), caught.stdout);
    const faithful = work.write('groups-faithful.js', actionWith(`event.user.groups && event.user.groups.indexOf('mfa-required') !== -1`));
    assert.equal(cli(['equivalence', rule, faithful, '--strict']).code, 0);
  });

  const unread: Array<{ name: string; rule: string; action: string; before?: string }> = [
    { name: 'how many words a name has', rule: `user.name.split(' ').length > 2`, action: `event.user.name.split(' ').length > 2` },
    { name: 'a table filled with computed keys', rule: 'TABLE[context.connection]', action: 'TABLE[event.connection.name]', before: `  const TABLE = {};\n  for (const c of ['corp', 'hr']) TABLE[c + '-ad'] = true;\n` },
    { name: 'the year of a date built from an input', rule: 'new Date(user.created_at).getFullYear() < 2020', action: 'new Date(event.user.created_at).getFullYear() < 2020' },
  ];
  for (const [i, c] of unread.entries()) {
    test(`${c.name}: NOT TRIED names the Rule line and the operand; --strict exits 1 for the Action that drops it`, () => {
      const a = admin;
      const rule = work.write(`rules/unread-${i}.js`, ruleWith(`${a.rule} || ${c.rule}`, c.before));
      const line = (c.before ?? '').split('\n').length + 1;
      const dropped = work.write(`unread-${i}-dropped.js`, actionWith(a.action, c.before));
      const run = cli(['equivalence', rule, dropped]);
      // Not a divergence: exit 0 by default, with the note; --strict fails it.
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const note = `  NOT TRIED: unread-${i}.js line ${line}: \`${c.rule}\` decides MFA, but the check builds no login from that condition, so no login where only it decides was compared: an Action that drops it would still agree.`;
      assert.ok(run.stdout.includes(note), run.stdout);
      assert.equal(cli(['equivalence', rule, dropped, '--strict']).code, 1);
      const json = report(cli(['equivalence', rule, dropped, '--format', 'json']));
      assert.deepEqual(json.notes.map((n) => n.kind), ['not-tried']);
      // The note is about the Rule: the faithful Action gets it too, and agrees on every login tried.
      const faithful = work.write(`unread-${i}-faithful.js`, actionWith(`${a.action} || ${c.action}`, c.before));
      const agreed = report(cli(['equivalence', rule, faithful, '--format', 'json']));
      assert.deepEqual(agreed.notes, json.notes);
      assert.equal(agreed.agreeing, agreed.logins);
    });
  }

  test('a denial gate: the unread operand is named as deciding a denial', () => {
    const rule = work.write('rules/deny-unread-operand.js', `function (user, context, callback) {\n  if (user.blocked_reason === 'fraud' || user.name.split(' ').length > 20) {\n    return callback(new UnauthorizedError('Access denied.'));\n  }\n  callback(null, user, context);\n}\n`);
    const dropped = work.write('deny-unread-operand-dropped.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (event.user.blocked_reason === 'fraud') {\n    return api.access.deny('Access denied.');\n  }\n};\n`);
    const run = cli(['equivalence', rule, dropped]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.ok(run.stdout.includes("  NOT TRIED: deny-unread-operand.js line 2: `user.name.split(' ').length > 20` decides a denial, but the check builds no login"), run.stdout);
    assert.equal(cli(['equivalence', rule, dropped, '--strict']).code, 1);
  });

  test("an Action's own condition the matrix cannot read (one the Rule does not have) is named as NOT TRIED in the Action", () => {
    const rule = work.write('rules/action-only.js', ruleWith(admin.rule));
    const weakened = work.write('action-only-weakened.js', actionWith(`${admin.action} && event.user.name.split(' ').length < 3`));
    const run = cli(['equivalence', rule, weakened]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.ok(run.stdout.includes("  NOT TRIED: the Action action-only-weakened.js line 2: `event.user.name.split(' ').length < 3` decides MFA, but the check builds no login from that condition, so no login where only it decides was compared: the Rule may decide otherwise there."), run.stdout);
    assert.equal(cli(['equivalence', rule, weakened, '--strict']).code, 1);
    // The faithful Action, reading its secrets too, gets none.
    const faithful = work.write('action-only-faithful.js', actionWith(`event.secrets.DUO_HOST && ${admin.action}`));
    const clean = cli(['equivalence', rule, faithful, '--strict']);
    assert.equal(clean.code, 0, clean.stderr + clean.stdout);
  });

  test('an API answer filtered by the login (account linking) decides a denial without a note: it is no login input', () => {
    const rule = work.write('rules/linking.js', `function (user, context, callback) {
  if (!user.email || !user.email_verified) return callback(null, user, context);
  request.get({ url: 'https://login.example.com/api/v2/users-by-email', qs: { email: user.email } }, function (err, response, body) {
    if (err) return callback(err);
    var data = JSON.parse(body);
    data = data.filter(function (u) { return u.user_id !== user.user_id; });
    if (data.length > 1) return callback(new Error('[!] Rule: Multiple user profiles already exist - cannot select base profile to link with'));
    if (context.clientID === 'admin-portal') {
${duo}
    }
    callback(null, user, context);
  });
}
`);
    const run = cli(['equivalence', rule, work.write('linking-action.js', actionWith(admin.action)), '--format', 'json']);
    assert.ok(!report(run).notes.some((n) => / decides /.test(n.message)), run.stdout);
  });

  test('a plain Auth0-style gate (a client list, a metadata flag, `if (err) return callback(err)`) gets no new note', () => {
    const rule = work.write('rules/plain.js', `function (user, context, callback) {
  var CLIENTS_WITH_MFA = ['crm-app', 'hr-app'];
  function requireDuo(err) {
    if (err) return callback(err);
${duo}
    callback(null, user, context);
  }
  if (!user.app_metadata) return callback(null, user, context);
  if (CLIENTS_WITH_MFA.indexOf(context.clientID) !== -1 || user.app_metadata.use_mfa) return requireDuo(null);
  callback(null, user, context);
}
`);
    const faithful = work.write('plain-faithful.js', `exports.onExecutePostLogin = async (event, api) => {
  const CLIENTS_WITH_MFA = ['crm-app', 'hr-app'];
  if (!event.user.app_metadata) return;
  if (CLIENTS_WITH_MFA.indexOf(event.client.client_id) !== -1 || event.user.app_metadata.use_mfa) {
${enable}
  }
};
`);
    const run = cli(['equivalence', rule, faithful, '--format', 'json', '--strict']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(report(run).notes, []);
    // Dropping the flag is a divergence, not a note: the matrix reads it.
    const dropped = work.write('plain-dropped.js', actionWith(`CLIENTS_WITH_MFA.indexOf(event.client.client_id) !== -1`, `  const CLIENTS_WITH_MFA = ['crm-app', 'hr-app'];\n`));
    const caught = cli(['equivalence', rule, dropped, '--format', 'json']);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    assert.deepEqual(report(caught).notes, []);
  });
});
