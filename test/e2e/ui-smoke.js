// UI smoke test through the real workbench (Playwright), against the extension installed from the
// packaged VSIX: what a person sees. Called by driver.js with a page, the workbench URL and a
// `step(name, fn)` reporter. Waits on what appears on screen, each wait with a timeout.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

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

async function runUiSmokeSteps({ page, url, step, artifacts }) {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();

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

  await step('the status bar recognises the file as a Duo Rule, with an error icon and its problem count', async () => {
    // The seed rule has errors (placeholders): the worst severity decides the icon.
    const item = page.locator('.statusbar-item', { hasText: 'Duo Rule' }).first();
    await item.waitFor({ timeout: 15_000 });
    await item.locator('.codicon-error').waitFor({ timeout: 15_000 });
    await item.getByText(/\b6\b/).waitFor({ timeout: 15_000 });
  });

  await step('the Problems panel lists the duo-rules diagnostics', async () => {
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: 15_000 });
    await panel.getByText('placeholder-client-id').first().waitFor({ timeout: 15_000 });
    await panel.getByText('deprecated-field').first().waitFor({ timeout: 15_000 });
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

  await step('Duo: Run Against Mock User runs from the command palette', async () => {
    await quickOpen(page, 'require-duo.js');
    await runCommand(page, 'Duo: Run Against Mock User');
    // The one-line summary shows in the notification and at the top of the result view.
    await page.getByText(/Rule require-duo\.js requires MFA with duo/).first().waitFor({ timeout: 30_000 });
    await page.locator('.tabs-container .tab', { hasText: 'require-duo.js (run)' }).first().waitFor({ timeout: 5_000 });
  });

  await page.screenshot({ path: path.join(artifacts, 'ui-smoke.png') });
}

module.exports = { runUiSmokeSteps };
