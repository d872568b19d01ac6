// `duo-rules emulator`: a local Duo API for offline development and tests. Prints its URL and,
// with --generate, the runner configuration for its freshly generated keys (the emulator's own
// keys, nobody else's). Runs until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEmulatorConfig, parseEmulatorConfig, startEmulator, type EmulatorConfig, type RunningEmulator } from '../duo/duoEmulator';
import { isLoopbackHost } from '../duo/transport';
import { generateEmulatedTenant, parseEmulatedTenant, startAuth0Emulator, type EmulatedTenant, type RunningAuth0Emulator, type SimulatedFailure } from '../tenant/auth0Emulator';
import { describeJsonError } from '../../../shared/redact';
import type { ApplicationKind } from '../../../shared/verifyResult';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';

const USAGE = `Usage: duo-rules emulator (--config <json> | --generate) [--auth0 <tenant.json>] [options]
       duo-rules emulator --auth0 <tenant.json>

Starts a local, strict emulation of the Duo endpoints that \`duo-rules run --verify\` uses
(Auth API ping/check/preauth, Web SDK health check, Admin API summary), and with --auth0 also
of an Auth0 tenant's token endpoint and the read-only Management API endpoints that
\`duo-rules doctor --tenant\` reads.

Options:
  --config <json>       applications and users: { "host": "api-XXXXXXXX.duosecurity.com",
                        "applications": [{ "kind": "auth-api"|"web-sdk"|"admin-api", "ikey", "skey" }],
                        "users": [{ "username", "status": "active"|"bypass"|"disabled", "enrolled": true }] }
  --generate            fresh random keys for one application of each kind, printed as a
                        configuration for \`duo-rules run --configuration\`
  --kind <kind>         which application's keys go into that configuration (default auth-api)
  --user <name>         an enrolled, active user (repeatable; with --generate)
  --port <n>            default 0 (a free port)
  --host <address>      address to listen on (default 127.0.0.1)
  --auth0 <tenant.json> also emulate an Auth0 tenant described by this file (read again on every
                        request, so editing it is a "deploy"): { "domain", "clients": [{ "client_id",
                        "client_secret", "scopes" }], "factors": [{ "name", "enabled" }], "duo": { "ikey",
                        "skey", "host" }, "actions": [{ "name", "code", "all_changes_deployed" }],
                        "bindings": { "post-login": [<action name>] }, "rules": [{ "name", "enabled",
                        "script" }], "simulate": [{ "mode": 401|403|429|500|"truncated"|"slow", "path",
                        "times", "delayMs" }] }. With --generate the file is created (it must not exist):
                        a demo tenant whose Duo settings are this emulator's Web SDK keys and whose
                        Duo Rule is still enabled
  --auth0-fail <mode>   make every Management API request fail: 401, 403, 429, 500, truncated, slow
  --format text|json    json: one line {url, host, configuration, emulator, auth0} for scripts
  --quiet               do not log requests

Then: duo-rules run <file> --configuration <file> --verify --duo-url <printed URL>
`;

const FLAGS = {
  config: { type: 'string' },
  generate: { type: 'boolean' },
  kind: { type: 'string' },
  user: { type: 'string', multiple: true },
  port: { type: 'string' },
  host: { type: 'string' },
  format: { type: 'string' },
  quiet: { type: 'boolean' },
  auth0: { type: 'string' },
  'auth0-fail': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const KINDS: ApplicationKind[] = ['auth-api', 'web-sdk', 'admin-api'];

async function loadConfig(path: string, cwd: string): Promise<EmulatorConfig> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : code ?? (err as Error).message;
    throw new UsageError(`cannot read --config ${path}: ${why}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${describeJsonError(err, text)})`);
  }
  try {
    return parseEmulatorConfig(json);
  } catch (err) {
    throw new UsageError(`${path}: ${(err as Error).message}`);
  }
}

/** DUO_IKEY/DUO_SKEY/DUO_HOST as the example rule reads them, plus DUO_ADMIN_* for the admin keys. */
function runnerConfiguration(config: EmulatorConfig, kind: ApplicationKind): Record<string, string> {
  const main = config.applications.find((a) => a.kind === kind);
  const admin = config.applications.find((a) => a.kind === 'admin-api');
  const out: Record<string, string> = {};
  if (main) Object.assign(out, { DUO_IKEY: main.ikey, DUO_SKEY: main.skey, DUO_HOST: config.host });
  if (admin && kind !== 'admin-api') Object.assign(out, { DUO_ADMIN_IKEY: admin.ikey, DUO_ADMIN_SKEY: admin.skey });
  return out;
}

