// `hardcoded-secret` for auth0-deploy-cli configuration files (rules-configs/*.json,
// actions/*.json, tenant.yaml): the same diagnostic shape as the script analysis, so the
// editor and `duo-rules lint` report it alike. Pure.
import type { Diagnostic } from 'vscode-languageserver-types';
import { defaultSeverities } from '../analysis/codes';
import { LineIndex, toDiagnostic, type SeverityMap } from '../analysis/diagnostics';
import { findPlaintextSecrets } from './configFiles';
import { classifyDeployConfigPath } from '../../../shared/deployCliLayout';

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

/**
 * The quick fix for a plaintext secret in a config file: the value becomes the deploy-cli
 * keyword token (quoted: in YAML a bare `#` starts a comment). The value is not copied anywhere.
 */
export function fixDeployConfigSecret(path: string, text: string, start: number, end: number): { title: string; start: number; end: number; newText: string } | undefined {
  const kind = classifyDeployConfigPath(path);
  if (!kind) return undefined;
  const secret = findPlaintextSecrets(kind, text).find((s) => s.range.start <= end && start <= s.range.end);
  if (!secret) return undefined;
  const token = `##${secret.name}##`;
  const quote = text[secret.range.start] === "'" ? "'" : '"';
  return { title: `Replace the value with the keyword token ${token}`, start: secret.range.start, end: secret.range.end, newText: `${quote}${token}${quote}` };
}
