// The result view's verdict line and page (pure parts of the client): what a user reads first
// after Run or Verify.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageCommands, renderResultPage } from '../../client/src/resultHtml';
import { duoAnswerOf, type RunJson, summarizeResult, verdictOf, type VerifyJson } from '../../client/src/resultVerdict';

const completed = (kind: 'rule' | 'action', multifactor: RunJson['multifactor'], warnings: string[] = [], keySource: RunJson['keySource'] = multifactor?.provider !== 'duo' ? null : kind === 'action' ? 'secrets' : 'configuration'): RunJson =>
  ({ kind, outcome: 'completed', error: null, multifactor, warnings, logs: [], calls: [], durationMs: 12, keySource });
const keys = { ikey: 'DIWJ8X6AEYOR5OMC6TQ1', skey: '[redacted]', host: 'api-3c9a1b2d.duosecurity.com' };
const page = (result: RunJson) => renderResultPage(result, { name: 'duo.js', source: 'file:///w/duo.js', cspSource: 'vscode-resource:', trusted: true });

test('the verdict says where the Duo keys come from', () => {
  assert.equal(verdictOf(completed('action', { provider: 'duo', ...keys })).text, 'Requires Duo (keys from secrets)');
  assert.equal(verdictOf(completed('rule', { provider: 'duo', ...keys })).text, 'Requires Duo (keys from configuration)');
  // api.multifactor.enable('duo') without providerOptions: the tenant's Duo settings apply.
  assert.equal(verdictOf(completed('action', { provider: 'duo', allowRememberBrowser: false }, [], 'tenant')).text, 'Requires Duo (tenant keys)');
  assert.equal(verdictOf(completed('rule', { provider: 'duo', ...keys }, [], 'code')).text, 'Requires Duo (keys written in the code)');
  // The recorded source decides, not the warnings: the same unset keys with secrets read are a failing login.
  assert.equal(verdictOf(completed('action', { provider: 'duo' }, [], 'unset')).kind, 'duo-unset');
  assert.match(page(completed('action', { provider: 'duo' }, [], 'tenant')), /Auth0 uses the Duo keys stored in the tenant/);
});

test('unset Duo keys make the verdict say the login would fail, naming the keys', () => {
  const unsetSecrets = ['event.secrets.DUO_IKEY is not set: add it to the configuration file or set the environment variable DUO_IKEY'];
  const action = verdictOf(completed('action', { provider: 'duo' }, unsetSecrets, 'unset'));
  assert.equal(action.text, 'Requires Duo, but ikey, skey and host are not set: this login would fail');
  assert.equal(action.ok, false);
  assert.deepEqual(action.unsetKeys, ['ikey', 'skey', 'host']);
  assert.equal(verdictOf(completed('rule', { provider: 'duo', ikey: keys.ikey, host: keys.host })).text, 'Requires Duo, but skey is not set: this login would fail');
  assert.equal(verdictOf(completed('rule', { provider: 'duo', ikey: '', skey: '[redacted]', host: keys.host })).text, 'Requires Duo, but ikey is not set: this login would fail');
});

test('denied, no MFA, other MFA, error and timeout verdicts; messages never end in a doubled period', () => {
  assert.equal(verdictOf({ ...completed('rule', null), outcome: 'denied', error: { name: 'UnauthorizedError', message: 'Only staff may log in.' } }).text, 'Denied: "Only staff may log in"');
  assert.equal(verdictOf(completed('rule', null)).text, 'No MFA');
  assert.equal(verdictOf(completed('action', { provider: 'guardian' })).text, 'Requires MFA with guardian');
  assert.equal(verdictOf({ ...completed('rule', null), outcome: 'error', error: { name: 'TypeError', message: "Cannot read properties of undefined (reading 'x')" } }).text, "Error: Cannot read properties of undefined (reading 'x')");
  const timeout = { ...completed('rule', null), outcome: 'timeout' as const, error: { name: 'Timeout', message: 'The rule did not call its callback within 5000 ms.' } };
  assert.equal(verdictOf(timeout).text, 'Timed out: The rule did not call its callback within 5000 ms');
  assert.equal(summarizeResult('duo.js', timeout), 'duo.js: Timed out: The rule did not call its callback within 5000 ms (12 ms).');
});

const step = (reason: string, message: string, code?: number) => ({ ok: false, reason, message, ...(code === undefined ? {} : { code }) });
const verifyOf = (check: VerifyJson['check'], universal: VerifyJson['universal'] = check, application: string | null = null): VerifyJson => ({ application, check, universal, warnings: [] });

