// `duo-rules doctor` (a real process) on an auth0-deploy-cli repository whose Duo Action writes
// deploy-cli keyword tokens in its code (`host: '##DUO_HOST##'`, `ikey: @@DUO_IKEY@@`): deploy-cli
// replaces them before deploying, so the doctor checks and verifies the code as deploy-cli would
// deploy it, with the same mappings (--mappings, AUTH0_KEYWORD_REPLACE_MAPPINGS, environment
// variables). A token without a mapping is named, never verified; no skey in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSkey, duoActionLayout, verifiedDuoAction, runDoctorCli as doctor, useDuoEmulator, writeRepository } from './doctorActionFixture';

const actionWith = (providerOptions: string) => `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') return;
  api.multifactor.enable('duo', {
    allowRememberBrowser: false,
    providerOptions: ${providerOptions},
  });
};
`;
const HASH_FORM = actionWith(`{ host: '##DUO_HOST##', ikey: '##DUO_IKEY##', skey: event.secrets.DUO_SKEY }`);

const duo = useDuoEmulator();
const repository = (files: Record<string, string>) => writeRepository(files, 'doctor-code-tokens-');
const directoryLayout = (code: string, secrets: unknown[] = [{ name: 'DUO_SKEY', value: '##DUO_SKEY##' }]) => duoActionLayout(code, secrets);
const allMappings = () => ({ DUO_HOST: duo.keys.host, DUO_IKEY: duo.keys.ikey, DUO_SKEY: duo.keys.skey });
const verify = () => ['--verify', '--duo-url', duo.url];

test('##KEY## tokens in the Action\'s code are replaced from a deploy-cli config.json before verifying: verified with Duo, exit 0', async () => {
  const root = repository({ ...directoryLayout(HASH_FORM), 'config.json': JSON.stringify({ AUTH0_DOMAIN: 'x.auth0.com', AUTH0_KEYWORD_REPLACE_MAPPINGS: allMappings() }) });
  const out = await doctor(root, [...verify(), '--mappings', 'config.json', '--format', 'json']);
  const entry = verifiedDuoAction(out);
  assert.equal(entry.host, duo.keys.host, 'the host is the mapping\'s value, not the token');
  assert.equal(entry.result.application, 'web-sdk');
  assert.doesNotMatch(out.stderr, /no keyword mapping/);
  assertNoSkey(out, duo.keys.skey);
});

test('@@KEY@@ tokens (bare, in single or in double quotes) become the JSON-encoded value with the quotes replaced, as deploy-cli does; mappings from the environment', async () => {
  const code = actionWith(`{ host: @@DUO_HOST@@, ikey: '@@DUO_IKEY@@', skey: "@@DUO_SKEY@@" }`);
  const root = repository(directoryLayout(code, []));
  for (const format of ['text', 'json']) {
    const out = await doctor(root, [...verify(), '--format', format], allMappings());
    assert.equal(out.code, 0, out.stdout + out.stderr);
    if (format === 'json') {
      const entry = JSON.parse(out.stdout).verified.actions[0];
      assert.equal(entry.ok, true, entry.message);
      assert.equal(entry.host, duo.keys.host, 'no quotes left around the host');
    } else {
      assert.match(out.stdout, /^verify action:Duo MFA: ok: Duo accepted the keys for \S+ as a Web SDK/m);
    }
    assertNoSkey(out, duo.keys.skey);
  }
  // AUTH0_KEYWORD_REPLACE_MAPPINGS as JSON in the environment maps them too.
  const json = await doctor(root, [...verify(), '--format', 'json'], { AUTH0_KEYWORD_REPLACE_MAPPINGS: JSON.stringify(allMappings()) });
  assert.equal(JSON.parse(json.stdout).verified.actions[0].ok, true);
  assertNoSkey(json, duo.keys.skey);
});

