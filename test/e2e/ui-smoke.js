// UI smoke test through the real workbench (Playwright), against the extension installed from the
// packaged VSIX: what a person sees. Called by driver.js with a page, the workbench URL and a
// `step(name, fn)` reporter. Waits on what appears on screen, each wait with a timeout.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { prepareStates, runConvertStep, runStateSteps } = require('./ui-states');

const repo = path.resolve(__dirname, '..', '..');

/**
 * Screenshots `locator` for the README: always into test-artifacts/readme-<name>.png, and into
 * images/<name>.png (committed, shown on the Marketplace page) when DUO_E2E_UPDATE_IMAGES=1, so an
 * ordinary run never dirties the working tree.
 */
async function readmeShot(page, locators, artifacts, name) {
  const boxes = [];
  for (const l of locators) { const b = await l.boundingBox(); if (b) boxes.push(b); }
  if (!boxes.length) throw new Error(`nothing visible to photograph for ${name}`);
  const x = Math.min(...boxes.map((b) => b.x)), y = Math.min(...boxes.map((b) => b.y));
  const clip = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
  const file = path.join(artifacts, `readme-${name}.png`);
  await page.screenshot({ path: file, clip, animations: 'disabled', caret: 'hide' });
  if (process.env.DUO_E2E_UPDATE_IMAGES === '1') fs.copyFileSync(file, path.join(repo, 'images', `${name}.png`));
}