test('Duo that cannot be reached reads "could not reach Duo" with the reason, never as rejected keys', () => {
  const dns = duoAnswerOf(verifyOf(step('network', 'Could not resolve api-3c9a1b2d.duosecurity.com (DNS lookup failed).')));
  assert.equal(dns.kind, 'unreachable');
  assert.equal(dns.text, 'Could not reach Duo: Could not resolve api-3c9a1b2d.duosecurity.com (DNS lookup failed)');
  for (const failure of [step('timeout', 'No complete answer within 10000 ms.'), step('bad-response', 'Not a Duo API answer: an HTML page.'), step('redirect', 'a redirect'), step('duo', 'Too Many Requests', 42901)]) {
    assert.equal(duoAnswerOf(verifyOf(failure)).kind, 'unreachable', JSON.stringify(failure));
  }
  const rejected = duoAnswerOf(verifyOf(step('duo', 'Duo rejected the signature: the skey does not match this ikey.', 40103), step('duo', 'invalid_client', 40002)));
  assert.equal(rejected.kind, 'rejected');
  assert.equal(rejected.text, 'Duo rejected the keys: Duo rejected the signature: the skey does not match this ikey');
  assert.equal(duoAnswerOf(verifyOf({ ok: true, message: 'fine' }, step('duo', 'wrong type', 40301), 'auth-api')).text, 'Duo accepted the keys as Auth API keys');
  const nothing = duoAnswerOf(verifyOf(step('missing-credentials', 'The run produced no Duo configuration: the skey is empty.')));
  assert.equal(nothing.text, 'Nothing to verify with Duo: The run produced no Duo configuration: the skey is empty');
});

test('the page leads with the verdict, marks checks with ✓/✗ text and keeps the JSON collapsed', () => {
  const result: RunJson = { ...completed('rule', { provider: 'duo', ikey: keys.ikey, host: keys.host }), verify: verifyOf(step('network', 'Nothing is listening at http://127.0.0.1:9 (connection refused).')) };
  const html = page(result);
  const verdictAt = html.indexOf('id="verdict">Requires Duo, but skey is not set: this login would fail<');
  assert.ok(verdictAt > 0, 'verdict line');
  assert.ok(verdictAt < html.indexOf('<h2>Checks</h2>'), 'the verdict comes before the checks');
  assert.match(html, /id="duo-answer">Could not reach Duo: Nothing is listening at http:\/\/127\.0\.0\.1:9 \(connection refused\)</);
  assert.match(html, /aria-label="failed">✗<\/span> <code>skey<\/code> not set/);
  assert.match(html, /aria-label="passed">✓<\/span> The code ran to the end/);
  assert.match(html, /<details><summary>JSON/);
  assert.ok(!html.includes('<details open'), 'the JSON starts collapsed');
  assert.ok(!/\.\./.test(html.replace(/<[^>]*>/g, '').replace(/\.\.\./g, '')), 'a doubled period in the text');
  // Storing the missing secret is the first button.
  assert.match(html, /<nav class="actions"><a class="button" role="button" href="command:duoRules\.setSecret"/);
});

test('the page runs no script, escapes what the code logged and links only allowed commands', () => {
  const result: RunJson = { ...completed('action', null), logs: ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'] };
  const html = page(result);
  assert.ok(!/<script/i.test(html), 'a script element');
  assert.ok(!/<img/i.test(html), 'an unescaped element from the logs');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /default-src 'none'/);
  const linked = [...html.matchAll(/href="command:([^"?]+)/g)].map((m) => m[1]);
  assert.ok(linked.length >= 4, linked.join());
  for (const command of linked) assert.ok((pageCommands as readonly string[]).includes(command), command);
  assert.ok(linked.includes('duoRules.runRule') && linked.includes('duoRules.verifyDuo'));
  const rerun = html.match(/href="command:duoRules\.runRule\?([^"]+)"/)![1];
  assert.deepEqual(JSON.parse(decodeURIComponent(rerun.replace(/&amp;/g, '&'))), ['file:///w/duo.js']);
  const untrusted = renderResultPage(result, { name: 'duo.js', source: 'file:///w/duo.js', cspSource: 'x', trusted: false });
  assert.ok(!untrusted.includes('command:duoRules.runRule'), 'Run offered in an untrusted workspace');
});

test('the page lists the code\'s network attempts under Connections', () => {
  const html = page({ ...completed('action', null), connections: [{ host: 'api.example.com', port: 443, protocol: 'https' }] });
  assert.match(html, /<h2>Connections<\/h2>\s*<p>The code tried to connect to:<\/p><ul class="plain"><li>https <code>api\.example\.com:443<\/code><\/li>/);
  assert.match(page(completed('action', null)), /The code made no network connection/);
});

