// `duo-rules convert <rule.js|rules-dir>`: Rule -> post-login Action. A single rule prints the
// Action (or writes it to --out); a directory, or an auth0-deploy-cli repository, converts every
// rule in `order` (helpers stored on `global` by earlier rules become module-level functions of
// the Actions that call them) and writes deploy-cli Action files. --check then runs the Rules and
// the Actions on a matrix of logins and reports where their decisions differ.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertRule, mergeConvertedRules, type ConvertOptions, type KeysMode } from '../analysis/ruleConverter';
import type { ConvertNote } from '../../../shared/convertResult';
import { buildActionJson, actionFileName, orderedActionName, type RuleMeta } from '../analysis/convertDeploy';
import { DeployFileError, readActionTemplate, readRuleFile, rulesFolderOf } from '../workspace/repository';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';

const help = `Usage: duo-rules convert <rule.js|rules-dir> [options]

Converts an Auth0 Rule to a post-login Action (Auth0 Rules stopped executing on 2026-11-18).
  <rule.js>           prints the Action, or writes it to --out <file>; --out <dir> writes
                      auth0-deploy-cli files <dir>/actions/<name>/code.js and <dir>/actions/<name>.json
  <rules-dir>         a rules/ directory or an auth0-deploy-cli repository: converts every rule in
                      their 'order' and writes actions/<order>-<name>/code.js + .json next to rules/
                      (or under --out <dir>); functions a rule stores on global become module-level
                      functions of the Actions that call them
  --out <file|dir>    where to write (see above)
  --force             overwrite existing Action files
  --keys secrets      (default) the Action reads ikey, skey and host from event.secrets; literal
                      values become ##KEY## secrets of actions/<name>.json (an skey is never copied)
  --keys tenant       api.multifactor.enable('duo', { allowRememberBrowser }) without keys: they go
                      in the tenant's Duo settings
  --unsafe-allow      what cannot be converted with the same decision is allowed (with a TODO)
                      instead of denied
  --merge             (rules-dir) one Action, actions/rules-pipeline, that runs the rules' converted
                      logic in order instead of one per rule: each rule sees the user as the rules
                      before it left it, and a denial stops the rules after it, as in Auth0
  --check             then run the Rule(s) and the Action(s) on a matrix of logins and compare
                      their decisions (see duo-rules equivalence --help); a divergence exits 1, and so
                      does a check that compared no decision (every login failed on both sides) or
                      never saw the Rule ask for MFA
  --max-logins <n>    at most n logins for --check (default 512)
  --strict            --check also exits 1 when a login was not tried or not compared (its notes)
  --configuration <json>  configuration values for --check (see duo-rules equivalence --help)
  --format text|json  json prints { file, action, notes: [{ line, blocking, message }] } per rule
Never less strict than the Rule: denials stay denials, and a path that cannot be converted with
the same decision becomes api.access.deny with a TODO(duo-rules) comment.
Exit codes: 0 converted, nothing left to do; 1 converted, but TODO(duo-rules) comments remain
(or --check found a divergence or compared no decision, or with --strict left a login untried);
2 could not convert (syntax error, usage, I/O).
`;

/** The Action `--merge` writes for a whole pipeline. */
const MERGED_NAME = 'rules-pipeline';

interface RuleInput {
  file: string;
  meta?: RuleMeta;
}

/** One converted (or failed) rule, as printed with --format json. */
export interface ConvertReport {
  file: string;
  action?: string;
  notes?: ConvertNote[];
  /** Files written (Action code, deploy-cli JSON). */
  written?: string[];
  secrets?: string[];
  error?: string;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * A rule's deploy-cli metadata: absent is fine (no order), but a broken file stops the conversion,
 * since silently dropping its `order` would name and order the Actions wrongly.
 */
function readRuleMeta(path: string): RuleMeta | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const rule = readRuleFile(path);
    return rule && { name: rule.name, order: rule.order, enabled: rule.enabled };
  } catch (err) {
    if (err instanceof DeployFileError) throw new UsageError(err.message);
    throw err;
  }
}

