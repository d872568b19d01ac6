// Conditions on the time of the login in the differential check's matrix: the hours and weekdays a Rule (or its
// Action) compares the clock with are tried with their neighbours, each such login carries the instant it runs at,
// and a clock condition the matrix cannot read is reported as not tried. Pure: no runner.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clockInstantOf } from '../../server/src/analysis/loginClock';
import { applyLogin, buildLoginMatrix, describeLogin, findConditionInputs } from '../../server/src/analysis/loginMatrix';
import { buildModel } from '../../server/src/analysis/model';

const duo = `  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}`;

function ruleWith(body: string): string {
  return `function (user, context, callback) {\n${body}\n${duo}`;
}

function inputsOf(...sources: string[]): ReturnType<typeof findConditionInputs> {
  return findConditionInputs(sources.map((s) => buildModel(s)));
}

function clockValues(source: string, field: string): unknown[] | undefined {
  return inputsOf(source).dimensions.find((d) => d.path.join('.') === `clock.${field}`)?.equals;
}

describe('the matrix tries the hours and weekdays a clock condition compares with', () => {
  test('a bound with < or >=: the bound and either side of it', () => {
    assert.deepEqual(clockValues(ruleWith('  if (new Date().getUTCHours() < 8) return callback(null, user, context);'), 'utcHour'), [7, 8, 9]);
    assert.deepEqual(clockValues(ruleWith('  if (new Date().getHours() >= 20) return callback(null, user, context);'), 'hour'), [19, 20, 21]);
    // The number on the left reads the same.
    assert.deepEqual(clockValues(ruleWith('  if (17 <= new Date().getUTCHours()) return callback(null, user, context);'), 'utcHour'), [16, 17, 18]);
  });

  test('a range through variables (const now = new Date(); const hour = now.getUTCHours()): both bounds', () => {
    const source = ruleWith(`  const now = new Date();
  const hour = now.getUTCHours();
  if (hour >= 8 && hour < 18) return callback(null, user, context);`);
    assert.deepEqual(clockValues(source, 'utcHour'), [7, 8, 9, 17, 18, 19]);
    assert.deepEqual(inputsOf(source).notes, []);
  });

  test('values wrap around the day and the week', () => {
    assert.deepEqual(clockValues(ruleWith('  if (new Date().getUTCHours() >= 23) return callback(null, user, context);'), 'utcHour'), [22, 23, 0]);
    assert.deepEqual(clockValues(ruleWith('  if (new Date().getUTCHours() === 0) return callback(null, user, context);'), 'utcHour'), [23, 0, 1]);
    assert.deepEqual(clockValues(ruleWith('  if (new Date().getUTCDay() === 0) return callback(null, user, context);'), 'utcDay'), [6, 0, 1]);
  });

  test('switch cases and a list of days (includes, indexOf, a constant list)', () => {
    const switched = ruleWith(`  switch (new Date().getDay()) {
    case 0:
    case 6:
      return callback(null, user, context);
    default:
      break;
  }`);
    assert.deepEqual(clockValues(switched, 'day'), [6, 0, 1, 5]);
    const included = ruleWith(`  const day = new Date().getUTCDay();
  if ([0, 6].includes(day)) return callback(null, user, context);`);
    assert.deepEqual(clockValues(included, 'utcDay'), [6, 0, 1, 5]);
    const indexed = ruleWith(`  var WEEKEND = [0, 6];
  if (WEEKEND.indexOf(new Date().getDay()) !== -1) return callback(null, user, context);`);
    assert.deepEqual(clockValues(indexed, 'day'), [6, 0, 1, 5]);
    assert.deepEqual(inputsOf(indexed).notes, [], 'the -1 compared with indexOf is no clock condition');
  });

  test("the Action's own clock conditions are read too, merged with the Rule's", () => {
    const rule = ruleWith('  if (new Date().getUTCHours() < 8) return callback(null, user, context);');
    const action = `exports.onExecutePostLogin = async (event, api) => {
  const hour = new Date().getUTCHours();
  if (hour < 9) return;
  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
};`;
    const utc = inputsOf(rule, action).dimensions.find((d) => d.path.join('.') === 'clock.utcHour');
    assert.deepEqual(utc?.equals, [7, 8, 9, 10]);
  });

  test('Date.now() compared with an instant: that instant and either side of it', () => {
    assert.deepEqual(clockValues(ruleWith('  if (Date.now() > 1798761600000) return callback(null, user, context);'), 'epoch'), [1798761599999, 1798761600000, 1798761600001]);
  });

  test('code that reads no clock gets no clock input; dates of the profile are not the clock', () => {
    const source = ruleWith(`  if (new Date(user.created_at) < new Date('2024-01-01')) return callback(null, user, context);
  console.log('login at', new Date().toISOString());`);
    const found = inputsOf(source);
    assert.equal(found.dimensions.some((d) => d.path[0] === 'clock'), false);
    assert.deepEqual(found.notes, []);
  });
});

