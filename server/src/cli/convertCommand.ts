// `duo-rules convert <rule.js|rules-dir> [--out <file|dir>] [--force]`: Rule -> post-login Action.
// A single rule prints the Action (or writes it to --out); a directory, or an auth0-deploy-cli
// repository, converts every rule in `order` and writes deploy-cli Action files.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertRuleToAction, type ConvertNote } from '../analysis/convert';
import { buildActionJson, actionFileName, orderedActionName, type RuleMeta } from '../analysis/convertDeploy';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';
import { describeJsonError } from '../runner/inputs';

const help = `Usage: duo-rules convert <rule.js|rules-dir> [--out <file|dir>] [--force]

Converts an Auth0 Rule to a post-login Action (Auth0 Rules stopped executing on 2026-11-18).
  <rule.js>      prints the Action, or writes it to --out <file>; --out <dir> writes
                 auth0-deploy-cli files <dir>/actions/<name>/code.js and <dir>/actions/<name>.json
  <rules-dir>    a rules/ directory or an auth0-deploy-cli repository: converts every rule in
                 their 'order' and writes actions/<order>-<name>/code.js + .json next to rules/
                 (or under --out <dir>)
  --force        overwrite existing Action files
What has no Actions equivalent is kept as a TODO(duo-rules) comment and listed.
Secrets are written as deploy-cli keyword tokens (##KEY##), never as values.
Exit codes: 0 converted, 1 a rule could not be converted, 2 usage or I/O error.
`;