export async function emulatorCommand(argv: string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'emulator'));
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.config && values.generate) throw new UsageError('give either --config <json> or --generate, not both (see duo-rules emulator --help)');
  if (!values.config && !values.generate && !values.auth0) throw new UsageError('give --config <json>, --generate or --auth0 <tenant.json> (see duo-rules emulator --help)');
  const withDuo = Boolean(values.config || values.generate);
  const failMode = parseFailMode(values['auth0-fail']);
  if (failMode !== undefined && !values.auth0) throw new UsageError('--auth0-fail only applies with --auth0 <tenant.json>');
  const kind = (values.kind ?? 'auth-api') as ApplicationKind;
  if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, not '${values.kind}'`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port must be a port number, not '${values.port}'`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const hostname = values.host ?? '127.0.0.1';
  if (!isLoopbackHost(hostname)) io.stderr(`duo-rules emulator: warning: listening on ${hostname} makes the emulator reachable from other machines.\n`);

  const config = values.generate ? generateEmulatorConfig(values.user ?? []) : values.config ? await loadConfig(values.config, io.cwd) : undefined;
  if (config && values.config && values.user) config.users.push(...values.user.map((username) => ({ username, status: 'active' as const, enrolled: true })));
  const log = values.quiet || format === 'json' ? undefined : (line: string) => io.stdout(`${new Date().toISOString()} ${line}\n`);

  let tenantFile: string | undefined;
  let tenantNow: (() => EmulatedTenant) | undefined;
  if (values.auth0) {
    tenantFile = resolve(io.cwd, values.auth0);
    if (values.generate && config) {
      const web = config.applications.find((a) => a.kind === 'web-sdk')!;
      const generated = generateEmulatedTenant({ ikey: web.ikey, skey: web.skey, host: config.host });
      try {
        // The emulator's own demo keys, written only where asked and readable only by this user.
        await writeFile(tenantFile, JSON.stringify(generated, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot create --auth0 ${values.auth0}: ${code === 'EEXIST' ? 'the file exists (with --generate it is created fresh)' : code ?? (err as Error).message}`);
      }
    }
    tenantNow = loadTenantFile(tenantFile, values.auth0, failMode);
    try {
      tenantNow();
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }

  let emulator: RunningEmulator | undefined;
  let auth0: RunningAuth0Emulator | undefined;
  try {
    if (config) emulator = await startEmulator({ config, port, hostname, log });
    if (tenantNow) auth0 = await startAuth0Emulator({ tenant: tenantNow, port: withDuo ? 0 : port, hostname, log: log && ((line) => log(`auth0 ${line}`)) });
  } catch (err) {
    await emulator?.close();
    io.stderr(`duo-rules emulator: cannot listen on ${hostname}:${port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }

  // Listen for the signals before printing the URL: a script may stop us as soon as it reads it.
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const configuration = values.generate && config ? runnerConfiguration(config, kind) : undefined;
  const tenant = tenantNow?.();
  const auth0Info = auth0 && tenant ? { url: auth0.url, domain: tenant.domain, clientId: tenant.clients[0]?.client_id, tenantFile } : undefined;
  if (format === 'json') {
    io.stdout(JSON.stringify({ url: emulator?.url, host: config?.host, configuration, emulator: values.generate ? config : undefined, auth0: auth0Info }) + '\n');
  }
  if (format === 'text' && auth0Info) {
    io.stdout(`Auth0 emulator listening on ${auth0Info.url} (playing ${auth0Info.domain}; tenant from ${values.auth0})\n`);
    io.stdout(`Check it: AUTH0_DOMAIN=${auth0Info.domain} AUTH0_CLIENT_ID=${auth0Info.clientId ?? '<client_id>'} AUTH0_CLIENT_SECRET=<its client_secret in ${values.auth0}> duo-rules doctor --tenant --auth0-url ${auth0Info.url}\n`);
  }
  if (format === 'text' && emulator && config) {
    io.stdout(`Duo emulator listening on ${emulator.url} (playing ${config.host})\n`);
    io.stdout(`Applications: ${config.applications.map((a) => `${a.kind} ${a.ikey}`).join(', ')}\n`);
    io.stdout(`Users: ${config.users.length ? config.users.map((u) => `${u.username} (${u.enrolled === false ? 'not enrolled' : u.status ?? 'active'})`).join(', ') : 'none (everyone gets "enroll")'}\n`);
    if (configuration) {
      io.stdout(`\nConfiguration for duo-rules run --configuration <file> (the emulator's own ${kind} keys):\n${JSON.stringify(configuration, null, 2)}\n`);
    }
    io.stdout(`\nVerify against it: duo-rules run <rule.js> --configuration <file> --verify --duo-url ${emulator.url}\nPress Ctrl+C to stop.\n`);
  }

  await stopped;
  await emulator?.close();
  await auth0?.close();
  if (format === 'text') io.stdout('Duo emulator stopped.\n');
  return 0;
}

const FAIL_MODES = ['401', '403', '429', '500', 'truncated', 'slow'];

function parseFailMode(value: string | undefined): SimulatedFailure['mode'] | undefined {
  if (value === undefined) return undefined;
  if (!FAIL_MODES.includes(value)) throw new UsageError(`--auth0-fail must be one of ${FAIL_MODES.join(', ')}, not '${value}'`);
  return /^\d+$/.test(value) ? Number(value) as SimulatedFailure['mode'] : value as SimulatedFailure['mode'];
}

/** Reads the tenant file on every call (so an edit is a "deploy"); the last good version survives a half-written file. */
function loadTenantFile(path: string, shown: string, failMode: SimulatedFailure['mode'] | undefined): () => EmulatedTenant {
  let last: EmulatedTenant | undefined;
  return () => {
    let tenant: EmulatedTenant;
    try {
      const text = readFileSync(path, 'utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new Error(`${shown}: not valid JSON (${describeJsonError(err, text)})`);
      }
      try {
        tenant = parseEmulatedTenant(json);
      } catch (err) {
        throw new Error(`${shown}: ${(err as Error).message}`);
      }
    } catch (err) {
      if (last) return last;
      const code = (err as NodeJS.ErrnoException).code;
      throw code ? new Error(`cannot read --auth0 ${shown}: ${code === 'ENOENT' ? 'file not found' : code}`) : err;
    }
    if (failMode !== undefined) tenant.simulate = [{ mode: failMode }, ...(tenant.simulate ?? [])];
    last = tenant;
    return tenant;
  };
}
