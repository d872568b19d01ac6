// The differential check as a real process: `duo-rules convert --check` and `duo-rules equivalence`
// run the Rule and the Action on a matrix of logins; converted fixtures agree, what the converter
// could only deny behind a TODO shows as a divergence with its smallest login, and a mutated Action
// (a denial removed) is caught.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

const root = repoRoot;
const fixtures = join(root, 'test', 'fixtures', 'convert');

function cli(args: string[], cwd: string): CliResult {
  return runCliSync(args, { cwd });
}

interface Report {
  logins: number;
  agreeing: number;
  notes?: { kind: string; message: string }[];
  divergences: { fields: string[]; logins: number; login: string; rule: { outcome: string; message?: string }; action: { outcome: string; message?: string } }[];
}

/** `equivalence <rule> <action>` run as the CLI: exit 0, every login agreeing; the report, for more assertions. */
function agreesOnEveryLogin(rule: string, action: string, cwd: string): Report {
  const same = cli(['equivalence', rule, action, '--format', 'json'], cwd);
  assert.equal(same.code, 0, same.stderr + same.stdout);
  const agreed = JSON.parse(same.stdout) as Report;
  assert.equal(agreed.agreeing, agreed.logins);
  return agreed;
}

function checkOf(run: CliResult): Report {
  return (JSON.parse(run.stdout) as { check: Report }).check;
}

describe('duo-rules convert --check', () => {
  const work = createWorkspace({ prefix: 'duo-check-' }).root;

  for (const name of ['deny.js', 'spread-config.js', 'multifactor-true.js']) {
    test(`${name}: the Action decides as the Rule on every login; exit 0`, () => {
      const run = cli(['convert', join(fixtures, name), '--check', '--format', 'json'], work);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      const check = checkOf(run);
      assert.ok(check.logins >= 6, `only ${check.logins} logins`);
      assert.equal(check.agreeing, check.logins);
      assert.deepEqual(check.divergences, []);
    });
  }

  test('a Rule denying with a plain Error and its converted Action both deny: no divergence, and each run says "denied"', () => {
    // Auth0's "disable social signup" and "IP allow-list" templates refuse the login with callback(new Error(m)).
    const rule = join(work, 'plain-error.js');
    writeFileSync(rule, `function verifiedOnlyWithDuo(user, context, callback) {
  if (!user.email_verified) {
    return callback(new Error('Verify your email address before you log in.'));
  }
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`);
    const run = cli(['convert', rule, '--check', '--format', 'json'], work);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const output = JSON.parse(run.stdout) as { action: string; check: Report };
    assert.deepEqual(output.check.divergences, []);
    assert.equal(output.check.agreeing, output.check.logins);
    assert.match(output.action, /api\.access\.deny\(/);
    // The login the check compared on that path, run by hand: both sides are denied with the message.
    const action = join(work, 'plain-error.action.js');
    writeFileSync(action, output.action);
    const unverified = join(work, 'unverified.json');
    writeFileSync(unverified, JSON.stringify({ email_verified: false }));
    const ruleRun = cli(['run', rule, '--user', unverified, '--format', 'json'], work);
    const event = join(work, 'unverified-event.json');
    writeFileSync(event, JSON.stringify({ user: { email_verified: false } }));
    const actionRun = cli(['run', action, '--event', event, '--format', 'json'], work);
    for (const [side, r] of [['Rule', ruleRun], ['Action', actionRun]] as const) {
      assert.equal(r.code, 0, `${side}: ${r.stderr}`);
      const result = JSON.parse(r.stdout) as { outcome: string; error: { message: string } };
      assert.equal(result.outcome, 'denied', `${side}: ${r.stdout.slice(0, 300)}`);
      assert.equal(result.error.message, 'Verify your email address before you log in.');
    }
  });

  test("Auth0's sample rule: the same decisions, but exit 1 for the TODOs (sample keys)", () => {
    const run = cli(['convert', join(root, 'test', 'fixtures', 'seed-rule.js'), '--check', '--format', 'json'], work);
    assert.equal(run.code, 1);
    assert.deepEqual(checkOf(run).divergences, []);
  });

  test('a Rule that returns while a nested function decides later: no login the Rule refused is let through', () => {
    const run = cli(['convert', join(fixtures, 'return-nested-deny.js'), '--check', '--format', 'json'], work);
    assert.equal(run.code, 1);
    const check = checkOf(run);
    assert.ok(check.divergences.length > 0);
    for (const d of check.divergences) {
      // Only stricter: the Action denies behind its TODOs where the Rule decided later (it never allows a refused login).
      assert.equal(d.action.outcome, 'denied', JSON.stringify(d));
    }
    const underReview = check.divergences.find((d) => d.login.includes('under_review'));
    assert.equal(underReview?.rule.outcome, 'denied', JSON.stringify(check.divergences));
  });

  test('context.redirect: the guarded deny shows as the one divergence, on the login that redirects', () => {
    const run = cli(['convert', join(fixtures, 'redirect.js'), '--check'], work);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Differential check: \d+ logins, \d+ agree, 1 divergence/m);
    assert.match(run.stderr, /DIVERGES on outcome in \d+ logins?; smallest: context\.clientID = "consentClient00000000000000000000"\n {4}Rule: {3}allowed, MFA duo[^\n]*redirect "https:\/\/consent\.example\.com\/"\n {4}Action: denied/);
  });

  test('a two-rule pipeline with a global helper: only the deny-helper path diverges, and only for unverified users', () => {
    const repo = join(work, 'pipeline');
    cpSync(join(fixtures, 'pipeline'), repo, { recursive: true });
    const run = cli(['convert', repo, '--check', '--format', 'json'], work);
    assert.equal(run.code, 1, run.stderr);
    const check = checkOf(run);
    assert.equal(check.divergences.length, 1, JSON.stringify(check.divergences));
    assert.equal(check.divergences[0].login, 'user.email_verified = false');
    assert.deepEqual([check.divergences[0].rule.outcome, check.divergences[0].action.outcome], ['allowed', 'denied']);
    // The helper came along: isStaff is a module-level function of the Duo Action, and staff get Duo.
    assert.match(readFileSync(join(repo, 'actions', '2-duo', 'code.js'), 'utf8'), /^const isStaff = function/m);
  });

  test('--merge: one Action runs the pipeline\'s rules in order and decides as the pipeline did (but for the deny-helper path)', () => {
    const repo = join(work, 'merged');
    cpSync(join(fixtures, 'pipeline'), repo, { recursive: true });
    const run = cli(['convert', repo, '--merge', '--check', '--format', 'json'], work);
    assert.equal(run.code, 1, run.stderr);
    const output = JSON.parse(run.stdout) as { files: { written: string[]; notes: { line: number; blocking: boolean; message: string }[]; action: string }[]; check: Report };
    assert.equal(output.files.length, 1);
    assert.deepEqual(output.files[0].written.map((f) => f.split(/[\\/]/).slice(-2).join('/')), ['rules-pipeline/code.js', 'actions/rules-pipeline.json']);
    assert.deepEqual(output.check.divergences.map((d) => d.login), ['user.email_verified = false']);
    const lines = output.files[0].action.split('\n');
    for (const note of output.files[0].notes) assert.ok(lines[note.line - 1].includes(note.message), `line ${note.line}`);
    const single = cli(['convert', join(fixtures, 'deny.js'), '--merge'], work);
    assert.equal(single.code, 2);
    assert.match(single.stderr, /--merge takes a rules directory/);
  });

  test('--merge carries the user from rule to rule as Auth0 did: a user handed to callback and a changed app_metadata decide Duo in a later rule', () => {
    const repo = join(work, 'merged-user');
    cpSync(join(fixtures, 'pipeline-user'), repo, { recursive: true });
    const run = cli(['convert', repo, '--merge', '--check', '--format', 'json'], work);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const output = JSON.parse(run.stdout) as { files: { notes: { line: number; blocking: boolean; message: string }[]; action: string }[]; check: Report };
    assert.ok(output.check.logins >= 6, `only ${output.check.logins} logins`);
    assert.deepEqual(output.check.divergences, []);
    const [file] = output.files;
    assert.deepEqual(file.notes.map((n) => n.blocking), [false, false, false]);
    const lines = file.action.split('\n');
    for (const note of file.notes) assert.ok(lines[note.line - 1].includes(note.message), `line ${note.line}`);
    assert.match(file.notes[0].message, /another user object \(next\) for the Rules after it/);
    assert.match(lines[file.notes[0].line], /^\s*return new HandedUser\(next\);$/);
  });

  test('a merged Action that drops the handed user, or gives each rule its own copy of the user, is caught', () => {
    const repo = join(work, 'merged-user-mutated');
    cpSync(join(fixtures, 'pipeline-user'), repo, { recursive: true });
    assert.equal(cli(['convert', repo, '--merge'], work).code, 0);
    const action = join(repo, 'actions', 'rules-pipeline', 'code.js');
    const merged = readFileSync(action, 'utf8');

    writeFileSync(action, merged.replace('return new HandedUser(next);', 'return;'));
    const dropped = cli(['equivalence', join(repo, 'rules'), action, '--format', 'json'], work);
    assert.equal(dropped.code, 1, dropped.stderr);
    const first = (JSON.parse(dropped.stdout) as Report).divergences;
    assert.equal(first.length, 1);
    assert.deepEqual(first[0].fields, ['mfa']);
    assert.equal(first[0].login, 'the default mock login');

    writeFileSync(action, merged.replace('await rule({ ...event, user }, tracked)', 'await rule({ ...event, user: JSON.parse(JSON.stringify(user)) }, tracked)'));
    const copied = cli(['equivalence', join(repo, 'rules'), action, '--format', 'json'], work);
    assert.equal(copied.code, 1, copied.stderr);
    const second = (JSON.parse(copied.stdout) as Report).divergences;
    assert.equal(second.length, 1);
    assert.match(second[0].login, /^context\.clientID = "adminConsole0000000000000000000"/);
    assert.deepEqual([second[0].rule.outcome, second[0].action.outcome], ['allowed', 'allowed']);
  });

  test('--max-logins caps the matrix and the report says so; it needs --check', () => {
    const run = cli(['convert', join(fixtures, 'deny.js'), '--check', '--max-logins', '3', '--format', 'json'], work);
    assert.equal(checkOf(run).logins, 3);
    assert.deepEqual(checkOf(run).notes?.map((n) => n.kind), ['capped']);
    assert.match(checkOf(run).notes?.[0].message ?? '', /^the conditions make \d+ combinations of logins; only 3 were tried \(the default and 2 of the \d+ single changes: \d+ values were never tried\); raise --max-logins to try more\.$/);
    const text = cli(['convert', join(fixtures, 'deny.js'), '--check', '--max-logins', '3'], work);
    assert.match(text.stderr, /^Differential check: 3 logins, 3 agree, 0 divergences \(\d+ ms\); NOT every login the conditions allow was tried \(1 note below\)\.\n {2}CAPPED: the conditions make/m);
    const uncapped = cli(['convert', join(fixtures, 'deny.js'), '--check', '--format', 'json'], work);
    assert.deepEqual(checkOf(uncapped).notes, []);
    const alone = cli(['convert', join(fixtures, 'deny.js'), '--max-logins', '3'], work);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--max-logins goes with --check/);
    const configuration = cli(['convert', join(fixtures, 'deny.js'), '--configuration', 'x.json'], work);
    assert.equal(configuration.code, 2);
    assert.match(configuration.stderr, /--configuration goes with --check/);
  });
});

