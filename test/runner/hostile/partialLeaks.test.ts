// Attack: print the stored skey in pieces and encodings (split in two, a prefix, base64 of
// ikey:skey, hex, \u escapes, upper case) in logs, errors and claims. No 8-character piece of the
// skey, nor of any of those encodings, may appear in what the CLI prints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, createArena, DUO_CONFIGURATION, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

const { DUO_IKEY: ikey, DUO_SKEY: skey } = DUO_CONFIGURATION;
/** Encoded forms of the skey; `from`: where the secret part starts (base64 of "ikey:" is 28 characters, not secret). */
const ENCODED = [
  { form: Buffer.from(`${ikey}:${skey}`).toString('base64'), from: 28 },
  { form: Buffer.from(skey).toString('base64'), from: 0 },
  { form: Buffer.from(skey).toString('hex'), from: 0 },
  { form: [...skey].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''), from: 0 },
];

/** Every string in a report, as printed values (not re-escaped by JSON). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** No 8-character window of an encoded form of the skey in the report (case-insensitive: an attacker may change case). */
function assertNoEncodedFragment(report: unknown): void {
  const lower = strings(report).join('\n').toLowerCase();
  for (const { form, from } of ENCODED) {
    for (let i = from; i + 8 <= form.length; i++) {
      const piece = form.slice(i, i + 8).toLowerCase();
      assert.ok(!lower.includes(piece), `a piece of an encoded skey was printed: ${piece}`);
    }
  }
}

const leak = (secrets: string) => `
  const s = ${secrets}.DUO_SKEY, i = ${secrets}.DUO_IKEY;
  console.log('first half', s.slice(0, 20)); console.log('second half', s.slice(20));
  console.log('prefix', s.slice(0, 10), 'upper', s.toUpperCase());
  console.log('basic', Buffer.from(i + ':' + s).toString('base64'), Buffer.from(s).toString('base64'));
  console.log('hex', Buffer.from(s).toString('hex'), 'escaped', [...s].map((c) => '\\\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join(''));
`;

describe('hostile: partial and encoded leaks', () => {
  test('Rule: pieces and encodings in logs, the context and the denial are redacted', async () => {
    const report = await runAttack(arena, 'leak-rule', `function (user, context, callback) {
      ${leak('configuration')}
      context.idToken['https://example.com/k'] = s.slice(5, 30);
      callback(new UnauthorizedError('no: ' + s.slice(12) + ' ' + Buffer.from(s).toString('hex')));
    }`, { outcome: 'denied' });
    assertNoEncodedFragment(report);
    assert.ok(report.logs.length >= 5);
  });

  test('Action: pieces and encodings in logs, claims and the denial are redacted', async () => {
    const report = await runAttack(arena, 'leak-action', asAction(`
      ${leak('event.secrets')}
      api.idToken.setCustomClaim('https://example.com/k', s.slice(3, 25).toLowerCase());
      api.access.deny('no: ' + Buffer.from(i + ':' + s).toString('base64'));
    `), { outcome: 'denied' });
    assertNoEncodedFragment(report);
  });

  test('a thrown error and a timeout carry no piece either', async () => {
    const thrown = await runAttack(arena, 'leak-throw', asRule(`throw new Error('k=' + configuration.DUO_SKEY.slice(4, 28).toUpperCase());`), { outcome: 'error' });
    assertNoEncodedFragment(thrown);
    const late = await runAttack(arena, 'leak-timeout', `function (user, context, callback) {
      console.log(Buffer.from(configuration.DUO_SKEY).toString('base64'));
      setTimeout(() => {}, 100000);
    }`, { outcome: 'timeout', args: ['--timeout', '500'] });
    assertNoEncodedFragment(late);
  });
});