test('a token in the code without a mapping: not verified, the missing key and the file are named (text and json), never a false "verified"', async () => {
  const root = repository(directoryLayout(HASH_FORM));
  const { DUO_HOST: _host, ...partial } = allMappings();
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(partial));
  const text = await doctor(root, [...verify(), '--mappings', 'mappings.json']);
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /^verify action:Duo MFA: not verified: Not verified: providerOptions\.host \(##DUO_HOST## in actions\/Duo MFA\/code\.js, with no mapping\) has no value here; map the keyword tokens/m);
  assert.match(text.stdout, /^note: The Action "Duo MFA": ##DUO_HOST## in actions\/Duo MFA\/code\.js has no keyword mapping \(--mappings, AUTH0_KEYWORD_REPLACE_MAPPINGS or an environment variable named DUO_HOST\)/m);
  assert.doesNotMatch(text.stdout, /verify action:Duo MFA: ok/);
  assertNoSkey(text, duo.keys.skey);

  const json = await doctor(root, [...verify(), '--mappings', 'mappings.json', '--format', 'json']);
  const entry = JSON.parse(json.stdout).verified.actions[0];
  assert.equal(entry.ok, false);
  assert.equal(entry.result, null, 'nothing was sent to Duo');
  assert.match(entry.message, /##DUO_HOST##/);
  assert.match(json.stderr, /note: The Action "Duo MFA": ##DUO_HOST## in actions\/Duo MFA\/code\.js has no keyword mapping/);
  assertNoSkey(json, duo.keys.skey);

  // Without --verify the doctor still says which key is missing.
  const plain = await doctor(root, ['--mappings', 'mappings.json']);
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout, /^note: The Action "Duo MFA": ##DUO_HOST## in actions\/Duo MFA\/code\.js has no keyword mapping/m);
});

test('an skey written as a token in the code: verified from its mapping, and neither the right nor a wrong skey is ever printed', async () => {
  const code = actionWith(`{ host: '##DUO_HOST##', ikey: '##DUO_IKEY##', skey: '##DUO_SKEY##' }`);
  const root = repository(directoryLayout(code, []));
  for (const format of ['text', 'json']) {
    const out = await doctor(root, [...verify(), '--format', format], allMappings());
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, format === 'json' ? /"ok": true/ : /^verify action:Duo MFA: ok/m);
    assertNoSkey(out, duo.keys.skey);
  }
  const wrong = 'Wq3eRt5yUi7oPa9sDf1gHj3kLz5xCv7bNm9qWe1r';
  for (const format of ['text', 'json']) {
    const out = await doctor(root, [...verify(), '--format', format], { ...allMappings(), DUO_SKEY: wrong });
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout, /duo-keys-invalid/);
    assertNoSkey(out, wrong, duo.keys.skey);
  }
});

test('the code is linted as deployed: a mapping left at the documentation sample is an error naming the token, exit 1', async () => {
  const root = repository(directoryLayout(HASH_FORM));
  const out = await doctor(root, ['--format', 'json'], { ...allMappings(), DUO_IKEY: 'DIXXXXXXXXXXXXXXXXXX' });
  assert.equal(out.code, 1, out.stdout + out.stderr);
  const finding = JSON.parse(out.stdout).findings.find((f: { id: string }) => f.id === 'placeholder-value');
  assert.ok(finding, out.stdout);
  assert.equal(finding.subject, 'action:Duo MFA');
  assert.match(finding.message, /providerOptions\.ikey' is still the documentation sample.*in place of ##DUO_IKEY##/);
  // The same repository with the real value mapped has no such error.
  const clean = await doctor(root, ['--format', 'json'], allMappings());
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.deepEqual(JSON.parse(clean.stdout).findings, []);
});

test('YAML layout: the code file tenant.yaml names gets the same replacement', async () => {
  const root = repository({
    'tenant.yaml': `actions:
  - name: Duo MFA
    code: ./actions/Duo MFA/code.js
    deployed: true
    supported_triggers:
      - id: post-login
        version: v3
    secrets:
      - name: DUO_SKEY
        value: '##DUO_SKEY##'
triggers:
  post-login:
    - action_name: Duo MFA
      display_name: Duo MFA
guardianFactors:
  - name: duo
    enabled: true
`,
    'actions/Duo MFA/code.js': actionWith(`{ host: "@@DUO_HOST@@", ikey: '##DUO_IKEY##', skey: event.secrets.DUO_SKEY }`),
  });
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(allMappings()));
  const out = await doctor(root, [...verify(), '--mappings', 'mappings.json', '--format', 'json']);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const entry = JSON.parse(out.stdout).verified.actions[0];
  assert.equal(entry.ok, true, entry.message);
  assert.equal(entry.host, duo.keys.host);
  assertNoSkey(out, duo.keys.skey);
});
