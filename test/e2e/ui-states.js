// The result view in each state a user can meet, through the real workbench: every verdict the view can lead
// with, a Duo that cannot be reached, and what the commands do on a plain JavaScript file. Each state is
// photographed into test-artifacts/state-<name>.png. Called by ui-smoke.js; waits on what appears on screen.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const keys = require('./suite/duoKeys');

/** A loopback port nothing listens on (taken, then released): connecting is refused, as when offline. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

const states = {
  'deny.js': [
    'function denyUnverified(user, context, callback) {',
    "  return callback(new UnauthorizedError('Verify your email address first'));",
    '}',
  ],
  'no-mfa.js': [
    'function noMfa(user, context, callback) {',
    '  callback(null, user, context);',
    '}',
  ],
  'throws.js': [
    'function readsMissing(user, context, callback) {',
    '  const plan = user.app_metadata.billing.plan;',
    '  callback(null, user, context);',
    '}',
  ],
  'never-calls-back.js': [
    'function forgetsCallback(user, context, callback) {',
    "  context.idToken['https://example.com/checked'] = true;",
    '}',
  ],
  'tenant-keys.action.js': [
    'exports.onExecutePostLogin = async (event, api) => {',
    "  if (event.transaction.protocol === 'oauth2-refresh-token') return;",
    "  api.multifactor.enable('duo', { allowRememberBrowser: false });",
    '};',
  ],
  'secret-keys.action.js': [
    'exports.onExecutePostLogin = async (event, api) => {',
    "  if (event.transaction.protocol === 'oauth2-refresh-token') return;",
    "  api.multifactor.enable('duo', {",
    '    allowRememberBrowser: false,',
    '    providerOptions: { ikey: event.secrets.E2E_DUO_IKEY, skey: event.secrets.E2E_DUO_SKEY, host: event.secrets.E2E_DUO_HOST },',
    '  });',
    '};',
  ],
  'admins-need-duo.js': [
    '/**',
    ' * Admins sign in with Duo; the keys come from the rules configuration.',
    ' */',
    'function adminsNeedDuo(user, context, callback) {',
    "  if (context.protocol === 'oauth2-refresh-token') {",
    '    return callback(null, user, context);',
    '  }',
    '  const roles = (context.authorization && context.authorization.roles) || [];',
    "  if (roles.includes('admin')) {",
    '    context.multifactor = {',
    "      provider: 'duo',",
    '      ikey: configuration.DUO_IKEY,',
    '      skey: configuration.DUO_SKEY,',
    '      host: configuration.DUO_HOST,',
    '      allowRememberBrowser: false,',
    '    };',
    '  }',
    '  callback(null, user, context);',
    '}',
  ],
  'util.js': [
    '// A helper module next to the rules: not a Rule or an Action.',
    'module.exports = function formatName(user) {',
    "  return `${user.given_name || ''} ${user.family_name || ''}`.trim();",
    '};',
  ],
};

/**
 * Writes the state files and the workspace settings before the workbench opens: the E2E_* secrets (only the
 * state Action reads them, so the other runs keep their unset keys), a short run timeout, and a Duo base URL
 * nobody answers on.
 */
async function prepareStates(workspace) {
  const dir = path.join(workspace, 'states');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(states)) fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'secrets.local.json'), JSON.stringify({ E2E_DUO_IKEY: keys.DUO_IKEY, E2E_DUO_SKEY: keys.DUO_SKEY, E2E_DUO_HOST: keys.DUO_HOST }, null, 2));
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
    'duoRules.configurationFile': 'states/secrets.local.json',
    'duoRules.run.timeoutMs': 1500,
    'duoRules.duo.baseUrl': `http://127.0.0.1:${await closedPort()}`,
  }, null, 2));
}

