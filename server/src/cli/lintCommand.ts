import type { CliIO } from './io';

// Placeholder until the 'lint' command is implemented; replaced by its owner.
export async function lintCommand(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('duo-rules lint: not implemented yet\n');
  return 2;
}