interface RuleInput {
  file: string;
  meta?: RuleMeta;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A rule's deploy-cli metadata: absent is fine (no order), but a broken file stops the conversion,
 * since silently dropping its `order` would name and order the Actions wrongly.
 */
function readRuleMeta(path: string): unknown {
  if (!existsSync(path)) return undefined;
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${describeJsonError(err, text)})`);
  }
}

/** Rules of a directory with their deploy-cli metadata (`<name>.json`), in `order`. */
function listRules(rulesDir: string): RuleInput[] {
  const names = readdirSync(rulesDir).filter((n) => extname(n) === '.js').sort();
  const rules: RuleInput[] = names.map((n) => {
    const file = join(rulesDir, n);
    const metaJson = readRuleMeta(join(rulesDir, `${basename(n, '.js')}.json`)) as Partial<RuleMeta> & { stage?: string } | undefined;
    const meta: RuleMeta | undefined = metaJson && typeof metaJson === 'object'
      ? { name: typeof metaJson.name === 'string' ? metaJson.name : basename(n, '.js'), order: typeof metaJson.order === 'number' ? metaJson.order : undefined, enabled: metaJson.enabled !== false }
      : undefined;
    return { file, meta };
  });
  return rules.sort((a, b) => (a.meta?.order ?? Number.MAX_SAFE_INTEGER) - (b.meta?.order ?? Number.MAX_SAFE_INTEGER) || a.file.localeCompare(b.file));
}

/** The first existing deploy-cli Action JSON, whose shape new Actions copy. */
function findActionTemplate(actionsDir: string): Record<string, unknown> | undefined {
  if (!existsSync(actionsDir)) return undefined;
  for (const n of readdirSync(actionsDir).filter((x) => x.endsWith('.json')).sort()) {
    const json = readJson(join(actionsDir, n));
    if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
  }
  return undefined;
}

function formatNotes(file: string, notes: ConvertNote[]): string {
  return notes.map((n) => `  ${file}:${n.line}: TODO ${n.message}\n`).join('');
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

export async function convertCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'convert'));
  }
  if (parsed.values.help) {
    io.stdout(help);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one rule file or rules directory${parsed.positionals.length > 1 ? `, got ${parsed.positionals.length}` : ''} (see duo-rules convert --help)`);
  const input = resolve(io.cwd, parsed.positionals[0]);
  const out = parsed.values.out !== undefined ? resolve(io.cwd, parsed.values.out) : undefined;
  const force = parsed.values.force === true;
  if (!existsSync(input)) throw new UsageError(`${parsed.positionals[0]}: no such file or directory`);
  const show = (p: string): string => relative(io.cwd, p) || '.';

  if (statSync(input).isFile()) {
    const result = convertRuleToAction(readText(input));
    if (!result.ok) {
      io.stderr(`${show(input)}: cannot convert: ${result.message}\n`);
      return 1;
    }
    const todo = result.notes.length ? `TODO (finish by hand before deploying):\n${formatNotes(show(input), result.notes)}` : '';
    if (out === undefined) {
      io.stdout(result.code);
      io.stderr(todo);
      return 0;
    }
    const isDir = (existsSync(out) && statSync(out).isDirectory()) || /[\\/]$/.test(parsed.values.out ?? '');
    if (!isDir) {
      writeFile(out, result.code, force);
      io.stdout(`${show(input)} -> ${show(out)}${result.secrets.length ? `  secrets: ${result.secrets.join(', ')}` : ''}\n${todo}`);
      return 0;
    }
    const meta = listRules(dirname(input)).find((r) => r.file === input)?.meta;
    const written = writeDeployAction(out, input, meta, undefined, result, force);
    io.stdout(`${show(input)} -> ${written.map(show).join(' + ')}${result.secrets.length ? `  secrets: ${result.secrets.join(', ')}` : ''}\n${todo}`);
    return 0;
  }

  // A directory: a deploy-cli repository (with rules/) or a rules directory itself.
  const rulesDir = existsSync(join(input, 'rules')) && statSync(join(input, 'rules')).isDirectory() ? join(input, 'rules') : input;
  const root = out ?? (basename(rulesDir) === 'rules' ? dirname(rulesDir) : undefined);
  if (root === undefined) throw new UsageError(`${show(input)} is not an auth0-deploy-cli repository: give --out <dir> for the Action files`);
  const rules = listRules(rulesDir);
  if (rules.length === 0) throw new UsageError(`${show(rulesDir)}: no rule (.js) files found`);
  const width = String(Math.max(...rules.map((r) => r.meta?.order ?? 0))).length;
  let failed = 0;
  const todos: string[] = [];
  io.stdout(`Converting ${rules.length} rule${rules.length === 1 ? '' : 's'} in order:\n`);
  rules.forEach((rule, index) => {
    const result = convertRuleToAction(readText(rule.file));
    const position = `${String(index + 1).padStart(String(rules.length).length)}.`;
    if (!result.ok) {
      failed++;
      io.stdout(`  ${position} ${show(rule.file)}: NOT converted: ${result.message}\n`);
      return;
    }
    const written = writeDeployAction(root, rule.file, rule.meta, width, result, force);
    const flags = [rule.meta?.order !== undefined ? `order ${rule.meta.order}` : undefined, rule.meta?.enabled === false ? 'disabled rule' : undefined].filter(Boolean).join(', ');
    io.stdout(`  ${position} ${show(rule.file)}${flags ? ` (${flags})` : ''} -> ${written.map(show).join(' + ')}${result.secrets.length ? `  secrets: ${result.secrets.join(', ')}` : ''}\n`);
    if (result.notes.length) todos.push(formatNotes(show(rule.file), result.notes));
  });
  if (todos.length) io.stdout(`TODO (finish by hand before deploying):\n${todos.join('')}`);
  io.stdout('Bind the Actions to the post-login trigger in the order listed; active Rules run before Actions, so disable each Rule once its Action is deployed.\n');
  return failed ? 1 : 0;
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
  const json = buildActionJson(name, codeRef, result.secrets, findActionTemplate(actionsDir));
  for (const p of [codePath, jsonPath]) if (existsSync(p) && !force) throw new UsageError(`${p} already exists (use --force to overwrite)`);
  writeFile(codePath, result.code, force);
  writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`, force);
  return [codePath, jsonPath];
}
