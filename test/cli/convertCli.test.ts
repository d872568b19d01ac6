// `duo-rules convert` as a real process: a rule to stdout, a deploy-cli repository to
// actions/<order>-<name>/code.js + .json in rule order, secrets only as keyword tokens,
// notes printed with their Action lines, --format json, and exit codes 0 (nothing left to do),
// 1 (TODOs remain), 2 (could not convert).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot, runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

const root = repoRoot;
const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';
const exampleRule = readFileSync(join(root, 'examples', 'duo-rule.js'), 'utf8');

function cli(args: string[], cwd: string): CliResult {
  return runCliSync(['convert', ...args], { cwd });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)).filter((path) => statSync(path).isFile());
}

describe('duo-rules convert', () => {
  const work = createWorkspace({ prefix: 'duo-convert-cli-' }).root;

  test('a single rule prints the Action on stdout and its notes on stderr with their Action lines; exit 0 when nothing is left to do', () => {
    writeFileSync(join(work, 'admin.js'), "function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, admin: { ikey: configuration.A, skey: configuration.B } };\n  callback(null, user, context);\n}\n");
    const run = cli(['admin.js'], work);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\/\*\*\n \* Post-login Action converted/);
    assert.match(run.stdout, /exports\.onExecutePostLogin = async \(event, api\) => \{/);
    const line = Number(/^ {2}Action:(\d+): note admin \(Duo Admin API credentials\)/m.exec(run.stderr)?.[1]);
    assert.match(run.stdout.split('\n')[line - 1], /\/\/ NOTE\(duo-rules\): admin \(Duo Admin API credentials\)/);
  });

  test('a deny helper from another rule: exit 1, the guarded deny and its TODO at the printed Action line', () => {
    const run = cli([join(root, 'test', 'fixtures', 'convert', 'pipeline', 'rules', '02-duo.js')], work);
    assert.equal(run.code, 1, run.stderr);
    const line = Number(/^ {2}Action:(\d+): TODO the Rule ended the login with callback\(null, user, global\.postError/m.exec(run.stderr)?.[1]);
    const lines = run.stdout.split('\n');
    assert.match(lines[line - 1], /^\s*\/\/ TODO\(duo-rules\): the Rule ended the login with callback/);
    assert.match(lines[line], /^\s*return api\.access\.deny\(/);
    assert.ok(lines.slice(0, 8).some((l) => l.startsWith(` *   line ${line}: the Rule ended the login`)), 'the header lists it');
  });

  test('--format json prints { file, action, notes } with Action lines and blocking flags', () => {
    const run = cli([join(root, 'test', 'fixtures', 'convert', 'multifactor-true.js'), '--format', 'json'], work);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.match(report.file, /multifactor-true\.js$/);
    assert.match(report.action, /exports\.onExecutePostLogin/);
    assert.deepEqual(report.notes.map((n: { blocking: boolean }) => n.blocking), [false]);
    assert.match(report.action.split('\n')[report.notes[0].line - 1], /NOTE\(duo-rules\): the Rule set context\.multifactor = true/);
    const broken = cli([join(root, 'examples', 'duo-action.js'), '--format', 'json'], work);
    assert.equal(broken.code, 2);
    assert.match(JSON.parse(broken.stdout).error, /already a post-login Action/);
  });

  test('--keys tenant and --unsafe-allow are honoured; a bad --keys is a usage error', () => {
    const tenant = cli([join(root, 'test', 'fixtures', 'convert', 'deny.js'), '--keys', 'tenant'], work);
    // The rule chose the Duo username, which tenant keys cannot: a TODO, so exit 1.
    assert.equal(tenant.code, 1, tenant.stderr);
    assert.doesNotMatch(tenant.stdout, /providerOptions:/);
    assert.match(tenant.stderr, /note the Duo keys are not in the Action[^\n]*auth0 guardian factors duo settings set/);
    assert.match(tenant.stderr, /TODO the Rule chose the Duo username/);
    const unsafe = cli([join(root, 'test', 'fixtures', 'convert', 'redirect.js'), '--unsafe-allow'], work);
    assert.equal(unsafe.code, 1);
    assert.doesNotMatch(unsafe.stdout, /api\.access\.deny/);
    const bad = cli(['x.js', '--keys', 'vault'], work);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--keys must be secrets or tenant/);
  });

  test('--out <file> writes the Action there', () => {
    writeFileSync(join(work, 'rule.js'), exampleRule);
    const run = cli(['rule.js', '--out', 'action.js'], work);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(join(work, 'action.js'), 'utf8'), /event\.secrets\.DUO_SKEY/);
    assert.match(run.stdout, /rule\.js -> action\.js {2}secrets: DUO_IKEY, DUO_SKEY, DUO_HOST/);
    const again = cli(['rule.js', '--out', 'action.js'], work);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists \(use --force to overwrite\)/);
    assert.equal(cli(['rule.js', '--out', 'action.js', '--force'], work).code, 0);
  });

  test('a deploy-cli repository: every rule in order, Action files next to rules/, secrets as tokens', () => {
    const repo = join(work, 'tenant');
    mkdirSync(join(repo, 'rules'), { recursive: true });
    mkdirSync(join(repo, 'rules-configs'));
    writeFileSync(join(repo, 'rules-configs', 'duo_skey.json'), JSON.stringify({ key: 'DUO_SKEY', value: SKEY }));
    const rules: Array<[string, number, string]> = [
      ['require-duo', 10, exampleRule],
      ['add-claims', 2, "function (user, context, callback) {\n  context.idToken['https://example.com/plan'] = user.app_metadata.plan;\n  callback(null, user, context);\n}\n"],
    ];
    for (const [name, order, text] of rules) {
      writeFileSync(join(repo, 'rules', `${name}.js`), text);
      writeFileSync(join(repo, 'rules', `${name}.json`), JSON.stringify({ enabled: true, name, order, stage: 'login_success', script: `./${name}.js` }));
    }
    const run = cli(['tenant'], work);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const listed = run.stdout.split('\n').filter((l) => /^\s+\d+\./.test(l));
    assert.match(listed[0], /1\. tenant\/rules\/add-claims\.js \(order 2\) -> tenant\/actions\/02-add-claims\/code\.js \+ tenant\/actions\/02-add-claims\.json/);
    assert.match(listed[1], /2\. tenant\/rules\/require-duo\.js \(order 10\) -> .*10-require-duo\/code\.js.*secrets: DUO_IKEY, DUO_SKEY, DUO_HOST/);
    const json = JSON.parse(readFileSync(join(repo, 'actions', '10-require-duo.json'), 'utf8'));
    assert.deepEqual(json, {
      name: '10-require-duo',
      code: './actions/10-require-duo/code.js',
      runtime: 'node22',
      dependencies: [],
      secrets: [{ name: 'DUO_IKEY', value: '##DUO_IKEY##' }, { name: 'DUO_SKEY', value: '##DUO_SKEY##' }, { name: 'DUO_HOST', value: '##DUO_HOST##' }],
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      deployed: false,
    });
    assert.match(readFileSync(join(repo, 'actions', '02-add-claims', 'code.js'), 'utf8'), /api\.idToken\.setCustomClaim\('https:\/\/example\.com\/plan', event\.user\.app_metadata\.plan\);/);
    // The real secret from rules-configs is never copied into what the command writes or prints.
    for (const file of listFiles(join(repo, 'actions'))) assert.ok(!readFileSync(file, 'utf8').includes(SKEY), file);
    assert.ok(!run.stdout.includes(SKEY));
  });

  test('new Actions copy the shape of the repository\'s existing ones', () => {
    const repo = join(work, 'shaped');
    mkdirSync(join(repo, 'rules'), { recursive: true });
    mkdirSync(join(repo, 'actions'));
    writeFileSync(join(repo, 'actions', 'existing.json'), JSON.stringify({ name: 'existing', code: './actions/existing/code.js', runtime: 'node18', supported_triggers: [{ id: 'post-login', version: 'v2' }], deployed: true, secrets: [], dependencies: [] }));
    writeFileSync(join(repo, 'rules', 'duo.js'), exampleRule);
    const run = cli(['shaped/rules'], work);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(readFileSync(join(repo, 'actions', 'duo.json'), 'utf8'));
    assert.equal(json.runtime, 'node18');
    assert.deepEqual(json.supported_triggers, [{ id: 'post-login', version: 'v2' }]);
    assert.deepEqual(Object.keys(json), ['name', 'code', 'runtime', 'supported_triggers', 'deployed', 'secrets', 'dependencies']);
  });

  test('a rule that cannot be converted: exit 2, the others are still written', () => {
    const repo = join(work, 'partial');
    mkdirSync(join(repo, 'rules'), { recursive: true });
    writeFileSync(join(repo, 'rules', 'good.js'), exampleRule);
    writeFileSync(join(repo, 'rules', 'broken.js'), 'function (user, context, callback) {\n  context.multifactor = {\n');
    const run = cli(['partial'], work);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /broken\.js: NOT converted: fix the syntax error first/);
    assert.ok(existsSync(join(repo, 'actions', 'good', 'code.js')));
  });

  test('a Rule that skips Duo for US logins through `var geo = context.request.geoip`: the Action reads geo.countryCode, no TODO, and --check finds 0 divergences (exit 0)', () => {
    writeFileSync(join(work, 'geo-alias.js'), `function skipDuoAtHome(user, context, callback) {
  var geo = context.request.geoip;
  if (geo && geo.country_code === 'US') {
    return callback(null, user, context);
  }
  context.idToken['https://example.com/country'] = geo.country_name;
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`);
    const run = cli(['geo-alias.js', '--check'], work);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /var geo = event\.request\.geoip;\n {2}if \(geo && geo\.countryCode === 'US'\) \{\n {4}return;/);
    assert.match(run.stdout, /api\.idToken\.setCustomClaim\('https:\/\/example\.com\/country', geo\.countryName\);/);
    assert.doesNotMatch(run.stdout, /country_code|country_name|TODO\(duo-rules\)/);
    assert.doesNotMatch(run.stderr, /TODO/);
    // An Action left reading geo.country_code (undefined there) asks the US logins the matrix builds for Duo: DIVERGES on mfa.
    assert.match(run.stderr, /^Differential check: (\d+) logins, \1 agree, 0 divergences/m);
    assert.doesNotMatch(run.stderr + run.stdout, /DIVERGES/);
    const json = cli(['geo-alias.js', '--check', '--format', 'json'], work);
    const report = JSON.parse(json.stdout) as { notes: unknown[]; check: { logins: number; agreeing: number; divergences: unknown[] } };
    assert.deepEqual(report.notes, []);
    assert.deepEqual(report.check.divergences, []);
    assert.equal(report.check.agreeing, report.check.logins);
  });

  test('a Rule that skips Duo for US logins after `const { country_code, city_name: city } = context.request.geoip || {}`: the keys get the Action\'s names, no TODO, and --check finds 0 divergences (exit 0)', () => {
    writeFileSync(join(work, 'geo-destructure.js'), `function skipDuoInTheUS(user, context, callback) {
  const { country_code, city_name: city = 'somewhere' } = context.request.geoip || {};
  if (country_code === 'US') {
    return callback(null, user, context);
  }
  context.idToken['https://example.com/city'] = city;
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`);
    const run = cli(['geo-destructure.js', '--check'], work);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /const \{ countryCode: country_code, cityName: city = 'somewhere' \} = event\.request\.geoip \|\| \{\};\n {2}if \(country_code === 'US'\) \{\n {4}return;/);
    assert.match(run.stdout, /api\.idToken\.setCustomClaim\('https:\/\/example\.com\/city', city\);/);
    assert.doesNotMatch(run.stdout, /TODO\(duo-rules\)|\{ country_code|city_name/);
    assert.doesNotMatch(run.stderr, /TODO/);
    // An Action destructuring country_code from event.request.geoip gets undefined, and asks the US logins for Duo: DIVERGES on mfa.
    assert.match(run.stderr, /^Differential check: (\d+) logins, \1 agree, 0 divergences/m);
    assert.doesNotMatch(run.stderr + run.stdout, /DIVERGES/);
  });

  test('usage and I/O errors exit 2 with one clear line', () => {
    const missing = cli(['nope.js'], work);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'duo-rules convert: nope.js: no such file or directory\n');
    const none = cli([], work);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /expected one rule file or rules directory/);
    const flag = cli(['--bogus', 'x.js'], work);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--bogus'/);
    mkdirSync(join(work, 'plain'));
    writeFileSync(join(work, 'plain', 'a.js'), exampleRule);
    const plain = cli(['plain'], work);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /not an auth0-deploy-cli repository: give --out <dir>/);
    const notRule = cli([join(root, 'examples', 'duo-action.js')], work);
    assert.equal(notRule.code, 2);
    assert.match(notRule.stderr, /cannot convert: this file is already a post-login Action/);
  });
});
