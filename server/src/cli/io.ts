/** What a CLI command may touch, so tests can call commands in-process as well. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Wrong flags or arguments: reported in one line, exit code 2. */
export class UsageError extends Error {}

/**
 * One line for a `node:util` parseArgs error. Node's own messages run over two or three
 * sentences of workarounds ("To specify a positional argument starting with a '-', …");
 * a user needs the flag that was wrong and where to look.
 */
export function describeFlagError(err: unknown, command: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const option = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
  let line = message.split('\n')[0];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    line = /^Unknown option '[^']*'/.exec(message)?.[0] ?? line;
  } else if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/does not take an argument/.test(message)) line = `${option} takes no value`;
    else if (/ambiguous/.test(message)) line = `${option} needs a value (for a value that starts with '-', write ${option}=<value>)`;
    else line = `${option} needs a value`;
  } else if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    line = /^Unexpected argument '[^']*'/.exec(message)?.[0] ?? line;
  }
  return `${line} (see duo-rules ${command} --help)`;
}
