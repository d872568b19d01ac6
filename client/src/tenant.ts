// Tenant checks in the editor: `Duo: Store Auth0 Credentials` (SecretStorage only), `Duo: Check
// Tenant` (trusted workspaces; read-only Management API through the language server; a result
// view with each finding and its fix), and the open auth0-deploy-cli repository's doctor findings
// in the Problems panel.
import * as vscode from 'vscode';
import { LSPErrorCodes, type LanguageClient } from 'vscode-languageclient/node';
import { DeployRepositoriesRequest, DoctorRequest, type Auth0Access, type DoctorFailureData, type DoctorParams, type DoctorResponse } from '../../shared/protocol';
import { inBackground } from '../../shared/background';
import { getSetting } from './editorSettings';
import type { SecretStore } from './secrets';
import { describeTenantFailure } from './tenantFailure';

const keys = { domain: 'duoRules.auth0.domain', clientId: 'duoRules.auth0.clientId', clientSecret: 'duoRules.auth0.clientSecret' };
const RESULT_SCHEME = 'duo-rules-doctor';

/** The M2M application's credentials, all three in VS Code's SecretStorage (the OS keychain). */
export class Auth0CredentialStore {
  constructor(private readonly storage: vscode.SecretStorage, private readonly secrets: SecretStore) {}

  async store(domain: string, clientId: string, clientSecret: string): Promise<void> {
    this.secrets.remember(clientSecret);
    await this.storage.store(keys.domain, domain);
    await this.storage.store(keys.clientId, clientId);
    await this.storage.store(keys.clientSecret, clientSecret);
  }

  async clear(): Promise<void> {
    for (const key of Object.values(keys)) await this.storage.delete(key);
  }

  /** The stored credentials (and the emulator URL from the settings), or undefined when incomplete. */
  async read(): Promise<Auth0Access | undefined> {
    const [domain, clientId, clientSecret] = await Promise.all([keys.domain, keys.clientId, keys.clientSecret].map((k) => this.storage.get(k)));
    if (!domain || !clientId || !clientSecret) return undefined;
    // The output channel scrubs every secret it has seen: LSP traces include request parameters.
    this.secrets.remember(clientSecret);
    const baseUrl = getSetting(vscode.workspace.getConfiguration('duoRules'), 'auth0.baseUrl').trim() || undefined;
    return { domain, clientId, clientSecret, baseUrl };
  }
}

const DOMAIN = /^[A-Za-z0-9.-]+$/;

/** `duoRules.storeAuth0Credentials [domain clientId clientSecret]`: asks for what is not given; the secret masked. */
async function storeAuth0CredentialsCommand(store: Auth0CredentialStore, log: vscode.LogOutputChannel, ...args: unknown[]): Promise<{ stored: boolean } | undefined> {
  const given = (i: number) => (typeof args[i] === 'string' ? args[i] as string : undefined);
  const domain = given(0) ?? await vscode.window.showInputBox({
    title: 'Store Auth0 Credentials (1/3): tenant domain',
    prompt: 'The Auth0 domain (AUTH0_DOMAIN), e.g. my-tenant.us.auth0.com. Leave empty to forget the stored credentials.',
    placeHolder: 'my-tenant.us.auth0.com',
    validateInput: (v) => (v === '' || DOMAIN.test(v) ? undefined : 'Only the host name, without https:// or a path.'),
  });
  if (domain === undefined) return undefined;
  if (domain === '') {
    await store.clear();
    log.info('Forgot the stored Auth0 credentials.');
    return { stored: false };
  }
  const clientId = given(1) ?? await vscode.window.showInputBox({
    title: 'Store Auth0 Credentials (2/3): client ID',
    prompt: 'Client ID of a Machine to Machine application granted read:guardian_factors, read:actions and read:rules on the Auth0 Management API.',
    ignoreFocusOut: true,
  });
  if (!clientId) return undefined;
  const clientSecret = given(2) ?? await vscode.window.showInputBox({
    title: 'Store Auth0 Credentials (3/3): client secret',
    prompt: 'Its client secret; kept in VS Code\'s secret storage and sent only to this tenant.',
    password: true,
    ignoreFocusOut: true,
  });
  if (!clientSecret) return undefined;
  await store.store(domain, clientId, clientSecret);
  log.info(`Stored Auth0 credentials for ${domain} in VS Code's secret storage.`);
  inBackground(vscode.window.showInformationMessage(`Duo Rules: stored the Auth0 credentials for ${domain}. Run "Duo: Check Tenant" to check its Duo MFA.`), (err) => log.error(`Could not show a message: ${String(err)}`));
  return { stored: true };
}

