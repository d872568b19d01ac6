// The doctor's whole check (read the source, diagnose, verify), shared by `duo-rules doctor`
// and the language server's duoRules/doctor request.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { keywordValueText } from '../../../shared/keywordTokens';
import { looksLikeDuoSkey, isSecretKeyName } from '../../../shared/redact';
import { deployKeywordMappings } from '../workspace/deployValues';
import { proxyFromEnvironment } from '../duo/transport';
import { credentialsFromEnvironment, TenantAccessError, TenantClient } from './client';
import { CLI_WORDING, diagnose, type DoctorFinding, type DoctorWording } from './doctor';
import type { DuoSettings, TenantFacts } from './facts';
import { readRepositoryFacts } from './repositoryFacts';
import { verifyDoctorKeys, type LocalKeys } from './verifyKeys';
import type { DoctorReport, DoctorVerified } from '../../../shared/doctorReport';

/** Duo keys given locally: --configuration (the editor's stored secrets) first, then the environment. */
function localDuoKeys(configuration: Record<string, string> | undefined, env: NodeJS.ProcessEnv, wording: DoctorWording): { settings: DuoSettings; from: string } | undefined {
  const pick = (source: Record<string, string | undefined>) => ({ ikey: source.DUO_IKEY, skey: source.DUO_SKEY, host: source.DUO_HOST });
  if (configuration) {
    const s = pick(configuration);
    if (s.ikey && s.skey && s.host) return { settings: s, from: wording.localKeys };
  }
  const e = pick(env);
  if (e.ikey && e.skey && e.host) return { settings: e, from: 'the environment (DUO_IKEY, DUO_SKEY, DUO_HOST)' };
  return undefined;
}

/** A path as the user sees it: relative to the working directory when inside it. */
function showPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

/** A secret-named mapping, or a value shaped like a Duo skey, that deploy-cli would write into code: never shown. */
function hideReplacedSecrets(facts: TenantFacts, mappings: Record<string, unknown>, hide: (secret: string) => void): void {
  for (const keywords of [...facts.postLoginActions, ...facts.rules].map((item) => item.keywords).concat((facts.exportKeywords ?? []).map((f) => f.keywords))) {
    for (const { token, name, unmapped } of keywords?.replaced ?? []) {
      if (unmapped) continue;
      const value = mappings[name];
      // What deploy-cli wrote in its place (a list as `a,b` for `##KEY##`); a string as itself, quotes or not.
      const text = typeof value === 'string' ? value : keywordValueText(value, token.startsWith('##') ? '##' : '@@');
      if (isSecretKeyName(name) || looksLikeDuoSkey(text)) hide(text);
    }
  }
}

/** Keyword tokens in a bound Action's code that no mapping resolves: deploy-cli would deploy them as written. */
function unmappedCodeTokenNotes(facts: TenantFacts, show: (file: string) => string, wording: DoctorWording): string[] {
  return facts.postLoginActions
    .filter((a) => a.keywords && a.keywords.unmapped.length > 0)
    .map((a) => {
      const tokens = a.keywords!.unmapped;
      const file = a.codeLocation ? show(a.codeLocation.file) : 'its code';
      return `The Action "${a.name}": ${tokens.join(', ')} in ${file} ${tokens.length === 1 ? 'has' : 'have'} no keyword mapping (${wording.keywordMappings(tokens)}), so the code was checked with ${tokens.length === 1 ? 'it' : 'them'} as written, as deploy-cli would deploy it.`;
    });
}

/** Tokens without a mapping in deploy-cli's own files (names, flags, code paths, bindings, factors): read as written. */
function unmappedExportTokenNotes(facts: TenantFacts, show: (file: string) => string, wording: DoctorWording): string[] {
  return (facts.exportKeywords ?? []).flatMap((f) => f.unmapped.map(({ token, line }) =>
    `${show(f.file)}: ${token} (line ${line + 1}) has no keyword mapping (${wording.keywordMappings([token])}), so it was read as written; deploy-cli would deploy it as written, or refuse the file.`));
}

export interface DoctorRun {
  report: DoctorReport;
  /** Findings with their repository locations (for the editor). */
  findings: DoctorFinding[];
  notes: string[];
  facts: TenantFacts;
}

