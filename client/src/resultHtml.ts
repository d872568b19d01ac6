// The result view's page: verdict first, then the checks, what changed, logs, the Duo
// connections and the full JSON (collapsed), with the follow-up actions as buttons. Pure: it turns
// the run JSON into HTML, so it is unit-tested without VS Code. The page has no script: buttons
// are `command:` links the webview allows one by one.
import { deployActionNameOf } from '../../shared/protocol';
import {
  clause, duoAnswerOf, formatMs, listWords, type RunJson, type Step, verdictOf,
} from './resultVerdict';

export interface PageOptions {
  /** The rule's file name, shown in the heading. */
  name: string;
  /** The rule's URI, passed to Re-run and Verify. */
  source: string;
  /** The rule's path (the URI's path), which names an Action's deploy-cli file; default: read from `source`. */
  path?: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** Whether Run and Verify may execute (a trusted workspace). */
  trusted: boolean;
  /** How to show a file path (relative to the workspace); default: as given. */
  displayPath?: (path: string) => string;
  /** Keys the code read that the run had no value for (Duo-looking first): Store Secret proposes them. */
  unsetSecrets?: string[];
}

/** Commands the page may invoke; the webview's `enableCommandUris` allows exactly these. */
export const pageCommands = [
  'duoRules.runRule', 'duoRules.verifyDuo', 'duoRules.setSecret', 'duoRules.createMockFiles',
  'duoRules.checkTenant', 'duoRules.showOutput', 'workbench.action.openSettings',
] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function commandHref(command: (typeof pageCommands)[number], args?: unknown[]): string {
  return `command:${command}${args ? `?${encodeURIComponent(JSON.stringify(args))}` : ''}`;
}

function button(label: string, command: (typeof pageCommands)[number], args?: unknown[], title?: string): string {
  return `<a class="button" role="button" href="${escapeHtml(commandHref(command, args))}"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(label)}</a>`;
}

