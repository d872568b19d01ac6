// The differential check: runs a Rule (or a rules pipeline) and its Action (or the Actions of a
// flow) on the same matrix of logins and compares what each decided: denied (and the message), MFA
// provider, Duo host/ikey/username/allowRememberBrowser, redirect, custom claims, metadata writes.
// Each divergence is reported once, with the smallest login that shows it.
import { applyLogin, buildLoginMatrix, describeLogin, describeMatrixCap, findConditionInputs, toActionEvent, withUnequalValues, type LoginCase } from '../analysis/loginMatrix';
import type { Decision, Divergence, EquivalenceReport, MatrixNote } from '../../../shared/equivalenceReport';
import { LineIndex } from '../analysis/diagnostics';
import { buildModel, type RuleModel } from '../analysis/model';
import type { GateSite, UnreadOperand } from '../analysis/unreadOperands';
import { findConfigurationKeys, replaceKeywords } from './inputs';
import { basename, dirname } from 'node:path';
import { readDeployValues } from '../workspace/deployValues';
import { runBatch, stepOutcome } from './index';
import { createDefaultContext, createDefaultEvent, createDefaultUser } from './mockInputs';
import { redactValue } from '../../../shared/redact';
import { collectSecrets } from './runSecrets';
import type { ChildResult, Multifactor } from './runTypes';

export const DEFAULT_MAX_LOGINS = 512;
/** Per login: a path that never decides (a Rule that never calls back) must not hold hundreds of logins for 5 s each. */
const DEFAULT_CHECK_TIMEOUT_MS = 2000;

export interface EquivalenceOptions {
  /** The Rule, or the rules of a pipeline in order (deploy-cli keyword tokens get stand-in values). */
  rules: { file: string; source: string }[];
  /** The Action, or the Actions of a flow in order. */
  actions: { file: string; source: string }[];
  /** Values for keys the code reads; keys without one get a stand-in value (the check compares logic, not keys). */
  configuration?: Record<string, string>;
  /** Action secrets with their Rule's value (a literal the converter moved into a secret). */
  actionSecrets?: Record<string, string>;
  workspaceRoot: string;
  maxLogins?: number;
  /** `tenant`: the Action holds no Duo keys, so host and ikey are not compared. */
  keys?: 'secrets' | 'tenant';
  /** Per login; default 2,000 ms. */
  timeoutMs?: number;
  /** Who reads the report: its notes say how to give a missing value in that one's terms (default `cli`). */
  audience?: 'cli' | 'editor';
}

/** How to give the check a configuration value, for the notes of logins it could not try. */
const HOW_TO_GIVE = {
  cli: "give it with --configuration <file.json> or in the deploy-cli repository's rules-configs/",
  editor: "give it in the deploy-cli repository's rules-configs/",
} as const;

const TOKEN_NAMES = /@@([A-Za-z0-9_.-]+)@@|##([A-Za-z0-9_.-]+)##/g;

/** deploy-cli tokens in a Rule get the stand-in value the Action's secret of that name gets. */
function standInTokens(source: string, file: string): string {
  const mappings: Record<string, string> = {};
  for (const m of source.matchAll(TOKEN_NAMES)) mappings[m[1] ?? m[2]] = `${m[1] ?? m[2]}-value`;
  return replaceKeywords(source, mappings, file);
}

function standIns(sources: readonly string[], given: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of sources.flatMap(findConfigurationKeys)) values[key] = given[key] ?? `${key}-value`;
  return { ...values, ...given };
}

