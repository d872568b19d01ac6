// Every diagnostic code duo-rules can report, with its default severity. The README has one
// `### <code>` section per code; codeDescriptionUrl() points there.

/** Severity names as users write them in `.duo-rules.json` and VS Code settings. */
export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

/** A configured level: a severity, `off` (never report), or `default` (use the next layer down). */
export type SeverityLevel = SeverityName | 'off' | 'default';

export const defaultSeverities = {
  'missing-field': 'error',
  'placeholder-client-id': 'error',
  'placeholder-value': 'error',
  'invalid-ikey': 'warning',
  'invalid-skey': 'warning',
  'invalid-host': 'warning',
  'unknown-field': 'warning',
  'invalid-type': 'warning',
  'unknown-provider': 'error',
  'hardcoded-secret': 'warning',
  'deprecated-field': 'warning',
  'admin-same-as-auth': 'warning',
  'callback-not-called': 'warning',
  'rules-eol': 'information',
  'syntax-error': 'error',
  'unknown-configuration-key': 'warning',
  'duo-verify-failed': 'error',
  'too-deeply-nested': 'information',
  'rule-global-in-action': 'error',
  'dotted-key': 'error',
  'missing-refresh-token-guard': 'warning',
  'mfa-gate-indexof': 'warning',
  'timestamp-as-number': 'warning',
} as const satisfies Record<string, SeverityName>;

export type DiagnosticCode = keyof typeof defaultSeverities;

export const diagnosticCodes = Object.keys(defaultSeverities) as DiagnosticCode[];

export function isDiagnosticCode(value: unknown): value is DiagnosticCode {
  return typeof value === 'string' && Object.hasOwn(defaultSeverities, value);
}

export function isSeverityLevel(value: unknown): value is SeverityLevel {
  return value === 'error' || value === 'warning' || value === 'information' || value === 'hint' || value === 'off' || value === 'default';
}

/** The README section explaining a code (README headings are `### <code>`). */
export function codeDescriptionUrl(code: DiagnosticCode): string {
  return `https://github.com/duo-rules/duo-rules#${code}`;
}

/** LSP DiagnosticSeverity numbers (kept here so the pure core needs no LSP import). */
export const lspSeverity: Record<SeverityName, 1 | 2 | 3 | 4> = { error: 1, warning: 2, information: 3, hint: 4 };

/** The diagnostic `source` field of everything duo-rules reports. */
export const diagnosticSource = 'duo-rules';
