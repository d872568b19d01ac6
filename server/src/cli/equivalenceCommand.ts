// `duo-rules equivalence <rule|rules-dir> <action-file>` (and `duo-rules convert --check`): runs
// the Rule (or the rules pipeline) and the Action(s) on a matrix of logins and reports every way
// their decisions differ, with the smallest login that shows it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertRule } from '../analysis/ruleConverter';
import { disposeRunnerPool, findWorkspaceRoot, listDirectoryRules, RunInputError } from '../runner/index';
import { checkEquivalence, checkFailed, checkIncomplete, DEFAULT_MAX_LOGINS, formatEquivalence } from '../runner/equivalence';
import type { EquivalenceReport } from '../../../shared/equivalenceReport';
import { checkConfiguration, readJsonObjectFile } from '../runner/inputs';
import type { CliIO } from './io';

export { checkFailed, formatEquivalence };

/**
 * The exit code of a check: 1 for a divergence or nothing compared, and with `strict` also for any note (a login
 * not tried or not compared); `say` gets the line that explains a strict failure, for text output.
 */
export function checkExitCode(report: EquivalenceReport, strict: boolean, say?: (line: string) => void): 0 | 1 {
  if (checkFailed(report)) return 1;
  if (!strict || !checkIncomplete(report)) return 0;
  say?.(`--strict: exit 1, as the check did not try or compare every login its conditions allow (${report.notes.length} note${report.notes.length === 1 ? '' : 's'} above).\n`);
  return 1;
}
import { describeFlagError, UsageError } from './io';

const help = `Usage: duo-rules equivalence <rule.js|rules-dir> <action.js> [options]

Runs the Rule (or the enabled rules of a deploy-cli directory, in order, sharing global as in
Auth0) and the post-login Action on a matrix of logins: the default mock login varied along every
input the conditions of the Rule and the Action read (client ids, connections, protocols including
oauth2-refresh-token, email_verified, roles and metadata flags, strings a regular expression matches,
the hours and weekdays of clock conditions) with the values they compare against. Compares: denied (and the message), MFA provider, Duo host/ikey/username/
allowRememberBrowser, redirect, custom claims, metadata writes.
An input looked up in a table written in the code (an object, array, Set or Map literal) is tried
with each of its keys or elements. The hours and weekdays the code compares the clock with
(new Date().getUTCHours() < 8, getHours, getDay, getUTCDay) are tried at each bound and either
side of it: such a login runs, on both sides, at an instant that gives them. An operand of a
condition before Duo or a denial that reads the login in a form no login is built from
(user.name.split(' ').length > 2) gets a NOT TRIED line naming its line: an Action without it would
still agree.
  --configuration <json>  flat object of configuration / event.secrets values for both sides; a list
                      the code reads from one (configuration.X.split(','), JSON.parse(configuration.X))
                      is tried with its items (in a deploy-cli repository, rules-configs/ gives them
                      too). Without a value such logins are reported as not tried
  --max-logins <n>    at most n logins (default ${DEFAULT_MAX_LOGINS}); the report says when it caps
  --keys tenant       the Action takes the Duo keys from the tenant: host and ikey are not compared
  --strict            exit 1 also when a login was not tried or not compared (any NOT TRIED, note,
                      CAPPED or FAILED line): for CI, where nobody reads the notes
  --format text|json  json prints { logins, agreeing, failed, divergences: [{ fields, logins, login, settings,
                      rule, action }], notes: [{ kind, message }] }
Other keys the code reads get stand-in values (the check compares logic, not keys); deploy-cli tokens too.
Exit codes: 0 same decisions; 1 a divergence, no decision compared (every login ended in an error
or a timeout on both sides), a Rule that sets MFA but asked for it on no login tried (NOT REACHED),
or with --strict any login not tried or not compared; 2 usage or I/O error.
`;

export interface CheckInput {
  /** Rule files in pipeline order with their text. */
  rules: { file: string; source: string }[];
  actions: { file: string; source: string }[];
  /** Secrets the converter filled from the Rule's literals. */
  actionSecrets?: Record<string, string>;
  maxLogins?: number;
  keys?: 'secrets' | 'tenant';
  /** `--configuration`: values for both sides (the Rule's configuration and the Action's secrets). */
  configuration?: Record<string, string>;
}

/** Runs the check; the runner's children are stopped afterwards. */
export async function runCheck(input: CheckInput): Promise<EquivalenceReport> {
  try {
    return await checkEquivalence({
      rules: input.rules,
      actions: input.actions,
      actionSecrets: input.actionSecrets,
      configuration: input.configuration,
      workspaceRoot: findWorkspaceRoot(dirname(input.rules[0]?.file ?? '.')),
      maxLogins: input.maxLogins,
      keys: input.keys,
    });
  } catch (err) {
    if (err instanceof RunInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    disposeRunnerPool();
  }
}

export function parseMaxLogins(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-logins must be a positive whole number, not '${value}'`);
  return n;
}

/** `--configuration <file.json>`: a flat object of strings, as for `duo-rules run`. */
export async function readCheckConfiguration(path: string | undefined, cwd: string): Promise<Record<string, string> | undefined> {
  if (path === undefined) return undefined;
  try {
    return checkConfiguration(await readJsonObjectFile(path, 'configuration file', cwd), `configuration file ${path}`);
  } catch (err) {
    if (err instanceof RunInputError) throw new UsageError(err.message);
    throw err;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export async function equivalenceCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'max-logins': { type: 'string' }, keys: { type: 'string' }, configuration: { type: 'string' }, strict: { type: 'boolean' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'equivalence'));
  }
  if (parsed.values.help) {
    io.stdout(help);
    return 0;
  }
  if (parsed.positionals.length !== 2) throw new UsageError('expected a rule file (or rules directory) and an Action file (see duo-rules equivalence --help)');
  const format = parsed.values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const keys = parsed.values.keys ?? 'secrets';
  if (keys !== 'secrets' && keys !== 'tenant') throw new UsageError(`--keys must be secrets or tenant, not '${keys}'`);
  const [rulePath, actionPath] = parsed.positionals.map((p) => resolve(io.cwd, p));
  for (const [given, path] of [[parsed.positionals[0], rulePath], [parsed.positionals[1], actionPath]]) {
    if (!existsSync(path)) throw new UsageError(`${given}: no such file or directory`);
  }
  let ruleFiles: string[];
  if (statSync(rulePath).isDirectory()) {
    try {
      ruleFiles = (await listDirectoryRules(rulePath)).map((e) => e.file);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  } else {
    ruleFiles = [rulePath];
  }
  const rules = ruleFiles.map((file) => ({ file, source: readText(file) }));
  // What the converter would move from the Rule's literals into secrets, so literal keys compare equal.
  const actionSecrets: Record<string, string> = {};
  for (const rule of rules) {
    const converted = convertRule(rule.source);
    if (converted.ok) Object.assign(actionSecrets, converted.movedValues);
  }
  const report = await runCheck({
    rules,
    actions: [{ file: actionPath, source: readText(actionPath) }],
    actionSecrets,
    maxLogins: parseMaxLogins(parsed.values['max-logins']),
    keys,
    configuration: await readCheckConfiguration(parsed.values.configuration, io.cwd),
  });
  if (format === 'json') io.stdout(`${JSON.stringify({ rule: relative(io.cwd, rulePath) || '.', action: relative(io.cwd, actionPath), ...report }, null, 2)}\n`);
  else io.stdout(formatEquivalence(report));
  return checkExitCode(report, parsed.values.strict === true, format === 'text' ? io.stdout : undefined);
}
