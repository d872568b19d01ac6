// Typed reads of `duoRules.*` settings: the key must be one the shared schema declares, and the
// value has the schema's type, with the schema's default when VS Code has none.
import type * as vscode from 'vscode';
import { settingsSchema, type SettingKey, type SettingValue } from '../../shared/settings';

export function getSetting<K extends SettingKey>(config: vscode.WorkspaceConfiguration, key: K): SettingValue<K> {
  return config.get<SettingValue<K>>(key, settingsSchema[key].default as SettingValue<K>);
}
