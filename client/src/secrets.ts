// Duo secrets kept in VS Code's SecretStorage (the OS keychain), never in settings or the workspace.
import * as vscode from 'vscode';
import { redactText } from '../../shared/redact';
import { inBackground } from '../../shared/background';

const namesKey = 'duoRules.secretNames';
const secretKey = (name: string) => `duoRules.secret.${name}`;
const namePattern = /^[A-Za-z0-9_-]+$/;

export class SecretStore {
  /** Values read so far, so every log line can be scrubbed of them (LSP traces include request params). */
  private readonly known = new Set<string>();

  constructor(private readonly storage: vscode.SecretStorage, private readonly state: vscode.Memento) {}

  names(): string[] {
    return this.state.get<string[]>(namesKey, []);
  }

  async store(name: string, value: string): Promise<void> {
    if (!namePattern.test(name)) throw new Error(`'${name}' is not a valid configuration key (letters, digits, _ and - only).`);
    await this.storage.store(secretKey(name), value);
    this.known.add(value);
    await this.state.update(namesKey, [...new Set([...this.names(), name])].sort());
  }

  async delete(name: string): Promise<void> {
    await this.storage.delete(secretKey(name));
    await this.state.update(namesKey, this.names().filter((n) => n !== name));
  }

  /** Every stored secret by key name, for one run; values missing from the keychain are skipped. */
  async readAll(): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const name of this.names()) {
      const value = await this.storage.get(secretKey(name));
      if (value === undefined) continue;
      values[name] = value;
      this.known.add(value);
    }
    return values;
  }

  /** Adds a value kept elsewhere (the Auth0 client secret) to those every log line is scrubbed of. */
  remember(value: string): void {
    if (value) this.known.add(value);
  }

  /** Replaces every secret value seen in this session with "[redacted]". */
  redact(text: string): string {
    return redactText(text, [...this.known]);
  }
}

/**
 * The output channel with every message scrubbed of known secrets: with `duoRules.trace.server:
 * verbose` the language client logs request parameters, which carry them. (A Proxy would break
 * on the frozen channel object VS Code hands out.)
 */
export function createRedactingChannel(channel: vscode.LogOutputChannel, secrets: SecretStore): vscode.LogOutputChannel {
  const scrub = (text: string) => secrets.redact(text);
  // Extra arguments are formatted by VS Code (JSON for objects, stack for errors): scrub them as text.
  const scrubArg = (arg: unknown): unknown => {
    if (typeof arg === 'string') return scrub(arg);
    if (arg instanceof Error) return scrub(arg.stack ?? `${arg.name}: ${arg.message}`);
    if (arg && typeof arg === 'object') {
      try {
        return scrub(JSON.stringify(arg));
      } catch {
        return scrub(String(arg));
      }
    }
    return arg;
  };
  const scrubArgs = (args: unknown[]) => args.map(scrubArg);
  return {
    get name() { return channel.name; },
    get logLevel() { return channel.logLevel; },
    onDidChangeLogLevel: channel.onDidChangeLogLevel,
    trace: (message, ...args) => channel.trace(scrub(message), ...scrubArgs(args)),
    debug: (message, ...args) => channel.debug(scrub(message), ...scrubArgs(args)),
    info: (message, ...args) => channel.info(scrub(message), ...scrubArgs(args)),
    warn: (message, ...args) => channel.warn(scrub(message), ...scrubArgs(args)),
    error: (error, ...args) => channel.error(scrubArg(error) as string, ...scrubArgs(args)),
    append: (value) => channel.append(scrub(value)),
    appendLine: (value) => channel.appendLine(scrub(value)),
    replace: (value) => channel.replace(scrub(value)),
    clear: () => channel.clear(),
    show: (preserveFocus?: unknown, maybePreserveFocus?: boolean) => channel.show(typeof preserveFocus === 'boolean' ? preserveFocus : maybePreserveFocus),
    hide: () => channel.hide(),
    dispose: () => channel.dispose(),
  };
}

/** Key names a caller proposes (`{ propose: [...] }`, the result view's keys the run left unset). */
function proposedNames(arg: unknown): string[] {
  const propose = (arg as { propose?: unknown } | null | undefined)?.propose;
  return Array.isArray(propose) ? propose.filter((n): n is string => typeof n === 'string' && namePattern.test(n)) : [];
}

/**
 * `duoRules.setSecret [name | { propose }] [value]`: asks for a key name and a masked value unless
 * both are given; the name box starts with the first proposed name (default DUO_SKEY).
 */
export async function setSecretCommand(secrets: SecretStore, log: vscode.LogOutputChannel, nameArg?: unknown, valueArg?: unknown): Promise<{ name: string; stored: boolean } | undefined> {
  const proposed = proposedNames(nameArg);
  const unsetNote = proposed.length ? `Not set in the last run: ${proposed.join(', ')}. ` : '';
  const name = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({
    title: 'Store Secret (1/2)',
    prompt: `${unsetNote}Configuration key the code reads, e.g. DUO_SKEY for configuration.DUO_SKEY / event.secrets.DUO_SKEY`,
    placeHolder: proposed[0] ?? 'DUO_SKEY',
    value: proposed[0] ?? 'DUO_SKEY',
    validateInput: (v) => (namePattern.test(v) ? undefined : 'Use letters, digits, _ and - only.'),
  });
  if (!name) return undefined;
  const value = typeof valueArg === 'string' ? valueArg : await vscode.window.showInputBox({
    title: `Store Secret (2/2): ${name}`,
    prompt: `Value of ${name}; kept in VS Code's secret storage and used only for runs and Duo verification. Leave empty to forget it.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return undefined;
  if (value === '') {
    await secrets.delete(name);
    log.info(`Forgot the stored secret ${name}.`);
    return { name, stored: false };
  }
  await secrets.store(name, value);
  log.info(`Stored the secret ${name} in VS Code's secret storage.`);
  inBackground(vscode.window.showInformationMessage(`Duo Rules: stored ${name}; runs and verification use it instead of the configuration file's value.`), (err) => log.error(`Could not show a message: ${String(err)}`));
  return { name, stored: true };
}
