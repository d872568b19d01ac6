// The scan kept between completions must give exactly what a scan from the start of the file gives,
// whatever was edited since: before, between or after its checkpoints, inside strings, comments,
// templates and regular expressions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { complete } from '../../server/src/analysis/completion';
import { checkpointSpacing, ScanCheckpoints, scanTo } from '../../server/src/analysis/completionScan';

/** A Rule of `blocks` blocks mixing every token the scanner tracks, several checkpoints long. */
function ruleText(blocks: number): string {
  const parts = ['function requireDuo(user, context, callback) {'];
  for (let i = 0; i < blocks; i++) {
    parts.push(
      `  // step ${i}: don't ( open anything here {`,
      `  /* a block { comment ( ${i} */ var re${i} = /[({]+\\/x/g, s${i} = 'it\\'s (${i}', t${i} = \`a \${user.name + \`{\${i}\`} b\`;`,
      `  if (user.app_metadata && re${i}.test(s${i})) { user.app_metadata.k${i} = [1, 2, { n: ${i} / 2 }]; }`,
    );
  }
  parts.push('  context.multifactor = {', "    provider: 'duo',", '    ', '  };', '  callback(null, user, context);', '}', '');
  return parts.join('\n');
}

/** A small deterministic random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const snippets = ['{', '}', '(', ')', '[', ']', "'", '"', '`', '/*', '*/', '//', '/', '${', '\n', 'x', ',', ' ', 'return /a/'];

/**
 * Edits a Rule at random for 300 rounds and checks the kept scan against a scan from the start at `probes` carets
 * per round; `editsPerRound` edits come between two scans, each reported to the kept scan when `report` is set.
 */
function checkRandomEdits(seed: number, probes: number, editsPerRound: (next: () => number) => number, report: boolean): void {
  const next = random(seed);
  let text = ruleText(60);
  const checkpoints = new ScanCheckpoints();
  let at = 0;
  for (let round = 0; round < 300; round++) {
    for (let probe = 0; probe < probes; probe++) {
      // Half the carets just after the last edit, where a checkpoint it invalidated would be reused.
      const end = probe % 2 ? Math.min(text.length, at + Math.floor(next() * 3000)) : Math.floor(next() * (text.length + 1));
      assert.deepEqual(checkpoints.scanTo(text, end), scanTo(text, end), `round ${round}, offset ${end}`);
    }
    for (let e = editsPerRound(next); e > 0; e--) {
      // An edit anywhere: insert, delete or replace a few characters with a token that changes the scan.
      at = Math.floor(next() * text.length);
      const removed = Math.floor(next() * 3);
      text = text.slice(0, at) + snippets[Math.floor(next() * snippets.length)] + text.slice(at + removed);
      if (report) checkpoints.edited(at);
    }
  }
}

test('a kept scan equals a scan from the start at every caret, across random edits', () => {
  checkRandomEdits(42, 4, () => 1, false);
});

test('a kept scan told where each edit began equals a scan from the start, several edits between scans too', () => {
  // One to three edits before the next scan, each reported with where it began (as the server reports them).
  checkRandomEdits(7, 3, (next) => 1 + Math.floor(next() * 3), true);
});

test('an edit reported just before a checkpoint invalidates it: a quote typed there opens a string over it', () => {
  // Brackets are scanned one character at a time, so the checkpoints fall every checkpointSpacing characters of them.
  const head = 'function requireDuo(user, context, callback) {\n  var x = ';
  const text = `${head}${'()'.repeat(3000)};\n  context.multifactor = {\n    \n  };\n}\n`;
  const caret = text.indexOf('{\n    \n') + 6;
  const n = checkpointSpacing;
  for (const at of [n - 8, n - 4, n - 2, n - 1, 2 * n - 6, 2 * n - 1]) {
    const checkpoints = new ScanCheckpoints();
    assert.deepEqual(checkpoints.scanTo(text, caret), scanTo(text, caret));
    const edited = `${text.slice(0, at)}'${text.slice(at)}`;
    checkpoints.edited(at);
    const kept = checkpoints.scanTo(edited, at + 20);
    assert.deepEqual(kept, scanTo(edited, at + 20), `quote at ${at}`);
    assert.ok(kept.string, `the scan after the quote at ${at} is inside the string it opened`);
  }
});

test('completion in a large Rule is the same with the kept scan, after edits far above the caret', () => {
  let text = ruleText(400);
  const checkpoints = new ScanCheckpoints();
  const caret = text.indexOf("'duo',\n") + "'duo',\n    ".length;
  const labels = (t: string, offset: number, withScan: boolean) =>
    complete({ text: t, offset, ...(withScan ? { checkpoints } : {}) })?.items.map((item) => item.label);
  const before = labels(text, caret, true);
  assert.ok(before?.includes('ikey'), JSON.stringify(before));
  assert.deepEqual(before, labels(text, caret, false));
  // Edits far above the caret that change how the rest of the file scans: the kept scan must follow them.
  for (const [from, to] of [['callback) {', 'callback) { /*'], ["don't", "don''t"], ['var re0 = /', 'var re0 = 1 /'], ['t0 = `', 't0 = `${']] as const) {
    text = text.replace(from, to);
    const at = text.indexOf("'duo',\n") + "'duo',\n    ".length;
    assert.deepEqual(labels(text, at, true), labels(text, at, false), `after ${to}`);
  }
});

test('an edit right at a checkpoint, or a character before or after it, is followed', () => {
  const text = ruleText(16);
  for (const snippet of ['{', "'", '/*', '`', 'x', '/']) {
    // The first checkpoint is at the first token boundary checkpointSpacing characters in: edits at every offset around it.
    for (let at = checkpointSpacing - 18; at < checkpointSpacing + 102; at++) {
      const checkpoints = new ScanCheckpoints();
      checkpoints.scanTo(text, text.length);
      const edited = text.slice(0, at) + snippet + text.slice(at);
      assert.deepEqual(checkpoints.scanTo(edited, edited.length), scanTo(edited, edited.length), `${snippet} at ${at}`);
    }
  }
});