describe('duo-rules equivalence', () => {
  const work = createWorkspace({ prefix: 'duo-equivalence-' }).root;

  test('a mutated Action (a denial removed) is caught, with the smallest login that shows it', () => {
    const converted = cli(['convert', join(fixtures, 'deny.js')], work);
    assert.equal(converted.code, 0, converted.stderr);
    const mutated = converted.stdout.replace(/^\s*return api\.access\.deny\('Account blocked: '[^\n]*\n/m, '');
    assert.notEqual(mutated, converted.stdout, 'the denial was found and removed');
    writeFileSync(join(work, 'mutated.js'), mutated);
    writeFileSync(join(work, 'faithful.js'), converted.stdout);
    const caught = cli(['equivalence', join(fixtures, 'deny.js'), 'mutated.js'], work);
    assert.equal(caught.code, 1, caught.stderr);
    assert.match(caught.stdout, /DIVERGES on outcome in \d+ logins?; smallest: context\.authorization\.roles contains "blocked"\n {4}Rule: {3}denied \("Account blocked: [^"]+"\)\n {4}Action: allowed, MFA duo/);
    const faithful = cli(['equivalence', join(fixtures, 'deny.js'), 'faithful.js', '--format', 'json'], work);
    assert.equal(faithful.code, 0, faithful.stdout);
    const report = JSON.parse(faithful.stdout) as Report;
    assert.equal(report.agreeing, report.logins);
  });

  test('a rules directory (global shared between its rules) against one Action', () => {
    const repo = join(work, 'pipeline');
    cpSync(join(fixtures, 'pipeline'), repo, { recursive: true });
    assert.equal(cli(['convert', repo], work).code, 1);
    const run = cli(['equivalence', repo, join(repo, 'actions', '2-duo', 'code.js'), '--format', 'json'], work);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    assert.deepEqual(report.divergences.map((d) => d.login), ['user.email_verified = false']);
  });

  test('usage errors exit 2', () => {
    const none = cli(['equivalence', join(fixtures, 'deny.js')], work);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected a rule file \(or rules directory\) and an Action file/);
    const missing = cli(['equivalence', join(fixtures, 'deny.js'), 'nope.js'], work);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.js: no such file or directory/);
  });
});