/** ✓ / ✗ as text with a word for screen readers, so nothing depends on an emoji font. */
function check(ok: boolean, html: string): string {
  return `<li class="${ok ? 'pass' : 'fail'}"><span class="mark" aria-label="${ok ? 'passed' : 'failed'}">${ok ? '✓' : '✗'}</span> ${html}</li>`;
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

function json(value: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

function stepDetails(step: Step): string {
  const details = [step.code !== undefined && `Duo code ${step.code}`, step.latencyMs !== undefined && formatMs(step.latencyMs)].filter(Boolean);
  return details.length ? ` <span class="muted">(${escapeHtml(details.join(', '))})</span>` : '';
}

/** The path of a `file:` (or other) URI, decoded; the text itself when it is no URI. */
function pathOf(source: string): string {
  try {
    return decodeURIComponent(new URL(source).pathname);
  } catch {
    return source;
  }
}

/**
 * Which keys are unset and every place a run reads them from: SecretStorage, the configuration file
 * and the deploy-cli repository's files (an Action's own actions/<name>.json, a Rule's rules-configs/).
 */
function unsetKeysLine(result: RunJson, unset: string[], options: PageOptions): string {
  const values = result.kind === 'action' ? `${code('event.secrets')} values` : `${code('configuration')} values`;
  const name = result.kind === 'action' ? deployActionNameOf(options.path ?? pathOf(options.source)) : undefined;
  const deployCli = result.kind === 'action'
    ? `in the ${code('secrets')} of ${code(`actions/${name ?? '<name>'}.json`)} (auth0-deploy-cli)`
    : `in ${code('rules-configs/')} (auth0-deploy-cli)`;
  return `${listWords(unset.map(code))} not set: give the ${values} the code reads for ${unset.length === 1 ? 'it' : 'them'} with <em>Duo: Store Secret</em>, in the configuration file (setting ${code('duoRules.configurationFile')}) or ${deployCli}`;
}

function renderChecks(result: RunJson, options: PageOptions): string[] {
  const items: string[] = [];
  const verdict = verdictOf(result);
  const outcome = {
    completed: 'The code ran to the end and handed the login back',
    denied: 'The code denied the login on purpose',
    error: `The code failed: ${escapeHtml(clause(result.error?.message ?? ''))}`,
    timeout: `The code did not finish: ${escapeHtml(clause(result.error?.message ?? ''))}`,
  }[result.outcome];
  items.push(check(result.outcome === 'completed' || result.outcome === 'denied', outcome));
  if (result.multifactor?.provider === 'duo') {
    if (verdict.unsetKeys.length) items.push(check(false, unsetKeysLine(result, verdict.unsetKeys, options)));
    else if (result.keySource === 'tenant') items.push(check(true, 'No keys in the code: Auth0 uses the Duo keys stored in the tenant (Security → Multi-factor Auth → Duo Security)'));
    else items.push(check(true, `${code('ikey')}, ${code('skey')} and ${code('host')} are set`));
  }
  const verify = result.verify;
  if (verify) {
    const unreachable = duoAnswerOf(verify).kind === 'unreachable';
    const step = (title: string, s: Step) => check(s.ok, `<strong>${escapeHtml(title)}</strong>: ${escapeHtml(s.message)}${stepDetails(s)}`);
    items.push(step('Auth API keys (GET /auth/v2/check)', verify.check));
    items.push(step('Web SDK keys (POST /oauth/v1/health_check)', verify.universal));
    if (verify.preauth) {
      const p = verify.preauth;
      const said = p.result ? ` Duo says ${code(p.result)}${p.statusMessage ? `: ${escapeHtml(p.statusMessage)}` : ''}.` : '';
      const enrol = p.enrollPortalUrl ? ` Enrol at ${escapeHtml(p.enrollPortalUrl)}.` : '';
      items.push(check(p.ok, `<strong>Enrolment of ${p.username ? code(p.username) : 'the user'} (POST /auth/v2/preauth)</strong>: ${escapeHtml(p.message)}${said}${enrol}${stepDetails(p)}`));
    }
    if (verify.admin) items.push(step('Admin API keys (GET /admin/v1/info/summary)', verify.admin));
    if (unreachable) items.push(check(false, 'Nothing above says the keys are wrong: Duo was not reached. Check the network or proxy and verify again.'));
  }
  return [`<ul class="checks">${items.join('')}</ul>`];
}

/** Claims, redirects and metadata updates: what the login carries on besides MFA. */
function renderChanges(result: RunJson): string[] {
  const parts: string[] = [];
  if (result.kind === 'action') {
    const changes = (result.changes ?? {}) as Record<string, unknown>;
    const labels: Record<string, string> = { idToken: 'ID token claims', accessToken: 'Access token claims', appMetadata: 'app_metadata', userMetadata: 'user_metadata', redirect: 'Redirect' };
    for (const [key, value] of Object.entries(changes)) {
      if (isNonEmptyObject(value)) parts.push(`<h3>${escapeHtml(labels[key] ?? key)}</h3>`, json(value));
    }
  } else {
    const context = (result.context ?? {}) as Record<string, unknown>;
    const { scope: _scope, ...accessClaims } = (context.accessToken ?? {}) as Record<string, unknown>;
    if (isNonEmptyObject(context.idToken)) parts.push('<h3>ID token claims</h3>', json(context.idToken));
    if (isNonEmptyObject(accessClaims)) parts.push('<h3>Access token claims</h3>', json(accessClaims));
    if (isNonEmptyObject(context.redirect)) parts.push('<h3>Redirect</h3>', json(context.redirect));
  }
  const calls = (result.calls ?? []).map((c) => `<li>${code(`${c.name}(${c.args.map((a) => JSON.stringify(a)).join(', ')})`)}</li>`);
  if (calls.length) parts.push(`<h3>Calls to ${code(result.kind === 'action' ? 'api' : 'auth0')}</h3>`, `<ul>${calls.join('')}</ul>`);
  if (result.multifactor) parts.push('<h3>Multi-factor settings</h3>', json(result.multifactor));
  return parts.length ? parts : ['<p class="muted">Nothing besides the MFA decision.</p>'];
}

/** The code's own network attempts, then the requests made to Duo, one line each. */
function renderConnections(result: RunJson): string[] {
  const parts: string[] = [];
  const network = (result.connections ?? []).map((c) => `<li>${escapeHtml(c.protocol)} ${code(c.port === null ? c.host : `${c.host}:${c.port}`)}</li>`);
  parts.push(network.length ? `<p>The code tried to connect to:</p><ul class="plain">${network.join('')}</ul>` : '<p class="muted">The code made no network connection.</p>');
  const verify = result.verify;
  if (!verify) return parts;
  const host = typeof result.multifactor?.host === 'string' ? result.multifactor.host : 'the Duo host';
  const rows: Array<[string, Step | undefined]> = [
    ['GET /auth/v2/check', verify.check], ['POST /oauth/v1/health_check', verify.universal],
    ['POST /auth/v2/preauth', verify.preauth], ['GET /admin/v1/info/summary', verify.admin],
  ];
  const lines = rows.filter((r): r is [string, Step] => r[1] !== undefined && r[1].reason !== 'missing-credentials' && r[1].reason !== 'invalid-host')
    .map(([endpoint, s]) => {
      const answer = s.ok ? 'answered' : s.reason === 'duo' ? `refused${s.code !== undefined ? ` (${s.code})` : ''}` : `no answer: ${s.reason ?? 'failed'}`;
      return `<li>${code(endpoint)} → ${escapeHtml(answer)}${s.latencyMs !== undefined ? ` <span class="muted">${escapeHtml(formatMs(s.latencyMs))}</span>` : ''}</li>`;
    });
  parts.push(lines.length ? `<p>Verification asked ${code(host)}:</p><ul class="plain">${lines.join('')}</ul>` : '<p class="muted">Nothing was sent to Duo.</p>');
  return parts;
}

/** The run's fixed clock and mocks, when set: they explain an outcome the real login would not have. */
function renderControls(result: RunJson, options: PageOptions): string[] {
  const items: string[] = [];
  if (result.clock?.given) items.push(`<li>Clock: started at ${code(result.clock.start)} <span class="muted">(setting ${code('duoRules.mock.now')})</span></li>`);
  const mocks = result.mocks;
  if (mocks) {
    const answers = [
      ...Object.entries(mocks.functions).map(([name, how]) => `${code(name)} ${how === 'reject' ? 'rejects' : 'resolves with the chosen value'}`),
      ...Object.entries(mocks.modules).map(([name, stub]) => `${code(name)} from ${code(stub)}`),
    ];
    const file = options.displayPath ? options.displayPath(mocks.file) : mocks.file;
    items.push(`<li>Mocks: ${code(file)}${answers.length ? `: ${answers.join(', ')}` : ''} <span class="muted">(setting ${code('duoRules.mock.mocksFile')})</span></li>`);
  }
  return items.length ? [`<ul class="plain" id="controls">${items.join('')}</ul>`] : [];
}

function renderActions(result: RunJson, options: PageOptions): string {
  const buttons: string[] = [];
  const verdict = verdictOf(result);
  const answer = result.verify && duoAnswerOf(result.verify);
  if (options.trusted) {
    buttons.push(button(result.verify ? 'Re-run' : 'Run again', 'duoRules.runRule', [options.source]));
    buttons.push(button(result.verify ? 'Verify again' : 'Verify with Duo', 'duoRules.verifyDuo', [options.source]));
  }
  // Keys the tenant holds (an Action without providerOptions): Check Tenant reads and verifies them,
  // asking for the Auth0 credentials first when none are stored; with nothing verified it is the next step.
  const tenantKeys = result.keySource === 'tenant';
  const needsTenant = tenantKeys && answer?.kind === 'nothing-to-verify';
  // Missing or rejected keys: storing the secret is the next step, so it comes first.
  const needsKeys = !needsTenant && (verdict.unsetKeys.length > 0 || answer?.kind === 'rejected' || answer?.kind === 'nothing-to-verify');
  const unsetSecrets = options.unsetSecrets ?? [];
  const store = unsetSecrets.length
    ? button('Store Secret', 'duoRules.setSecret', [{ propose: unsetSecrets }], `Keep ${listWords(unsetSecrets)} in VS Code's secret storage: the code reads ${unsetSecrets.length === 1 ? 'it' : 'them'} and the run had no value`)
    : button('Store Secret', 'duoRules.setSecret', undefined, 'Keep a value such as DUO_SKEY in VS Code\'s secret storage');
  if (needsKeys) buttons.unshift(store);
  else buttons.push(store);
  if (tenantKeys && options.trusted) {
    const tenant = button('Check Tenant', 'duoRules.checkTenant', undefined, 'Read the tenant\'s Duo settings (read-only) and verify them with Duo');
    if (needsTenant) buttons.unshift(tenant);
    else buttons.push(tenant);
  }
  buttons.push(button('Open Setting', 'workbench.action.openSettings', ['duoRules.configurationFile'], 'The JSON file of configuration / secret values for runs'));
  buttons.push(button('Create Mock Input Files', 'duoRules.createMockFiles', undefined, 'Editable mock user, context and event files'));
  buttons.push(button('Show Output', 'duoRules.showOutput'));
  return `<nav class="actions">${buttons.join('')}</nav>`;
}

const style = `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; line-height: 1.45; }
  h1 { font-size: 1.35em; margin: 16px 0 4px; }
  h2 { font-size: 1.05em; margin: 20px 0 6px; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: 2px; }
  h3 { font-size: 1em; margin: 10px 0 4px; }
  .verdict { font-size: 1.25em; font-weight: 600; margin: 8px 0; padding: 8px 10px; border-left: 4px solid; }
  .verdict.good { border-color: var(--vscode-testing-iconPassed, #3a3); }
  .verdict.bad { border-color: var(--vscode-errorForeground, #d33); }
  .duo { margin: 4px 0 8px; padding: 4px 10px; border-left: 4px solid var(--vscode-editorWarning-foreground, #c90); }
  .duo.good { border-color: var(--vscode-testing-iconPassed, #3a3); }
  .muted { color: var(--vscode-descriptionForeground); }
  ul.checks, ul.plain { list-style: none; padding-left: 0; }
  ul.checks li { margin: 3px 0; }
  .mark { display: inline-block; width: 1.2em; font-weight: bold; }
  .pass .mark { color: var(--vscode-testing-iconPassed, #3a3); }
  .fail .mark { color: var(--vscode-errorForeground, #d33); }
  pre { background: var(--vscode-textCodeBlock-background); padding: 6px 8px; overflow-x: auto; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  code { font-family: var(--vscode-editor-font-family); }
  .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 10px 0; }
  a.button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); padding: 3px 10px; text-decoration: none; border-radius: 2px; }
  a.button:first-child { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
  a.button:hover { background: var(--vscode-button-hoverBackground); color: var(--vscode-button-foreground); }
  details summary { cursor: pointer; }
`;

export function renderResultPage(result: RunJson, options: PageOptions): string {
  const verdict = verdictOf(result);
  const answer = result.verify && duoAnswerOf(result.verify);
  const what = result.kind === 'action' ? 'post-login Action' : 'Rule';
  const body: string[] = [];
  body.push(`<h1>${escapeHtml(options.name)} <span class="muted">· ${result.verify ? 'Verify' : 'Run'} against the mock login</span></h1>`);
  body.push(`<p class="verdict ${verdict.ok ? 'good' : 'bad'}" id="verdict">${escapeHtml(verdict.text)}</p>`);
  if (answer) body.push(`<p class="duo ${answer.ok ? 'good' : ''}" id="duo-answer">${escapeHtml(answer.text)}</p>`);
  const duration = result.durationMs === undefined ? '' : ` in ${formatMs(result.durationMs)}`;
  const clock = result.clock && !result.clock.given ? ` Its clock started at ${result.clock.start} (the real time).` : '';
  body.push(`<p class="muted">${escapeHtml(`The ${what} ran${duration}, isolated from the editor.${clock} Secret values are shown as [redacted].`)}</p>`);
  body.push(...renderControls(result, options));
  body.push(renderActions(result, options));
  body.push('<h2>Checks</h2>', ...renderChecks(result, options));
  if (result.warnings?.length || result.verify?.warnings.length) {
    const warnings = [...(result.warnings ?? []), ...(result.verify?.warnings ?? [])];
    body.push('<h2>Warnings</h2>', `<ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`);
  }
  body.push('<h2>What changed</h2>', ...renderChanges(result));
  body.push('<h2>Logs</h2>');
  if (result.logs?.length) body.push(`<pre>${escapeHtml(result.logs.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'))}</pre>`);
  else body.push('<p class="muted">Nothing was logged.</p>');
  body.push('<h2>Connections</h2>', ...renderConnections(result));
  body.push('<h2>Full result</h2>', `<details><summary>JSON, as <code>duo-rules run --format json${result.verify ? ' --verify' : ''}</code> prints it</summary>${json(result)}</details>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.cspSource} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.name)}</title>
<style>${style}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
