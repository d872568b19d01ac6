// `duo-rules doctor [path] [--tenant] [--format text|json] [--verify]`: is Duo MFA actually
// running on this tenant's login path? Reads an auth0-deploy-cli repository (default) or the
// tenant itself (read-only, Management API), prints one finding per line with its fix.
// Exit 0 no error, 1 errors, 2 usage/I/O/credential problems.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { redactText } from '../../../shared/redact';
import { extractMappings, readJsonObjectFile, RunInputError } from '../runner/inputs';
import { TenantAccessError, REQUIRED_SCOPES } from '../tenant/client';
import { RepositoryError } from '../tenant/repositoryFacts';
import { runDoctor, type DoctorOptions, type DoctorRun } from '../tenant/runDoctor';
import type { DoctorReport } from '../../../shared/doctorReport';

export { runDoctor } from '../tenant/runDoctor';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';

const AUTH0_FLAGS = {
  'auth0-domain': { type: 'string' },
  'auth0-client-id': { type: 'string' },
  'auth0-url': { type: 'string' },
  'auth0-timeout': { type: 'string' },
} as const;

const FLAGS = {
  tenant: { type: 'boolean' },
  format: { type: 'string' },
  verify: { type: 'boolean' },
  configuration: { type: 'string' },
  mappings: { type: 'string' },
  'duo-url': { type: 'string' },
  'duo-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...AUTH0_FLAGS,
} as const;

const AUTH0_USAGE = `Tenant access (read-only; the names auth0-deploy-cli uses):
  AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET   environment variables of a Machine
                          to Machine application granted ${REQUIRED_SCOPES.join(', ')}
                          (the client secret is read only from the environment, never a flag)
  --auth0-domain <d>      instead of AUTH0_DOMAIN; only this domain is contacted (a custom
                          domain is accepted only here, not from the environment)
  --auth0-client-id <id>  instead of AUTH0_CLIENT_ID
  --auth0-url <url>       send the requests to this loopback address instead (the emulator:
                          duo-rules emulator --auth0 <tenant.json>)
  --auth0-timeout <ms>    bound for each request, retries included (default 15000)
`;

const USAGE = `Usage: duo-rules doctor [path] [--tenant] [--format text|json] [--verify] [options]

Checks that Duo MFA really runs on a tenant's login path: Duo Rules (which stopped executing
on 2026-11-18), the post-login Actions that enable Duo, the Duo factor and its settings.
Reads the auth0-deploy-cli repository at path (default: the current directory; directory or
YAML format), or with --tenant the tenant itself. Nothing is ever written to the tenant.

Findings (id [severity]):
  duo-in-rule [error]          an enabled Rule configures Duo; it no longer runs
  no-duo-action [error]        Duo factor enabled (or a Duo Rule exists) but no bound, deployed
                               post-login Action enables Duo
  duo-factor-disabled [error]  an Action enables Duo but the tenant's Duo factor is off
  duo-not-sole-factor [error]  other MFA factors are enabled next to Duo
  duo-keys-missing [error]     an Action enables Duo without providerOptions and the tenant
                               has no Duo settings
  duo-keys-invalid [error]     (--verify) the Duo keys fail Duo's verification
  mfa-in-rule [warning]        an enabled Rule asks for MFA with another provider; it no
                               longer runs ('any' where Duo is the enabled factor: duo-in-rule)
  no-duo [warning]             nothing asks for Duo: no Duo Rule, no deployed Action enabling
                               it, the Duo factor not enabled
  action-not-deployed [warning] a bound Action has undeployed changes
  action-code-missing [warning] (repository) the export has no code file for a bound Action
  <lint code> [error]          every error of duo-rules lint on each bound Action's code

Options:
  --tenant                read the tenant through the Management API instead of a repository
  --format text|json      json: { source, tenant, findings: [{ id, severity, message, subject }],
                          verified } (default text)
  --verify                also check the Duo keys with Duo (the tenant's Duo settings, or for a
                          repository the keys from --configuration / DUO_IKEY, DUO_SKEY,
                          DUO_HOST in the environment)
  --configuration <json>  flat object of Duo keys (DUO_IKEY, DUO_SKEY, DUO_HOST, or the
                          event.secrets names an Action reads); wins over everything else
  --mappings <json>       (repository) deploy-cli keyword mappings, or a config.json with
                          AUTH0_KEYWORD_REPLACE_MAPPINGS, for the ##KEY## / @@KEY@@ tokens in
                          the Actions' code, the Rules' scripts and (with --verify) the Actions'
                          secrets (actions/<name>.json, tenant.yaml); as in deploy-cli,
                          environment variables map too
  --duo-url <url>         with --verify: send Duo requests there (the Duo emulator)
  --duo-timeout <ms>      with --verify: bound for each Duo request (default 10000)

${AUTH0_USAGE}
Exit status: 0 no error finding, 1 error findings, 2 usage, I/O or credential problems.
`;

