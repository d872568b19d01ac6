// Entry point of the `duo-rules` command. Each subcommand lives in its own module and is
// loaded only when used, so `duo-rules lint` never pays for the runner or the Duo client.
import type { CliIO } from './io';
import { UsageError } from './io';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  lint: { summary: 'Check Duo rules and Actions for mistakes', load: async () => (await import('./lintCommand')).lintCommand },
  run: { summary: 'Run a rule or Action against a mock user (add --verify to check it with Duo)', load: async () => (await import('./runCommand')).runCommand },
  convert: { summary: 'Convert a Rule (or a rules directory) to a post-login Action', load: async () => (await import('./convertCommand')).convertCommand },
  doctor: { summary: 'Check that Duo MFA really runs on a tenant (deploy-cli repository or --tenant)', load: async () => (await import('./doctorCommand')).doctorCommand },
  equivalence: { summary: 'Run a Rule and its Action on a matrix of logins and report where they decide differently', load: async () => (await import('./equivalenceCommand')).equivalenceCommand },
  emulator: { summary: 'Start a local Duo API emulator for offline development', load: async () => (await import('./emulatorCommand')).emulatorCommand },
};

function usage(): string {
  const lines = ['Usage: duo-rules <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)}${c.summary}`);
  lines.push('', 'Run `duo-rules <command> --help` for the options of a command.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`duo-rules: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`duo-rules ${name}: ${err.message}\n`);
      return 2;
    }
    // Anything else is our bug: say so briefly instead of dumping a stack at the user.
    io.stderr(`duo-rules ${name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

declare const VERSION: string;

if (require.main === module) {
  const io: CliIO = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`duo-rules: ${String(err)}\n`); process.exitCode = 2; },
  );
}