describe('a clock condition the matrix cannot read is noted as not tried', () => {
  test('a bound that is no number, arithmetic on the hour, a date library: each named', () => {
    const source = ruleWith(`  const hour = new Date().getUTCHours();
  if (hour >= configuration.OFFICE_OPENS) return callback(null, user, context);
  if ((hour + 2) % 24 < 10) return callback(null, user, context);
  const moment = require('moment-timezone');
  if (moment().tz('Europe/Paris').hour() < 8) return callback(null, user, context);`);
    const notes = inputsOf(source).notes;
    assert.equal(notes.length, 3, JSON.stringify(notes));
    assert.ok(notes.every((n) => n.kind === 'not-tried'));
    assert.match(notes[0].message, /^logins at the times the clock condition hour >= configuration\.OFFICE_OPENS picks were not tried: /);
    assert.match(notes[1].message, /clock condition \(hour \+ 2\) % 24 < 10 picks/);
    assert.match(notes[2].message, /clock condition moment\(\)\.tz\('Europe\/Paris'\)\.hour\(\) < 8 picks/);
  });

  test('a time zone read through luxon or toLocaleString', () => {
    const notes = inputsOf(ruleWith(`  const { DateTime } = require('luxon');
  if (DateTime.now().setZone('America/New_York').hour < 9) return callback(null, user, context);
  const local = new Date().toLocaleString('en-US', { timeZone: 'Asia/Tokyo', hour: 'numeric', hour12: false });
  if (parseInt(local, 10) >= 18) return callback(null, user, context);`)).notes;
    assert.deepEqual(notes.map((n) => /clock condition (.*) picks/.exec(n.message)?.[1]), ["DateTime.now().setZone('America/New_York').hour < 9", 'parseInt(local, 10) >= 18']);
  });

  test('a switch on the hour with a case that is no number', () => {
    const notes = inputsOf(ruleWith(`  switch (new Date().getUTCHours()) {
    case OPENING_HOUR: return callback(null, user, context);
  }`)).notes;
    assert.equal(notes.length, 1);
    assert.match(notes[0].message, /clock condition new Date\(\)\.getUTCHours\(\) picks/);
  });
});

describe('a login with clock settings runs at an instant that gives them', () => {
  const source = ruleWith(`  const hour = new Date().getUTCHours();
  const day = new Date().getDay();
  if (hour >= 8 && hour < 18 && day !== 0) return callback(null, user, context);`);
  const matrix = buildLoginMatrix(inputsOf(source).dimensions, 10_000);

  test('every login with a clock setting has its instant; the others keep the real clock', () => {
    assert.ok(matrix.some((login) => login.now === undefined && login.settings.length === 0), 'the default login');
    const clocked = matrix.filter((login) => login.settings.some((s) => s.path[0] === 'clock'));
    assert.ok(clocked.length > 0);
    for (const login of clocked) {
      assert.equal(typeof login.now, 'number', JSON.stringify(login));
      const at = new Date(login.now!);
      for (const s of login.settings) {
        if (s.path[0] !== 'clock') continue;
        // Local readings use this process's timezone, as the runner's children (they get its TZ).
        const read = s.path[1] === 'utcHour' ? at.getUTCHours() : at.getDay();
        assert.equal(read, s.value, `${describeLogin(login.settings)}: ${s.path.join('.')}`);
        assert.equal(s.at, at.toISOString().replace('.000Z', 'Z'));
      }
      // Within the Monday the week starts on, and never before it.
      assert.ok(login.now! >= Date.UTC(2026, 10, 30) && login.now! < Date.UTC(2026, 11, 7));
    }
    for (const login of matrix.filter((l) => !l.settings.some((s) => s.path[0] === 'clock'))) assert.equal(login.now, undefined);
  });

  test('describeLogin names the instant and the hour asked for; the clock is no input of the mock', () => {
    const seven = matrix.find((login) => login.settings.length === 1 && login.settings[0].path.join('.') === 'clock.utcHour' && login.settings[0].value === 7);
    assert.ok(seven);
    assert.equal(seven.now, Date.UTC(2026, 10, 30, 7));
    assert.equal(describeLogin(seven.settings), 'at 2026-11-30T07:00:00Z (hour 7 UTC)');
    assert.deepEqual(seven.settings, [{ path: ['clock', 'utcHour'], value: 7, at: '2026-11-30T07:00:00Z' }]);
    const applied = applyLogin({ email: 'a@b.example' }, { clientID: 'c' }, seven);
    assert.deepEqual(applied, { user: { email: 'a@b.example' }, context: { clientID: 'c' } });
    const mixed = describeLogin([{ path: ['context', 'clientID'], value: 'crm' }, { path: ['clock', 'utcDay'], value: 6 }, { path: ['clock', 'utcHour'], value: 19 }]);
    assert.equal(mixed, 'context.clientID = "crm", at 2026-12-05T19:00:00Z (Saturday UTC, hour 19 UTC)');
  });

  test('a local weekday and hour are read in this process\'s timezone, with its offset named', () => {
    const now = clockInstantOf([{ path: ['clock', 'day'], value: 0 }, { path: ['clock', 'hour'], value: 9 }]);
    assert.ok(now !== undefined);
    const at = new Date(now);
    assert.equal(at.getDay(), 0);
    assert.equal(at.getHours(), 9);
    assert.match(describeLogin([{ path: ['clock', 'hour'], value: 9 }]), /^at 2026-1[12]-\d\dT\d\d:\d\d:00Z \(hour 9 local time, UTC[+-]\d\d:\d\d\)$/);
  });
});