test('the page says where the code\'s clock started, and which mocks answered (functions and module stubs)', () => {
  const plain = page(completed('rule', null));
  assert.ok(!plain.includes('id="controls"'), 'no clock or mocks line without them');
  const result: RunJson = {
    ...completed('rule', null),
    clock: { start: '2026-12-05T12:00:00.000Z', given: true },
    mocks: { file: '/w/.duo-rules/mock/mocks.json', functions: { 'auth0.users.updateAppMetadata': 'reject' }, modules: { request: './stubs/request.js' } },
  };
  const html = renderResultPage(result, { name: 'duo.js', source: 'file:///w/duo.js', cspSource: 'vscode-resource:', trusted: true, displayPath: (p) => p.replace('/w/', '') });
  const text = html.replace(/<[^>]*>/g, '');
  assert.match(text, /Clock: started at 2026-12-05T12:00:00\.000Z \(setting duoRules\.mock\.now\)/);
  assert.match(text, /Mocks: \.duo-rules\/mock\/mocks\.json: auth0\.users\.updateAppMetadata rejects, request from \.\/stubs\/request\.js \(setting duoRules\.mock\.mocksFile\)/);
  assert.ok(html.indexOf('id="controls"') < html.indexOf('<h2>Checks</h2>'), 'next to the verdict, before the checks');
  // The real clock is only mentioned in passing.
  assert.match(page({ ...completed('rule', null), clock: { start: '2026-11-29T18:00:00.000Z', given: false } }), /Its clock started at 2026-11-29T18:00:00\.000Z \(the real time\)/);
});

test('unset keys: the page names every place a run reads them, the Action\'s own actions/<name>.json included', () => {
  const text = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const action = completed('action', { provider: 'duo' }, [], 'unset');
  const inLayout = text(renderResultPage(action, { name: 'code.js', source: 'file:///w/actions/duo-login/code.js', cspSource: 'x', trusted: true }));
  assert.match(inLayout, /ikey, skey and host not set: give the event\.secrets values the code reads for them with Duo: Store Secret, in the configuration file \(setting duoRules\.configurationFile\) or in the secrets of actions\/duo-login\.json \(auth0-deploy-cli\)/);
  // The path the view passes wins over the URI (spaces, encoded characters).
  const spaced = text(renderResultPage(action, { name: 'code.js', source: 'file:///w/actions/duo%20login/code.js', path: '/w/actions/duo login/code.js', cspSource: 'x', trusted: true }));
  assert.match(spaced, /actions\/duo login\.json/);
  const loose = text(renderResultPage(action, { name: 'mfa.js', source: 'file:///w/src/mfa.js', cspSource: 'x', trusted: true }));
  assert.match(loose, /in the secrets of actions\/<name>\.json \(auth0-deploy-cli\)/);
  const rule = text(page(completed('rule', { provider: 'duo', ikey: keys.ikey, host: keys.host })));
  assert.match(rule, /skey not set: give the configuration values the code reads for it with Duo: Store Secret, in the configuration file \(setting duoRules\.configurationFile\) or in rules-configs\/ \(auth0-deploy-cli\)/);
  for (const t of [inLayout, loose, rule]) assert.ok(!/\.\./.test(t.replace(/\.\.\./g, '')), 'a doubled period in the text');
});

test('tenant keys: Check Tenant is offered, first when nothing could be verified', () => {
  const tenant = completed('action', { provider: 'duo', allowRememberBrowser: false }, [], 'tenant');
  const buttons = (html: string) => [...html.matchAll(/href="command:([^"?]+)/g)].map((m) => m[1]);
  assert.ok(buttons(page(tenant)).includes('duoRules.checkTenant'));
  const unverified = { ...tenant, verify: verifyOf(step('missing-credentials', 'The Action enables Duo without providerOptions, so Duo uses the tenant\'s Duo settings.')) };
  assert.equal(buttons(page(unverified))[0], 'duoRules.checkTenant');
  // Not where the keys are in the code or its secrets, nor in an untrusted workspace (the command needs trust).
  assert.ok(!buttons(page(completed('action', { provider: 'duo', ...keys }))).includes('duoRules.checkTenant'));
  assert.ok(!buttons(renderResultPage(tenant, { name: 'a.js', source: 'file:///w/a.js', cspSource: 'x', trusted: false })).includes('duoRules.checkTenant'));
});

test('Store Secret proposes the keys the run read without a value, the first one by default', () => {
  const result = completed('rule', { provider: 'duo', ikey: keys.ikey }, [], 'unset');
  const html = renderResultPage(result, { name: 'duo.js', source: 'file:///w/duo.js', cspSource: 'vscode-resource:', trusted: true, unsetSecrets: ['ACME_DUO_SKEY', 'ACME_DUO_HOST'] });
  const store = /<a class="button" role="button" href="command:duoRules\.setSecret\?([^"]+)" title="([^"]+)">Store Secret<\/a>/.exec(html);
  assert.ok(store, 'no Store Secret button with arguments');
  assert.deepEqual(JSON.parse(decodeURIComponent(store[1])), [{ propose: ['ACME_DUO_SKEY', 'ACME_DUO_HOST'] }]);
  assert.equal(store[2], 'Keep ACME_DUO_SKEY and ACME_DUO_HOST in VS Code&#39;s secret storage: the code reads them and the run had no value');
  // Nothing known to be unset: the button asks, starting from DUO_SKEY.
  assert.match(page(result), /href="command:duoRules\.setSecret" title="Keep a value such as DUO_SKEY/);
});