export interface DoctorOptions {
  path?: string;
  tenant: boolean;
  verify: boolean;
  configuration?: Record<string, string>;
  /** Repository source: deploy-cli keyword mappings (--mappings, duoRules.mappingsFile) for tenant.yaml, the Actions' code and secrets and the Rules' scripts; the environment is added as deploy-cli adds it. */
  mappings?: Record<string, unknown>;
  auth0Domain?: string;
  auth0ClientId?: string;
  auth0Url?: string;
  auth0TimeoutMs?: number;
  duoUrl?: string;
  duoTimeoutMs?: number;
  /** The editor's proxy settings; the CLI reads HTTPS_PROXY/NO_PROXY from the environment. */
  network?: { proxy?: string; noProxy?: string; strictSSL?: boolean; pinCertificates?: boolean };
  signal?: AbortSignal;
  /** How messages name the tools that fix a finding; default: the CLI's commands and flags. */
  wording?: DoctorWording;
}

/** Reads the source, diagnoses, verifies. Throws TenantAccessError or RepositoryError. */
export async function runDoctor(options: DoctorOptions, io: { cwd: string; env: NodeJS.ProcessEnv }, hide: (secret: string) => void = () => undefined): Promise<DoctorRun> {
  const wording = options.wording ?? CLI_WORDING;
  const local = localDuoKeys(options.configuration, io.env, wording);
  if (local?.settings.skey) hide(local.settings.skey);
  const proxy: NonNullable<DoctorOptions['network']> = options.network ?? proxyFromEnvironment(io.env);
  let facts: TenantFacts;
  // What deploy-cli would replace the keyword tokens of the repository's files with.
  const mappings = options.tenant ? undefined : deployKeywordMappings(options.mappings, io.env);
  if (options.tenant) {
    const { credentials, missing } = credentialsFromEnvironment(io.env, { domain: options.auth0Domain, clientId: options.auth0ClientId });
    if (!credentials) throw new TenantAccessError(`--tenant needs ${missing.join(', ')}.`, 'credentials');
    hide(credentials.clientSecret);
    const client = new TenantClient({ ...credentials, refusedHint: wording.refusedCredentials }, { baseUrl: options.auth0Url, baseUrlName: wording.auth0Url, timeoutMs: options.auth0TimeoutMs, proxy: proxy.proxy, noProxy: proxy.noProxy, strictSSL: proxy.strictSSL, signal: options.signal });
    try {
      facts = await client.readFacts();
    } finally {
      await client.close();
    }
    if (facts.duoSettings?.skey) hide(facts.duoSettings.skey);
  } else {
    const path = resolve(io.cwd, options.path ?? '.');
    facts = readRepositoryFacts(path, showPath(io.cwd, path), local, mappings);
    hideReplacedSecrets(facts, mappings!, hide);
  }
  const findings = diagnose(facts, wording);
  const show = (file: string) => showPath(io.cwd, file);
  const notes = [...facts.notes, ...unmappedExportTokenNotes(facts, show, wording), ...unmappedCodeTokenNotes(facts, show, wording)];
  let verified: DoctorVerified | null = null;
  if (options.verify) {
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(io.env)) if (typeof v === 'string' && /^[A-Za-z0-9_-]+$/.test(k)) environment[k] = v;
    for (const v of Object.values(options.configuration ?? {})) if (v.length >= 16) hide(v);
    const local: LocalKeys = {
      configuration: options.configuration ?? {},
      environment,
      mappings,
      show: (file) => showPath(io.cwd, file),
      hide,
    };
    const outcome = await verifyDoctorKeys(facts, local, options.tenant ? 'tenant' : 'local', {
      baseUrl: options.duoUrl,
      timeoutMs: options.duoTimeoutMs,
      ...proxy,
      signal: options.signal,
    }, wording);
    verified = outcome.verified;
    findings.push(...outcome.findings);
    notes.push(...outcome.notes);
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    report: { source: facts.source, tenant: facts.tenant, findings: findings.map(({ id, severity, message, subject }) => ({ id, severity, message, subject })), verified },
    findings,
    notes,
    facts,
  };
}