/** A read-only document per check result, so closing it never asks to save. */
class ResultDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
  }
}

/** The result view: each finding with its fix (the message carries it), notes, verification. */
function formatDoctorMarkdown(response: DoctorResponse): string {
  const report = response.report!;
  const lines = [`# Duo MFA check: ${report.source === 'tenant' ? `tenant ${report.tenant}` : `repository ${report.tenant}`}`, ''];
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  lines.push(report.findings.length === 0
    ? 'No problems found: Duo is enabled by a deployed post-login Action and nothing stands in its way.'
    : `${errors} ${errors === 1 ? 'error' : 'errors'}, ${report.findings.length - errors} ${report.findings.length - errors === 1 ? 'warning' : 'warnings'}.`, '');
  for (const f of report.findings) lines.push(`- **${f.severity}** \`${f.id}\` (${f.subject}): ${f.message}`);
  const v = report.verified;
  if (v) {
    lines.push('', '## Duo verification', '');
    for (const entry of [v.duoSettings, ...v.actions]) if (entry) lines.push(`- ${entry.subject}: ${entry.ok ? 'verified' : 'not verified'}. ${entry.message}`);
  }
  if (response.notes.length) lines.push('', '## Notes', '', ...response.notes.map((n) => `- ${n}`));
  lines.push('', 'Read-only: nothing was written to the tenant. Secrets are never shown.');
  return lines.join('\n') + '\n';
}

export interface TenantServices {
  client: LanguageClient;
  store: Auth0CredentialStore;
  secrets: SecretStore;
  log: vscode.LogOutputChannel;
  duoOptions: () => NonNullable<DoctorParams['duo']>;
}

/** `duoRules.checkTenant`: answers the doctor's JSON (or `{ error }` with the buttons offered), and opens the result view unless `{ showResult: false }`. */
async function checkTenant(services: TenantServices, documents: ResultDocuments, options?: unknown): Promise<DoctorResponse | { error: { name: string; message: string; actions: string[] } }> {
  const { log } = services;
  const fail = (name: string, message: string, actions: string[] = []) => {
    log.warn(message);
    inBackground(vscode.window.showErrorMessage(`Duo Rules: ${message}`, ...actions).then(async (picked) => {
      // Storing the credentials is only the first step of what the user asked for: the check follows.
      if (picked === 'Store Auth0 Credentials') {
        const stored = await vscode.commands.executeCommand<{ stored: boolean } | undefined>('duoRules.storeAuth0Credentials');
        if (stored?.stored) await vscode.commands.executeCommand('duoRules.checkTenant', options);
      }
      if (picked === 'Retry') await vscode.commands.executeCommand('duoRules.checkTenant', options);
      if (picked === 'Open Setting') await vscode.commands.executeCommand('workbench.action.openSettings', 'duoRules.auth0.baseUrl');
      if (picked === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
    }), (err) => log.error(`Could not show a message or its action: ${String(err)}`));
    return { error: { name, message, actions } };
  };
  if (!vscode.workspace.isTrusted) return fail('WorkspaceTrustRequired', 'Checking the tenant needs a trusted workspace.', ['Manage Workspace Trust']);
  const auth0 = await services.store.read();
  if (!auth0) return fail('NoCredentials', 'No Auth0 credentials stored: run "Duo: Store Auth0 Credentials" first.', ['Store Auth0 Credentials']);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const params: DoctorParams = { folder, tenant: true, verify: true, auth0, duo: services.duoOptions(), secrets: await services.secrets.readAll() };
  log.info(`Checking the Duo MFA of the tenant ${auth0.domain} (read-only).`);
  let response: DoctorResponse;
  try {
    response = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking the Duo MFA of ${auth0.domain}`, cancellable: true },
      (_progress, token) => services.client.sendRequest(DoctorRequest, params, token),
    );
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const data = (err as { data?: Partial<DoctorFailureData> } | null)?.data;
    if (err instanceof vscode.CancellationError || (err as { code?: unknown } | null)?.code === LSPErrorCodes.RequestCancelled) {
      // Cancelled from the progress notification: the user knows, no error to show.
      log.info(`Check of ${auth0.domain} cancelled.`);
      return { error: { name: 'Cancelled', message: reason, actions: [] } };
    }
    const { message, actions } = describeTenantFailure(data?.kind, reason, { domain: auth0.domain, baseUrl: auth0.baseUrl });
    return fail('ServerError', message, actions);
  }
  const report = response.report!;
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const summary = errors ? `Duo MFA check of ${report.tenant}: ${errors} ${errors === 1 ? 'error' : 'errors'} (${report.findings.filter((f) => f.severity === 'error').map((f) => f.id).join(', ')}).` : `Duo MFA check of ${report.tenant}: no errors.`;
  log.info(summary);
  inBackground(errors ? vscode.window.showWarningMessage(summary) : vscode.window.showInformationMessage(summary), (err) => log.error(`Could not show a message: ${String(err)}`));
  if ((options as { showResult?: boolean } | undefined)?.showResult !== false) {
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${report.tenant}.md` });
    documents.set(uri, formatDoctorMarkdown(response));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
  return response;
}

