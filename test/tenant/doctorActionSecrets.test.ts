// `duo-rules doctor --verify` (a real process) on an auth0-deploy-cli repository whose Duo Action
// reads its keys from event.secrets, declared in actions/<name>.json (or tenant.yaml) as deploy-cli
// keyword tokens: the tokens are resolved as a deploy-cli import resolves them (--mappings, a
// config.json's AUTH0_KEYWORD_REPLACE_MAPPINGS, environment variables) and the keys are verified
// against the Duo emulator. No skey in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSkey, duoActionLayout, verifiedDuoAction, runDoctorCli, useDuoEmulator, writeRepository } from './doctorActionFixture';

const ACTION = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') return;
  api.multifactor.enable('duo', {
    allowRememberBrowser: false,
    providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST },
  });
};
`;
const SECRETS = [
  { name: 'DUO_IKEY', value: '##PROD_DUO_IKEY##' },
  { name: 'DUO_SKEY', value: '##PROD_DUO_SKEY##' },
  { name: 'DUO_HOST', value: '##PROD_DUO_HOST##' },
];

const duo = useDuoEmulator();
const repository = (files: Record<string, string>) => writeRepository(files, 'doctor-secrets-');
const directoryLayout = (secrets: unknown = SECRETS) => duoActionLayout(ACTION, secrets);
const mappingsFor = (k: { ikey: string; skey: string; host: string }) => ({ PROD_DUO_IKEY: k.ikey, PROD_DUO_SKEY: k.skey, PROD_DUO_HOST: k.host });
const doctor = (cwd: string, args: string[], env: Record<string, string> = {}) => runDoctorCli(cwd, ['--verify', '--duo-url', duo.url, ...args], env);

test('--mappings (a deploy-cli config.json): the ##KEY## secrets of actions/<name>.json are resolved and verified with Duo', async () => {
  const root = repository({ ...directoryLayout(), 'config.json': JSON.stringify({ AUTH0_DOMAIN: 'x.auth0.com', AUTH0_KEYWORD_REPLACE_MAPPINGS: mappingsFor(duo.keys) }) });
  const out = await doctor(root, ['--mappings', 'config.json', '--format', 'json']);
  const entry = verifiedDuoAction(out);
  assert.equal(entry.host, duo.keys.host);
  assert.equal(entry.result.application, 'web-sdk');
  assertNoSkey(out, duo.keys.skey);
});

test('environment variables resolve the tokens, as deploy-cli maps them by default; text output', async () => {
  const root = repository(directoryLayout());
  const env = Object.fromEntries(Object.entries(mappingsFor(duo.keys)));
  const out = await doctor(root, [], env);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /^verify action:Duo MFA: ok: Duo accepted the keys for \S+ as a Web SDK/m);
  assertNoSkey(out, duo.keys.skey);
  const json = JSON.parse((await doctor(root, ['--format', 'json'], { AUTH0_KEYWORD_REPLACE_MAPPINGS: JSON.stringify(mappingsFor(duo.keys)) })).stdout);
  assert.equal(json.verified.actions[0].ok, true, 'AUTH0_KEYWORD_REPLACE_MAPPINGS as JSON in the environment');
});

test('a wrong skey behind the token is duo-keys-invalid with Duo\'s reason, exit 1; the wrong skey is not printed either', async () => {
  const wrong = 'Wq3eRt5yUi7oPa9sDf1gHj3kLz5xCv7bNm9qWe1r';
  const root = repository(directoryLayout());
  writeFileSync(join(root, 'mappings.json'), JSON.stringify({ ...mappingsFor(duo.keys), PROD_DUO_SKEY: wrong }));
  for (const format of ['text', 'json']) {
    const out = await doctor(root, ['--mappings', 'mappings.json', '--format', format]);
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout, /duo-keys-invalid/);
    assert.match(out.stdout, /The Duo keys the Action \\?"Duo MFA\\?" passes in providerOptions fail Duo's verification/);
    assertNoSkey(out, wrong, duo.keys.skey);
  }
});

test('a token without a mapping: not verified, the note names the token and the file, never guesses', async () => {
  const root = repository(directoryLayout());
  const { PROD_DUO_SKEY: _skey, ...partial } = mappingsFor(duo.keys);
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(partial));
  const out = await doctor(root, ['--mappings', 'mappings.json']);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /verify action:Duo MFA: not verified: Not verified: event\.secrets\.DUO_SKEY \(##PROD_DUO_SKEY## in actions\/Duo MFA\.json, with no mapping\) has no value here/);
  assert.doesNotMatch(out.stdout, /event\.secrets\.DUO_IKEY|event\.secrets\.DUO_HOST/);
});

test('--configuration wins over the repository\'s secrets (a wrong skey there is overridden by the right one)', async () => {
  const root = repository(directoryLayout([{ name: 'DUO_IKEY', value: duo.keys.ikey }, { name: 'DUO_SKEY', value: '##PROD_DUO_SKEY##' }, { name: 'DUO_HOST', value: duo.keys.host }]));
  writeFileSync(join(root, 'keys.json'), JSON.stringify({ DUO_SKEY: duo.keys.skey }));
  const out = await doctor(root, ['--configuration', 'keys.json'], { PROD_DUO_SKEY: 'Zz9yXx8wVv7uTt6sRr5qPp4oNn3mMl2kKj1iIh0g' });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /^verify action:Duo MFA: ok/m);
  assertNoSkey(out, duo.keys.skey, 'Zz9yXx8wVv7uTt6sRr5qPp4oNn3mMl2kKj1iIh0g');
});

test('YAML layout: the Action\'s secrets under tenant.yaml actions, tokens quoted or bare', async () => {
  const yaml = `actions:
  - name: Other
    code: ./actions/Other/code.js
    secrets:
      - name: DUO_SKEY
        value: not-this-one
  - name: Duo MFA
    code: ./actions/Duo MFA/code.js
    deployed: true
    secrets:
      - name: DUO_IKEY
        value: '##PROD_DUO_IKEY##'
      - name: DUO_SKEY
        value: "##PROD_DUO_SKEY##"
      - name: DUO_HOST
        value: '##PROD_DUO_HOST##'
    supported_triggers:
      - id: post-login
        version: v3
triggers:
  post-login:
    - action_name: Duo MFA
guardianFactors:
  - name: duo
    enabled: true
`;
  const root = repository({ 'tenant.yaml': yaml, 'actions/Duo MFA/code.js': ACTION, 'actions/Other/code.js': 'exports.onExecutePostLogin = async () => {};\n' });
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(mappingsFor(duo.keys)));
  const out = await doctor(root, ['tenant.yaml', '--mappings', 'mappings.json', '--format', 'json']);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.equal(JSON.parse(out.stdout).verified.actions[0].ok, true);
  assertNoSkey(out, duo.keys.skey);
});

test('--mappings is refused with --tenant (exit 2): the tenant holds the code as deployed', async () => {
  const root = repository(directoryLayout());
  writeFileSync(join(root, 'mappings.json'), '{}');
  const r = await runDoctorCli(root, ['--tenant', '--mappings', 'mappings.json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--mappings only applies to a repository/);
});
