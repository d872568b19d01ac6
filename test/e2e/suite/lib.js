// Helpers shared by the real-editor suites. Everything waits on editor events or command
// results, with a timeout, never on a fixed delay.
'use strict';
const vscode = require('vscode');
const path = require('node:path');

const extensionId = 'duo-rules.duo-rules';
const source = 'duo-rules';

/** A tiny TAP-like harness: prints `ok - name` / `not ok - name: reason`; every test has a timeout. */
function createHarness(prefix) {
  const results = { passed: 0, failed: 0 };
  async function test(name, fn, timeoutMs = 30_000) {
    const title = `${prefix}: ${name}`;
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs); }),
      ]);
      results.passed++;
      console.log(`ok - ${title}`);
    } catch (err) {
      results.failed++;
      console.log(`not ok - ${title}: ${oneLine(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  function finish() {
    const line = `${prefix}: ${results.passed} ok, ${results.failed} not ok`;
    console.log(`# ${line}`);
    // A thrown error makes the workbench report a non-zero exit code to the driver.
    if (results.failed) throw new Error(line);
  }
  return { test, finish };
}

function oneLine(err) {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s+/g, ' ').slice(0, 600);
}

function workspaceRoot() {
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (!folder) throw new Error('no workspace folder open');
  return folder.uri;
}

function fileUri(relative) {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

async function writeFile(relative, text) {
  const uri = fileUri(relative);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

async function readFile(uri) {
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

async function openFile(relativeOrUri) {
  const uri = typeof relativeOrUri === 'string' ? fileUri(relativeOrUri) : relativeOrUri;
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  return { uri, document, editor };
}

function codeOf(diagnostic) {
  const c = diagnostic.code;
  return c && typeof c === 'object' ? String(c.value) : c === undefined ? undefined : String(c);
}

function duoDiagnostics(uri) {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

function describe(diagnostics) {
  return JSON.stringify(diagnostics.map((d) => `${codeOf(d)}@${d.range.start.line + 1}`));
}

/**
 * Resolves with the duo-rules diagnostics of `uri` once `accept(diagnostics)` holds; checks the
 * current state first, then on every diagnostics change for that file.
 */
function waitForDiagnostics(uri, accept, what = 'the expected diagnostics', timeoutMs = 20_000) {
  const key = uri.toString();
  const current = () => duoDiagnostics(uri);
  if (accept(current())) return Promise.resolve(current());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`waited ${timeoutMs} ms for ${what} on ${path.basename(uri.path)}; have ${describe(current())}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === key)) return;
      const diagnostics = current();
      if (!accept(diagnostics)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(diagnostics);
    });
  });
}

const hasCodes = (...codes) => (diagnostics) => codes.every((c) => diagnostics.some((d) => codeOf(d) === c));

function completionLabels(list) {
  const items = Array.isArray(list) ? list : (list && list.items) || [];
  return items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

/** Offset -> Position in a document whose text we wrote, located by a marker string. */
function positionAfter(document, marker) {
  const offset = document.getText().indexOf(marker);
  if (offset < 0) throw new Error(`marker ${JSON.stringify(marker)} not found`);
  return document.positionAt(offset + marker.length);
}

function hoverText(hovers) {
  const parts = [];
  for (const hover of hovers || []) {
    for (const content of hover.contents) parts.push(typeof content === 'string' ? content : content.value);
  }
  return parts.join('\n');
}

function duoExtension() {
  const ext = vscode.extensions.getExtension(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not installed in this workbench`);
  return ext;
}

module.exports = {
  extensionId, source, createHarness, workspaceRoot, fileUri, writeFile, readFile, openFile, codeOf,
  duoDiagnostics, describe, waitForDiagnostics, hasCodes, completionLabels, positionAfter, hoverText, duoExtension,
};