async function runStateSteps({ page, step, artifacts, quickOpen, runCommand }) {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  // The result views of earlier steps stay open in the other group: only the visible one is ours.
  const view = () => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
  const closeAll = () => runCommand(page, 'View: Close All Editors');

  /** Runs `command` on `file` and waits until its result view leads with a verdict `expect` accepts. */
  async function resultOf(file, command, expect) {
    await closeAll();
    await quickOpen(page, file);
    // The server has recognised the file once the status bar names its kind.
    await page.locator('.statusbar-item', { hasText: file.endsWith('.action.js') ? 'Duo Action' : 'Duo Rule' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, command);
    await page.locator('.tabs-container .tab', { hasText: `${file} (Duo result)` }).first().waitFor({ timeout: 30_000 });
    const verdict = view().locator('#verdict');
    await verdict.waitFor({ timeout: 20_000 });
    const text = (await verdict.textContent()).trim();
    if (!expect(text)) throw new Error(`verdict: ${text}`);
    return text;
  }
  const shot = (name) => page.screenshot({ path: path.join(artifacts, `state-${name}.png`), animations: 'disabled', caret: 'hide' });

  const verdicts = [
    ['deny.js', 'denied', (t) => t === 'Denied: "Verify your email address first"'],
    ['no-mfa.js', 'no-mfa', (t) => t === 'No MFA'],
    ['throws.js', 'error', (t) => /^Error: Cannot read properties of undefined \(reading 'plan'\)$/.test(t)],
    ['never-calls-back.js', 'timeout', (t) => /^Timed out: callback was never called within 1500 ms$/.test(t)],
    ['tenant-keys.action.js', 'tenant-keys', (t) => t === 'Requires Duo (tenant keys)'],
    ['secret-keys.action.js', 'secret-keys', (t) => t === 'Requires Duo (keys from secrets)'],
  ];
  for (const [file, name, expect] of verdicts) {
    await step(`the result view of ${file} leads with its verdict (test-artifacts/state-${name}.png)`, async () => {
      await resultOf(file, 'Duo: Run Against Mock User', expect);
      // Keys in the tenant: Check Tenant reads and verifies them, so the view offers it there.
      if (name === 'tenant-keys') await view().locator('a.button', { hasText: 'Check Tenant' }).first().waitFor({ timeout: 5_000 });
      await shot(name);
    });
  }

  await step('the result view offers the next steps as buttons: store a secret, create mock files, open the setting, run again, verify', async () => {
    await resultOf('secret-keys.action.js', 'Duo: Run Against Mock User', (t) => t === 'Requires Duo (keys from secrets)');
    for (const label of ['Store Secret', 'Create Mock Input Files', 'Open Setting', 'Run again', 'Verify with Duo']) {
      await view().locator('a.button', { hasText: label }).first().waitFor({ timeout: 5_000 });
    }
  });

  await step('Verify after Run reuses the file\'s one result view; with an unreachable Duo it says "could not reach Duo" with the reason in the view and the status bar, no error on the code (test-artifacts/state-duo-unreachable.png)', async () => {
    await resultOf('secret-keys.action.js', 'Duo: Run Against Mock User', (t) => t === 'Requires Duo (keys from secrets)');
    // Verify the same file while its Run result is open: the one view of the file shows the verification.
    await runCommand(page, 'Duo: Verify Configuration');
    const answer = view().locator('#duo-answer');
    await answer.waitFor({ timeout: 30_000 });
    const views = await page.locator('.tabs-container .tab', { hasText: 'secret-keys.action.js (Duo result)' }).count();
    if (views !== 1) throw new Error(`${views} result views of secret-keys.action.js, not one reused`);
    const text = (await answer.textContent()).trim();
    if (!/^Could not reach Duo: .*(refused|ECONNREFUSED)/i.test(text)) throw new Error(`Duo answer: ${text}`);
    const status = page.locator('.statusbar-item', { hasText: 'could not reach Duo' }).first();
    await status.waitFor({ timeout: 15_000 });
    // The verification's diagnostics (if any) are published before its result is shown: none may be an error.
    const errors = await editor.locator('.squiggly-error').count();
    if (errors) throw new Error(`${errors} error squiggles on the Action after an unreachable Duo`);
    await shot('duo-unreachable');
  });

  await step('on a plain JavaScript file Run, Verify and Convert are not offered in the Command Palette (test-artifacts/state-not-a-rule.png)', async () => {
    await closeAll();
    await quickOpen(page, 'util.js');
    // The Duo status bar item goes away once the server has classified the file as neither a Rule nor an Action.
    await page.locator('.statusbar-item', { hasText: /Duo (Rule|Action)/ }).first().waitFor({ state: 'detached', timeout: 30_000 })
      .catch(() => page.locator('.statusbar-item', { hasText: /Duo (Rule|Action)/ }).first().waitFor({ state: 'hidden', timeout: 1_000 }));
    for (const title of ['Duo: Run Against Mock User', 'Duo: Verify Configuration', 'Duo: Convert Rule to Post-Login Action']) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 15_000 });
      await input.fill(`>${title}`);
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      const offered = rows.filter({ hasText: title.replace(/^Duo: /, '') });
      // Without a match the palette lists "similar commands" (or says there is none).
      const none = rows.filter({ hasText: /similar commands|No matching commands/ });
      await offered.or(none).first().waitFor({ timeout: 15_000 });
      if (await offered.count()) {
        await shot('not-a-rule');
        throw new Error(`"${title}" is offered on util.js`);
      }
      await shot('not-a-rule');
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });
    }
  });
}

