// The differential check of `duo-rules convert --check`: a 100-line Duo rule and its converted
// Action over 512 logins. Reports the whole check (target ≤ 2 s on the development machine) and
// the warm per-login cost against a bare vm run of the same Rule and Action code in this process
// (target ≤ 2×), measured in the same session so machine load affects both alike.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';
import { convertRule } from '../server/src/analysis/ruleConverter';
import { disposeRunnerPool } from '../server/src/runner/index';
import { checkEquivalence } from '../server/src/runner/equivalence';
import { createDefaultContext, createDefaultEvent, createDefaultUser } from '../server/src/runner/mockInputs';

const LOGINS = 512;
const file = join(__dirname, '../../bench/fixtures/duo-rule-100.js');
const ruleText = readFileSync(file, 'utf8');
const converted = convertRule(ruleText);
if (!converted.ok) throw new Error(converted.message);
const actionText = converted.code;

/**
 * The baseline: both scripts per login in a new vm context of this process, no process isolation, no
 * IPC. With `shared`, every login runs in the same two contexts: no isolation between logins at
 * all, the floor of what running the code costs (reported, not a target).
 */
async function measureBaseline(shared = false): Promise<number> {
  const configuration = { DUO_HOST: 'h', DUO_IKEY: 'i', DUO_SKEY: 's', DUO_ADMIN_APP_IKEY: 'i', DUO_ADMIN_APP_SKEY: 's', DUO_PARTNER_IKEY: 'i', DUO_PARTNER_SKEY: 's' };
  const rule = new vm.Script(`(${ruleText}\n)`);
  const action = new vm.Script(`(function (exports) {${actionText}\n})`);
  const sharedRule = vm.createContext({ configuration, UnauthorizedError: Error });
  const sharedAction = vm.createContext({});
  const started = performance.now();
  for (let i = 0; i < LOGINS; i++) {
    const ruleContext = shared ? sharedRule : vm.createContext({ configuration, UnauthorizedError: Error });
    let decided = false;
    (rule.runInContext(ruleContext) as (...a: unknown[]) => void)(createDefaultUser(), createDefaultContext(), () => { decided = true; });
    if (!decided) throw new Error('baseline rule did not call back');
    const actionContext = shared ? sharedAction : vm.createContext({});
    const exported: Record<string, unknown> = {};
    (action.runInContext(actionContext) as (e: unknown) => void)(exported);
    const event = { ...createDefaultEvent(), secrets: configuration };
    const api = { multifactor: { enable: () => api }, access: { deny: () => api }, idToken: { setCustomClaim: () => api } };
    await (exported.onExecutePostLogin as (e: unknown, a: unknown) => Promise<void>)(event, api);
  }
  return (performance.now() - started) / LOGINS;
}

async function check() {
  const started = performance.now();
  const report = await checkEquivalence({
    rules: [{ file, source: ruleText }],
    actions: [{ file: file.replace(/\.js$/, '.action.js'), source: actionText }],
    actionSecrets: converted.ok ? converted.movedValues : {},
    workspaceRoot: join(__dirname, '../..'),
    maxLogins: LOGINS,
  });
  const ms = performance.now() - started;
  if (report.logins !== LOGINS) throw new Error(`expected ${LOGINS} logins, got ${report.logins}`);
  if (report.divergences.length) throw new Error(`the converted Action diverges: ${JSON.stringify(report.divergences[0])}`);
  return ms;
}

async function main(): Promise<void> {
  disposeRunnerPool();
  const cold = await check();
  const warm = await check();
  disposeRunnerPool();
  const baseline = await measureBaseline();
  const floor = await measureBaseline(true);
  const perLogin = warm / LOGINS;
  console.log(`\nequivalence.bench: differential check of a ${ruleText.split('\n').length}-line Duo rule and its Action over ${LOGINS} logins`);
  console.log(`cold (children started)      ${cold.toFixed(0).padStart(6)} ms   target ≤ 2000 ms`);
  console.log(`warm (pooled children)       ${warm.toFixed(0).padStart(6)} ms`);
  console.log(`warm per login               ${perLogin.toFixed(3).padStart(8)} ms`);
  console.log(`bare vm per login            ${baseline.toFixed(3).padStart(8)} ms   (Rule + Action, new contexts, in-process)`);
  console.log(`bare vm, shared contexts       ${floor.toFixed(3).padStart(8)} ms   (one context per side for all logins: no isolation, the floor)`);
  console.log(`warm / bare vm ratio: ${(perLogin / baseline).toFixed(2)}x   target ≤ 2x`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