/** The open repositories' doctor findings in the Problems panel; refreshed when a file is saved. */
class RepositoryProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('duo-rules-doctor');
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly services: TenantServices) {
    this.subscriptions.push(
      vscode.workspace.onDidSaveTextDocument((d) => { if (/\.(js|json|ya?ml)$/i.test(d.uri.path)) this.schedule(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
      // The server reads the repositories with the mappings file's tokens, and only once the workspace is trusted.
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('duoRules.mappingsFile')) this.schedule(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
    );
  }

  schedule(delayMs = 400): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      inBackground(this.refresh(), (err) => this.services.log.warn(`Could not refresh the doctor's findings: ${err instanceof Error ? err.message : String(err)}`));
    }, delayMs);
  }

  /** Reads each deploy-cli repository of the workspace folders, at their roots or below them (files only, nothing runs). */
  async refresh(): Promise<DoctorResponse[]> {
    const responses: DoctorResponse[] = [];
    const byUri = new Map<string, vscode.Diagnostic[]>();
    const repositories: { folder: vscode.WorkspaceFolder; root: string }[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      try {
        const { roots } = await this.services.client.sendRequest(DeployRepositoriesRequest, { folder: folder.uri.fsPath });
        for (const root of roots) repositories.push({ folder, root });
      } catch (err) {
        this.services.log.warn(`duo-rules doctor on ${folder.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const { folder, root } of repositories) {
      try {
        const response = await this.services.client.sendRequest(DoctorRequest, { folder: root, workspaceFolder: folder.uri.fsPath, tenant: false } satisfies DoctorParams);
        responses.push(response);
        for (const p of response.problems) {
          const diagnostic = new vscode.Diagnostic(
            new vscode.Range(p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character),
            p.message,
            p.severity === 1 ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
          );
          diagnostic.source = 'duo-rules doctor';
          diagnostic.code = p.id;
          const list = byUri.get(p.uri) ?? [];
          list.push(diagnostic);
          byUri.set(p.uri, list);
        }
      } catch (err) {
        // A broken file in the repository: say so in the log, keep the Problems panel as it was for other folders.
        this.services.log.warn(`duo-rules doctor on ${folder.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.collection.clear();
    for (const [uri, diagnostics] of byUri) this.collection.set(vscode.Uri.parse(uri), diagnostics);
    return responses;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.collection.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

export function registerTenantCommands(services: TenantServices, started: Promise<void>): vscode.Disposable[] {
  const documents = new ResultDocuments();
  const problems = new RepositoryProblems(services);
  void started.then(() => problems.schedule(0), () => undefined);
  return [
    problems,
    vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, documents),
    vscode.commands.registerCommand('duoRules.storeAuth0Credentials', (...args: unknown[]) => storeAuth0CredentialsCommand(services.store, services.log, ...args)),
    vscode.commands.registerCommand('duoRules.checkTenant', (options?: unknown) => checkTenant(services, documents, options)),
    // For tests and scripts: the repository findings now, as the Problems panel shows them.
    vscode.commands.registerCommand('duoRules.refreshDoctorProblems', () => problems.refresh()),
  ];
}
