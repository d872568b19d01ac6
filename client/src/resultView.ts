// A read-only Markdown document per rule file showing its last run / verification. The JSON it
// renders is the documented `duo-rules run --format json [--verify]` output, already redacted.
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface Step {
  ok: boolean;
  reason?: string;
  code?: number;
  message: string;
  latencyMs?: number;
}

export interface VerifyJson {
  application: string | null;
  check: Step;
  universal: Step;
  preauth?: Step & { result?: string; username?: string; statusMessage?: string; enrollPortalUrl?: string };
  admin?: Step;
  warnings: string[];
}

/** The fields of the run JSON this view reads (issue 4 §3, issue 5 §4). */
export interface RunJson {
  kind: 'rule' | 'action';
  outcome: 'completed' | 'denied' | 'error' | 'timeout';
  error: { name: string; message: string } | null;
  multifactor: Record<string, unknown> | null;
  user?: unknown;
  context?: unknown;
  changes?: unknown;
  /** Every call of the emulated `auth0` (Rules) / `api` (Actions) objects, in order. */
  calls?: Array<{ name: string; args: unknown[] }>;
  logs?: unknown[];
  warnings?: string[];
  /** Every network attempt of the code (allowed or blocked). */
  connections?: Array<{ host: string; port: number | null; protocol: string }>;
  durationMs?: number;
  verify?: VerifyJson;
}

const scheme = 'duo-rules-result';

export class ResultView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(scheme, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This result is no longer available: run the rule again.';
  }

  /** Shows the result beside the rule without taking focus, so the rule stays the active editor. */
  async show(source: vscode.Uri, result: RunJson): Promise<void> {
    const name = path.basename(source.path) || 'untitled';
    const uri = vscode.Uri.from({ scheme, path: `/${name} (${result.verify ? 'verify' : 'run'}).md`, query: source.toString() });
    this.contents.set(uri.toString(), renderResult(name, result));
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

/** One line for the notification. */
export function summarizeResult(name: string, result: RunJson): string {
  const what = result.kind === 'action' ? 'Action' : 'Rule';
  let decision: string;
  if (result.outcome === 'denied') decision = `denied the login: ${result.error?.message ?? ''}`;
  else if (result.outcome === 'error') decision = `failed: ${result.error?.message ?? 'unknown error'}`;
  else if (result.outcome === 'timeout') decision = `timed out: ${result.error?.message ?? ''}`;
  else if (result.multifactor) decision = `requires MFA with ${String(result.multifactor.provider)}`;
  else decision = 'completed without requiring MFA';
  let line = `${what} ${name} ${decision}${result.durationMs === undefined ? '' : ` (${formatMs(result.durationMs)})`}.`;
  if (result.verify) {
    const app = result.verify.application;
    line += app ? ` Duo accepted the keys as ${applicationNames[app] ?? app} keys.` : ` Duo verification failed: ${firstFailure(result.verify)?.message ?? 'see the result'}.`;
  }
  return line;
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

const applicationNames: Record<string, string> = { 'auth-api': 'Auth API', 'web-sdk': 'Web SDK (Universal Prompt)', 'admin-api': 'Admin API' };

function firstFailure(verify: VerifyJson): Step | undefined {
  return [verify.check, verify.universal, verify.preauth, verify.admin].find((s) => s && !s.ok);
}

function json(value: unknown): string {
  return ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
}

function renderStep(title: string, step: Step): string {
  const details = [step.reason && `reason \`${step.reason}\``, step.code !== undefined && `Duo code ${step.code}`, step.latencyMs !== undefined && formatMs(step.latencyMs)].filter(Boolean);
  return `- ${step.ok ? '✅' : '❌'} **${title}**: ${step.message}${details.length ? ` (${details.join(', ')})` : ''}`;
}

function renderVerify(verify: VerifyJson): string[] {
  const lines = ['## Duo verification', '', `Application: ${verify.application ? applicationNames[verify.application] ?? verify.application : 'not verified'}`, ''];
  lines.push(renderStep('Auth API check (/auth/v2/check)', verify.check));
  lines.push(renderStep('Web SDK health check (/oauth/v1/health_check)', verify.universal));
  if (verify.preauth) {
    const p = verify.preauth;
    lines.push(renderStep(`Enrolment of ${p.username ? `\`${p.username}\`` : 'the user'} (/auth/v2/preauth)`, p));
    if (p.result) lines.push(`  - Duo says \`${p.result}\`${p.statusMessage ? `: ${p.statusMessage}` : ''}${p.enrollPortalUrl ? ` — enrol at ${p.enrollPortalUrl}` : ''}`);
  }
  if (verify.admin) lines.push(renderStep('Admin API keys (/admin/v1/info/summary)', verify.admin));
  for (const w of verify.warnings) lines.push(`- ⚠️ ${w}`);
  return lines;
}

function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

/** Claims, redirects and metadata updates: what the login carries on besides MFA. */
function renderChanges(result: RunJson): string[] {
  const lines: string[] = [];
  if (result.kind === 'action') {
    lines.push(json(result.changes ?? {}));
  } else {
    const context = (result.context ?? {}) as Record<string, unknown>;
    const { scope: _scope, ...accessClaims } = (context.accessToken ?? {}) as Record<string, unknown>;
    if (isNonEmptyObject(context.idToken)) lines.push('ID token claims:', '', json(context.idToken), '');
    if (isNonEmptyObject(accessClaims)) lines.push('Access token claims:', '', json(accessClaims), '');
    if (isNonEmptyObject(context.redirect)) lines.push('Redirect:', '', json(context.redirect), '');
  }
  const calls = (result.calls ?? []).map((c) => `- \`${c.name}(${c.args.map((a) => JSON.stringify(a)).join(', ')})\``);
  if (calls.length) lines.push(`Calls to \`${result.kind === 'action' ? 'api' : 'auth0'}\`:`, '', ...calls, '');
  const network = (result.connections ?? []).map((c) => `- ${c.protocol} \`${c.port === null ? c.host : `${c.host}:${c.port}`}\``);
  if (network.length) lines.push('Network attempts:', '', ...network, '');
  return lines.length ? lines : ['Nothing besides the MFA decision.'];
}

export function renderResult(name: string, result: RunJson): string {
  const lines = [`# ${result.verify ? 'Verify' : 'Run'}: ${name}`, '', summarizeResult(name, result), ''];
  lines.push(`- Kind: ${result.kind === 'action' ? 'post-login Action' : 'Rule'}`, `- Outcome: **${result.outcome}**`);
  if (result.error) lines.push(`- ${result.error.name}: ${result.error.message}`);
  if (result.durationMs !== undefined) lines.push(`- Duration: ${formatMs(result.durationMs)}`);
  lines.push('', '## Required MFA', '', result.multifactor ? json(result.multifactor) : 'None: this login would not ask for a second factor.');
  if (result.verify) lines.push('', ...renderVerify(result.verify));
  lines.push('', '## What changed', '', ...renderChanges(result));
  if (result.kind === 'rule') {
    lines.push('', '## User after the rule', '', json(result.user ?? null), '', '## Context after the rule', '', json(result.context ?? null));
  }
  lines.push('', '## Logs', '');
  if (result.logs?.length) lines.push('```text', ...result.logs.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))), '```');
  else lines.push('Nothing was logged.');
  if (result.warnings?.length) lines.push('', '## Warnings', '', ...result.warnings.map((w) => `- ${w}`));
  lines.push('', 'Secret values are shown as `[redacted]`.');
  return lines.join('\n') + '\n';
}
