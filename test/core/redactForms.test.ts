// The shared redaction module catches a long secret in pieces, in any case and encoded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactText, REDACTED } from '../../shared/redact';

const ikey = 'DIWJ8X6AEYOR5OMC6TQ1';
const skey = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ecIq9hJ6MUe';
const secrets = [skey];

function assertHidden(text: string): void {
  const out = redactText(text, secrets);
  assert.ok(out.includes(REDACTED), `nothing redacted in ${out}`);
  for (let i = 0; i + 8 <= skey.length; i++) assert.ok(!out.toLowerCase().includes(skey.slice(i, i + 8).toLowerCase()), `${out} still holds ${skey.slice(i, i + 8)}`);
}

describe('redaction of pieces and encodings', () => {
  test('a secret split in two, and a 10-character prefix', () => {
    assertHidden(`first ${skey.slice(0, 20)} then ${skey.slice(20)}`);
    assertHidden(`prefix=${skey.slice(0, 10)}`);
  });

  test('base64 of ikey:skey (Basic auth), of the skey alone at any alignment, URL-safe too', () => {
    assertHidden(`Basic ${Buffer.from(`${ikey}:${skey}`).toString('base64')}`);
    for (const pad of ['', 'a', 'ab']) assertHidden(Buffer.from(pad + skey).toString('base64'));
    assertHidden(Buffer.from(`x${skey}`).toString('base64url'));
  });

  test('hex (either case), percent-encoding of every byte, JSON and JavaScript escapes', () => {
    assertHidden(Buffer.from(skey).toString('hex'));
    assertHidden(Buffer.from(skey).toString('hex').toUpperCase());
    assertHidden([...Buffer.from(skey)].map((b) => `%${b.toString(16).toUpperCase()}`).join(''));
    assertHidden([...skey].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
  });

  test('case variants: an upper-cased echo of a signature', () => {
    const signature = 'a3f1c09e77d2b64f0e8c1d2a9b7e6f5c4d3b2a19';
    const out = redactText(`server said: bad signature ${signature.toUpperCase()}`, [signature]);
    assert.equal(out, `server said: bad signature ${REDACTED}`);
  });

  test('ordinary text and short secrets are left alone', () => {
    const text = 'Requires MFA: duo, host api-3c9a1b2d.duosecurity.com, user jamie.rivera@example.com';
    assert.equal(redactText(text, secrets), text);
    // A short secret is matched whole only: its pieces are ordinary words.
    assert.equal(redactText('the password field', ['password1']), 'the password field');
    assert.equal(redactText('password1', ['password1']), REDACTED);
  });
});
