// `duo-rules lint [--format text|json] [--max-warnings N] <file|dir|glob>...`
// The same analysis and `.duo-rules.json` severities as the editor; exit 0 clean, 1 problems, 2 usage/I-O.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { Diagnostic } from 'vscode-languageserver-types';
import { analyze, mergeSeverities, toDiagnostic } from '../analysis/diagnostics';
import { collectLintTargets, type LintFileKind, type LintTarget } from '../config/lintFiles';
import { loadProjectConfig, type ProjectConfig } from '../config/projectConfig';
import { lintDeployConfig } from '../workspace/configLint';
import { DeclaredKeysIndex } from '../workspace/declaredKeys';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';

const help = `Usage: duo-rules lint [--format text|json] [--max-warnings N] <file|dir|glob>...

Checks Auth0 Rules and post-login Actions that configure Duo MFA.
Directories are searched for .js files (node_modules is skipped); globs such as
'rules/*.js' or '**/*.js' are expanded even when the shell does not.
Severities come from the nearest .duo-rules.json above each file. Configuration keys
declared by the auth0-deploy-cli repository a file belongs to (rules-configs/,
actions/*.json secrets, tenant.yaml) are checked like in the editor.

Options:
  --format text|json   Output format (default: text)
  --max-warnings N     Exit 1 when there are more than N warnings
  -h, --help           Show this help

Exit status: 0 no errors (and warnings within --max-warnings), 1 otherwise, 2 usage or I/O error.
`;

export interface LintFileResult {
  /** The path as shown to the user (relative to the working directory when inside it). */
  file: string;
  diagnostics: Diagnostic[];
}

/** What a check needs besides the file: its `.duo-rules.json` and the keys its deploy-cli repository declares. */
interface LintContext {
  config: ProjectConfig | null;
  /** Keys declared by the auth0-deploy-cli repository of a file (found upward), as the editor finds them. */
  declaredKeys: (path: string) => string[];
}

/** Per-kind checks; deploy-cli config files get their own entry here. */
const lintByKind: Record<LintFileKind, (text: string, path: string, context: LintContext) => Diagnostic[]> = {
  script: (text, path, { config, declaredKeys }) =>
    analyze(text, { severities: mergeSeverities(config?.severities), declaredConfigurationKeys: declaredKeys(path) }).map(toDiagnostic),
  deployConfig: (text, path, { config }) => lintDeployConfig(path, text, mergeSeverities(config?.severities)),
};

function readText(path: string): string {
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

const severityWord: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatText(results: LintFileResult[]): string {
  const lines: string[] = [];
  const counts = { 1: 0, 2: 0, 3: 0, 4: 0 } as Record<number, number>;
  for (const result of results) {
    if (result.diagnostics.length === 0) continue;
    lines.push(result.file);
    const rows = result.diagnostics.map((d) => [
      `${result.file}:${d.range.start.line + 1}:${d.range.start.character + 1}`,
      severityWord[d.severity ?? 1],
      typeof d.message === 'string' ? d.message : d.message.value,
      String(d.code ?? ''),
    ]);
    const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const [i, d] of result.diagnostics.entries()) {
      counts[d.severity ?? 1]++;
      const [where, severity, message, code] = rows[i];
      lines.push(`  ${where.padEnd(widths[0])}  ${severity.padEnd(widths[1])}  ${message}  ${code}`);
    }
    lines.push('');
  }
  const total = counts[1] + counts[2] + counts[3] + counts[4];
  if (total === 0) return '';
  const parts = [plural(counts[1], 'error'), plural(counts[2], 'warning')];
  if (counts[3]) parts.push(`${counts[3]} info`);
  if (counts[4]) parts.push(plural(counts[4], 'hint'));
  lines.push(`✖ ${plural(total, 'problem')} (${parts.join(', ')})`);
  return lines.join('\n') + '\n';
}

export async function lintCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'max-warnings': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'lint'));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be 'text' or 'json', not '${format}'`);
  let maxWarnings = Infinity;
  if (values['max-warnings'] !== undefined) {
    const raw = values['max-warnings'];
    if (!/^\d+$/.test(raw)) throw new UsageError(`--max-warnings needs a whole number, not '${raw}'`);
    maxWarnings = Number(raw);
  }
  if (positionals.length === 0) throw new UsageError('give at least one file, directory or glob to lint (see --help)');

  const { targets, missing, notRegular, unreadable } = collectLintTargets(positionals, io.cwd);
  if (missing.length > 0 || notRegular.length > 0) {
    for (const arg of missing) io.stderr(`duo-rules lint: ${arg}: no such file or directory${/[*?[\]{}]/.test(arg) ? ' (the pattern matches no files)' : ''}\n`);
    for (const { arg, kind } of notRegular) io.stderr(`duo-rules lint: ${arg}: is ${kind}, not a regular file\n`);
    return 2;
  }
  // The files that could be found are still checked; the exit code says the check was incomplete.
  for (const { path, code } of unreadable) io.stderr(`duo-rules lint: ${displayPath(path, io.cwd)}: directory cannot be read (${code}); its files were not checked\n`);

  if (targets.length === 0) {
    // Like ESLint: a check that looked at nothing must not pass silently in CI.
    io.stderr(`duo-rules lint: no .js files found in ${positionals.join(', ')}\n`);
    return 2;
  }

  const configs = new Map<string, ProjectConfig | null>();
  const configFor = (target: LintTarget) => {
    const dir = dirname(target.path);
    if (!configs.has(dir)) {
      const config = loadProjectConfig(dir);
      configs.set(dir, config);
      for (const problem of config?.problems ?? []) io.stderr(`duo-rules lint: warning: ${problem}\n`);
    }
    return configs.get(dir) ?? null;
  };

  // Read once per repository, like the editor's index.
  const declaredKeysIndex = new DeclaredKeysIndex();
  const declaredKeys = (path: string) => declaredKeysIndex.keysFor(path);

  const results: LintFileResult[] = [];
  let ioFailed = unreadable.length > 0;
  for (const target of targets) {
    let text: string;
    try {
      text = readText(target.path);
    } catch (err) {
      io.stderr(`duo-rules lint: ${displayPath(target.path, io.cwd)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
      ioFailed = true;
      continue;
    }
    if (text.includes('\0')) {
      io.stderr(`duo-rules lint: ${displayPath(target.path, io.cwd)}: skipped, the file is binary (it contains NUL bytes)\n`);
      continue;
    }
    results.push({ file: displayPath(target.path, io.cwd), diagnostics: lintByKind[target.kind](text, target.path, { config: configFor(target), declaredKeys }) });
  }

  io.stdout(format === 'json' ? JSON.stringify(results, null, 2) + '\n' : formatText(results));
  const all = results.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 1).length;
  const warnings = all.filter((d) => d.severity === 2).length;
  if (warnings > maxWarnings && format === 'text') {
    io.stdout(`duo-rules found too many warnings (maximum: ${maxWarnings}).\n`);
  }
  if (ioFailed) return 2;
  return errors > 0 || warnings > maxWarnings ? 1 : 0;
}