function positiveMs(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`${flag} must be a positive number of milliseconds, not '${value}'`);
  return n;
}

function readConfiguration(path: string, cwd: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --configuration ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`--configuration ${path}: not valid JSON`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`--configuration ${path}: must be a flat JSON object of names and values`);
  return Object.fromEntries(Object.entries(json).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function formatText(report: DoctorReport, notes: string[]): string {
  const lines = [`duo-rules doctor: ${report.source === 'tenant' ? `tenant ${report.tenant} (read-only)` : `deploy-cli repository ${report.tenant}`}`];
  const rows = report.findings.map((f) => [f.severity, f.id, f.subject, f.message]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
  for (const r of rows) lines.push(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`);
  for (const note of notes) lines.push(`note: ${note}`);
  const v = report.verified;
  if (v) {
    for (const entry of [v.duoSettings, ...v.actions]) {
      if (entry) lines.push(`verify ${entry.subject}: ${entry.ok ? 'ok' : entry.result ? 'FAILED' : 'not verified'}: ${entry.message}`);
    }
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  lines.push(report.findings.length === 0
    ? '✔ No problems found: Duo is enabled by a deployed post-login Action and nothing stands in its way.'
    : `✖ ${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`);
  return lines.join('\n') + '\n';
}

export async function doctorCommand(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'doctor'));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  if (positionals.length > 1) throw new UsageError(`expected at most one repository path, got ${positionals.length}`);
  if (values.tenant && positionals.length) throw new UsageError('give either a repository path or --tenant, not both');
  if (!values.tenant) {
    for (const flag of Object.keys(AUTH0_FLAGS)) if ((values as Record<string, unknown>)[flag] !== undefined) throw new UsageError(`--${flag} only applies with --tenant`);
  }
  if (!values.verify && (values['duo-url'] !== undefined || values['duo-timeout'] !== undefined)) throw new UsageError('--duo-url and --duo-timeout only apply with --verify');
  if (values['auth0-url'] !== undefined && !/^https?:\/\//i.test(values['auth0-url'])) throw new UsageError(`--auth0-url must be an http(s) URL such as http://127.0.0.1:8444, not '${values['auth0-url']}'`);
  if (values['duo-url'] !== undefined && !/^https?:\/\//i.test(values['duo-url'])) throw new UsageError(`--duo-url must be an http(s) URL such as http://127.0.0.1:8443, not '${values['duo-url']}'`);
  if (values.mappings !== undefined && values.tenant) throw new UsageError('--mappings only applies to a repository (the tenant holds its code as deployed)');
  let mappings: Record<string, unknown> | undefined;
  if (values.mappings !== undefined) {
    try {
      mappings = extractMappings(await readJsonObjectFile(values.mappings, '--mappings', io.cwd), `--mappings ${values.mappings}`);
    } catch (err) {
      if (err instanceof RunInputError) throw new UsageError(err.message);
      throw err;
    }
  }
  const options: DoctorOptions = {
    path: positionals[0],
    tenant: values.tenant ?? false,
    verify: values.verify ?? false,
    configuration: values.configuration !== undefined ? readConfiguration(values.configuration, io.cwd) : undefined,
    mappings,
    auth0Domain: values['auth0-domain'],
    auth0ClientId: values['auth0-client-id'],
    auth0Url: values['auth0-url'],
    auth0TimeoutMs: positiveMs(values['auth0-timeout'], '--auth0-timeout'),
    duoUrl: values['duo-url'],
    duoTimeoutMs: positiveMs(values['duo-timeout'], '--duo-timeout'),
  };

  // Every secret seen on the way; whatever we print passes through this filter last.
  const secrets: string[] = [];
  const hide = (s: string) => { if (s) secrets.push(s); };
  const clean = (text: string) => redactText(text, secrets);
  let run: DoctorRun;
  try {
    run = await runDoctor(options, io, hide);
  } catch (err) {
    if (err instanceof TenantAccessError || err instanceof RepositoryError) {
      io.stderr(clean(`duo-rules doctor: ${err.message}\n`));
      return 2;
    }
    throw err;
  }
  if (format === 'json') {
    io.stdout(clean(JSON.stringify(run.report, null, 2) + '\n'));
    for (const note of run.notes) io.stderr(clean(`duo-rules doctor: note: ${note}\n`));
  } else {
    io.stdout(clean(formatText(run.report, run.notes)));
  }
  return run.report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
