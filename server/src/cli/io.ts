/** What a CLI command may touch, so tests can call commands in-process as well. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Wrong flags or arguments: reported in one line, exit code 2. */
export class UsageError extends Error {}
