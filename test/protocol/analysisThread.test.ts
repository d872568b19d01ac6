// Once a document is edited, the server analyses it in a thread of its own, so completion is answered while an
// analysis runs. What the user sees must not change: the same diagnostics (worded for the editor) and quick
// fixes; and the thread ends with the session.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';

/** The nice value of each thread of a process (Linux), by thread id. */
function threadNices(pid: number): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name in parentheses; the nice value is field 19 of stat(5).
    nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nices;
}

/** The number of threads of a process (Linux), or undefined where /proc is not there. */
function threadsOf(pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return undefined;
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(status, 'utf8'))?.[1]);
}

const rule = [
  'function requireDuo(user, context, callback) {',
  '  context.multifactor = {',
  "    provider: 'duo',",
  '    ikey: configuration.DUO_IKEY,',
  '    skey: configuration.DUO_SKEY,',
  '    host: configuration.DUO_HOST,',
  '  };',
  '  callback(null, user, context);',
  '}',
  '',
].join('\n');

test('edits are analysed in a thread that ends at shutdown, with the same diagnostics and fixes', { skip: threadsOf(process.pid) === undefined && 'needs /proc' }, async () => {
  const client = await LspClient.start({ settings: {} });
  const pid = client.child.pid!;
  try {
    const uri = 'file:///thread/rule.js';
    let version = await client.open(uri, rule);
    await client.waitForDiagnostics(uri, version);
    const atStart = threadsOf(pid)!;
    // The thread starts on the first edit and takes the analyses once it is ready: type until it runs.
    let threads = atStart;
    for (let i = 0; i < 40 && threads <= atStart; i++) {
      version = await client.edit(uri, { start: { line: 7, character: 0 }, end: { line: 7, character: i % 2 } }, i % 2 ? '' : ' ');
      await client.waitForDiagnostics(uri, version);
      threads = threadsOf(pid)!;
    }
    assert.ok(threads > atStart, `no thread started (${atStart} threads at start, ${threads} after the edits)`);
    // Two more edits, so the analysis has certainly moved to the thread: a deprecated key, then a typo in another.
    await client.waitForDiagnostics(uri, await client.edit(uri, { start: { line: 5, character: 33 }, end: { line: 5, character: 33 } }, '\n    ignoreCookie: true,'));
    const { diagnostics } = await client.waitForDiagnostics(uri, await client.edit(uri, { start: { line: 3, character: 4 }, end: { line: 3, character: 8 } }, 'ikye'));
    const codes = diagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort();
    assert.deepEqual(codes, ['deprecated-field@6', 'missing-field@1', 'missing-refresh-token-guard@1', 'rules-eol@0', 'unknown-field@3']);
    // Everything else gives way to the main thread, which answers completion: the analysis thread runs at nice 10,
    // Node's helper threads (V8's compilers) at 19, the main thread at the normal priority.
    // The threads are lowered once the analysis thread serves, which the edits above need not have waited for.
    const editAndWait = async (i: number) =>
      client.waitForDiagnostics(uri, await client.edit(uri, { start: { line: 8, character: 0 }, end: { line: 8, character: i % 2 } }, i % 2 ? '' : ' '));
    // The thread loads its code before it serves: on a cold machine running other tests beside this one that took
    // longer than 40 edits (CI on Node 22), so the edits go on for up to 20 seconds, not for a number of edits.
    let nices = threadNices(pid);
    let edits = 0;
    const giveUpAt = Date.now() + 20_000;
    for (; edits < 5_000 && Date.now() < giveUpAt && ![...nices.values()].includes(19); edits++) {
      await editAndWait(edits);
      nices = threadNices(pid);
    }
    assert.ok([...nices.values()].includes(19), `the analysis thread did not serve after ${edits} edits; thread priorities: ${JSON.stringify([...nices])}`);
    // The threads are read one by one while the server may be lowering them: read again once it has answered
    // another edit, by which time the lowering, done in one go on its main thread, is over.
    await editAndWait(edits);
    nices = threadNices(pid);
    const priorities = `thread priorities: ${JSON.stringify([...nices])}`;
    assert.equal(nices.get(pid), 0, `the main thread must keep the normal priority; ${priorities}`);
    assert.equal([...nices.values()].filter((nice) => nice === 10).length, 1, `one analysis thread at 10; ${priorities}`);
    assert.ok([...nices.values()].filter((nice) => nice === 19).length >= 2, `V8's helper threads at 19; ${priorities}`);
    // Threads libuv starts later keep the normal priority; no other value is set.
    assert.deepEqual([...nices.values()].filter((nice) => ![0, 10, 19].includes(nice)), [], priorities);
    assert.equal(diagnostics.find((d) => d.code === 'rules-eol')?.message, 'Auth0 Rules reached end of life on 2026-11-18 and no longer run: migrate this rule to a post-login Action with the command "Duo: Convert Rule to Post-Login Action".');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 6, character: 4 }, end: { line: 6, character: 4 } },
      context: { diagnostics, triggerKind: 2 },
    });
    assert.ok(actions.some((a) => /allowRememberBrowser/.test(a.title)), JSON.stringify(actions.map((a) => a.title)));

    await client.request('shutdown', null);
    assert.ok(threadsOf(pid)! < threads, 'the analysis thread still runs after shutdown');
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
});