/**
 * Convert in the editor: the Action file opens with its TODO comments, the notification gives the differential
 * check's verdict, and its button opens the diff Rule ↔ Action (photographed for the README as `convert`).
 */
async function runConvertStep({ page, step, artifacts, quickOpen, runCommand, readmeShot }) {
  await step('Convert opens the Action, says what the differential check found, and opens the diff Rule ↔ Action', async () => {
    // Opened from the Explorer: right after the Command Palette, Quick Open sometimes misses its key.
    const row = page.locator('.explorer-folders-view').getByRole('treeitem', { name: 'admins-need-duo.js', exact: true }).first();
    if (await row.waitFor({ timeout: 5_000 }).then(() => true, () => false)) {
      await row.dblclick();
      await page.locator('.tabs-container .tab.active', { hasText: 'admins-need-duo.js' }).first().waitFor({ timeout: 15_000 });
    } else {
      await quickOpen(page, 'admins-need-duo.js');
    }
    await page.locator('.statusbar-item', { hasText: 'Duo Rule' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'Duo: Convert Rule to Post-Login Action');
    // In this deploy-cli repository the Action is actions/admins-need-duo/code.js; elsewhere admins-need-duo.action.js.
    await page.locator('.tabs-container .tab.active', { hasText: /^\s*(code\.js|admins-need-duo\.action\.js)/ }).first().waitFor({ timeout: 60_000 });
    // The notification may have left its toast already: the notification centre lists it either way.
    await runCommand(page, 'Notifications: Show Notifications');
    const notification = page.locator('.notifications-center .notification-list-item', { hasText: 'converted admins-need-duo.js to a post-login Action' }).first();
    await notification.waitFor({ timeout: 30_000 });
    const message = (await notification.textContent()) || '';
    if (!/decide alike on all \d+ logins/.test(message)) throw new Error(`notification: ${message}`);
    await page.screenshot({ path: path.join(artifacts, 'state-convert.png'), animations: 'disabled', caret: 'hide' });
    await notification.getByRole('button', { name: 'Open Rule ↔ Action diff' }).click();
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15_000 });
    await page.locator('.tabs-container .tab.active', { hasText: '↔ post-login Action' }).first().waitFor({ timeout: 15_000 });
    // An empty notification centre closes itself.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.locator('.notifications-center').first().waitFor({ state: 'hidden', timeout: 5_000 });
    await page.screenshot({ path: path.join(artifacts, 'state-convert-diff.png'), animations: 'disabled', caret: 'hide' });
    await readmeShot(page, [page.locator('.monaco-workbench .part.editor')], artifacts, 'convert');
  });
}

module.exports = { prepareStates, runStateSteps, runConvertStep };
