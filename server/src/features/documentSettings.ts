// The settings of each document: the editor's `duoRules` section (pulled with
// `workspace/configuration`, read through shared/settings.ts) merged over the `.duo-rules.json`
// that applies, kept until the configuration or a `.duo-rules.json` changes.
import { dirname } from 'node:path';
import { mergeSeverities, type SeverityMap } from '../analysis/diagnostics';
import { loadProjectConfig, type ProjectConfig } from '../config/projectConfig';
import { readSetting, readSeveritySettings, type SettingValue } from '../../../shared/settings';
import { filePathOf } from './uris';

/** Settings of one document: VS Code's `duoRules` section merged over `.duo-rules.json`. */
export interface DocumentSettings {
  /** `duoRules.enable`: false turns analysis off for the document. */
  enable: SettingValue<'enable'>;
  /** Effective severities: built-in defaults ← `.duo-rules.json` ← `duoRules.diagnostics.<code>`. */
  severities: SeverityMap;
  /** `duoRules.configurationKeys`: extra declared configuration/secret keys. */
  configurationKeys: SettingValue<'configurationKeys'>;
  /** `duoRules.configurationFile`: the JSON file of run values whose key names count as declared (trusted workspaces only). */
  configurationFile: SettingValue<'configurationFile'>;
  /** `duoRules.mappingsFile`: deploy-cli keyword mappings for the doctor's repository findings (trusted workspaces only). */
  mappingsFile: SettingValue<'mappingsFile'>;
  /** The `.duo-rules.json` that applies, if any. */
  projectConfig: ProjectConfig | null;
}

export interface SettingsSource {
  /** The client's `duoRules` section for a document, or undefined when the client cannot be asked. */
  pullSection(uri: string): Promise<unknown>;
  /** The workspace folder a file is in, where the search for `.duo-rules.json` stops. */
  stopDirFor(path: string): string | undefined;
  log(message: string): void;
}

export interface DocumentSettingsCache {
  get(uri: string): Promise<DocumentSettings>;
  forget(uri: string): void;
  clear(): void;
}

export function createDocumentSettings(source: SettingsSource): DocumentSettingsCache {
  const cache = new Map<string, Promise<DocumentSettings>>();

  async function read(uri: string): Promise<DocumentSettings> {
    const pulled = await source.pullSection(uri);
    const section = pulled && typeof pulled === 'object' ? (pulled as Record<string, unknown>) : {};
    const path = filePathOf(uri);
    const projectConfig = path ? loadProjectConfig(dirname(path), source.stopDirFor(path)) : null;
    for (const problem of projectConfig?.problems ?? []) source.log(`duo-rules: ${problem}`);
    return {
      enable: readSetting(section, 'enable'),
      severities: mergeSeverities(projectConfig?.severities, readSeveritySettings(section)),
      configurationKeys: readSetting(section, 'configurationKeys').filter((k): k is string => typeof k === 'string'),
      configurationFile: readSetting(section, 'configurationFile'),
      mappingsFile: readSetting(section, 'mappingsFile'),
      projectConfig,
    };
  }

  return {
    get(uri) {
      let pending = cache.get(uri);
      if (!pending) {
        pending = read(uri);
        cache.set(uri, pending);
        // A failed read must not stick in the cache.
        pending.catch(() => cache.delete(uri));
      }
      return pending;
    },
    forget: (uri) => void cache.delete(uri),
    clear: () => cache.clear(),
  };
}
