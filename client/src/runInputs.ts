// Collects what a run needs from the editor: the unsaved text, the input files named in the
// settings (resolved against the document's workspace folder), stored secrets, and Duo options.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DuoTransportSettings } from '../../shared/duoTransportSettings';
import type { RunParams } from '../../shared/protocol';
import type { SecretStore } from './secrets';
import { getSetting } from './editorSettings';
import type { SettingKey } from '../../shared/settings';

/** The settings that name an input file, relative to the workspace folder or absolute. */
type PathSettingKey = Extract<SettingKey, 'mock.userFile' | 'mock.contextFile' | 'mock.eventFile' | 'mock.mocksFile' | 'configurationFile' | 'mappingsFile'>;

function workspaceFolderOf(document: vscode.TextDocument): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.getWorkspaceFolder(document.uri) ?? (document.isUntitled ? vscode.workspace.workspaceFolders?.[0] : undefined);
}

function resolveSetting(config: vscode.WorkspaceConfiguration, key: PathSettingKey, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  const value = getSetting(config, key).trim();
  if (!value) return undefined;
  if (path.isAbsolute(value) || !folder) return value;
  return path.join(folder.uri.fsPath, value);
}

/** The path the runner resolves `require` and relative inputs from; untitled buffers act as a file in the workspace folder. */
function filePathOf(document: vscode.TextDocument, folder: vscode.WorkspaceFolder | undefined): string {
  if (document.uri.scheme === 'file') return document.uri.fsPath;
  const name = `${path.basename(document.uri.path) || 'untitled'}.js`;
  return path.join(folder?.uri.fsPath ?? process.cwd(), name);
}

export async function collectRunParams(document: vscode.TextDocument, secrets: SecretStore): Promise<RunParams> {
  const folder = workspaceFolderOf(document);
  const config = vscode.workspace.getConfiguration('duoRules', document.uri);
  return {
    uri: document.uri.toString(),
    file: filePathOf(document, folder),
    text: document.getText(),
    files: {
      user: resolveSetting(config, 'mock.userFile', folder),
      context: resolveSetting(config, 'mock.contextFile', folder),
      event: resolveSetting(config, 'mock.eventFile', folder),
      configuration: resolveSetting(config, 'configurationFile', folder),
      mappings: resolveSetting(config, 'mappingsFile', folder),
      mocks: resolveSetting(config, 'mock.mocksFile', folder),
    },
    now: getSetting(config, 'mock.now').trim() || undefined,
    secrets: await secrets.readAll(),
    timeoutMs: getSetting(config, 'run.timeoutMs'),
    network: getSetting(config, 'run.network') === 'off' ? 'off' : 'on',
    workspaceRoot: folder?.uri.fsPath,
  };
}

/** Duo transport options: base URL, timeout and pinning from `duoRules.duo.*`, the proxy from VS Code's own settings. */
export function collectDuoOptions(document: vscode.TextDocument): DuoTransportSettings {
  return collectDuoOptionsFor(document.uri);
}

/** The same for a resource (undefined: the window's settings, as for the tenant check). */
export function collectDuoOptionsFor(resource: vscode.Uri | undefined): DuoTransportSettings {
  const config = vscode.workspace.getConfiguration('duoRules', resource);
  const http = vscode.workspace.getConfiguration('http');
  return {
    baseUrl: getSetting(config, 'duo.baseUrl').trim() || undefined,
    timeoutMs: getSetting(config, 'duo.timeoutMs'),
    pinCertificates: getSetting(config, 'duo.pinCertificates'),
    proxy: http.get<string>('proxy')?.trim() || undefined,
    noProxy: http.get<string[]>('noProxy')?.join(',') || undefined,
    strictSSL: http.get<boolean>('proxyStrictSSL'),
  };
}
