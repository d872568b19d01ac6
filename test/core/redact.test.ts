// The shared redaction rules, which the runner, the Duo client and the extension's log all use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutText, looksLikeDuoSkey, MIN_SECRET_LENGTH, redactText, redactValue } from '../../shared/redact';

const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

test('a secret is hidden inside longer text, the longer of two overlapping secrets whole', () => {
  assert.equal(redactText(`key=${SKEY}; short=${SKEY.slice(0, 10)}`, [SKEY.slice(0, 10), SKEY]), 'key=[redacted]; short=[redacted]');
});

test('values shorter than the minimum are left alone, so ordinary words survive', () => {
  assert.equal(MIN_SECRET_LENGTH, 4);
  assert.equal(redactText('a cat sat', ['a', 'cat']), 'a cat sat');
  assert.equal(redactText('the pass is abcd', ['abcd']), 'the pass is [redacted]');
});

test('Authorization header values are hidden even when the secret list is empty', () => {
  assert.equal(redactText('Authorization: Basic REFJWFhYOnNlY3JldA==', []), 'Authorization: [redacted]');
  assert.deepEqual(redactValue({ h: 'authorization=Bearer eyJ.abc.def' }, []), { h: 'authorization=[redacted]' });
});

test('a text cut in the middle of a secret loses the secret\'s beginning too', () => {
  const cut = cutText(`log ${SKEY}`, 20);
  assert.ok(cut.includes(SKEY.slice(0, 16)));
  assert.equal(redactText(cut, [SKEY]), `log [redacted]… (${4 + SKEY.length} characters)`);
});

test('the skey shape is 40 letters and digits', () => {
  assert.ok(looksLikeDuoSkey(SKEY));
  assert.ok(!looksLikeDuoSkey(`${SKEY}x`));
  assert.ok(!looksLikeDuoSkey(SKEY.replace('a', '-')));
});
