// `hardcoded-secret` for auth0-deploy-cli configuration files (rules-configs/*.json,
// actions/*.json, tenant.yaml): the same diagnostic shape as the script analysis, so the
// editor and `duo-rules lint` report it alike. Pure.
import type { Diagnostic } from 'vscode-languageserver-types';
import { defaultSeverities } from '../analysis/codes';
import { LineIndex, toDiagnostic, type SeverityMap } from '../analysis/diagnostics';
import { classifyDeployConfigPath, findPlaintextSecrets } from './deployConfig';

/** Diagnostics for a deploy-cli config file, or [] when `path` is not one (or the code is off). */
export function lintDeployConfig(path: string, text: string, severities: SeverityMap = {}): Diagnostic[] {
  const kind = classifyDeployConfigPath(path);
  if (!kind) return [];
  const severity = severities['hardcoded-secret'] ?? defaultSeverities['hardcoded-secret'];
  if (severity === 'off') return [];
  const lines = new LineIndex(text);
  return findPlaintextSecrets(kind, text).map((s) => toDiagnostic({
    code: 'hardcoded-secret',
    severity,
    message: s.message,
    range: lines.rangeOf(s.range),
    offsets: s.range,
    data: { field: s.name },
  }));
}
