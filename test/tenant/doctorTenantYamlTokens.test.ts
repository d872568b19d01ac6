// `duo-rules doctor` (a real process) on a tenant.yaml whose own fields hold deploy-cli keyword
// tokens: deploy-cli replaces them in the whole tenant.yaml text before reading it (`##KEY##` by
// the raw value, `@@KEY@@`, quoted or not, by the JSON-encoded value), so the doctor reads the
// export the same way with the same mappings. A token without a mapping is said to be one, never
// read as a value; no skey in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoSkey, runDoctorCli, useDuoEmulator, writeRepository } from './doctorActionFixture';

const ACTION = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') return;
  api.multifactor.enable('duo', {
    allowRememberBrowser: false,
    providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST },
  });
};
`;
const DUO_RULE = `function requireDuo(user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`;

// Names, flags, code paths, bindings and secret values all written as tokens, bare where YAML allows it.
const TENANT_YAML = `rules:
  - name: Require Duo
    script: ./rules/require-duo.js
    enabled: @@LEGACY_RULES_ENABLED@@
    order: 1
actions:
  - name: Duo MFA ##STAGE##
    code: ./actions/##STAGE##/code.js
    deployed: @@ACTION_DEPLOYED@@
    secrets:
      - name: DUO_IKEY
        value: ##DUO_IKEY##
      - name: DUO_SKEY
        value: ##DUO_SKEY##
      - name: DUO_HOST
        value: @@DUO_HOST@@
    supported_triggers:
      - id: post-login
        version: v3
triggers:
  post-login:
    - action_name: Duo MFA ##STAGE##
guardianFactors:
  - name: duo
    enabled: @@DUO_FACTOR_ENABLED@@
  - name: otp
    enabled: "@@OTP_ENABLED@@"
`;

const duo = useDuoEmulator();
const repository = () => writeRepository({ 'tenant.yaml': TENANT_YAML, 'rules/require-duo.js': DUO_RULE, 'actions/prod/code.js': ACTION }, 'doctor-yaml-tokens-');
const mappingsFor = (k: { ikey: string; skey: string; host: string }): Record<string, unknown> => ({
  STAGE: 'prod', LEGACY_RULES_ENABLED: false, ACTION_DEPLOYED: true, DUO_FACTOR_ENABLED: true, OTP_ENABLED: false,
  DUO_IKEY: k.ikey, DUO_SKEY: k.skey, DUO_HOST: k.host,
});
const verify = () => ['--verify', '--duo-url', duo.url];

test('tokens in tenant.yaml\'s own fields are replaced before it is read: names, flags, code path, binding and secrets as deployed; verified with Duo, exit 0', async () => {
  const root = repository();
  writeFileSync(join(root, 'config.json'), JSON.stringify({ AUTH0_DOMAIN: 'x.auth0.com', AUTH0_KEYWORD_REPLACE_MAPPINGS: mappingsFor(duo.keys) }));
  const out = await runDoctorCli(root, [...verify(), '--mappings', 'config.json', '--format', 'json']);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const report = JSON.parse(out.stdout);
  // The Rule is disabled (no duo-in-rule), the Action bound and deployed (no no-duo-action), Duo the only enabled factor.
  assert.deepEqual(report.findings, []);
  const [entry] = report.verified.actions;
  assert.equal(entry.subject, 'action:Duo MFA prod', 'the Action\'s name is the replaced one');
  assert.equal(entry.ok, true, entry.message);
  assert.equal(entry.host, duo.keys.host, '@@DUO_HOST@@ is the JSON-encoded string: no quotes left');
  assert.doesNotMatch(out.stderr, /no keyword mapping/);
  assertNoSkey(out, duo.keys.skey);
});

test('mappings from the environment (AUTH0_KEYWORD_REPLACE_MAPPINGS as JSON, plain variables), text output: the factors as mapped decide the findings', async () => {
  const root = repository();
  const { DUO_IKEY, DUO_SKEY, DUO_HOST, ...typed } = mappingsFor(duo.keys);
  const env = { DUO_IKEY: String(DUO_IKEY), DUO_SKEY: String(DUO_SKEY), DUO_HOST: String(DUO_HOST) };
  const out = await runDoctorCli(root, verify(), { ...env, AUTH0_KEYWORD_REPLACE_MAPPINGS: JSON.stringify(typed) });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /^verify action:Duo MFA prod: ok: Duo accepted the keys/m);
  assertNoSkey(out, duo.keys.skey);
  const off = await runDoctorCli(root, ['--format', 'json'], { ...env, AUTH0_KEYWORD_REPLACE_MAPPINGS: JSON.stringify({ ...typed, DUO_FACTOR_ENABLED: false }) });
  assert.equal(off.code, 1, off.stdout + off.stderr);
  const findings = JSON.parse(off.stdout).findings.map((f: { id: string; subject: string }) => `${f.id} ${f.subject}`);
  assert.deepEqual(findings, ['duo-factor-disabled factor:duo'], 'a factor mapped to false is disabled');
  assertNoSkey(off, duo.keys.skey);
});

test('tokens in tenant.yaml without a mapping: named in a note with their line, never read as values; the secrets behind them are not verified', async () => {
  const root = repository();
  const { DUO_FACTOR_ENABLED: _factor, DUO_SKEY: _skey, ...partial } = mappingsFor(duo.keys);
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(partial));
  const out = await runDoctorCli(root, [...verify(), '--mappings', 'mappings.json', '--format', 'json']);
  const report = JSON.parse(out.stdout);
  // Whether the Duo factor is enabled is unknown: no claim that it is disabled.
  assert.deepEqual(report.findings.map((f: { id: string }) => f.id), [], out.stdout + out.stderr);
  assert.match(out.stderr, /note: tenant\.yaml: @@DUO_FACTOR_ENABLED@@ \(line 25\) has no keyword mapping \(--mappings, AUTH0_KEYWORD_REPLACE_MAPPINGS or an environment variable named DUO_FACTOR_ENABLED\)/);
  assert.match(out.stderr, /which MFA factors are enabled was not checked/);
  const [entry] = report.verified.actions;
  assert.equal(entry.ok, false);
  assert.equal(entry.result, null, 'nothing was sent to Duo');
  assert.match(entry.message, /event\.secrets\.DUO_SKEY \(##DUO_SKEY## in tenant\.yaml, with no mapping\)/);
  assertNoSkey(out, duo.keys.skey);
});

test('directory format: deploy-cli replaces the tokens of its JSON files too (rules/, actions/, triggers/, guardian/factors/); unmapped ones are named with their file and line', async () => {
  const root = writeRepository({
    'rules/require-duo.json': JSON.stringify({ name: 'Require Duo', script: './require-duo.js', enabled: '@@LEGACY_RULES_ENABLED@@', order: 1 }),
    'rules/require-duo.js': DUO_RULE,
    'actions/Duo MFA.json': `{
  "name": "Duo MFA ##STAGE##",
  "code": "./actions/##STAGE##/code.js",
  "deployed": @@ACTION_DEPLOYED@@,
  "secrets": [{ "name": "DUO_IKEY", "value": "##DUO_IKEY##" }, { "name": "DUO_SKEY", "value": "##DUO_SKEY##" }, { "name": "DUO_HOST", "value": @@DUO_HOST@@ }],
  "supported_triggers": [{ "id": "post-login", "version": "v3" }]
}
`,
    'actions/prod/code.js': ACTION,
    'triggers/triggers.json': JSON.stringify({ 'post-login': [{ action_name: 'Duo MFA ##STAGE##' }] }),
    'guardian/factors/duo.json': '{ "name": "duo", "enabled": @@DUO_FACTOR_ENABLED@@ }\n',
  }, 'doctor-dir-tokens-');
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(mappingsFor(duo.keys)));
  const out = await runDoctorCli(root, [...verify(), '--mappings', 'mappings.json', '--format', 'json']);
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const report = JSON.parse(out.stdout);
  assert.deepEqual(report.findings, []);
  assert.equal(report.verified.actions[0].subject, 'action:Duo MFA prod');
  assert.equal(report.verified.actions[0].ok, true, report.verified.actions[0].message);
  assertNoSkey(out, duo.keys.skey);

  const { STAGE: _stage, ...partial } = mappingsFor(duo.keys);
  writeFileSync(join(root, 'mappings.json'), JSON.stringify(partial));
  const unmapped = await runDoctorCli(root, ['--mappings', 'mappings.json']);
  assert.match(unmapped.stdout, /^note: actions\/Duo MFA\.json: ##STAGE## \(line 2\) has no keyword mapping \(--mappings, AUTH0_KEYWORD_REPLACE_MAPPINGS or an environment variable named STAGE\)/m);
  assert.match(unmapped.stdout, /^note: triggers\/triggers\.json: ##STAGE## \(line 1\) has no keyword mapping/m);
  assertNoSkey(unmapped, duo.keys.skey);
});

test('a secret-named mapping that is a list, written as ##KEY##, is hidden as deploy-cli writes it (a,b)', async () => {
  const listed = 'partner-one';
  const root = writeRepository({
    'tenant.yaml': `actions:
  - name: Duo ##PARTNER_SECRET##
    code: ./actions/prod/code.js
    deployed: false
    supported_triggers:
      - id: post-login
        version: v3
triggers:
  post-login:
    - action_name: Duo ##PARTNER_SECRET##
guardianFactors:
  - name: duo
    enabled: true
`,
    'actions/prod/code.js': ACTION,
  }, 'doctor-yaml-secret-list-');
  writeFileSync(join(root, 'mappings.json'), JSON.stringify({ PARTNER_SECRET: [listed, 'second'] }));
  const out = await runDoctorCli(root, ['--mappings', 'mappings.json', '--format', 'json']);
  const report = JSON.parse(out.stdout);
  // The Action's name (which holds the value) is in a finding, so the value would be shown if it were not hidden.
  assert.ok(report.findings.some((f: { id: string }) => f.id === 'action-not-deployed'), out.stdout + out.stderr);
  assert.ok(!(out.stdout + out.stderr).includes(listed), out.stdout + out.stderr);
  // Every item of the list, not only the ones some other rule happens to hide.
  assert.ok(!JSON.stringify(report.findings).includes('second'), JSON.stringify(report.findings));
});
