import type { CliIO } from './io';

// Placeholder until the 'convert' command is implemented; replaced by its owner.
export async function convertCommand(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('duo-rules convert: not implemented yet\n');
  return 2;
}
