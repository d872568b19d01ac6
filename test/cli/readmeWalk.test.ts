// What a new user following the README meets on the command line (node dist/cli.js as a real
// process): a wrong flag is one line that names the flag, and a deploy-cli repository's actions/
// folder or a rule whose script is missing is named as such instead of a made-up file path, and
// convert does not silently drop a broken rules/*.json.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

function duoRules(args: string[], cwd: string): CliResult {
  return runCliSync(args, { cwd });
}

const action = `exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
};
`;
const actionJson = JSON.stringify({
  name: 'require-duo', code: './actions/require-duo/code.js', runtime: 'node22', dependencies: [],
  secrets: [{ name: 'DUO_SKEY', value: '##DUO_SKEY##' }], supported_triggers: [{ id: 'post-login', version: 'v3' }],
});

describe('duo-rules on a new user\'s mistakes', () => {
  let dir: string;

  before(() => {
    dir = createWorkspace({ prefix: 'duo-rules-walk-' }).root;
    mkdirSync(join(dir, 'tenant', 'actions', 'require-duo'), { recursive: true });
    writeFileSync(join(dir, 'tenant', 'actions', 'require-duo', 'code.js'), action);
    writeFileSync(join(dir, 'tenant', 'actions', 'require-duo.json'), actionJson);
    mkdirSync(join(dir, 'broken', 'rules'), { recursive: true });
    writeFileSync(join(dir, 'broken', 'rules', 'duo.json'), JSON.stringify({ name: 'duo', script: './duo-mfa.js', stage: 'login_success', enabled: true, order: 1 }));
    writeFileSync(join(dir, 'rule.js'), 'function (user, context, callback) { callback(null, user, context); }\n');
  });

  test('a wrong or incomplete flag is one line naming the flag and pointing at --help, for every command', () => {
    const cases: [string[], string][] = [
      [['lint', '--bogus', 'rule.js'], "duo-rules lint: Unknown option '--bogus' (see duo-rules lint --help)"],
      [['lint', 'rule.js', '--max-warnings'], 'duo-rules lint: --max-warnings needs a value (see duo-rules lint --help)'],
      [['lint', '--max-warnings', '-1', 'rule.js'], "duo-rules lint: --max-warnings needs a value (for a value that starts with '-', write --max-warnings=<value>) (see duo-rules lint --help)"],
      [['run', 'rule.js', '--bogus'], "duo-rules run: Unknown option '--bogus' (see duo-rules run --help)"],
      [['run', 'rule.js', '--verify=yes'], 'duo-rules run: --verify takes no value (see duo-rules run --help)'],
      [['run'], 'duo-rules run: missing the rule file or rules directory (see duo-rules run --help)'],
      [['convert', 'rule.js', '--out'], 'duo-rules convert: --out needs a value (see duo-rules convert --help)'],
      [['convert', 'a.js', 'b.js'], 'duo-rules convert: expected one rule file or rules directory, got 2 (see duo-rules convert --help)'],
      [['emulator', '--generate', 'extra'], "duo-rules emulator: Unexpected argument 'extra' (see duo-rules emulator --help)"],
      [['emulator'], 'duo-rules emulator: give --config <json>, --generate or --auth0 <tenant.json> (see duo-rules emulator --help)'],
      [['doctor', '--bogus'], "duo-rules doctor: Unknown option '--bogus' (see duo-rules doctor --help)"],
      [['doctor', '--tenant', '--auth0-client-secret', 'x'], "duo-rules doctor: Unknown option '--auth0-client-secret' (see duo-rules doctor --help)"],
      [['doctor', '--auth0-domain', 'x.auth0.com'], 'duo-rules doctor: --auth0-domain only applies with --tenant'],
    ];
    for (const [args, message] of cases) {
      const result = duoRules(args, dir);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr, `${message}\n`, args.join(' '));
      assert.equal(result.stdout, '', args.join(' '));
    }
  });

  test('run on an actions/ folder or a repository with only Actions says to give an Action file', () => {
    for (const target of ['tenant', join('tenant', 'actions')]) {
      const result = duoRules(['run', target], dir);
      assert.equal(result.code, 2, target);
      assert.match(result.stderr, /: no enabled rules found .*to run an Action, give its file, e\.g\. actions\/<name>\/code\.js\)\n$/, target);
      assert.doesNotMatch(result.stderr, /require-duo\.js/, 'an Action definition must not be taken for a rule');
      assert.equal(result.stderr.split('\n').length, 2, result.stderr);
    }
    const single = duoRules(['run', join('tenant', 'actions', 'require-duo', 'code.js')], dir);
    assert.equal(single.code, 0, single.stderr);
    assert.match(single.stdout, /^Action .*: completed/);
  });

  test('a rule whose deploy-cli .json names a missing script is reported by that .json', () => {
    const result = duoRules(['run', 'broken'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^duo-rules run: .*broken\/rules\/duo\.json: its script \.\/duo-mfa\.js does not exist\n$/);
  });

  test('convert stops on a broken rules/*.json instead of dropping its order, and writes nothing', () => {
    mkdirSync(join(dir, 'halfway', 'rules'), { recursive: true });
    writeFileSync(join(dir, 'halfway', 'rules', 'duo.js'), 'function duo(user, context, callback) { callback(null, user, context); }\n');
    writeFileSync(join(dir, 'halfway', 'rules', 'duo.json'), '{ "name": "duo", "order": 2,\n');
    const result = duoRules(['convert', 'halfway'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^duo-rules convert: .*halfway\/rules\/duo\.json: not valid JSON \(.* at line 2, column 1\)\n$/);
    assert.equal(existsSync(join(dir, 'halfway', 'actions')), false);
  });

  test('--verify without keys to send does not claim Duo refused them', () => {
    const result = duoRules(['run', join('tenant', 'actions', 'require-duo', 'code.js'), '--verify', '--duo-url', 'http://127.0.0.1:9'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\[missing-credentials\]/);
    assert.match(result.stdout, /^ {2}keys: not verified \(see below\)$/m);
    assert.doesNotMatch(result.stdout, /not accepted by Duo/);
  });
});