/** Rules of a directory with their deploy-cli metadata (`<name>.json`), in `order`. */
function listRules(rulesDir: string): RuleInput[] {
  const names = readdirSync(rulesDir).filter((n) => extname(n) === '.js').sort();
  const rules: RuleInput[] = names.map((n) => ({ file: join(rulesDir, n), meta: readRuleMeta(join(rulesDir, `${basename(n, '.js')}.json`)) }));
  return rules.sort((a, b) => (a.meta?.order ?? Number.MAX_SAFE_INTEGER) - (b.meta?.order ?? Number.MAX_SAFE_INTEGER) || a.file.localeCompare(b.file));
}

/** `where:line: TODO message`, one per note; `where` is the written Action file, or "Action" for stdout. */
function formatNotes(where: string, notes: readonly ConvertNote[]): string {
  return notes.map((n) => `  ${where}:${n.line}: ${n.blocking ? 'TODO' : 'note'} ${n.message}\n`).join('');
}

function writeFile(path: string, text: string, force: boolean): void {
  if (existsSync(path) && !force) throw new UsageError(`${path} already exists (use --force to overwrite)`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function parseKeys(value: string | undefined): KeysMode {
  if (value === undefined || value === 'secrets' || value === 'tenant') return value ?? 'secrets';
  throw new UsageError(`--keys must be secrets or tenant, not '${value}'`);
}

export async function convertCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean' },
        keys: { type: 'string' },
        'unsafe-allow': { type: 'boolean' },
        check: { type: 'boolean' },
        merge: { type: 'boolean' },
        'max-logins': { type: 'string' },
        strict: { type: 'boolean' },
        configuration: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'convert'));
  }
  if (parsed.values.help) {
    io.stdout(help);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one rule file or rules directory${parsed.positionals.length > 1 ? `, got ${parsed.positionals.length}` : ''} (see duo-rules convert --help)`);
  const format = parsed.values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const options: ConvertOptions = { keys: parseKeys(parsed.values.keys), unsafeAllow: parsed.values['unsafe-allow'] === true };
  const check = parsed.values.check === true;
  if (parsed.values['max-logins'] !== undefined && !check) throw new UsageError('--max-logins goes with --check');
  if (parsed.values.configuration !== undefined && !check) throw new UsageError('--configuration goes with --check');
  if (parsed.values.strict && !check) throw new UsageError('--strict goes with --check');
  const strict = parsed.values.strict === true;
  // Loaded only for --check: converting alone never starts the runner.
  const checker = check ? await import('./equivalenceCommand') : undefined;
  const maxLogins = checker?.parseMaxLogins(parsed.values['max-logins']);
  const configuration = await checker?.readCheckConfiguration(parsed.values.configuration, io.cwd);
  const input = resolve(io.cwd, parsed.positionals[0]);
  const out = parsed.values.out !== undefined ? resolve(io.cwd, parsed.values.out) : undefined;
  const force = parsed.values.force === true;
  if (!existsSync(input)) throw new UsageError(`${parsed.positionals[0]}: no such file or directory`);
  const show = (p: string): string => relative(io.cwd, p) || '.';
  const json = format === 'json';

  if (statSync(input).isFile()) {
    if (parsed.values.merge) throw new UsageError('--merge takes a rules directory');
    const result = convertRule(readText(input), options);
    if (!result.ok) {
      if (json) io.stdout(`${JSON.stringify({ file: show(input), error: result.message }, null, 2)}\n`);
      else io.stderr(`${show(input)}: cannot convert: ${result.message}\n`);
      return 2;
    }
    const blocking = result.notes.some((n) => n.blocking);
    let written: string[] = [];
    if (out !== undefined) {
      const isDir = (existsSync(out) && statSync(out).isDirectory()) || /[\\/]$/.test(parsed.values.out ?? '');
      if (isDir) {
        const meta = listRules(dirname(input)).find((r) => r.file === input)?.meta;
        written = writeDeployAction(out, input, meta, undefined, result, force);
      } else {
        writeFile(out, result.code, force);
        written = [out];
      }
    }
    const report = checker
      ? await checker.runCheck({ rules: [{ file: input, source: readText(input) }], actions: [{ file: written[0] ?? input.replace(/(\.js)?$/, '.action.js'), source: result.code }], actionSecrets: result.movedValues, maxLogins, keys: options.keys, configuration })
      : undefined;
    if (report && checker && !json) io.stderr(checker.formatEquivalence(report));
    const checkFailed = !!report && !!checker && checker.checkExitCode(report, strict, json ? undefined : io.stderr) === 1;
    if (json) {
      const output: ConvertReport & { check?: unknown } = { file: show(input), action: result.code, notes: result.notes, secrets: result.secrets, ...(written.length ? { written: written.map(show) } : {}), ...(report ? { check: report } : {}) };
      io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    } else if (out === undefined) {
      io.stdout(result.code);
      if (result.notes.length) io.stderr(`${blocking ? 'TODO (finish by hand before deploying)' : 'Notes'}:\n${formatNotes('Action', result.notes)}`);
    } else {
      io.stdout(`${show(input)} -> ${written.map(show).join(' + ')}${result.secrets.length ? `  secrets: ${result.secrets.join(', ')}` : ''}\n`);
      if (result.notes.length) io.stdout(`${blocking ? 'TODO (finish by hand before deploying)' : 'Notes'}:\n${formatNotes(show(written[0]), result.notes)}`);
    }
    return blocking || checkFailed ? 1 : 0;
  }

  // A directory: a deploy-cli repository (with rules/) or a rules directory itself.
  const merge = parsed.values.merge === true;
  const rulesDir = rulesFolderOf(input);
  const root = out ?? (basename(rulesDir) === 'rules' ? dirname(rulesDir) : undefined);
  if (root === undefined) throw new UsageError(`${show(input)} is not an auth0-deploy-cli repository: give --out <dir> for the Action files`);
  const rules = listRules(rulesDir);
  if (rules.length === 0) throw new UsageError(`${show(rulesDir)}: no rule (.js) files found`);
  const width = String(Math.max(...rules.map((r) => r.meta?.order ?? 0))).length;
  let failed = 0;
  let blocking = false;
  const todos: string[] = [];
  const reports: ConvertReport[] = [];
  const converted: { rule: string; code: string; file: string; movedValues: Record<string, string> }[] = [];
  const mergeParts: { name: string; body: string; notes: ConvertNote[]; secrets: string[]; rule: string; movedValues: Record<string, string> }[] = [];
  // Functions earlier rules stored on global, available to the rules after them (as in one Auth0 login).
  const globalFunctions = new Map<string, string>();
  if (!json) io.stdout(`Converting ${rules.length} rule${rules.length === 1 ? '' : 's'} in order:\n`);
  rules.forEach((rule, index) => {
    const result = convertRule(readText(rule.file), { ...options, globalFunctions: new Map(globalFunctions), pipeline: merge });
    const position = `${String(index + 1).padStart(String(rules.length).length)}.`;
    if (!result.ok) {
      failed++;
      reports.push({ file: show(rule.file), error: result.message });
      if (!json) io.stdout(`  ${position} ${show(rule.file)}: NOT converted: ${result.message}\n`);
      return;
    }
    if (rule.meta?.enabled !== false) for (const [name, source] of result.definedGlobalFunctions) globalFunctions.set(name, source);
    if (merge) {
      // One Action for the whole pipeline: only the enabled rules run, and nothing is written per rule.
      if (rule.meta?.enabled !== false) mergeParts.push({ name: rule.meta?.name ?? basename(rule.file, '.js'), body: result.body, notes: result.notes, secrets: result.secrets, rule: rule.file, movedValues: result.movedValues });
      if (!json) io.stdout(`  ${position} ${show(rule.file)}${rule.meta?.enabled === false ? ' (disabled rule: left out)' : ''}\n`);
      return;
    }
    const written = writeDeployAction(root, rule.file, rule.meta, width, result, force);
    if (rule.meta?.enabled !== false) converted.push({ rule: rule.file, code: result.code, file: written[0], movedValues: result.movedValues });
    blocking ||= result.notes.some((n) => n.blocking);
    reports.push({ file: show(rule.file), action: result.code, notes: result.notes, secrets: result.secrets, written: written.map(show) });
    const flags = [rule.meta?.order !== undefined ? `order ${rule.meta.order}` : undefined, rule.meta?.enabled === false ? 'disabled rule' : undefined].filter(Boolean).join(', ');
    if (!json) io.stdout(`  ${position} ${show(rule.file)}${flags ? ` (${flags})` : ''} -> ${written.map(show).join(' + ')}${result.secrets.length ? `  secrets: ${result.secrets.join(', ')}` : ''}\n`);
    if (result.notes.length) todos.push(formatNotes(show(written[0]), result.notes));
  });
  if (merge && failed === 0 && mergeParts.length) {
    const merged = mergeConvertedRules(mergeParts);
    const written = writeDeployAction(root, join(rulesDir, `${MERGED_NAME}.js`), undefined, undefined, merged, force);
    converted.push({ rule: '', code: merged.code, file: written[0], movedValues: Object.assign({}, ...mergeParts.map((p) => p.movedValues)) });
    blocking = merged.notes.some((n) => n.blocking);
    reports.push({ file: show(rulesDir), action: merged.code, notes: merged.notes, secrets: merged.secrets, written: written.map(show) });
    if (!json) io.stdout(`  -> ${written.map(show).join(' + ')}${merged.secrets.length ? `  secrets: ${merged.secrets.join(', ')}` : ''}\n`);
    todos.splice(0, todos.length, ...(merged.notes.length ? [formatNotes(show(written[0]), merged.notes)] : []));
  }
  const report = checker && failed === 0 && converted.length
    ? await checker.runCheck(merge ? {
      rules: mergeParts.map((p) => ({ file: p.rule, source: readText(p.rule) })),
      actions: converted.map((c) => ({ file: c.file, source: c.code })),
      actionSecrets: converted[0]?.movedValues,
      maxLogins,
      keys: options.keys,
      configuration,
    } : {
      rules: converted.map((c) => ({ file: c.rule, source: readText(c.rule) })),
      actions: converted.map((c) => ({ file: c.file, source: c.code })),
      actionSecrets: Object.assign({}, ...converted.map((c) => c.movedValues)),
      maxLogins,
      keys: options.keys,
      configuration,
    })
    : undefined;
  if (report && checker && !json) io.stdout(checker.formatEquivalence(report));
  const checkFailed = !!report && !!checker && checker.checkExitCode(report, strict, json ? undefined : io.stdout) === 1;
  if (json) {
    io.stdout(`${JSON.stringify(report ? { files: reports, check: report } : reports, null, 2)}\n`);
  } else {
    if (todos.length) io.stdout(`${blocking ? 'TODO (finish by hand before deploying)' : 'Notes'}:\n${todos.join('')}`);
    io.stdout(merge
      ? `Bind actions/${MERGED_NAME} to the post-login trigger; active Rules run before Actions, so disable the Rules once it is deployed.\n`
      : 'Bind the Actions to the post-login trigger in the order listed; active Rules run before Actions, so disable each Rule once its Action is deployed.\n');
  }
  return failed ? 2 : blocking || checkFailed ? 1 : 0;
}

/** Writes actions/<name>/code.js and actions/<name>.json under a deploy-cli root; returns the paths. */
function writeDeployAction(
  root: string,
  ruleFile: string,
  meta: RuleMeta | undefined,
  orderWidth: number | undefined,
  result: { code: string; secrets: string[] },
  force: boolean,
): string[] {
  const actionsDir = basename(root) === 'actions' ? root : join(root, 'actions');
  const repoRoot = basename(root) === 'actions' ? dirname(root) : root;
  const name = orderedActionName(meta?.name ?? basename(ruleFile, '.js'), meta?.order, orderWidth);
  const fileName = actionFileName(name);
  const codePath = join(actionsDir, fileName, 'code.js');
  const jsonPath = join(actionsDir, `${fileName}.json`);
  const codeRef = `./${relative(repoRoot, codePath).split('\\').join('/')}`;
  const json = buildActionJson(name, codeRef, result.secrets, readActionTemplate(actionsDir));
  for (const p of [codePath, jsonPath]) if (existsSync(p) && !force) throw new UsageError(`${p} already exists (use --force to overwrite)`);
  writeFile(codePath, result.code, force);
  writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`, force);
  return [codePath, jsonPath];
}