async function quickOpen(page, fileName) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(fileName);
  // Wait for the file itself to be listed before accepting, so Enter opens the right one.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ timeout: 15_000 });
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function runUiSmokeSteps({ page, url, step, artifacts, workspace }) {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await prepareStates(workspace);

  await step('the workbench loads with the fixture workspace', async () => {
    await page.goto(url, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 30_000 });
  });

  await step('Quick Open opens the seed rule', async () => {
    await page.locator('.monaco-workbench .part.editor').click({ position: { x: 300, y: 200 } });
    await quickOpen(page, 'duo-seed.js');
    await editor.getByText('REPLACE_WITH_YOUR_CLIENT_ID').first().waitFor({ timeout: 15_000 });
  });

  await step('the placeholder gets an error squiggle', async () => {
    // Activation and the first analysis happen here: allow for a cold extension host.
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  });

  await step('the status bar recognises the file as a Duo Rule, with an error icon first', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'Duo Rule' }).first();
    await item.waitFor({ timeout: 15_000 });
    await item.locator('.codicon-error').waitFor({ timeout: 15_000 });
  });

  await step('the Problems panel lists the duo-rules diagnostics', async () => {
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 15_000 });
    await panel.getByText('placeholder-client-id').first().waitFor({ timeout: 15_000 });
    await panel.getByText('deprecated-field').first().waitFor({ timeout: 15_000 });
    // The status bar counts what the Problems panel counts for the file (every source, per severity).
    // VS Code's own JavaScript check reports later than ours: wait until both have settled on one number.
    const counts = () => page.evaluate(() => {
      const row = [...document.querySelectorAll('.markers-panel .monaco-list-row')].find((r) => r.textContent.includes('duo-seed.js'));
      const badge = row && row.querySelector('.monaco-count-badge');
      const item = [...document.querySelectorAll('.statusbar-item')].find((i) => i.textContent.includes('Duo Rule'));
      const shown = ((item && item.textContent.match(/\d+/g)) || []).map(Number).reduce((a, b) => a + b, 0);
      return { listed: badge ? Number(badge.textContent.trim()) : 0, shown };
    });
    await page.waitForFunction(() => {
      const row = [...document.querySelectorAll('.markers-panel .monaco-list-row')].find((r) => r.textContent.includes('duo-seed.js'));
      const badge = row && row.querySelector('.monaco-count-badge');
      const item = [...document.querySelectorAll('.statusbar-item')].find((i) => i.textContent.includes('Duo Rule'));
      const shown = ((item && item.textContent.match(/\d+/g)) || []).map(Number).reduce((a, b) => a + b, 0);
      return badge && Number(badge.textContent.trim()) > 0 && Number(badge.textContent.trim()) === shown;
    }, undefined, { timeout: 20_000 }).catch(async () => {
      const { listed, shown } = await counts();
      throw new Error(`status bar counts ${shown}, the Problems panel ${listed}`);
    });
    await readmeShot(page, [page.locator('.monaco-workbench .part.editor'), page.locator('.monaco-workbench .part.panel')], artifacts, 'diagnostics');
  });

  await step('Ctrl+Space inside context.multifactor shows the Duo keys', async () => {
    await quickOpen(page, 'missing-keys.js');
    await editor.getByText('configuration.DUO_IKEY').first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget');
    await suggest.locator('.monaco-list-row', { hasText: 'skey' }).first().waitFor({ timeout: 20_000 });
    await suggest.locator('.monaco-list-row', { hasText: 'host' }).first().waitFor({ timeout: 5_000 });
    await page.screenshot({ path: path.join(artifacts, 'ui-smoke-completion.png') });
    await readmeShot(page, [page.locator('.monaco-workbench .part.editor')], artifacts, 'completion');
    await page.keyboard.press('Escape');
  });

  await step('the status bar follows an edit: a misspelt key adds a warning to the count', async () => {
    await quickOpen(page, 'require-duo.js');
    const item = page.locator('.statusbar-item', { hasText: 'Duo Rule' }).first();
    await item.waitFor({ timeout: 15_000 });
    // The item follows the active editor a moment after the switch: wait for require-duo.js's counts (no warning).
    await page.locator('.statusbar-item', { hasText: 'Duo Rule' }).filter({ hasNot: page.locator('.codicon-warning') }).first().waitFor({ timeout: 15_000 })
      .catch(async () => { throw new Error(`a warning before the edit: ${await item.textContent()}`); });
    await editor.getByText("provider: 'duo'").first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('alowRememberBrowser: true,');
    await page.keyboard.press('Escape');
    await item.locator('.codicon-warning').waitFor({ timeout: 15_000 });
    await readmeShot(page, [page.locator('.monaco-workbench .part.statusbar')], artifacts, 'status-bar');
  });

  await step('Duo: Run Against Mock User shows the verdict first, beside the rule, without taking the focus', async () => {
    await quickOpen(page, 'require-duo.js');
    await runCommand(page, 'Duo: Run Against Mock User');
    await page.locator('.tabs-container .tab', { hasText: 'require-duo.js (Duo result)' }).first().waitFor({ timeout: 30_000 });
    // The webview's page sits in two nested iframes.
    const view = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const verdict = view.locator('#verdict');
    await verdict.waitFor({ timeout: 15_000 });
    // The fixture's rules-configs hold ##DUO_*## tokens and no mappings file is set: the keys are unset.
    const text = (await verdict.textContent()).trim();
    if (text !== 'Requires Duo, but ikey, skey and host are not set: this login would fail') throw new Error(`verdict: ${text}`);
    await view.getByText('✗').first().waitFor({ timeout: 5_000 });
    // The launch sets duoRules.mock.now and duoRules.mock.mocksFile: the view says the run used them.
    const controls = (await view.locator('#controls').textContent({ timeout: 5_000 })).replace(/\s+/g, ' ');
    if (!controls.includes('Clock: started at 2026-12-05T12:00:00.000Z') || !/Mocks: mocks\/ui-mocks\.json: auth0\.users\.updateUserMetadata resolves/.test(controls)) {
      throw new Error(`clock and mocks: ${controls}`);
    }
    await view.locator('a.button', { hasText: 'Store Secret' }).first().waitFor({ timeout: 5_000 });
    const json = view.locator('details');
    if (await json.getAttribute('open') !== null) throw new Error('the full JSON is expanded');
    // The rule keeps the focus: the active editor group still shows it, not the result.
    const activeTab = page.locator('.editor-group-container.active .tabs-container .tab.active').first();
    await activeTab.waitFor({ timeout: 5_000 });
    const label = `${await activeTab.getAttribute('aria-label')} ${await activeTab.textContent()}`;
    if (!/require-duo\.js/.test(label) || /Duo result/.test(label)) throw new Error(`the active tab is ${label}`);
    await readmeShot(page, [page.locator('.monaco-workbench .part.editor')], artifacts, 'run-result');
  });

  await runStateSteps({ page, step, artifacts, quickOpen, runCommand });
  await runConvertStep({ page, step, artifacts, quickOpen, runCommand, readmeShot });

  await page.screenshot({ path: path.join(artifacts, 'ui-smoke.png') });
}

module.exports = { runUiSmokeSteps };
