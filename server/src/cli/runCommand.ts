import type { CliIO } from './io';

// Placeholder until the 'run' command is implemented; replaced by its owner.
export async function runCommand(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('duo-rules run: not implemented yet\n');
  return 2;
}
