// The server collects its young generation between keystrokes, not inside one: checked in a Node process started
// as the extension starts the server (`serverExecArgv`), and in one started without `--expose-gc`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { serverExecArgv } from '../../shared/protocol';

const modulePath = join(__dirname, '..', '..', 'server', 'src', 'features', 'idleCollection.js');

/**
 * Fills the young generation past `share` of its capacity with garbage (at most a bounded number of objects),
 * calls the function, and prints the share before and after and what it returned.
 */
const probe = (share: number) => `
const { getHeapSpaceStatistics } = require('node:v8');
const { collectYoungGenerationIfFilling } = require(${JSON.stringify(modulePath)});
const used = () => { const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space'); return s.space_used_size / (s.space_used_size + s.space_available_size); };
let keep = [];
for (let i = 0; i < 200000 && used() < ${share}; i++) {
  for (let j = 0; j < 100; j++) keep.push({ i, j });
  if (keep.length > 1000) keep = [];
}
const before = used();
const could = collectYoungGenerationIfFilling();
console.log(JSON.stringify({ before, after: used(), could }));
`;

function run(execArgv: readonly string[], share: number): { before: number; after: number; could: boolean } {
  const child = spawnSync(process.execPath, [...execArgv, '-e', probe(share)], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim()) as { before: number; after: number; could: boolean };
}

test('the server is started with the collector exposed, and collects a young generation more than half full', () => {
  assert.ok(serverExecArgv.includes('--expose-gc'), String(serverExecArgv));
  const { before, after, could } = run(serverExecArgv, 0.7);
  assert.equal(could, true);
  assert.ok(before > 0.5, `filled to ${before.toFixed(2)}`);
  // What survives a collection here is the last thousand objects and the probe's own state.
  assert.ok(after < 0.25, `${before.toFixed(2)} of the young generation in use before, ${after.toFixed(2)} after`);
});

test('a young generation less than half full is left to V8', () => {
  const { before, after, could } = run(serverExecArgv, 0.2);
  assert.equal(could, true);
  assert.ok(before < 0.5, `filled to ${before.toFixed(2)}`);
  assert.ok(after >= before, `${before.toFixed(2)} in use before, ${after.toFixed(2)} after: collected anyway`);
});

test('without --expose-gc (a server started by hand) nothing is collected and nothing fails', () => {
  const { before, after, could } = run(serverExecArgv.filter((arg) => arg !== '--expose-gc'), 0.7);
  assert.equal(could, false);
  assert.ok(after >= before, `${before.toFixed(2)} in use before, ${after.toFixed(2)} after`);
});