/** The keys of `values` that got a stand-in rather than a given value. */
function standInKeys(values: Record<string, string>, given: Record<string, string>): string[] {
  return Object.keys(values).filter((key) => !(key in given));
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys of `after` whose value differs from `before`'s. */
function changed(after: unknown, before: unknown): Json {
  const out: Json = {};
  if (!isObject(after)) return out;
  const old = isObject(before) ? before : {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(old[k])) out[k] = v;
  return out;
}

function pickMfa(mfa: Multifactor | null): Decision['mfa'] {
  if (!mfa) return null;
  const out: Decision['mfa'] = { provider: mfa.provider };
  for (const key of ['host', 'ikey', 'username', 'allowRememberBrowser'] as const) if (mfa[key] !== undefined) out[key] = mfa[key];
  return out;
}

function baseDecision(last: ChildResult | undefined): Decision {
  const kind = last ? stepOutcome(last) : 'error';
  const outcome = kind === 'completed' ? 'allowed' : kind;
  const decision: Decision = { outcome, mfa: null, redirect: null, idToken: {}, accessToken: {}, appMetadata: {}, userMetadata: {} };
  if (outcome !== 'allowed' && last?.error) decision.message = last.error.message;
  return decision;
}

function ruleDecision(steps: ChildResult[], input: { user: Json; context: Json }): Decision {
  const last = steps[steps.length - 1];
  const decision = baseDecision(last);
  if (decision.outcome !== 'allowed') return decision;
  const context = isObject(last.context) ? last.context : {};
  decision.mfa = pickMfa(last.multifactor);
  decision.redirect = isObject(context.redirect) ? context.redirect.url ?? null : null;
  decision.idToken = changed(context.idToken, input.context.idToken);
  decision.accessToken = changed(context.accessToken, input.context.accessToken);
  for (const step of steps) {
    for (const call of step.calls) {
      const data = call.args[1];
      if (call.name === 'auth0.users.updateAppMetadata') Object.assign(decision.appMetadata, changed(data, input.user.app_metadata));
      if (call.name === 'auth0.users.updateUserMetadata') Object.assign(decision.userMetadata, changed(data, input.user.user_metadata));
    }
  }
  return decision;
}

function actionDecision(steps: ChildResult[], input: { user: Json }): Decision {
  const decision = baseDecision(steps[steps.length - 1]);
  if (decision.outcome !== 'allowed') return decision;
  for (const step of steps) {
    if (step.multifactor) decision.mfa = pickMfa(step.multifactor);
    const changes = step.changes;
    if (!changes) continue;
    Object.assign(decision.idToken, changes.idToken);
    Object.assign(decision.accessToken, changes.accessToken);
    Object.assign(decision.appMetadata, changed(changes.appMetadata, input.user.app_metadata));
    Object.assign(decision.userMetadata, changed(changes.userMetadata, input.user.user_metadata));
    if (changes.redirect) decision.redirect = changes.redirect.url;
  }
  return decision;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields on which two decisions differ (empty: they agree). */
function compareDecisions(rule: Decision, action: Decision, keys: 'secrets' | 'tenant' = 'secrets'): string[] {
  if (rule.outcome !== action.outcome) return ['outcome'];
  if (rule.outcome === 'denied') return rule.message === action.message ? [] : ['message'];
  if (rule.outcome !== 'allowed') return [];
  const fields: string[] = [];
  if (!rule.mfa !== !action.mfa) fields.push('mfa');
  else if (rule.mfa && action.mfa) {
    const compared = keys === 'tenant' ? ['provider', 'username', 'allowRememberBrowser'] as const : ['provider', 'host', 'ikey', 'username', 'allowRememberBrowser'] as const;
    for (const key of compared) if (!same(rule.mfa[key], action.mfa[key])) fields.push(`mfa.${key}`);
  }
  for (const key of ['redirect', 'idToken', 'accessToken', 'appMetadata', 'userMetadata'] as const) if (!same(rule[key], action[key])) fields.push(key);
  return fields;
}

/**
 * The deploy-cli repository's values (rules-configs/, tenant.yaml) of the keys the Rules read as
 * lists and that were not given: only those, so the check never runs the code with the repository's
 * Duo keys or other real secrets.
 */
async function readListValues(options: EquivalenceOptions, listKeys: readonly string[]): Promise<Record<string, string>> {
  const wanted = listKeys.filter((key) => options.configuration?.[key] === undefined);
  const first = options.rules[0]?.file;
  if (wanted.length === 0 || first === undefined) return {};
  // rules/<name>.js of a repository: the repository is the rules folder's parent, and no folder above it is looked at.
  const repository = await readDeployValues(first, 'rule', undefined, dirname(dirname(first)));
  const values: Record<string, string> = {};
  for (const key of wanted) if (repository.values[key] !== undefined) values[key] = repository.values[key];
  return values;
}

/** Logins counted as agreeing because both sides failed: they compared no decision, which the report must not hide. */
function describeFailures(bothFailed: number, logins: number, firstError: string | undefined): MatrixNote[] {
  if (bothFailed === 0) return [];
  const which = bothFailed === logins ? `all ${logins} logins` : `${bothFailed} of the ${logins} logins`;
  // The Rule's own error says why (a module not installed here, a value the code needs); a guess would mislead.
  const error = firstError?.trim().replace(/[.\s]+$/, '');
  const why = error ? `the Rule's first error: ${error.length > 300 ? `${error.slice(0, 300)}…` : error}` : 'a configuration value the code needs may be missing';
  return [{ kind: 'failed', message: `${which} ended in an error or a timeout on both sides, so no decision was compared on ${bothFailed === 1 ? 'it' : 'them'} (${why}).` }];
}

/**
 * `duo.js line 12; other.js lines 3, 9`: where in the Rules `offsetsOf` points (1-based lines, through the analysis's
 * LineIndex), or undefined when it points nowhere.
 */
function ruleLines(rules: readonly { file: string }[], models: readonly RuleModel[], offsetsOf: (model: RuleModel) => number[]): string | undefined {
  const places: string[] = [];
  rules.forEach((rule, i) => {
    const model = models[i];
    const offsets = offsetsOf(model);
    if (offsets.length === 0) return;
    const index = new LineIndex(model.text);
    const lines = offsets.map((offset) => index.positionAt(offset).line + 1);
    places.push(`${basename(rule.file)} line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`);
  });
  return places.length ? places.join('; ') : undefined;
}

/** Where the Rules set `context.multifactor` to something Auth0 reads. */
const mfaOffsets = (model: RuleModel): number[] => model.configs.filter((c) => c.form !== 'action-enable' && !c.nonObject).map((c) => c.range.start);

/** Where the Rules deny a login by calling back with a new error (`callback(new UnauthorizedError('…'))`). */
const denyOffsets = (model: RuleModel): number[] => model.callbackReferences
  .filter((ref) => /^\s*\(\s*new\s+[A-Za-z_$][\w$]*\s*\(/.test(model.text.slice(ref.end, ref.end + 120)))
  .map((ref) => ref.start);

/**
 * Where the Rules ask for MFA or deny, and where the Actions ask for MFA: the conditions before those sites decide what
 * the check must try. An Action's denials are left out: the converter denies behind its TODOs wherever it could not
 * convert, and a condition there only makes the Action stricter than the Rule.
 */
const gateSites = (model: RuleModel): GateSite[] => model.kind === 'rule'
  ? [...mfaOffsets(model).map((offset) => ({ offset, kind: 'mfa' as const })), ...denyOffsets(model).map((offset) => ({ offset, kind: 'denial' as const }))]
  : model.configs.filter((c) => c.form === 'action-enable').map((c) => ({ offset: c.range.start, kind: 'mfa' as const }));

/**
 * An operand of an MFA or denial gate that reads the login in a form the matrix builds no login from (arithmetic,
 * `Object.keys(…).length`, a date…): in `if (A || B)` no login where only B decides was tried, so an Action that drops
 * B agrees on every login. A note, which --strict fails.
 */
function describeUnreadOperand(file: string, text: string, operand: UnreadOperand, side: 'rule' | 'action' = 'rule'): MatrixNote {
  const line = new LineIndex(text).positionAt(operand.offset).line + 1;
  const shown = operand.text.length > 160 ? `${operand.text.slice(0, 160)}…` : operand.text;
  const guards = operand.guards.map((g) => (g === 'mfa' ? 'MFA' : 'a denial')).join(' and ');
  const consequence = side === 'rule' ? 'an Action that drops it would still agree' : 'the Rule may decide otherwise there';
  return {
    kind: 'not-tried',
    message: `${side === 'action' ? 'the Action ' : ''}${basename(file)} line ${line}: \`${shown}\` decides ${guards}, but the check builds no login from that condition, so no login where only it decides was compared: ${consequence}. Give it a form the check reads, or compare that path by hand.`,
  };
}

/**
 * The Rule denies logins in its code, but denied none of those tried: an Action that lets them in would agree. A
 * note, not a failure (error paths such as a failed API call deny too and are rarely reachable here); --strict fails.
 */
function describeUndenied(sites: string): MatrixNote {
  return {
    kind: 'not-tried',
    message: `logins the Rule denies (${sites}) were not tried: no login tried was denied, so an Action that lets them in would still agree. Give the values the conditions before those lines read, or compare that path by hand.`,
  };
}

/**
 * The Rule sets MFA in its code, but no login tried ended with it asking for MFA: the matrix found no login its
 * conditions send to Duo (a gate it cannot read), so every login "agreeing" says nothing about Duo.
 */
function describeUnreached(sites: string): MatrixNote {
  return {
    kind: 'unreached',
    message: `no login tried ended with the Rule asking for MFA, although it sets context.multifactor (${sites}): the check found no login its conditions send to MFA, so it does not show that the Action asks for Duo where the Rule did. Give the values those conditions read, or compare that path by hand.`,
  };
}

/** Runs both sides on the login matrix and reports where they decide differently. */
export async function checkEquivalence(options: EquivalenceOptions): Promise<EquivalenceReport> {
  const started = performance.now();
  const maxLogins = options.maxLogins ?? DEFAULT_MAX_LOGINS;
  const ruleScripts = options.rules.map((r) => ({ file: r.file, source: standInTokens(r.source, r.file) }));
  // Lists the Rule reads from its configuration are tried with the values it runs with here.
  // The Action's own conditions count too: a value only a hand-edited Action compares with must be tried.
  const models = [...ruleScripts, ...options.actions].map((r) => buildModel(r.source));
  const given = { ...(await readListValues(options, findConditionInputs(models).listKeys)), ...options.configuration };
  const ruleConfiguration = standIns(ruleScripts.map((r) => r.source), given);
  const actionConfiguration = standIns(options.actions.map((a) => a.source), { ...ruleConfiguration, ...options.actionSecrets });
  const found = findConditionInputs(models, {
    values: { ...actionConfiguration, ...ruleConfiguration },
    standIns: standInKeys({ ...actionConfiguration, ...ruleConfiguration }, { ...given, ...options.actionSecrets }),
    howToGive: HOW_TO_GIVE[options.audience ?? 'cli'],
  }, gateSites);
  const ruleOperands = ruleScripts.flatMap((rule, i) => found.unread[i].map((operand) => describeUnreadOperand(rule.file, models[i].text, operand)));
  // An Action's own unread operand (a condition the Rule does not have) is named only when the Rule's are all read:
  // a faithful conversion repeats the Rule's, which are named already.
  const unreadOperands = ruleOperands.length ? ruleOperands
    : options.actions.flatMap((action, i) => found.unread[ruleScripts.length + i].map((operand) => describeUnreadOperand(action.file, models[ruleScripts.length + i].text, operand, 'action')));
  const user = createDefaultUser() as Json;
  const context = createDefaultContext() as Json;
  const dimensions = withUnequalValues(found.dimensions, user, context);
  const matrix: LoginCase[] = buildLoginMatrix(dimensions, maxLogins);
  const cap = describeMatrixCap(dimensions, maxLogins);
  const event = createDefaultEvent() as Json;
  const inputs = matrix.map((login) => applyLogin(user, context, login));
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  // Both sides of a login start at the same instant when the conditions read the clock: its own, else the real time
  // the check started at (two children reading the real clock apart could see different hours at 17:59:59.9).
  const clocked = matrix.some((login) => login.now !== undefined);
  const checkStart = Date.now();
  const clockOf = (i: number): { now?: number } => (clocked ? { now: matrix[i].now ?? checkStart } : {});
  const [rules, actions] = await Promise.all([
    runBatch({ kind: 'rule', scripts: ruleScripts, logins: inputs.map((input, i) => ({ ...input, event: null, ...clockOf(i) })), configuration: ruleConfiguration, workspaceRoot: options.workspaceRoot, timeoutMs }),
    runBatch({ kind: 'action', scripts: options.actions, logins: inputs.map((input, i) => ({ user: null, context: null, event: toActionEvent(input.user, input.context, event), ...clockOf(i) })), configuration: actionConfiguration, workspaceRoot: options.workspaceRoot, timeoutMs }),
  ]);
  // When the conditions read the clock, a login run at the real time cannot be run again as it was: one at a set time is smaller.
  const size = (login: LoginCase): number => login.settings.length + (clocked && login.now === undefined ? matrix.length + 1 : 0);
  const groups = new Map<string, Divergence>();
  const smallest = new Map<string, number>();
  let agreeing = 0;
  let bothFailed = 0;
  let mfaAsked = false;
  let denied = false;
  let firstError: string | undefined;
  matrix.forEach((login, index) => {
    const rule = ruleDecision(rules.results[index] ?? [], inputs[index]);
    const action = actionDecision(actions.results[index] ?? [], inputs[index]);
    const fields = compareDecisions(rule, action, options.keys);
    mfaAsked ||= rule.mfa !== null || action.mfa !== null;
    denied ||= rule.outcome === 'denied';
    if (fields.length === 0) {
      agreeing++;
      if (rule.outcome === 'error' || rule.outcome === 'timeout') {
        bothFailed++;
        firstError ??= rule.message;
      }
      return;
    }
    const key = fields[0] === 'outcome' ? `outcome:${rule.outcome}:${action.outcome}` : fields.join(',');
    const found = groups.get(key);
    if (found) {
      found.logins++;
      // The matrix lists smaller logins first, but random fill may not: keep the smallest.
      if (size(login) < smallest.get(key)!) {
        Object.assign(found, { login: describeLogin(login.settings), settings: login.settings, rule, action });
        smallest.set(key, size(login));
      }
    } else {
      groups.set(key, { fields, logins: 1, login: describeLogin(login.settings), settings: login.settings, rule, action });
      smallest.set(key, size(login));
    }
  });
  // A check where every login failed already says it compared nothing.
  const sites = ruleLines(ruleScripts, models, mfaOffsets);
  const unreached = sites !== undefined && !mfaAsked && bothFailed < matrix.length ? sites : undefined;
  const denials = denied || bothFailed >= matrix.length ? undefined : ruleLines(ruleScripts, models, denyOffsets);
  // Denial messages and claims come from the code: what it read from the configuration is not printed.
  const secrets = collectSecrets([options.configuration, options.actionSecrets], []);
  return {
    logins: matrix.length,
    agreeing,
    failed: bothFailed,
    divergences: redactValue([...groups.values()], secrets),
    notes: redactValue([...found.notes, ...unreadOperands, ...(cap ? [cap] : []), ...describeFailures(bothFailed, matrix.length, firstError), ...(unreached ? [describeUnreached(unreached)] : []), ...(denials ? [describeUndenied(denials)] : [])], secrets),
    durationMs: Math.round(performance.now() - started),
  };
}

function describeDecision(d: Decision): string {
  if (d.outcome === 'denied') return `denied (${JSON.stringify(d.message ?? '')})`;
  if (d.outcome === 'error' || d.outcome === 'timeout') return `${d.outcome}${d.message ? ` (${d.message})` : ''}`;
  const parts = [d.mfa ? `MFA ${String(d.mfa.provider)}${d.mfa.host !== undefined ? ` host ${String(d.mfa.host)}` : ''}${d.mfa.ikey !== undefined ? ` ikey ${String(d.mfa.ikey)}` : ''}${d.mfa.username !== undefined ? ` username ${String(d.mfa.username)}` : ''}${d.mfa.allowRememberBrowser !== undefined ? ` allowRememberBrowser ${String(d.mfa.allowRememberBrowser)}` : ''}` : 'no MFA'];
  if (d.redirect !== null) parts.push(`redirect ${JSON.stringify(d.redirect)}`);
  for (const key of ['idToken', 'accessToken', 'appMetadata', 'userMetadata'] as const) if (Object.keys(d[key]).length) parts.push(`${key} ${JSON.stringify(d[key])}`);
  return `allowed, ${parts.join(', ')}`;
}

/** Every login ended in an error or a timeout on both sides: the check compared no decision at all. */
function checkComparedNothing(report: EquivalenceReport): boolean {
  return report.logins > 0 && report.failed >= report.logins;
}

/** The Rule sets MFA, but on no login tried did it ask for it. */
function checkNeverAskedMfa(report: EquivalenceReport): boolean {
  return report.notes.some((n) => n.kind === 'unreached');
}

/**
 * A check that found a divergence, compared nothing, or never saw the Rule ask for MFA is no evidence the Action
 * decides as the Rule.
 */
export function checkFailed(report: EquivalenceReport): boolean {
  return report.divergences.length > 0 || checkComparedNothing(report) || checkNeverAskedMfa(report);
}

/**
 * The check did not try or compare every login its conditions allow: a note of any kind (not tried, tried only
 * with a stand-in value, left out by the cap, failed on both sides). `--strict` makes that exit 1, for CI.
 */
export function checkIncomplete(report: EquivalenceReport): boolean {
  return report.notes.length > 0;
}

const NOTE_LABELS: Record<MatrixNote['kind'], string> = { 'not-tried': 'NOT TRIED', 'stand-in': 'note', capped: 'CAPPED', failed: 'FAILED', unreached: 'NOT REACHED' };

/** The text report: a summary line, what the matrix could not try, then each divergence with its smallest login. */
export function formatEquivalence(report: EquivalenceReport): string {
  const untried = report.notes.filter((n) => n.kind !== 'stand-in').length;
  // Logins both sides failed on are not counted as agreeing here: no decision was compared on them.
  const failed = report.failed ? `, ${report.failed} failed on both sides` : '';
  const nothing = checkComparedNothing(report) ? '; NO decision was compared, so this check does not show that they decide alike'
    : checkNeverAskedMfa(report) ? '; the Rule asked for MFA on NO login tried, so this check does not show that the Action asks for it where the Rule did' : '';
  const lines = [`Differential check: ${report.logins} login${report.logins === 1 ? '' : 's'}, ${report.agreeing - report.failed} agree${failed}, ${report.divergences.length} divergence${report.divergences.length === 1 ? '' : 's'} (${report.durationMs} ms)${nothing}${untried ? `; NOT every login the conditions allow was tried (${untried} note${untried === 1 ? '' : 's'} below)` : ''}.`];
  for (const n of report.notes) lines.push(`  ${NOTE_LABELS[n.kind]}: ${n.message}`);
  for (const d of report.divergences) {
    lines.push(`  DIVERGES on ${d.fields.join(', ')} in ${d.logins} login${d.logins === 1 ? '' : 's'}; smallest: ${d.login}`);
    lines.push(`    Rule:   ${describeDecision(d.rule)}`);
    lines.push(`    Action: ${describeDecision(d.action)}`);
  }
  return `${lines.join('\n')}\n`;
}
