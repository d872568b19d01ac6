// The differential check as a real process on Rules that gate Duo on the time of the login: the logins run at the
// hours and weekdays the conditions compare with, so the answer is the same whatever the real time when the check
// runs (the smallest diverging login is always one at a set time), and the local-time readings hold in any timezone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

interface Report {
  logins: number;
  agreeing: number;
  notes: { kind: string; message: string }[];
  divergences: { fields: string[]; logins: number; login: string; settings: { path: string[]; value: unknown; at?: string }[] }[];
}

const duo = `  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`;
const enable = `  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n};\n`;

describe('the differential check tries the times of day and days of week a Rule looks at', () => {
  const work = createWorkspace({ prefix: 'duo-clock-', packageName: 'duo-clock' });
  const cli = (args: string[], tz?: string): CliResult => runCliSync(args, { cwd: work.root, ...(tz ? { env: { ...process.env, TZ: tz } } : {}) });
  const noDuo = work.write('no-duo.js', `exports.onExecutePostLogin = async (event, api) => {\n  return;\n};\n`);
  const alwaysDuo = work.write('always-duo.js', `exports.onExecutePostLogin = async (event, api) => {\n${enable}`);

  const officeHours = work.write('rules/office-hours.js', `function (user, context, callback) {
  const hour = new Date().getUTCHours();
  if (hour >= 8 && hour < 18) return callback(null, user, context);   // office hours: no MFA
${duo}`);
  const officeHoursAction = work.write('office-hours-action.js', `exports.onExecutePostLogin = async (event, api) => {
  const hour = new Date().getUTCHours();
  if (hour >= 8 && hour < 18) return;
${enable}`);

  test('Duo only outside office hours (UTC) against an Action without Duo: DIVERGES at 07:00 UTC (exit 1)', () => {
    const run = cli(['equivalence', officeHours, noDuo]);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.match(run.stdout, /DIVERGES on mfa in \d+ logins; smallest: at 2026-11-30T07:00:00Z \(hour 7 UTC\)\n {4}Rule: {3}allowed, MFA duo[^\n]*\n {4}Action: allowed, no MFA\n/);
    const json = cli(['equivalence', officeHours, noDuo, '--format', 'json']);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(report.divergences.length, 1);
    assert.deepEqual(report.divergences[0].settings, [{ path: ['clock', 'utcHour'], value: 7, at: '2026-11-30T07:00:00Z' }]);
    // 7, 18 and 19 o'clock of each combination of the other inputs (refresh-token protocol, email_verified): 3 × 6.
    assert.ok(report.divergences[0].logins >= 18, json.stdout);
  });

  test('against the faithful Action: the same decision on every login, office hours and not (exit 0)', () => {
    const run = cli(['equivalence', officeHours, officeHoursAction, '--format', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.agreeing, report.logins);
    assert.deepEqual(report.notes, []);
    // The hours either side of both bounds, with each combination of the other inputs, and the default ones.
    assert.equal(report.logins, 7 * 6);
  });

  test('an Action whose office hours start an hour late diverges at the Rule\'s bound, 08:00 UTC', () => {
    const late = work.write('late-action.js', `exports.onExecutePostLogin = async (event, api) => {
  const hour = new Date().getUTCHours();
  if (hour >= 9 && hour < 18) return;
${enable}`);
    const run = cli(['equivalence', officeHours, late, '--format', 'json']);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as Report;
    assert.deepEqual(report.divergences.map((d) => d.login), ['at 2026-11-30T08:00:00Z (hour 8 UTC)']);
  });

  test('convert --check of the office-hours Rule compares the hours either side of both bounds and agrees', () => {
    const run = cli(['convert', officeHours, '--check', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const check = (JSON.parse(run.stdout) as { check: Report }).check;
    assert.deepEqual(check.divergences, []);
    assert.equal(check.agreeing, check.logins);
    assert.equal(check.logins, 7 * 6);
  });

  test('local hours (getHours) hold in any timezone the check runs in', () => {
    const rule = work.write('rules/local-hours.js', `function (user, context, callback) {
  const now = new Date();
  if (now.getHours() >= 9 && now.getHours() < 17) return callback(null, user, context);
${duo}`);
    const faithful = work.write('local-hours-action.js', `exports.onExecutePostLogin = async (event, api) => {
  const now = new Date();
  if (now.getHours() >= 9 && now.getHours() < 17) return;
${enable}`);
    for (const [tz, offset] of [['Asia/Kolkata', 'UTC\\+05:30'], ['America/Los_Angeles', 'UTC-08:00']] as const) {
      const caught = cli(['equivalence', rule, noDuo], tz);
      assert.equal(caught.code, 1, `${tz}: ${caught.stderr}${caught.stdout}`);
      assert.match(caught.stdout, new RegExp(`smallest: at \\S+ \\(hour 8 local time, ${offset}\\)`), `${tz}: ${caught.stdout}`);
      const same = cli(['equivalence', rule, faithful], tz);
      assert.equal(same.code, 0, `${tz}: ${same.stderr}${same.stdout}`);
    }
  });

  test('a weekday gate (getDay() 0 or 6: no Duo at weekends): an Action with Duo every day diverges on Saturday; the faithful one agrees', () => {
    const rule = work.write('rules/weekend.js', `function (user, context, callback) {
  const day = new Date().getDay();
  if (day === 0 || day === 6) return callback(null, user, context);
${duo}`);
    const faithful = work.write('weekend-action.js', `exports.onExecutePostLogin = async (event, api) => {
  if ([0, 6].includes(new Date().getDay())) return;
${enable}`);
    const caught = cli(['equivalence', rule, alwaysDuo, '--format', 'json']);
    assert.equal(caught.code, 1, caught.stderr + caught.stdout);
    const report = JSON.parse(caught.stdout) as Report;
    assert.equal(report.divergences.length, 1);
    assert.match(report.divergences[0].login, /^at 2026-12-0[45]T\d\d:00:00Z \(Saturday local time, UTC[+-]\d\d:\d\d\)$/);
    assert.deepEqual(report.divergences[0].settings.map((s) => [s.path.join('.'), s.value]), [['clock.day', 6]]);
    const same = cli(['equivalence', rule, faithful, '--format', 'json']);
    assert.equal(same.code, 0, same.stderr + same.stdout);
    const agreed = JSON.parse(same.stdout) as Report;
    assert.equal(agreed.agreeing, agreed.logins);
  });

  test('a clock condition the check cannot read says NOT TRIED, naming it', () => {
    const rule = work.write('rules/opening-hour.js', `function (user, context, callback) {
  const hour = new Date().getUTCHours();
  if (hour >= Number(configuration.OFFICE_OPENS)) return callback(null, user, context);
${duo}`);
    const run = cli(['equivalence', rule, alwaysDuo]);
    assert.match(run.stdout, /NOT every login the conditions allow was tried/);
    assert.match(run.stdout, /\n {2}NOT TRIED: logins at the times the clock condition hour >= Number\(configuration\.OFFICE_OPENS\) picks were not tried: /);
  });
});