describe('the differential check tries the values of a Rule\'s policy tables', () => {
  const work = createWorkspace({ prefix: 'duo-tables-', packageName: 'duo-tables' });
  const duo = `  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`;
  const enable = `  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n};\n`;
  // Each Rule gates Duo on a table; its "conversion" keeps the table but lets one listed client (or connection) through without MFA.
  const cases: { name: string; rule: string; dropped: string; faithful: string; login: RegExp }[] = [
    {
      name: 'an object of client ids',
      rule: `function duoForListedApps(user, context, callback) {\n  var MFA_CLIENTS = { 'crmPortal0000000000000000000001': true, 'payrollApp000000000000000000002': true };\n  if (!MFA_CLIENTS[context.clientID]) return callback(null, user, context);\n${duo}`,
      faithful: `exports.onExecutePostLogin = async (event, api) => {\n  var MFA_CLIENTS = { 'crmPortal0000000000000000000001': true, 'payrollApp000000000000000000002': true };\n  if (!MFA_CLIENTS[event.client.client_id]) return;\n${enable}`,
      dropped: `exports.onExecutePostLogin = async (event, api) => {\n  var MFA_CLIENTS = { 'crmPortal0000000000000000000001': true, 'payrollApp000000000000000000002': true };\n  if (!MFA_CLIENTS[event.client.client_id] || event.client.client_id === 'payrollApp000000000000000000002') return;\n${enable}`,
      login: /^context\.clientID = "payrollApp000000000000000000002"$/,
    },
    {
      name: 'a nested policy with an array of apps (indexOf)',
      rule: `function (user, context, callback) {\n  const POLICY = { duo: { apps: ['crmPortal0000000000000000000001', 'payrollApp000000000000000000002'] } };\n  if (POLICY.duo.apps.indexOf(context.clientID) === -1) return callback(null, user, context);\n${duo}`,
      faithful: `exports.onExecutePostLogin = async (event, api) => {\n  const POLICY = { duo: { apps: ['crmPortal0000000000000000000001', 'payrollApp000000000000000000002'] } };\n  if (POLICY.duo.apps.indexOf(event.client.client_id) === -1) return;\n${enable}`,
      dropped: `exports.onExecutePostLogin = async (event, api) => {\n  const POLICY = { duo: { apps: ['crmPortal0000000000000000000001'] } };\n  if (POLICY.duo.apps.indexOf(event.client.client_id) === -1) return;\n${enable}`,
      login: /^context\.clientID = "payrollApp000000000000000000002"$/,
    },
    {
      name: 'a Set of client ids, and a connection table compared with a value',
      rule: `function (user, context, callback) {\n  var APPS = new Set(['crmPortal0000000000000000000001']);\n  var BY_CONNECTION = { 'corp-ad': 'duo', 'partner-saml': 'duo', 'Username-Password-Authentication': 'none' };\n  if (!APPS.has(context.clientID) && BY_CONNECTION[context.connection] !== 'duo') return callback(null, user, context);\n${duo}`,
      faithful: `exports.onExecutePostLogin = async (event, api) => {\n  var APPS = new Set(['crmPortal0000000000000000000001']);\n  var BY_CONNECTION = { 'corp-ad': 'duo', 'partner-saml': 'duo', 'Username-Password-Authentication': 'none' };\n  if (!APPS.has(event.client.client_id) && BY_CONNECTION[event.connection.name] !== 'duo') return;\n${enable}`,
      dropped: `exports.onExecutePostLogin = async (event, api) => {\n  var APPS = new Set(['crmPortal0000000000000000000001']);\n  var BY_CONNECTION = { 'corp-ad': 'duo', 'partner-saml': 'none', 'Username-Password-Authentication': 'none' };\n  if (!APPS.has(event.client.client_id) && BY_CONNECTION[event.connection.name] !== 'duo') return;\n${enable}`,
      login: /^context\.connection = "partner-saml"$/,
    },
  ];

  for (const [index, c] of cases.entries()) {
    test(`${c.name}: an Action that drops Duo for one listed value diverges (exit 1); the faithful one agrees (exit 0)`, () => {
      const rule = work.write(`rules/table-${index}.js`, c.rule);
      const dropped = work.write(`dropped-${index}.js`, c.dropped);
      const faithful = work.write(`faithful-${index}.js`, c.faithful);
      const caught = cli(['equivalence', rule, dropped, '--format', 'json'], work.root);
      assert.equal(caught.code, 1, caught.stderr + caught.stdout);
      const report = JSON.parse(caught.stdout) as Report;
      assert.equal(report.divergences.length, 1, caught.stdout);
      assert.deepEqual(report.divergences[0].fields, ['mfa']);
      assert.match(report.divergences[0].login, c.login);
      const agreed = agreesOnEveryLogin(rule, faithful, work.root);
      // The MFA path was among the logins compared: more than the defaults (6 without the table).
      assert.ok(agreed.logins > 6, `only ${agreed.logins} logins`);
    });
  }

  /**
   * A Rule that requires Duo only for emails at @corp.example: the check finds `wrong` diverging on MFA at such a
   * login (exit 1), and `faithful` agreeing on every login (exit 0).
   */
  const checksEmailDomainGate = (rule: string, wrong: string, faithful: string): void => {
    const caught = cli(['equivalence', rule, wrong, '--format', 'json'], work.root);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    const report = JSON.parse(caught.stdout) as Report;
    assert.ok(report.divergences.some((d) => d.fields.includes('mfa') && /user\.email contains "@corp\.example"/.test(d.login)), caught.stdout);
    agreesOnEveryLogin(rule, faithful, work.root);
  };

  test('an email-domain gate (endsWith): an Action with the domain mistyped diverges on mfa (exit 1); the faithful one agrees', () => {
    const rule = work.write('rules/domain.js', `function (user, context, callback) {\n  if (!user.email || !user.email.toLowerCase().endsWith('@corp.example')) return callback(null, user, context);\n${duo}`);
    const faithful = work.write('domain-faithful.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (!event.user.email || !event.user.email.toLowerCase().endsWith('@corp.example')) return;\n${enable}`);
    const mistyped = work.write('domain-mistyped.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (!event.user.email || !event.user.email.toLowerCase().endsWith('@corp.example.com')) return;\n${enable}`);
    checksEmailDomainGate(rule, mistyped, faithful);
  });

  test('a regular-expression gate: an Action without it diverges on mfa (exit 1); the faithful one agrees', () => {
    const rule = work.write('rules/regex-domain.js', `function (user, context, callback) {\n  if (!/@corp\\.example$/i.test(user.email || '')) return callback(null, user, context);\n${duo}`);
    const noDuo = work.write('regex-no-duo.js', `exports.onExecutePostLogin = async (event, api) => {\n  return;\n};`);
    const faithful = work.write('regex-faithful.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (!/@corp\\.example$/i.test(event.user.email || '')) return;\n${enable}`);
    checksEmailDomainGate(rule, noDuo, faithful);
  });

  test('a gate with classes, a repeat and alternatives kept in a constant: each alternative is tried, so an Action that drops one diverges', () => {
    const rule = work.write('rules/regex-staff.js', `function (user, context, callback) {\n  const STAFF = /^[a-z]+\\.[a-z]+@(corp|staff)\\.example$/i;\n  if (!STAFF.test(user.email || '')) return callback(null, user, context);\n${duo}`);
    const oneDomain = work.write('regex-one-domain.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (!/^[a-z]+\\.[a-z]+@corp\\.example$/i.test(event.user.email || '')) return;\n${enable}`);
    const faithful = work.write('regex-staff-faithful.js', `const STAFF = /^[a-z]+\\.[a-z]+@(corp|staff)\\.example$/i;\nexports.onExecutePostLogin = async (event, api) => {\n  if (!STAFF.test(event.user.email || '')) return;\n${enable}`);
    const caught = cli(['equivalence', rule, oneDomain, '--format', 'json'], work.root);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    const report = JSON.parse(caught.stdout) as Report;
    assert.deepEqual(report.divergences.map((d) => [d.fields, d.login]), [[['mfa'], 'user.email = "a.a@staff.example"']], caught.stdout);
    const agreed = agreesOnEveryLogin(rule, faithful, work.root);
    assert.deepEqual(agreed.notes, []);
  });

  test('a regular expression no login can be built for (a look-ahead) is reported as NOT TRIED, naming it; --strict makes that exit 1', () => {
    // The admin portal's logins reach Duo, so the check has something to compare; the look-ahead gate is not tried.
    const rule = work.write('rules/regex-lookahead.js', `function (user, context, callback) {\n  if (context.clientID !== 'admin-portal' && !/^(?!guest)\\w+@corp\\.example$/.test(user.email || '')) return callback(null, user, context);\n${duo}`);
    const adminOnly = work.write('regex-lookahead-admin-only.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.client_id !== 'admin-portal') return;\n${enable}`);
    const untried = cli(['equivalence', rule, adminOnly], work.root);
    assert.match(untried.stdout, /NOT TRIED: logins where user\.email matches \/\^\(\?!guest\)\\w\+@corp\\\.example\$\/ were not tried: the check builds no value for such a regular expression\./, untried.stdout);
    // Not tried is not a divergence: exit 0 by default, and 1 under --strict, saying why.
    assert.equal(untried.code, 0, untried.stderr + untried.stdout);
    assert.doesNotMatch(untried.stdout, /--strict/);
    const strict = cli(['equivalence', rule, adminOnly, '--strict'], work.root);
    assert.equal(strict.code, 1, strict.stderr + strict.stdout);
    assert.match(strict.stdout, /\n--strict: exit 1, as the check did not try or compare every login its conditions allow \(1 note above\)\.\n$/);
    // A faithful Action that tries everything passes --strict.
    const gate = work.write('rules/regex-gate-strict.js', `function (user, context, callback) {\n  if (!/@corp\\.example$/i.test(user.email || '')) return callback(null, user, context);\n${duo}`);
    const faithful = work.write('regex-gate-strict-faithful.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (!/@corp\\.example$/i.test(event.user.email || '')) return;\n${enable}`);
    const clean = cli(['equivalence', gate, faithful, '--strict'], work.root);
    assert.equal(clean.code, 0, clean.stderr + clean.stdout);
    // convert --check takes it too, and only with --check.
    const converted = cli(['convert', rule, '--check', '--strict'], work.root);
    assert.equal(converted.code, 1, converted.stderr + converted.stdout);
    assert.match(converted.stderr, /NOT TRIED: logins where user\.email matches[^]*--strict: exit 1/);
    const usage = cli(['convert', rule, '--strict'], work.root);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--strict goes with --check/);
  });

  test('a Rule whose MFA no login tried reaches (a gate the matrix cannot read) fails the check: NOT REACHED, exit 1, also for convert --check', () => {
    // Gates the matrix does not read: how many words an input has, the year of a date built from one, a table filled with computed keys.
    const gates = {
      'reach-words': `  if (user.name.split(' ').length !== 7) return callback(null, user, context);\n`,
      'reach-table-computed': `  const MFA_APPS = {};\n  for (const id of ['crm', 'hr']) MFA_APPS[id + '-app'] = true;\n  if (!MFA_APPS[context.clientID]) return callback(null, user, context);\n`,
      'reach-date': `  if (new Date(user.created_at).getFullYear() !== 2019) return callback(null, user, context);\n`,
    };
    const noDuo = work.write('reach-no-duo.js', `exports.onExecutePostLogin = async (event, api) => {\n  return;\n};`);
    for (const [name, gate] of Object.entries(gates)) {
      const rule = work.write(`rules/${name}.js`, `function (user, context, callback) {\n${gate}${duo}`);
      const line = gate.split('\n').length + 1;
      const text = cli(['equivalence', rule, noDuo], work.root);
      assert.equal(text.code, 1, `${name}: ${text.stderr}${text.stdout}`);
      assert.match(text.stdout, /^Differential check: (\d+) logins, \1 agree, 0 divergences \(\d+ ms\); the Rule asked for MFA on NO login tried, so this check does not show that the Action asks for it where the Rule did/, name);
      assert.ok(text.stdout.includes(`  NOT REACHED: no login tried ended with the Rule asking for MFA, although it sets context.multifactor (${name}.js line ${line})`), `${name}: ${text.stdout}`);
      const json = JSON.parse(cli(['equivalence', rule, noDuo, '--format', 'json'], work.root).stdout) as Report;
      // The gate itself is named too, as not tried.
      assert.deepEqual(json.notes?.map((n) => n.kind), ['not-tried', 'unreached'], name);
      assert.match(json.notes?.[0].message ?? '', new RegExp(`^${name}\\.js line ${line - 1}: \``), name);
    }
    // The converter's own Action agrees on every login, but that still shows nothing about Duo.
    const converted = cli(['convert', join(work.root, 'rules/reach-words.js'), '--check'], work.root);
    assert.equal(converted.code, 1, converted.stderr);
    assert.match(converted.stderr, /NOT REACHED: no login tried ended with the Rule asking for MFA/);
    // A Rule that never sets MFA has nothing to reach: the two agree, exit 0.
    const plain = work.write('rules/reach-no-mfa.js', `function (user, context, callback) {\n  if (context.stats.loginsCount % 10 === 0) user.app_metadata.tenth = true;\n  callback(null, user, context);\n}\n`);
    const clean = cli(['equivalence', plain, noDuo], work.root);
    assert.equal(clean.code, 0, clean.stderr + clean.stdout);
    assert.doesNotMatch(clean.stdout, /NOT REACHED/);
  });

  test('a Rule whose denial no login tried reaches is noted as NOT TRIED (exit 0), and --strict fails it', () => {
    // A gate no matrix reads: the denial is never tried, and an Action without it agrees on every login tried.
    const rule = work.write('rules/deny-unread.js', `function (user, context, callback) {\n  if (String(user.email).split('').reverse().join('') === 'elpmaxe.proc@dekcolb') {\n    return callback(new UnauthorizedError('blocked'));\n  }\n${duo}`);
    const noDeny = work.write('deny-unread-action.js', `exports.onExecutePostLogin = async (event, api) => {\n${enable}`);
    const text = cli(['equivalence', rule, noDeny], work.root);
    assert.equal(text.code, 0, text.stderr + text.stdout);
    assert.ok(text.stdout.includes('  NOT TRIED: logins the Rule denies (deny-unread.js line 3) were not tried: no login tried was denied, so an Action that lets them in would still agree.'), text.stdout);
    assert.equal(cli(['equivalence', rule, noDeny, '--strict'], work.root).code, 1);
    // A denial the matrix reaches is compared, not noted.
    const read = work.write('rules/deny-read.js', `function (user, context, callback) {\n  if (context.connection === 'contractors') return callback(new UnauthorizedError('contractors use the portal'));\n${duo}`);
    const caught = cli(['equivalence', read, noDeny], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.doesNotMatch(caught.stdout, /logins the Rule denies/);
  });

  test('a claim set to undefined is left out on both sides: the faithful Action agrees, one that sets a value diverges', () => {
    const rule = work.write('rules/claim-undefined.js', `function (user, context, callback) {\n  context.idToken['https://example.com/team'] = user.app_metadata.team;\n${duo}`);
    const faithful = work.write('claim-undefined-faithful.js', `exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://example.com/team', event.user.app_metadata.team);\n${enable}`);
    const same = cli(['equivalence', rule, faithful, '--format', 'json'], work.root);
    assert.equal(same.code, 0, same.stdout);
    const report = JSON.parse(same.stdout) as Report;
    assert.equal(report.agreeing, report.logins);
    const other = work.write('claim-undefined-other.js', `exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://example.com/team', event.user.app_metadata.team || 'none');\n${enable}`);
    const caught = cli(['equivalence', rule, other], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.match(caught.stdout, /DIVERGES on idToken/);
  });

  test('MFA skipped once the session completed it (methods.find((m) => m.name === ...)): an Action that skips it for another method diverges', () => {
    const rule = work.write('rules/once-per-session.js', `function (user, context, callback) {\n  const methods = (context.authentication && context.authentication.methods) || [];\n  if (methods.find((m) => m.name === 'mfa')) return callback(null, user, context);\n${duo}`);
    const faithful = work.write('once-per-session-faithful.js', `exports.onExecutePostLogin = async (event, api) => {\n  const methods = (event.authentication && event.authentication.methods) || [];\n  if (methods.find((m) => m.name === 'mfa')) return;\n${enable}`);
    const wrong = work.write('once-per-session-otp.js', `exports.onExecutePostLogin = async (event, api) => {\n  const methods = (event.authentication && event.authentication.methods) || [];\n  if (methods.find((m) => m.name === 'mfa' || m.name === 'otp')) return;\n${enable}`);
    const same = cli(['equivalence', rule, faithful], work.root);
    assert.equal(same.code, 0, same.stdout);
    // The Action's own condition is read too: a login with a one-time code skips Duo there, never in the Rule.
    const caught = cli(['equivalence', rule, wrong], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.match(caught.stdout, /DIVERGES on mfa in \d+ logins?; smallest: context\.authentication\.methods contains \{"name":"otp"\}/);
  });

  test("Adaptive MFA's context.riskAssessment converts to event.authentication?.riskAssessment with no TODO; an Action that skips Duo at another confidence diverges", () => {
    const rule = work.write('rules/adaptive.js', `function (user, context, callback) {\n  const risk = context.riskAssessment;\n  if (risk && risk.confidence === 'high') return callback(null, user, context);\n${duo}`);
    const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
    assert.equal(converted.code, 0, converted.stderr + converted.stdout);
    const result = JSON.parse(converted.stdout) as { action: string; notes: unknown[]; check: Report };
    assert.match(result.action, /const risk = event\.authentication\?\.riskAssessment;/);
    assert.deepEqual(result.notes, []);
    assert.equal(result.check.agreeing, result.check.logins);
    const wrong = work.write('adaptive-medium.js', result.action.replace("risk.confidence === 'high'", "risk.confidence !== 'low'"));
    const caught = cli(['equivalence', rule, wrong], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.match(caught.stdout, /DIVERGES on mfa in \d+ logins?; smallest: context\.riskAssessment\.confidence = /);
  });

  test("context.request.geoip's fields convert to the Action's camelCase names; an Action reading the Rule's snake_case names diverges", () => {
    // US logins skip Duo. In an Action, geoip.country_code is undefined: every US login would be asked for Duo.
    const rule = work.write('rules/geo.js', `function (user, context, callback) {\n  if (context.request.geoip && context.request.geoip.country_code === 'US') return callback(null, user, context);\n  context.idToken['https://example.com/tz'] = context.request.geoip.time_zone;\n${duo}`);
    const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
    assert.equal(converted.code, 0, converted.stderr + converted.stdout);
    const result = JSON.parse(converted.stdout) as { action: string; notes: unknown[]; check: Report };
    assert.match(result.action, /if \(event\.request\.geoip && event\.request\.geoip\.countryCode === 'US'\) return;/);
    assert.match(result.action, /setCustomClaim\('https:\/\/example\.com\/tz', event\.request\.geoip\.timeZone\)/);
    // A presence test of the whole object needs no note.
    assert.deepEqual(result.notes, []);
    assert.equal(result.check.agreeing, result.check.logins);
    const snake = work.write('geo-snake-case.js', result.action.replace('geoip.countryCode', 'geoip.country_code'));
    const caught = cli(['equivalence', rule, snake], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.match(caught.stdout, /DIVERGES on mfa, idToken in \d+ logins?; smallest: the default mock login\n {4}Rule: {3}allowed, no MFA\n {4}Action: allowed, MFA duo/);
  });

  test('context.request.geoip used whole (kept in a variable or stored) gets a TODO naming the renamed fields', () => {
    const rule = work.write('rules/geo-whole.js', `function (user, context, callback) {\n  var geo = user.user_metadata.geoip || context.request.geoip;\n  if (geo && geo.country_code === 'US') return callback(null, user, context);\n${duo}`);
    const converted = cli(['convert', rule, '--format', 'json'], work.root);
    // Written, with a TODO left.
    assert.equal(converted.code, 1, converted.stderr + converted.stdout);
    const result = JSON.parse(converted.stdout) as { action: string; notes: Array<{ message: string }> };
    assert.match(result.action, /\/\/ TODO\(duo-rules\): context\.request\.geoip: event\.request\.geoip names its fields in camelCase \(countryCode, cityName, timeZone…\)/);
    assert.match(result.action, /var geo = event\.user\.user_metadata\.geoip \|\| event\.request\.geoip;/);
    assert.equal(result.notes.filter((n) => /camelCase/.test(n.message)).length, 1);
  });

  test("an authentication method's timestamp (milliseconds in a Rule, ISO 8601 in an Action): convert leaves a TODO, and the check shows the claim it breaks", () => {
    const rule = work.write('rules/auth-time.js', `function (user, context, callback) {\n  const pwd = context.authentication.methods.find((m) => m.name === 'pwd');\n  if (pwd) context.accessToken['https://example.com/auth_time'] = Math.trunc(pwd.timestamp / 1000);\n  const info = { timestamp: 5 };\n  context.idToken['https://example.com/n'] = info.timestamp;\n${duo}`);
    const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
    assert.equal(converted.code, 1, converted.stderr + converted.stdout);
    const result = JSON.parse(converted.stdout) as { action: string; notes: Array<{ message: string }>; check: Report };
    // One TODO, on the method's timestamp and not on another object's.
    assert.deepEqual(result.notes.map((n) => n.message), ["an authentication method's timestamp is an ISO 8601 string in an Action (the Rule's was milliseconds): use Date.parse(…timestamp) where the Rule computed with the number, and check any claim that carries it."]);
    const asConverted = work.write('auth-time-as-converted.js', result.action);
    const caught = cli(['equivalence', rule, asConverted], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.match(caught.stdout, /DIVERGES on accessToken in \d+ logins?; smallest: the default mock login\n {4}Rule: {3}.*"https:\/\/example\.com\/auth_time":\d+\}\n {4}Action: .*"https:\/\/example\.com\/auth_time":null\}/);
    const fixed = work.write('auth-time-fixed.js', result.action.replace('Math.trunc(pwd.timestamp / 1000)', 'Math.trunc(Date.parse(pwd.timestamp) / 1000)'));
    const agreed = cli(['equivalence', rule, fixed], work.root);
    assert.equal(agreed.code, 0, agreed.stdout);
    assert.match(agreed.stdout, /0 divergences/);
  });

  test("an email-domain allow-list's denial is tried with an address at another domain: an Action without it diverges", () => {
    const rule = work.write('rules/domain-allow-list.js', `function (user, context, callback) {\n  const ALLOWED = ['example.com', 'partner.example'];\n  const ok = ALLOWED.some(function (domain) {\n    var parts = user.email.split('@');\n    return parts[parts.length - 1].toLowerCase() === domain;\n  });\n  if (!ok) return callback(new UnauthorizedError('Access denied.'));\n${duo}`);
    const noDeny = work.write('domain-allow-list-action.js', `exports.onExecutePostLogin = async (event, api) => {\n${enable}`);
    const caught = cli(['equivalence', rule, noDeny], work.root);
    assert.equal(caught.code, 1, caught.stdout);
    assert.match(caught.stdout, /DIVERGES on outcome in \d+ logins?; smallest: user\.email = "someone@other-example\.com"\n {4}Rule: {3}denied \("Access denied\."\)/);
    assert.doesNotMatch(caught.stdout, /logins the Rule denies/);
  });

  test('convert --check of a table-gated Rule compares the MFA path of each listed client and agrees', () => {
    const rule = work.write('rules/convert-table.js', cases[0].rule);
    const run = cli(['convert', rule, '--check', '--format', 'json'], work.root);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const check = checkOf(run);
    assert.deepEqual(check.divergences, []);
    assert.equal(check.agreeing, check.logins);
    assert.ok(check.logins >= 18, `only ${check.logins} logins`);
  });
});

describe('the differential check reaches Duo through more gate shapes', () => {
  const work = createWorkspace({ prefix: 'duo-gate-shapes-', packageName: 'duo-gate-shapes' });
  const duo = `  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`;
  const enable = `  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n};\n`;
  const noDuo = work.write('shapes-no-duo.js', `exports.onExecutePostLogin = async (event, api) => {\n  return;\n};\n`);
  // Each Rule asks for Duo through the shape (alone, or beside the admin portal); the faithful Action says the same
  // in event terms. An Action without Duo, and one that keeps only the admin-portal branch, must diverge on mfa.
  const shapes: { name: string; setup?: string; gate: string; actionSetup?: string; actionGate: string }[] = [
    { name: 'destructured inputs', setup: `  const { connection } = context;\n  const { request: { geoip } } = context;\n`, gate: `connection === 'corp-ad' || geoip.country_code === 'FR'`, actionSetup: `  const { connection, request: { geoip } } = event;\n`, actionGate: `connection.name === 'corp-ad' || geoip.countryCode === 'FR'` },
    { name: 'a helper function', setup: `  function needsMfa(u) { return !!u.email && u.email.endsWith('@corp.example'); }\n`, gate: 'needsMfa(user)', actionSetup: `  const needsMfa = (u) => !!u.email && u.email.endsWith('@corp.example');\n`, actionGate: 'needsMfa(event.user)' },
    { name: 'an index into an input list', gate: `user.identities[0].provider === 'google-oauth2'`, actionGate: `event.user.identities[0].provider === 'google-oauth2'` },
    { name: 'includes after toLowerCase', gate: `context.clientName.toLowerCase().includes('admin')`, actionGate: `event.client.name.toLowerCase().includes('admin')` },
    { name: 'a default object around an input', gate: '(user.app_metadata || {}).mfa_enabled', actionGate: '(event.user.app_metadata || {}).mfa_enabled' },
    { name: 'modulo', gate: 'context.stats.loginsCount % 10 === 0', actionGate: 'event.stats.logins_count % 10 === 0' },
    { name: 'a callback over an input list', gate: `(context.authorization.roles || []).some((r) => r.startsWith('admin'))`, actionGate: `(event.authorization.roles || []).some((r) => r.startsWith('admin'))` },
    { name: 'a table lookup from a callback over an input list', setup: `  const TIERS = { 'payroll-admins': 'duo' };\n`, gate: '(user.groups || []).find((g) => TIERS[g])', actionSetup: `  const TIERS = { 'payroll-admins': 'duo' };\n`, actionGate: '(event.user.groups || []).find((g) => TIERS[g])' },
    { name: 'a table filled by assignments', setup: `  const MFA_APPS = {};\n  MFA_APPS['payroll-app'] = true;\n`, gate: 'MFA_APPS[context.clientID]', actionSetup: `  const MFA_APPS = new Set();\n  MFA_APPS.add('payroll-app');\n`, actionGate: 'MFA_APPS.has(event.client.client_id)' },
    { name: 'indexOf read as a truth value', gate: `user.groups && user.groups.indexOf('okta_mfa')`, actionGate: `event.user.groups && event.user.groups.indexOf('okta_mfa')` },
  ];
  const adminOnly = work.write('shapes-admin-only.js', `exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.client_id !== 'admin-portal') return;\n${enable}`);

  for (const [index, shape] of shapes.entries()) {
    test(`${shape.name}: an Action without Duo, or without that branch, diverges on mfa (exit 1); the faithful one agrees (exit 0)`, () => {
      const rule = work.write(`rules/shape-${index}.js`, `function (user, context, callback) {\n${shape.setup ?? ''}  if (context.clientID !== 'admin-portal' && !(${shape.gate})) return callback(null, user, context);\n${duo}`);
      const faithful = work.write(`shape-${index}-faithful.js`, `exports.onExecutePostLogin = async (event, api) => {\n${shape.actionSetup ?? ''}  if (event.client.client_id !== 'admin-portal' && !(${shape.actionGate})) return;\n${enable}`);
      // The shape alone against no Duo at all; the shape beside the admin portal against an Action keeping only the portal.
      const alone = work.write(`rules/shape-${index}-alone.js`, `function (user, context, callback) {\n${shape.setup ?? ''}  if (!(${shape.gate})) return callback(null, user, context);\n${duo}`);
      for (const [checked, wrong] of [[alone, noDuo], [rule, adminOnly]]) {
        const caught = cli(['equivalence', checked, wrong, '--format', 'json'], work.root);
        assert.equal(caught.code, 1, caught.stderr + caught.stdout);
        const report = JSON.parse(caught.stdout) as Report;
        // A divergence on mfa on a login the shape sends to Duo (not only the admin portal), not merely NOT REACHED.
        assert.ok(report.divergences.some((d) => d.fields.includes('mfa') && !d.login.includes('admin-portal')), caught.stdout);
        assert.ok(!report.notes?.some((n) => n.kind === 'unreached'), caught.stdout);
      }
      const agreed = agreesOnEveryLogin(rule, faithful, work.root);
      assert.deepEqual(agreed.divergences, []);
    });
  }
});

describe('the differential check tries the lists a Rule reads from its configuration', () => {
  const work = createWorkspace({ prefix: 'duo-config-lists-', packageName: 'duo-config-lists' });
  const duo = `  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`;
  const enable = `  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n};\n`;
  const splitRule = work.write('rules/split.js', `function (user, context, callback) {\n  var list = configuration.MFA_CLIENTS.split(',');\n  if (!list.includes(context.clientID)) return callback(null, user, context);\n${duo}`);
  const splitFaithful = work.write('split-faithful.js', `exports.onExecutePostLogin = async (event, api) => {\n  var list = event.secrets.MFA_CLIENTS.split(',');\n  if (!list.includes(event.client.client_id)) return;\n${enable}`);
  const splitDropped = work.write('split-dropped.js', `exports.onExecutePostLogin = async (event, api) => {\n  var list = event.secrets.MFA_CLIENTS.split(',');\n  if (!list.includes(event.client.client_id) || event.client.client_id === 'payrollApp') return;\n${enable}`);
  const jsonRule = work.write('rules/json.js', `function (user, context, callback) {\n  var policy = JSON.parse(configuration.DUO_POLICY);\n  if (!policy.clients[context.clientID]) return callback(null, user, context);\n${duo}`);
  const jsonDropped = work.write('json-dropped.js', `exports.onExecutePostLogin = async (event, api) => {\n  var policy = JSON.parse(event.secrets.DUO_POLICY);\n  if (!policy.clients[event.client.client_id] || event.client.client_id === 'crmPortal') return;\n${enable}`);
  const values = work.write('check-values.json', JSON.stringify({ MFA_CLIENTS: 'crmPortal,payrollApp', DUO_POLICY: JSON.stringify({ clients: { crmPortal: 'duo', payrollApp: 'duo' } }) }));

  test('with --configuration, each item of configuration.X.split(sep) is tried: a dropped client diverges, the faithful Action agrees', () => {
    const caught = cli(['equivalence', splitRule, splitDropped, '--configuration', values, '--format', 'json'], work.root);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    const report = JSON.parse(caught.stdout) as Report;
    assert.deepEqual(report.divergences.map((d) => [d.fields, d.login]), [[['mfa'], 'context.clientID = "payrollApp"']]);
    assert.deepEqual(report.notes, []);
    const same = cli(['equivalence', splitRule, splitFaithful, '--configuration', values, '--format', 'json'], work.root);
    assert.equal(same.code, 0, same.stderr + same.stdout);
    assert.ok((JSON.parse(same.stdout) as Report).logins > 6);
  });

  test('without a value, the split list is tried with its stand-in item, and the report says only that was tried', () => {
    const run = cli(['equivalence', splitRule, splitDropped], work.root);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /^ {2}note: context\.clientID was tried only with the stand-in item of configuration\.MFA_CLIENTS\.split\(','\) \(configuration\.MFA_CLIENTS has no value in the check; give it with --configuration <file\.json> or in the deploy-cli repository's rules-configs\/ to try the real list\)\.$/m);
  });

  test('JSON.parse(configuration.X) without a value: the check says plainly those logins were not tried; with the value it catches the dropped client', () => {
    const untried = cli(['equivalence', jsonRule, jsonDropped], work.root);
    // Nothing was compared, so the check cannot pass.
    assert.equal(untried.code, 1, untried.stderr + untried.stdout);
    assert.match(untried.stdout, /^Differential check: (\d+) logins, 0 agree, \1 failed on both sides, 0 divergences \(\d+ ms\); NO decision was compared, so this check does not show that they decide alike; NOT every login the conditions allow was tried \(2 notes below\)\.\n {2}NOT TRIED: logins where context\.clientID is in JSON\.parse\(configuration\.DUO_POLICY\) were not tried: configuration\.DUO_POLICY has no value in the check \(give it with --configuration <file\.json> or in the deploy-cli repository's rules-configs\/\)\.$/m);
    // The Rule cannot parse the stand-in: both sides fail on every login, which is no agreement either.
    assert.match(untried.stdout, /^ {2}FAILED: all \d+ logins ended in an error or a timeout on both sides, so no decision was compared on them/m);
    const converted = cli(['convert', jsonRule, '--check', '--format', 'json'], work.root);
    assert.deepEqual(checkOf(converted).notes?.map((n) => n.kind), ['not-tried', 'failed']);
    const caught = cli(['convert', jsonRule, '--check', '--configuration', values, '--format', 'json'], work.root);
    assert.equal(caught.code, 0, caught.stderr + caught.stdout);
    assert.deepEqual(checkOf(caught).notes, []);
    assert.ok(checkOf(caught).logins > 6);
    const dropped = cli(['equivalence', jsonRule, jsonDropped, '--configuration', values, '--format', 'json'], work.root);
    assert.equal(dropped.code, 1, dropped.stderr + dropped.stdout);
    assert.deepEqual((JSON.parse(dropped.stdout) as Report).divergences.map((d) => d.login), ['context.clientID = "crmPortal"']);
  });
});

test('convert --check in a deploy-cli repository tries the list from rules-configs/, and only that value is taken from it', () => {
  const repo = createWorkspace({ prefix: 'duo-rules-configs-', files: {
    'rules/listed.js': `function listedAppsGetDuo(user, context, callback) {\n  const { MFA_CLIENTS } = configuration;\n  if (MFA_CLIENTS.split(';').indexOf(context.clientID) === -1) return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`,
    'rules/listed.json': JSON.stringify({ name: 'listed', enabled: true, order: 1, stage: 'login_success', script: './listed.js' }),
    'rules-configs/MFA_CLIENTS.json': JSON.stringify({ key: 'MFA_CLIENTS', value: 'crmPortal;payrollApp' }),
    'rules-configs/DUO_HOST.json': JSON.stringify({ key: 'DUO_HOST', value: 'api-repo0001.duosecurity.com' }),
  } });
  const run = cli(['convert', repo.root, '--check', '--format', 'json'], repo.root);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const check = checkOf(run);
  assert.deepEqual(check.notes, []);
  assert.ok(check.logins >= 18, `only ${check.logins} logins`);
  const action = repo.path('actions/1-listed/code.js');
  writeFileSync(action, readFileSync(action, 'utf8').replace(/if \(([^\n]*)\) return;/, "if ($1 || event.client.client_id === 'payrollApp') return;"));
  const caught = cli(['equivalence', repo.path('rules'), action, '--format', 'json'], repo.root);
  assert.equal(caught.code, 1, caught.stderr + caught.stdout);
  const report = JSON.parse(caught.stdout) as Report & { divergences: { rule: { mfa?: { host?: string } } }[] };
  assert.deepEqual(report.divergences.map((d) => d.login), ['context.clientID = "payrollApp"']);
  // The Duo host the check ran with is still its stand-in: only the list came from the repository.
  assert.equal(report.divergences[0].rule.mfa?.host, 'DUO_HOST-value');
});

test('an Action that skips Duo for a client the Rule never names is caught: the Action\'s own conditions are tried too', () => {
  const work = createWorkspace({ prefix: 'duo-action-literals-', packageName: 'duo-action-literals' });
  const rule = work.write('rules/everyone.js', `function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`);
  const action = work.write('skips-kiosk.js', `exports.onExecutePostLogin = async (event, api) => {\n  const NO_DUO = new Set(['kioskApp']);\n  if (NO_DUO.has(event.client.client_id)) return;\n  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n};\n`);
  const run = cli(['equivalence', rule, action, '--format', 'json'], work.root);
  assert.equal(run.code, 1, run.stderr + run.stdout);
  const report = JSON.parse(run.stdout) as Report;
  assert.deepEqual(report.divergences.map((d) => [d.fields, d.login]), [[['mfa'], 'context.clientID = "kioskApp"']]);
});

test('a check on which every login failed on both sides compared nothing: it says so, names the Rule\'s error and exits 1', () => {
  // Auth0's IP-range MFA template requires a module Auth0 offers; here it is not installed, so the Rule
  // and its Action both fail on every login and not one Duo decision is compared.
  const work = createWorkspace({ prefix: 'duo-check-failed-', files: {
    'rules/office-ip.js': `function duoOutsideOffice(user, context, callback) {\n  var cidr = require('office-cidr-matcher');\n  if (!cidr.contains('10.20.0.0/16', context.request.ip)) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }\n  callback(null, user, context);\n}\n`,
  } });
  const rule = join(work.root, 'rules', 'office-ip.js');
  const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
  assert.equal(converted.code, 1, converted.stderr + converted.stdout);
  const check = checkOf(converted) as Report & { failed: number };
  assert.deepEqual(check.divergences, []);
  assert.ok(check.logins > 0);
  assert.equal(check.failed, check.logins);
  const failed = check.notes?.find((n) => n.kind === 'failed');
  assert.match(failed?.message ?? '', /^all \d+ logins ended in an error or a timeout on both sides, so no decision was compared on them \(the Rule's first error: Cannot find module 'office-cidr-matcher'/);
  const text = cli(['convert', rule, '--check'], work.root);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stderr, /^Differential check: (\d+) logins, 0 agree, \1 failed on both sides, 0 divergences \(\d+ ms\); NO decision was compared, so this check does not show that they decide alike/m);
  const action = work.write('office-ip.action.js', text.stdout);
  const equivalence = cli(['equivalence', rule, action], work.root);
  assert.equal(equivalence.code, 1, equivalence.stdout);
  assert.doesNotMatch(equivalence.stdout, /\b[1-9]\d* agree\b/);
});

test('a Rule that gives Duo to the client named in its configuration: an Action that drops Duo diverges, its conversion agrees', () => {
  // The client id is a configuration value (the check's stand-in here), not a literal: the matrix must try it.
  const work = createWorkspace({ prefix: 'duo-check-config-client-', files: {
    'rules/configured-client.js': `function duoForConfiguredClient(user, context, callback) {\n  if (context.clientID === configuration.MFA_CLIENT_ID) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }\n  callback(null, user, context);\n}\n`,
    'rules/listed-client.js': `function duoForListedClient(user, context, callback) {\n  var MFA_APPS = [configuration['DUO_MFA:CLIENT_ID']];\n  if (MFA_APPS.indexOf(context.clientID) !== -1) {\n    context.multifactor = { provider: 'duo', ikey: configuration['DUO_MFA:IKEY'], skey: configuration['DUO_MFA:SKEY'], host: configuration['DUO_MFA:HOST'] };\n  }\n  callback(null, user, context);\n}\n`,
    'no-duo.js': 'exports.onExecutePostLogin = async (event, api) => {\n};\n',
  } });
  for (const name of ['configured-client.js', 'listed-client.js']) {
    const rule = join(work.root, 'rules', name);
    const dropped = cli(['equivalence', rule, join(work.root, 'no-duo.js'), '--format', 'json'], work.root);
    assert.equal(dropped.code, 1, `${name}: ${dropped.stdout}`);
    const report = JSON.parse(dropped.stdout) as Report;
    assert.deepEqual(report.divergences.map((d) => d.fields), [['mfa']], name);
    assert.match(report.divergences[0].login, /^context\.clientID = "(MFA_CLIENT_ID|DUO_MFA:CLIENT_ID)-value"$/);
    const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
    assert.equal(converted.code, 0, `${name}: ${converted.stdout}`);
    const check = checkOf(converted);
    assert.deepEqual(check.divergences, []);
    assert.ok(check.logins > 6, `${name}: only ${check.logins} logins`);
  }
});

test('a Rule requiring Duo unless the login is what the mock already is: the other branch is tried, so an Action without Duo diverges', () => {
  // The mock login uses the database connection: "every connection but the database one" needs another value.
  const work = createWorkspace({ prefix: 'duo-check-unequal-', files: {
    'rules/federated.js': `function duoForFederated(user, context, callback) {\n  if (context.connection !== 'Username-Password-Authentication') {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }\n  callback(null, user, context);\n}\n`,
    'no-duo.js': 'exports.onExecutePostLogin = async (event, api) => {\n};\n',
  } });
  const rule = join(work.root, 'rules', 'federated.js');
  const dropped = cli(['equivalence', rule, join(work.root, 'no-duo.js'), '--format', 'json'], work.root);
  assert.equal(dropped.code, 1, dropped.stdout);
  const report = JSON.parse(dropped.stdout) as Report;
  assert.deepEqual(report.divergences.map((d) => [d.fields, d.login]), [[['mfa'], 'context.connection = "Username-Password-Authentication-other"']]);
  const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
  assert.equal(converted.code, 0, converted.stdout);
  assert.deepEqual(checkOf(converted).divergences, []);
});

test('Duo only for users enrolled in a factor, or by an email prefix: an Action without Duo diverges on those logins', () => {
  const work = createWorkspace({ prefix: 'duo-check-enrolled-', files: {
    'rules/enrolled.js': `function duoWhenEnrolled(user, context, callback) {\n  if ((user.multifactor && user.multifactor.length > 0) || user.email.startsWith('admin')) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }\n  callback(null, user, context);\n}\n`,
    'no-duo.js': 'exports.onExecutePostLogin = async (event, api) => {\n};\n',
  } });
  const rule = join(work.root, 'rules', 'enrolled.js');
  const dropped = cli(['equivalence', rule, join(work.root, 'no-duo.js'), '--format', 'json'], work.root);
  assert.equal(dropped.code, 1, dropped.stdout);
  const report = JSON.parse(dropped.stdout) as Report;
  assert.deepEqual(report.divergences.map((d) => d.fields), [['mfa']]);
  assert.match(report.divergences[0].login, /^(user\.multifactor contains "item"|user\.email = "admin")$/);
  const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
  assert.equal(converted.code, 0, converted.stdout);
  assert.deepEqual(checkOf(converted).divergences, []);
});

test('Duo for a user\'s first logins: the bound is tried, so an Action without Duo diverges', () => {
  const work = createWorkspace({ prefix: 'duo-check-bound-', files: {
    'rules/new-users.js': `function duoForNewUsers(user, context, callback) {\n  if (context.stats.loginsCount < 5) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }\n  callback(null, user, context);\n}\n`,
    'no-duo.js': 'exports.onExecutePostLogin = async (event, api) => {\n};\n',
  } });
  const rule = join(work.root, 'rules', 'new-users.js');
  const dropped = cli(['equivalence', rule, join(work.root, 'no-duo.js'), '--format', 'json'], work.root);
  assert.equal(dropped.code, 1, dropped.stdout);
  assert.deepEqual((JSON.parse(dropped.stdout) as Report).divergences.map((d) => [d.fields, d.login]), [[['mfa'], 'context.stats.loginsCount = 4']]);
  const converted = cli(['convert', rule, '--check', '--format', 'json'], work.root);
  assert.equal(converted.code, 0, converted.stdout);
  assert.deepEqual(checkOf(converted).divergences, []);
});
