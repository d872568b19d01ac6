// `duo-rules emulator`: a local Duo API for offline development and tests. Prints its URL and,
// with --generate, the runner configuration for its freshly generated keys (the emulator's own
// keys, nobody else's). Runs until SIGINT/SIGTERM.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateEmulatorConfig, parseEmulatorConfig, startEmulator, type EmulatorConfig, type RunningEmulator } from '../duo/emulator';
import { isLoopbackHost } from '../duo/transport';
import { describeJsonError } from '../runner/inputs';
import type { ApplicationKind } from '../duo/types';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';

const USAGE = `Usage: duo-rules emulator (--config <json> | --generate) [options]

Starts a local, strict emulation of the Duo endpoints that \`duo-rules run --verify\` uses
(Auth API ping/check/preauth, Web SDK health check, Admin API summary).

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
  --format text|json    json: one line {url, host, configuration, emulator} for scripts
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
  if (Boolean(values.config) === Boolean(values.generate)) throw new UsageError('give either --config <json> or --generate (see duo-rules emulator --help)');
  const kind = (values.kind ?? 'auth-api') as ApplicationKind;
  if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, not '${values.kind}'`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port must be a port number, not '${values.port}'`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  const hostname = values.host ?? '127.0.0.1';
  if (!isLoopbackHost(hostname)) io.stderr(`duo-rules emulator: warning: listening on ${hostname} makes the emulator reachable from other machines.\n`);

  const config = values.generate ? generateEmulatorConfig(values.user ?? []) : await loadConfig(values.config!, io.cwd);
  if (values.config && values.user) config.users.push(...values.user.map((username) => ({ username, status: 'active' as const, enrolled: true })));

  let emulator: RunningEmulator;
  try {
    emulator = await startEmulator({
      config,
      port,
      hostname,
      log: values.quiet || format === 'json' ? undefined : (line) => io.stdout(`${new Date().toISOString()} ${line}\n`),
    });
  } catch (err) {
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
  const configuration = values.generate ? runnerConfiguration(config, kind) : undefined;
  if (format === 'json') {
    io.stdout(JSON.stringify({ url: emulator.url, host: config.host, configuration, emulator: values.generate ? config : undefined }) + '\n');
  } else {
    io.stdout(`Duo emulator listening on ${emulator.url} (playing ${config.host})\n`);
    io.stdout(`Applications: ${config.applications.map((a) => `${a.kind} ${a.ikey}`).join(', ')}\n`);
    io.stdout(`Users: ${config.users.length ? config.users.map((u) => `${u.username} (${u.enrolled === false ? 'not enrolled' : u.status ?? 'active'})`).join(', ') : 'none (everyone gets "enroll")'}\n`);
    if (configuration) {
      io.stdout(`\nConfiguration for duo-rules run --configuration <file> (the emulator's own ${kind} keys):\n${JSON.stringify(configuration, null, 2)}\n`);
    }
    io.stdout(`\nVerify against it: duo-rules run <rule.js> --configuration <file> --verify --duo-url ${emulator.url}\nPress Ctrl+C to stop.\n`);
  }

  await stopped;
  await emulator.close();
  if (format === 'text') io.stdout('Duo emulator stopped.\n');
  return 0;
}
