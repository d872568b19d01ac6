// The key names of the JSON file named by `duoRules.configurationFile` (the `configuration` /
// `event.secrets` values a run uses), so keys supplied only there count as declared. Only the
// names are kept; the values are parsed and dropped at once and never reach a diagnostic.
import { readFileSync, statSync } from 'node:fs';

interface CachedKeys {
  mtimeMs: number;
  size: number;
  keys: string[];
}

/** Key names of configuration files, re-read when a file's modification time or size changes. */
export class ConfigurationFileKeys {
  private readonly byPath = new Map<string, CachedKeys>();

  constructor(private readonly log: (message: string) => void = () => {}) {}

  keysOf(path: string): string[] {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      this.byPath.delete(path);
      return [];
    }
    const cached = this.byPath.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.keys;
    const keys = readKeyNames(path, this.log);
    this.byPath.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, keys });
    return keys;
  }

  /** Drops what is known of a file, so the next read parses it even if its time and size look unchanged. */
  forget(path: string): void {
    this.byPath.delete(path);
  }
}

function readKeyNames(path: string, log: (message: string) => void): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    // The parser's message can quote the file's text (a value): name the file only.
    log(`duo-rules: the configuration file ${path} could not be read as JSON (${err instanceof SyntaxError ? 'invalid JSON' : (err as NodeJS.ErrnoException).code ?? 'read error'}); its keys are not counted as declared`);
    return [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  return Object.keys(parsed);
}
