import type { CliIO } from './io';

// Placeholder until the 'emulator' command is implemented; replaced by its owner.
export async function emulatorCommand(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('duo-rules emulator: not implemented yet\n');
  return 2;
}
