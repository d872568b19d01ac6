// Runner cost per run: cold (first run, including the child process start), warm (a fresh
// single-use child started ahead of need was ready), back to back (runs without a pause, so
// the next child may still be starting), and the ratio of warm to a bare vm.runInNewContext
// of the same rule in this process, measured in the same session so load affects both alike.
import { join } from 'node:path';
import * as vm from 'node:vm';
import { disposeRunnerPool, prestartRunner, runFile } from '../server/src/runner/index';

const WARM_RUNS = 100;
const BACK_TO_BACK_RUNS = 40;
const file = join(__dirname, '../../examples/duo-rule.js');
const configuration = { DUO_IKEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SKEY: 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ecIq9hJ6MUe', DUO_HOST: 'api-3c9a1b2d.duosecurity.com' };
const ruleText = `function (user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** The floor: the same rule in a new vm context of this process, no isolation, no IPC. */
function measureBaseline(): number[] {
  const times: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const started = performance.now();
    let decided: unknown;
    vm.runInNewContext(`(${ruleText})(user, context, callback)`, {
      configuration,
      user: { user_id: 'auth0|1' },
      context: {},
      callback: (_err: unknown, _user: unknown, context: unknown) => { decided = context; },
    });
    if (!decided) throw new Error('baseline rule did not call back');
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  disposeRunnerPool();
  const coldStarted = performance.now();
  const first = await runFile({ file, configuration });
  const cold = performance.now() - coldStarted;
  if (first.result.outcome !== 'completed') throw new Error(`cold run: ${first.result.outcome}`);

  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    // Every run takes a new child; the editor and the CLI start the next one while the code is read.
    await prestartRunner({ file });
    const started = performance.now();
    const { result } = await runFile({ file, configuration });
    warm.push(performance.now() - started);
    if (result.outcome !== 'completed') throw new Error(`warm run ${i}: ${result.outcome}`);
  }
  const backToBack: number[] = [];
  for (let i = 0; i < BACK_TO_BACK_RUNS; i++) {
    const started = performance.now();
    const { result } = await runFile({ file, configuration });
    backToBack.push(performance.now() - started);
    if (result.outcome !== 'completed') throw new Error(`back-to-back run ${i}: ${result.outcome}`);
  }
  disposeRunnerPool();
  const baseline = measureBaseline();

  const rows: [string, string, string][] = [
    ['cold (first run, child start included)', cold.toFixed(1), '1 run'],
    ['warm (fresh pre-started child)', median(warm).toFixed(2), `median of ${WARM_RUNS}, p90 ${percentile(warm, 0.9).toFixed(2)}`],
    ['back to back (no pause between runs)', median(backToBack).toFixed(2), `median of ${BACK_TO_BACK_RUNS}, p90 ${percentile(backToBack, 0.9).toFixed(2)}`],
    ['baseline vm.runInNewContext in-process', median(baseline).toFixed(3), `median of ${WARM_RUNS}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\nrunner.bench: per-run time of `duo-rules run` (examples/duo-rule.js)');
  console.log(`${'case'.padEnd(width)}  ${'ms'.padStart(8)}  note`);
  for (const [name, ms, note] of rows) console.log(`${name.padEnd(width)}  ${ms.padStart(8)}  ${note}`);
  console.log(`warm / baseline ratio: ${(median(warm) / median(baseline)).toFixed(1)}x`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
