// Turns a rule model into findings: one per problem, with the code, severity, message and an
// LSP-shaped range. Shared by the language server and `duo-rules lint`. Pure: no I/O.
//
// Messages never quote a secret: values are described (length, shape), never echoed.
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { looksLikeDuoSkey } from '../../../shared/redact';
import {
  codeDescriptionUrl,
  defaultSeverities,
  diagnosticSource,
  isDiagnosticCode,
  lspSeverity,
  type DiagnosticCode,
  type SeverityName,
} from './codes';
import { describeGlobal, isRuleGlobal, lookupCallPattern, lookupMember, ruleGlobals, type ActionNames, type RuleGlobal } from './ruleToAction';
import { listFieldDocs } from './docs';
import { findFreeReferences, type FreeReference } from './scope';
import { walk, type AnyNode } from './walk';
import { methodTimestampReads } from './authenticationTimestamps';
import { buildModel, findProperty, refreshProtocol, type DottedKey, type MfaConfig, type MfaObject, type MfaProperty, type MfaValue, type NamedMember, type OffsetRange, type RuleModel } from './model';

/** Effective level per code after merging layers; codes not listed use their default. */
export type SeverityMap = Partial<Record<DiagnosticCode, SeverityName | 'off'>>;

export interface AnalyzeOptions {
  /** Merged severity overrides (see mergeSeverities). */
  severities?: SeverityMap;
  /** Configuration keys declared in the workspace; when non-empty, undeclared references are reported. */
  declaredConfigurationKeys?: string[];
}

/** Extra facts for quick fixes (sent as Diagnostic.data). */
export interface FindingData {
  /** The nearest valid name (unknown-field, unknown-provider, unknown-configuration-key). */
  suggestion?: string;
  /** The field concerned (missing-field: the missing key; others: the property key). */
  field?: string;
  /** missing-field: where the key belongs: the config object itself, `providerOptions` or `admin`. */
  container?: 'options' | 'providerOptions' | 'admin';
  /** hardcoded-secret: the expression to read the secret from instead, e.g. `configuration.DUO_SKEY`. */
  replacement?: string;
  /** deprecated-field: the equivalent `allowRememberBrowser` value when `ignoreCookie` is a boolean literal. */
  allowRememberBrowser?: boolean;
  /** Index into RuleModel.configs of the configuration concerned. */
  configIndex?: number;
  /** A rewrite computed with the finding (rule-global-in-action): its title and offset edits. */
  rewrite?: { title: string; edits: Array<{ start: number; end: number; newText: string }> };
}

export interface Finding {
  code: DiagnosticCode;
  severity: SeverityName;
  message: string;
  /** Line/character range (UTF-16 characters, as LSP counts them). */
  range: Range;
  /** The same range as offsets into the text. */
  offsets: OffsetRange;
  data?: FindingData;
}

/**
 * Merges severity layers, lowest priority first (defaults ← .duo-rules.json ← editor settings).
 * `default` and unknown values fall through to the layer below; unknown codes are ignored.
 */
export function mergeSeverities(...layers: Array<Record<string, unknown> | null | undefined>): SeverityMap {
  const merged: SeverityMap = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [code, level] of Object.entries(layer)) {
      if (!isDiagnosticCode(code)) continue;
      if (level === 'error' || level === 'warning' || level === 'information' || level === 'hint' || level === 'off') merged[code] = level;
    }
  }
  return merged;
}

/** Maps offsets to LSP positions. Line breaks are \n, \r\n and \r, as in LSP text documents. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /**
   * Line starts are found on demand, up to the offsets asked for (most findings sit near the top
   * of a file, and a clean file has none past its header): up to here the text is scanned.
   */
  private scanned = 0;
  /** Without `\r` (most files), each line break is found with indexOf instead of a character loop. */
  private readonly lfOnly: boolean;

  constructor(private readonly text: string) {
    this.lfOnly = !text.includes('\r');
  }

  /** Records the start of every line that begins after a line break before `offset`. */
  private scan(offset: number): void {
    const text = this.text;
    const limit = Math.min(offset, text.length);
    if (!(limit > this.scanned)) return;
    if (this.lfOnly) {
      for (let nl = text.indexOf('\n', this.scanned); nl !== -1 && nl < limit; nl = text.indexOf('\n', nl + 1)) this.starts.push(nl + 1);
      this.scanned = limit;
      return;
    }
    let i = this.scanned;
    for (; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.scanned = i;
  }

  positionAt(offset: number): { line: number; character: number } {
    this.scan(offset);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  /** The offset where a 0-based line starts (the text's length past the last line). */
  lineStart(line: number): number {
    if (line >= this.starts.length) this.scan(Infinity);
    return line < this.starts.length ? this.starts[Math.max(0, line)] : (this.starts[this.starts.length - 1] ?? 0);
  }

  rangeOf(offsets: OffsetRange): Range {
    return { start: this.positionAt(offsets.start), end: this.positionAt(offsets.end) };
  }
}

const ruleProviders = ['duo', 'guardian', 'google-authenticator', 'any'];
const actionProviders = ['none', 'guardian', 'google-authenticator', 'duo', 'any'];

const ruleFieldsByProvider: Record<string, string[]> = {
  duo: ['provider', 'ikey', 'skey', 'host', 'username', 'allowRememberBrowser', 'admin', 'ignoreCookie'],
  guardian: ['provider', 'allowRememberBrowser', 'ignoreCookie'],
  'google-authenticator': ['provider', 'allowRememberBrowser', 'ignoreCookie', 'issuer'],
};
const allRuleFields = [...new Set(Object.values(ruleFieldsByProvider).flat())];
const actionOptionFields = ['allowRememberBrowser', 'providerOptions'];
const providerOptionFields = ['host', 'ikey', 'skey', 'username'];
const adminFields = ['ikey', 'skey'];
const duoKeyFields = ['ikey', 'skey', 'host'];

type Expected = 'string' | 'boolean' | 'object';
// `provider` is not listed: checkConfig reports a non-string provider itself (once).
const expectedTypes: Record<string, Expected> = {
  ikey: 'string',
  skey: 'string',
  host: 'string',
  username: 'string',
  issuer: 'string',
  allowRememberBrowser: 'boolean',
  ignoreCookie: 'boolean',
  admin: 'object',
  providerOptions: 'object',
};

const fieldLabels: Record<string, string> = {
  ikey: 'Client ID (ikey)',
  skey: 'Client secret (skey)',
  host: 'API hostname (host)',
  provider: 'provider',
};

/** Optimal-string-alignment distance, case-insensitive (a transposition costs 1). */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const n = b.length;
  // Three rows of the table, reused: a transposition looks two rows back. Every member of the context is tried
  // against 'multifactor', thousands in a large file, and a table of arrays per name showed in its profile.
  let twoBack = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, twoBack[j - 2] + 1);
      current[j] = d;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[n];
}

/**
 * The closest candidate when it is plausibly a typo of `name`, else the only candidate `name`
 * begins (a half-typed key such as `sk` or `allowRemember`).
 */
function suggestNearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  for (const c of candidates) {
    // The distance is at least the difference in length: most names (every member of the context is tried
    // against 'multifactor') are skipped without the table.
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(name, c);
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  if (name.length < 2) return undefined;
  // The one candidate that the name begins, if only one does.
  const lower = name.toLowerCase();
  let completion: string | undefined;
  for (const c of candidates) {
    if (c.length <= name.length || !c.toLowerCase().startsWith(lower)) continue;
    if (completion !== undefined) return undefined;
    completion = c;
  }
  return completion;
}

/**
 * A documentation sample instead of a value: `...`, `XXXXXXXX`, empty, text wrapped in braces or
 * angle brackets (`{INTEGRATION_KEY}`, `<your ikey>`), `YOUR_…`/`your…` prose naming a key, secret,
 * host, id or integration (`Your WebSDK Integration Key`), `REPLACE_WITH_…`, `CHANGE_ME`.
 */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '' || v.includes('...') || v.includes('…') || v.includes('XXXXXXXX') || /REPLACE_WITH_/i.test(v)) return true;
  if (/^\{[^{}]*\}$/.test(v) || /^<[^<>]*>$/.test(v)) return true;
  if (/^your/i.test(v) && /key|secret|host|id|integration/i.test(v)) return true;
  return /^change[_ -]?me$/i.test(v);
}

/** A sample application id left in a list of clients: `REPLACE_WITH_…`, `{yourClientId}`, `{YOUR_CLIENT_ID}`. */
function clientIdPlaceholder(value: string): string | undefined {
  // Both patterns need one of these: most strings of a file have neither, and this runs for every string twice.
  if (!value.includes('{') && !value.includes('REPLACE_WITH_')) return undefined;
  const replace = /\{?REPLACE_WITH_[A-Za-z0-9_]*\}?/.exec(value);
  if (replace) return replace[0];
  const braced = /^\s*(\{[A-Za-z_ ]*client[_ ]?id[A-Za-z_ ]*\})\s*$/i.exec(value);
  return braced?.[1];
}

/** Whether a configuration makes Auth0 ask for a second factor (`none` and non-object values do not). */
function requiresMfa(config: MfaConfig): boolean {
  if (config.form === 'action-enable') return config.providerName !== 'none';
  return !config.nonObject;
}

function describeKind(value: MfaValue): string {
  switch (value.kind) {
    case 'string': return 'a string';
    case 'boolean': return 'a boolean';
    case 'number': return 'a number';
    case 'null': return 'null';
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'function': return 'a function';
    default: return 'an expression';
  }
}

/** Why a literal host is not a bare Duo API host name, or undefined when it is one. */
function hostProblem(host: string): string | undefined {
  if (/^api-[A-Za-z0-9]+\.(duosecurity|duofederal)\.com$/i.test(host)) return undefined;
  if (/\s/.test(host)) return 'contains spaces';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'includes a scheme (write the host name without https://)';
  if (host.includes('/')) return 'includes a path (write the host name only)';
  if (/:\d*$/.test(host)) return 'includes a port (write the host name only)';
  if (/\.(duosecurity|duofederal)\.com$/i.test(host)) return 'is not an API host (Duo API hosts look like api-XXXXXXXX.duosecurity.com)';
  return 'is not a Duo host (expected api-XXXXXXXX.duosecurity.com or api-XXXXXXXX.duofederal.com)';
}

class Collector {
  readonly findings: Array<Omit<Finding, 'range' | 'severity'>> = [];

  add(code: DiagnosticCode, offsets: OffsetRange, message: string, data?: FindingData): void {
    this.findings.push({ code, offsets, message, data });
  }
}

/** Checks one MFA configuration of a rule or action. */
function checkConfig(model: RuleModel, config: MfaConfig, configIndex: number, out: Collector): void {
  const isRule = model.kind === 'rule';
  const providers = isRule ? ruleProviders : actionProviders;
  const name = config.providerName;
  const anchor = config.anchorRange;

  // The provider itself (a configuration that a later `{ ...context.multifactor, … }` completes is checked there).
  if (config.provider === null) {
    const elsewhere = config.completedLater || config.suppliedKeys?.includes('provider');
    if (!elsewhere && (isRule ? config.options.fieldsKnown && !config.nonObject : true)) {
      out.add('missing-field', anchor, isRule
        ? "The multifactor configuration has no 'provider': add provider: 'duo'."
        : "api.multifactor.enable() needs a provider as its first argument, e.g. 'duo'.", { field: 'provider', container: 'options', configIndex });
    }
  } else if (config.provider.kind === 'string') {
    if (name !== undefined && !providers.includes(name)) {
      const suggestion = suggestNearest(name, providers);
      const actionOnly = isRule && name === 'none' ? " ('none' exists only for post-login Actions)" : '';
      out.add('unknown-provider', config.provider.range,
        `Auth0 does not accept the MFA provider '${name}'${actionOnly}. Valid providers: ${providers.join(', ')}.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
        { suggestion, configIndex });
    }
  } else if (config.provider.kind !== 'dynamic') {
    out.add('invalid-type', config.provider.range, `The provider must be a string such as 'duo', not ${describeKind(config.provider)}.`, { field: 'provider', configIndex });
  } else {
    // `provider: admin ? 'duo' : 'guardian'`: each branch like an inline value.
    for (const choice of config.provider.choices ?? []) {
      if (choice.kind === 'string' && !providers.includes(choice.literal as string)) {
        const suggestion = suggestNearest(choice.literal as string, providers);
        out.add('unknown-provider', choice.range,
          `Auth0 does not accept the MFA provider '${choice.literal as string}'. Valid providers: ${providers.join(', ')}.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
          { suggestion, configIndex });
      } else if (choice.kind !== 'string' && choice.kind !== 'dynamic' && choice.kind !== 'missing' && !(choice.kind === 'null' && !isRule)) {
        out.add('invalid-type', choice.range, `The provider must be a string such as 'duo', not ${describeKind(choice)}.`, { field: 'provider', configIndex });
      }
    }
  }
  const providerKnown = name !== undefined && providers.includes(name);
  const providerUnknownLiteral = name !== undefined && !providerKnown;

  if (isRule && config.nonObject) {
    // `= false` says "no MFA" on purpose; any other non-object is a mistake that silently disables MFA.
    if (config.nonObject.kind === 'boolean' && config.nonObject.literal === false) return;
    out.add('invalid-type', config.nonObject.range,
      `context.multifactor must be an object such as { provider: 'duo', … }, not ${describeKind(config.nonObject)}: Auth0 requires no MFA when this is not an object.`, { field: 'multifactor', configIndex });
    return;
  }
  if (isRule) {
    const fields = name && ruleFieldsByProvider[name] ? ruleFieldsByProvider[name] : allRuleFields;
    const hasDuoKeys = duoKeyFields.some((k) => findProperty(config.options, k)) || !!findProperty(config.options, 'admin');
    const duo = name === 'duo' || (!providerKnown && !providerUnknownLiteral && hasDuoKeys);
    if (!providerUnknownLiteral) checkFields(config.options, fields, 'options', out, configIndex, true);
    if (duo) {
      if (!config.completedLater) checkMissing(model, config, config.options, 'options', out, configIndex, 'The Duo configuration');
      checkDuoValues(model, config.options, 'options', out, configIndex);
      // `admin: { … }`, or each object branch of `admin: a ? { … } : { … }`.
      for (const admin of adminObjects(config)) {
        checkFields(admin, adminFields, 'admin', out, configIndex, true);
        checkDuoValues(model, admin, 'admin', out, configIndex);
        checkAdminSameAsAuth(config.options, admin, out, configIndex);
      }
    }
    return;
  }

  // Actions: api.multifactor.enable(provider, { allowRememberBrowser, providerOptions: { … } })
  checkFields(config.options, actionOptionFields, 'options', out, configIndex, false);
  const providerOptions = findProperty(config.options, 'providerOptions');
  if (providerOptions && providerKnown && name !== 'duo' && name !== 'any') {
    out.add('unknown-field', providerOptions.keyRange, `'providerOptions' is only used by the 'duo' provider; '${name}' ignores it.`, { field: 'providerOptions', configIndex });
  }
  const duo = name === 'duo' || (!providerKnown && !providerUnknownLiteral && !!providerOptions);
  if (!duo) return;
  const po = config.duoOptions;
  // Without providerOptions Auth0 uses the Duo keys of the tenant's Duo factor settings (its documented form).
  if (po === null) return;
  checkFields(po, providerOptionFields, 'providerOptions', out, configIndex, false);
  checkMissing(model, config, po, 'providerOptions', out, configIndex, 'providerOptions');
  checkDuoValues(model, po, 'providerOptions', out, configIndex);
}

/** The admin credential objects of a Rule's Duo configuration: the literal, or each object branch of a `?:`. */
function adminObjects(config: MfaConfig): MfaObject[] {
  const admin = findProperty(config.options, 'admin');
  if (!admin) return [];
  return admin.value.object ? [admin.value.object] : admin.value.alternatives ?? [];
}

/**
 * missing-field for ikey/skey/host, on the configuration's anchor. Keys supplied by the earlier
 * configurations a `{ ...context.multifactor, … }` spreads count; for a literal returned by a
 * helper function the message says which return it is.
 */
function checkMissing(model: RuleModel, config: MfaConfig, object: MfaObject, container: FindingData['container'], out: Collector, configIndex: number, what: string): void {
  if (!object.fieldsKnown) return;
  const helper = config.helper;
  const subject = helper ? `${what} that ${helper.name}() returns on line ${lineNumberAt(model.text, helper.range.start)}${helper.what === 'options' && container === 'providerOptions' ? ' (its providerOptions)' : ''}`
    : config.branch ? `${what} in branch ${config.branch.index} of the ?: (line ${lineNumberAt(model.text, config.branch.start)})`
      : what;
  for (const key of duoKeyFields) {
    if (!findProperty(object, key) && !(container === 'options' && config.suppliedKeys?.includes(key))) {
      out.add('missing-field', config.anchorRange, `${subject} is missing '${key}': the ${fieldLabels[key]} of your Duo application.`, { field: key, container, configIndex });
    }
  }
}

/** The 1-based line of an offset. */
function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/** unknown-field, invalid-type and deprecated-field for the keys of one object. */
function checkFields(object: MfaObject, allowed: string[], container: FindingData['container'], out: Collector, configIndex: number, isRule: boolean): void {
  for (const prop of object.properties) {
    if (prop.keyToken) continue;
    if (!allowed.includes(prop.key)) {
      reportUnknownField(prop, allowed, container, out, configIndex, isRule);
      continue;
    }
    checkType(prop, out, configIndex);
    if (prop.key === 'ignoreCookie' && isRule) {
      const inverted = prop.value.kind === 'boolean' ? !prop.value.literal : undefined;
      out.add('deprecated-field', prop.keyRange,
        `'ignoreCookie' was replaced by 'allowRememberBrowser' (inverted): use allowRememberBrowser: ${inverted === undefined ? '!<value>' : String(inverted)}.`,
        { field: 'ignoreCookie', allowRememberBrowser: inverted, configIndex });
    }
  }
}

function reportUnknownField(prop: MfaProperty, allowed: string[], container: FindingData['container'], out: Collector, configIndex: number, isRule: boolean): void {
  const where = container === 'admin' ? 'the admin credentials' : container === 'providerOptions' ? 'providerOptions' : isRule ? 'this multifactor configuration' : 'the options of api.multifactor.enable()';
  let hint = '';
  let suggestion = suggestNearest(prop.key, allowed);
  if (!isRule && prop.key === 'ignoreCookie') {
    suggestion = 'allowRememberBrowser';
    hint = ' Actions have no ignoreCookie: use allowRememberBrowser (inverted).';
  } else if (!isRule && container === 'providerOptions' && prop.key === 'admin') {
    hint = ' Actions have no equivalent of the Rule admin credentials.';
  } else if (!isRule && container === 'options' && providerOptionFields.includes(prop.key)) {
    suggestion = undefined;
    hint = ` In Actions it belongs inside providerOptions.`;
  } else if (suggestion) {
    hint = ` Did you mean '${suggestion}'?`;
  }
  out.add('unknown-field', prop.keyRange, `'${prop.key}' is not a valid field of ${where}.${hint}`, { field: prop.key, suggestion, configIndex });
}

/** A value, or each branch of a `?:` (`host: prod ? 'api-a…' : 'api-b…'`), to check like inline values. */
function valueLeaves(value: MfaValue): MfaValue[] {
  return value.choices ?? [value];
}

function checkType(prop: MfaProperty, out: Collector, configIndex: number): void {
  for (const value of valueLeaves(prop.value)) checkValueType(prop, value, out, configIndex);
}

function checkValueType(prop: MfaProperty, value: MfaValue, out: Collector, configIndex: number): void {
  const expected = expectedTypes[prop.key];
  if (!expected || value.kind === 'dynamic' || value.kind === 'missing' || value.kind === expected) return;
  const shown = value.kind === 'string' && (prop.key === 'allowRememberBrowser' || prop.key === 'ignoreCookie') && typeof value.literal === 'string' && value.literal.length <= 10
    ? `the string '${value.literal}'`
    : describeKind(value);
  out.add('invalid-type', value.range, `'${prop.key}' must be ${expected === 'object' ? 'an object' : `a ${expected}`}, not ${shown}.`, { field: prop.key, configIndex });
}

/** What is wrong with a key's shape, without quoting it (it may be a secret): length and unexpected characters. */
function describeShape(value: string, upperCaseOnly: boolean): string {
  const extras: string[] = [];
  if (upperCaseOnly && /[a-z]/.test(value)) extras.push('lower-case letters');
  if (/[^A-Za-z0-9]/.test(value)) extras.push('characters other than letters and digits');
  const count = `${value.length} character${value.length === 1 ? '' : 's'}`;
  return extras.length ? `${count} with ${extras.join(' and ')}` : count;
}

/** Placeholders, formats and hard-coded secrets of ikey/skey/host in one object. */
function checkDuoValues(model: RuleModel, object: MfaObject, container: FindingData['container'], out: Collector, configIndex: number): void {
  for (const key of duoKeyFields) {
    const prop = findProperty(object, key);
    if (!prop) continue;
    for (const leaf of valueLeaves(prop.value)) checkDuoValue(model, key, leaf, container, out, configIndex);
  }
}

/** Placeholder, format and hard-coded secret of one literal value of ikey/skey/host. */
function checkDuoValue(model: RuleModel, key: string, value: MfaValue, container: FindingData['container'], out: Collector, configIndex: number): void {
  if (value.kind !== 'string') return;
  const literal = value.literal as string;
  const label = container === 'admin' ? `admin.${key}` : container === 'providerOptions' ? `providerOptions.${key}` : key;
  if (isPlaceholder(literal)) {
    out.add('placeholder-value', value.range,
      `'${label}' is still the documentation sample${literal.trim() === '' ? ' (empty)' : ''}: put the ${fieldLabels[key]} of your Duo application here.`, { field: key, container, configIndex });
    return;
  }
  if (key === 'ikey' && !/^[A-Z0-9]{20}$/.test(literal)) {
    out.add('invalid-ikey', value.range, `'${label}' does not look like a Duo Client ID: expected 20 upper-case letters and digits, found ${describeShape(literal, true)}.`, { field: key, container, configIndex });
  }
  if (key === 'skey') {
    if (!looksLikeDuoSkey(literal)) {
      out.add('invalid-skey', value.range, `'${label}' does not look like a Duo Client secret: expected 40 letters and digits, found ${describeShape(literal, false)}.`, { field: key, container, configIndex });
    }
    const secretName = container === 'admin' ? 'DUO_ADMIN_SKEY' : 'DUO_SKEY';
    const replacement = model.kind === 'rule' ? `configuration.${secretName}` : `${model.eventName ?? 'event'}.secrets.${secretName}`;
    out.add('hardcoded-secret', value.range,
      `The Duo ${container === 'admin' ? 'Admin API secret' : 'Client secret'} is written into the code, where anyone who can read it can use it: read it from ${replacement} instead.`,
      { field: key, container, replacement, configIndex });
  }
  if (key === 'host') {
    const problem = hostProblem(literal);
    if (problem) out.add('invalid-host', value.range, `'${label}' ${problem}.`, { field: key, container, configIndex });
  }
}

function checkAdminSameAsAuth(options: MfaObject, admin: MfaObject, out: Collector, configIndex: number): void {
  const ikey = findProperty(options, 'ikey');
  const adminIkey = findProperty(admin, 'ikey');
  if (!ikey || !adminIkey || ikey.value.kind !== 'string' || adminIkey.value.kind !== 'string') return;
  if (ikey.value.literal !== adminIkey.value.literal || isPlaceholder(ikey.value.literal as string)) return;
  out.add('admin-same-as-auth', adminIkey.value.range,
    "admin.ikey is the same as the Auth API ikey: the Admin API needs its own Duo application (Admin API type) with its own keys.", { field: 'ikey', container: 'admin', configIndex });
}

const ruleGlobalNames: ReadonlySet<string> = new Set(ruleGlobals);

function textOf(model: RuleModel, node: { start: number; end: number }): string {
  return model.text.slice(node.start, node.end);
}

/** Whether `node` is the whole expression of a statement (so replacing it by a call keeps the meaning). */
function isStatementExpression(node: AnyNode | undefined, parent: AnyNode | undefined): boolean {
  return !!node && parent?.type === 'ExpressionStatement' && parent.expression === node;
}

/** `callback(new UnauthorizedError(m))`: the call, when the reference is its callback or its UnauthorizedError. */
function denyCallOf(ref: FreeReference): (AnyNode & { type: 'CallExpression' }) | undefined {
  const { user, userParent } = ref;
  const call = ref.name === 'callback' ? (ref.access === 'call' ? user : undefined)
    : ref.name === 'UnauthorizedError' && user?.type === 'NewExpression' && user.callee === ref.node ? userParent : undefined;
  if (call?.type !== 'CallExpression' || call.callee.type !== 'Identifier' || call.callee.name !== 'callback') return undefined;
  const first = call.arguments[0];
  const isDeny = first?.type === 'NewExpression' && first.callee.type === 'Identifier' && first.callee.name === 'UnauthorizedError'
    && first.arguments.length === 1 && first.arguments[0].type !== 'SpreadElement';
  return isDeny ? call : undefined;
}

/** `callback(null, …)` / `callback()` called as a statement or returned: the statement. */
function successStatementOf(ref: FreeReference): AnyNode | undefined {
  const { user, userParent } = ref;
  if (ref.name !== 'callback' || ref.access !== 'call' || user?.type !== 'CallExpression') return undefined;
  const first = user.arguments[0];
  const success = !first || (first.type === 'Literal' && first.value === null) || (first.type === 'Identifier' && first.name === 'undefined');
  if (!success) return undefined;
  if (isStatementExpression(user, userParent) || (userParent?.type === 'ReturnStatement' && userParent.argument === user)) return userParent;
  return undefined;
}

/**
 * The mechanical rewrite of a Rules-global reference, when there is one and the handler's names
 * are in reach. Rewrites that wrap other code (a denial's message, a claim's value) edit only
 * around it, so the references inside are fixed by their own edits in the same "fix all".
 */
function ruleGlobalRewrite(model: RuleModel, ref: FreeReference, names: Required<ActionNames>, handlerBody: OffsetRange | undefined): FindingData['rewrite'] {
  if (!handlerBody) return undefined;
  const { user, userParent } = ref;
  const deny = denyCallOf(ref);
  if (deny) {
    const first = deny.arguments[0] as AnyNode & { type: 'NewExpression' };
    const message = first.arguments[0];
    const call = lookupCallPattern('deny', names).action.replace('(m)', '(');
    return {
      title: `Replace with ${call}…)`,
      edits: [{ start: deny.start, end: message.start, newText: call }, { start: message.end, end: deny.end, newText: ')' }],
    };
  }
  const success = successStatementOf(ref);
  if (success) {
    // Only in the handler itself: a return inside a nested callback would not end the Action.
    if (ref.enclosingFunction?.type !== 'ArrowFunctionExpression' && ref.enclosingFunction?.type !== 'FunctionExpression' && ref.enclosingFunction?.type !== 'FunctionDeclaration') return undefined;
    if (ref.enclosingFunction.body.start !== handlerBody.start || ref.enclosingFunction.body.end !== handlerBody.end) return undefined;
    return { title: 'Replace with return', edits: [{ start: success.start, end: success.end, newText: 'return;' }] };
  }
  // context.idToken[k] = v / context.accessToken.k = v as a statement → api.…Token.setCustomClaim(k, v)
  if (ref.name === 'context' && ref.members.length === 2 && ref.access === 'write' && (ref.path[1] === 'idToken' || ref.path[1] === 'accessToken')
    && user?.type === 'AssignmentExpression' && user.operator === '=' && isStatementExpression(user, userParent)) {
    const target = ref.members[1];
    if (!target.computed && ref.path[1] === 'accessToken' && ref.path[2] === 'scope') return undefined;
    const key = target.computed ? textOf(model, target.property) : `'${(target.property as { name: string }).name}'`;
    const call = lookupCallPattern(ref.path[1] === 'idToken' ? 'idTokenClaim' : 'accessTokenClaim', names).action.replace('(k, v)', `(${key}, `);
    return {
      title: `Replace with ${call.length > 60 ? `${call.slice(0, 57)}…` : call}…)`,
      edits: [{ start: user.start, end: user.right.start, newText: call }, { start: user.right.end, end: user.end, newText: ')' }],
    };
  }
  if (ref.access === 'write') return undefined;
  const equivalent = lookupMember(ref.path, ref.access === 'call' ? 'read' : ref.access, names);
  if (!equivalent || equivalent.rewrite !== 'mechanical') return undefined;
  const end = equivalent.consumed === 1 ? ref.node.end : ref.members[equivalent.consumed - 2].end;
  // `{ configuration }` shorthand keeps its key.
  const shorthand = equivalent.consumed === 1 && ref.user?.type === 'Property' && ref.user.shorthand;
  return {
    title: `Replace with ${equivalent.action}`,
    edits: [{ start: ref.node.start, end, newText: shorthand ? `${ref.name}: ${equivalent.action}` : equivalent.action }],
  };
}

/** The Action equivalent named in the message. */
function ruleGlobalHint(ref: FreeReference & { name: RuleGlobal }, names: Required<ActionNames>): string {
  if (denyCallOf(ref)) return `callback(new UnauthorizedError(m)) → ${lookupCallPattern('deny', names).action}`;
  if (successStatementOf(ref)) return 'callback(null, user, context) → return';
  if (ref.name === 'callback' || ref.name === 'UnauthorizedError') return describeGlobal(ref.name, names);
  if (ref.name === 'context' && ref.access === 'write' && ref.members.length === 2 && (ref.path[1] === 'idToken' || ref.path[1] === 'accessToken')
    && !(ref.path[1] === 'accessToken' && ref.path[2] === 'scope')) {
    return `context.${ref.path[1]}[k] = v → ${lookupCallPattern(ref.path[1] === 'idToken' ? 'idTokenClaim' : 'accessTokenClaim', names).action}`;
  }
  const equivalent = lookupMember(ref.path, ref.access, names);
  if (!equivalent) return describeGlobal(ref.name, names);
  const ruleText = ref.path.slice(0, equivalent.consumed).join('.');
  return `${ruleText} → ${equivalent.action}${equivalent.rewrite === 'manual' && equivalent.note ? ` (${equivalent.note.replace(/\.$/, '')})` : ''}`;
}

function isRuleGlobalReference(ref: FreeReference): ref is FreeReference & { name: RuleGlobal } {
  return isRuleGlobal(ref.name);
}

/**
 * dotted-key: `providerOptions.ikey: …` in an object literal. One finding per dotted key; the fix
 * merges the dotted keys with the same first name of one object into a nested object, editing
 * only around the values so fixes inside them (configuration → event.secrets) still apply.
 */
function checkDottedKeys(model: RuleModel, out: Collector): void {
  const keys = model.parse.dottedKeys;
  if (keys.length === 0) return;
  const properties = new Map<number, AnyNode & { type: 'Property' }>();
  walk(model.parse.program, {
    enter(node) {
      if (node.type === 'Property') properties.set(node.key.start, node);
    },
  });
  const groups = new Map<string, DottedKey[]>();
  for (const key of keys) {
    const id = `${key.objectStart}:${key.segments[0].name}`;
    groups.set(id, [...(groups.get(id) ?? []), key]);
  }
  for (const group of groups.values()) {
    const prefix = group[0].segments[0].name;
    const rewrite = mergeDottedKeys(model, group, properties);
    for (const key of group) {
      const written = key.segments.map((seg) => seg.name).join('.');
      out.add('dotted-key', key.range,
        `'${written}' is not a valid object key: a dotted name cannot be a key, so this is a syntax error and Auth0 refuses the code. Nest it: ${prefix}: { ${key.segments.slice(1).map((seg) => seg.name).join('.')}: … }.`,
        rewrite ? { rewrite } : undefined);
    }
  }
}

function mergeDottedKeys(model: RuleModel, group: DottedKey[], properties: Map<number, AnyNode & { type: 'Property' }>): FindingData['rewrite'] {
  const props = group.map((key) => properties.get(key.range.start));
  if (props.some((p) => !p)) return undefined;
  // Only consecutive properties (nothing but commas, blanks and comments between them) are merged in place.
  for (let i = 1; i < props.length; i++) {
    const between = model.text.slice(props[i - 1]!.end, props[i]!.start);
    if (!/^\s*,\s*(?:(?:\/\/[^\n]*\n|\/\*[^]*?\*\/)\s*)*$/.test(between)) return undefined;
  }
  const prefix = group[0].segments[0].name;
  const rest = (key: DottedKey): string => key.segments.slice(1).map((seg) => seg.name).join('.');
  const edits = group.map((key, i) => ({ start: key.range.start, end: key.range.end, newText: i === 0 ? `${prefix}: { ${rest(key)}` : rest(key) }));
  const last = props[props.length - 1]!;
  edits.push({ start: last.value.end, end: last.value.end, newText: ' }' });
  return { title: `Merge the dotted keys into ${prefix}: { … }`, edits };
}

/** Whether the subtree holds the string literal 'oauth2-refresh-token'. */
function mentionsRefreshProtocol(model: RuleModel, node: AnyNode): boolean {
  // A strict parse's nodes contain exactly the nodes within their range: the model's list of those
  // literals answers without a walk. acorn-loose's recovered ranges are not trusted that far.
  if (!model.parse.loose) return model.refreshProtocolLiterals.some((at) => node.start <= at && at < node.end);
  let found = false;
  walk(node, {
    enter(n) {
      if (found) return false;
      if (n.type === 'Literal' && n.value === refreshProtocol) found = true;
      return !found;
    },
  });
  return found;
}

/** Whether the subtree returns, throws or calls the rule's callback (an early exit). */
function exits(node: AnyNode, callbackName: string | undefined): boolean {
  let found = false;
  walk(node, {
    enter(n) {
      if (found) return false;
      if (n.type === 'ReturnStatement' || n.type === 'ThrowStatement') found = true;
      else if (n.type === 'CallExpression' && callbackName && n.callee.type === 'Identifier' && n.callee.name === callbackName) found = true;
      return !found;
    },
  });
  return found;
}

/**
 * missing-refresh-token-guard: MFA required with no way around it for refresh-token exchanges,
 * where Auth0 cannot prompt and fails the exchange. A configuration is guarded by an earlier
 * `if` on 'oauth2-refresh-token' that exits, or by a condition around it that mentions it.
 */
function checkRefreshTokenGuard(model: RuleModel, sampleGates: () => SampleGates, out: Collector): void {
  // One warning per MFA assignment: a `{ ...context.multifactor, … }` completes an earlier one (warned there),
  // and the configurations a helper may return share their assignment.
  const seen = new Set<number>();
  const configs = model.configs.map((config, index) => ({ config, index }))
    .filter(({ config }) => requiresMfa(config) && !config.completes && !seen.has(config.range.start) && !!seen.add(config.range.start));
  if (configs.length === 0) return;
  const earlyExits: number[] = [];
  const guardedRanges: OffsetRange[] = [];
  for (const node of model.conditions) {
    const test = node.type === 'LogicalExpression' ? node.left : node.type === 'SwitchStatement' ? node.discriminant : node.test;
    if (!mentionsRefreshProtocol(model, node.type === 'SwitchStatement' ? node : test)) continue;
    guardedRanges.push({ start: node.start, end: node.end });
    if (node.type === 'IfStatement' && exits(node.consequent, model.callbackName)) earlyExits.push(node.end);
  }
  // Built for the first warning only (it reads the whole text for its line ends).
  let fix: FindingData['rewrite'] | null = null;
  // Only files holding a sample client id can gate MFA on one (a walk otherwise saved); asked only for an unguarded MFA.
  let hasSampleClientId: boolean | undefined;
  for (const { config, index } of configs) {
    const at = config.range.start;
    if (earlyExits.some((end) => end <= at) || guardedRanges.some((r) => r.start <= at && at < r.end)) continue;
    hasSampleClientId ??= model.stringLiterals.some((str) => clientIdPlaceholder(str.value));
    // Only reachable for a client list that holds nothing but Auth0's sample id: this MFA cannot run
    // (placeholder-client-id says so) until real ids are there, and then this warning appears.
    if (hasSampleClientId && sampleGates().gates.some((g) => g.kind === 'in' && g.range.start <= at && at < g.range.end)) continue;
    const protocol = model.kind === 'rule' ? `${model.contextName ?? 'context'}.protocol` : `${model.eventName ?? 'event'}.transaction.protocol`;
    out.add('missing-refresh-token-guard', config.anchorRange,
      `MFA is required here also when ${protocol} is '${refreshProtocol}': Auth0 cannot prompt during a refresh-token exchange, so the exchange fails and the application loses its session. Return early for that protocol first.`,
      (fix ??= refreshGuardFix(model)) ? { configIndex: index, rewrite: fix } : { configIndex: index });
  }
}

/** `-1` written as a literal or as `-1` with a unary minus. */
function isMinusOne(node: AnyNode): boolean {
  return (node.type === 'Literal' && node.value === -1)
    || (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' && node.argument.value === 1);
}

/**
 * Code whose running depends on the client being one of Auth0's sample client ids: `in` where it
 * runs only for a listed client (the gate of Auth0's Duo template), `skip` where it runs only for
 * clients not listed (a list of applications exempted from MFA). `test` is the condition, `lists`
 * the variables holding sample-only lists that it reads.
 */
interface SampleGate {
  kind: 'in' | 'skip';
  range: OffsetRange;
  test: OffsetRange;
  lists: Set<string>;
}

interface SampleGates {
  gates: SampleGate[];
  /** The sample-only lists by variable name: the offsets of their placeholder strings. */
  listElements: Map<string, number[]>;
}

/**
 * The sample gates of a program: the branch of an `if`/`?:`/`&&`/`||` whose condition is a
 * membership test on a list holding nothing but placeholders (`['{yourClientId}'].includes(id)`,
 * `LIST.indexOf(id) !== -1`, `id === '{yourClientId}'`), and everything after an `if` that exits
 * on such a test.
 */
function placeholderGates(model: RuleModel): SampleGates {
  const listElements = new Map<string, number[]>();
  const changed = new Set<string>();
  const sampleElements = (init: AnyNode | null | undefined): number[] | undefined =>
    init?.type === 'ArrayExpression' && init.elements.length > 0
      && init.elements.every((e) => e?.type === 'Literal' && typeof e.value === 'string' && !!clientIdPlaceholder(e.value))
      ? init.elements.map((e) => e!.start) : undefined;
  const conditions: AnyNode[] = [];
  walk(model.parse.program, {
    enter(node) {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') {
        const elements = sampleElements(node.init);
        if (elements && !listElements.has(node.id.name)) listElements.set(node.id.name, elements);
        else changed.add(node.id.name);
      } else if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
        changed.add(node.left.name);
      } else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.type === 'Identifier'
        && node.callee.property.type === 'Identifier' && ['push', 'unshift', 'splice', 'fill'].includes(node.callee.property.name)) {
        changed.add(node.callee.object.name);
      } else if (node.type === 'IfStatement' || node.type === 'ConditionalExpression' || node.type === 'LogicalExpression') {
        conditions.push(node);
      }
      return true;
    },
  });
  for (const name of changed) listElements.delete(name);
  let read = new Set<string>();
  const isSampleList = (node: AnyNode): boolean => {
    if (node.type === 'Identifier' && listElements.has(node.name)) {
      read.add(node.name);
      return true;
    }
    return !!sampleElements(node);
  };
  const isSample = (node: AnyNode): boolean => node.type === 'Literal' && typeof node.value === 'string' && !!clientIdPlaceholder(node.value);
  const listMethod = (node: AnyNode, name: string): boolean => node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed
    && node.callee.property.type === 'Identifier' && node.callee.property.name === name && isSampleList(node.callee.object);
  /** Whether `test` being truthy (or falsy) means the client is in the sample list (`inList`) or is not. */
  const implies = (test: AnyNode, truthy: boolean, inList: boolean): boolean => {
    if (test.type === 'UnaryExpression' && test.operator === '!') return implies(test.argument, !truthy, inList);
    if (test.type === 'LogicalExpression') {
      // a && b truthy: both hold; falsy: one fails. a || b falsy: both fail; truthy: one holds.
      const both = (test.operator === '&&') === truthy;
      if (test.operator === '??') return false;
      return both ? implies(test.left, truthy, inList) || implies(test.right, truthy, inList)
        : implies(test.left, truthy, inList) && implies(test.right, truthy, inList);
    }
    // Each test below is true exactly when the client is listed (`member`), or exactly when it is not.
    let member: boolean | undefined;
    if (listMethod(test, 'includes')) member = true;
    else if (test.type === 'BinaryExpression') {
      const { operator, left, right } = test;
      if (operator === '===' || operator === '==' || operator === '!==' || operator === '!=') {
        const equal = operator === '===' || operator === '==';
        const indexOf = listMethod(left, 'indexOf') ? right : listMethod(right, 'indexOf') ? left : undefined;
        if (isSample(left) || isSample(right)) member = equal;
        else if (indexOf && isMinusOne(indexOf)) member = !equal;
      } else if (listMethod(left, 'indexOf')) {
        if ((operator === '>' && isMinusOne(right)) || (operator === '>=' && right.type === 'Literal' && right.value === 0)) member = true;
        else if (operator === '<' && right.type === 'Literal' && right.value === 0) member = false;
      }
    }
    return member !== undefined && (member === truthy) === inList;
  };
  const gates: SampleGate[] = [];
  const add = (test: AnyNode, truthy: boolean, range: OffsetRange): void => {
    read = new Set();
    const kind = implies(test, truthy, true) ? 'in' : implies(test, truthy, false) ? 'skip' : undefined;
    if (kind) gates.push({ kind, range, test: { start: test.start, end: test.end }, lists: read });
  };
  for (const node of conditions) {
    if (node.type === 'IfStatement') {
      add(node.test, true, { start: node.consequent.start, end: node.consequent.end });
      if (node.alternate) add(node.test, false, { start: node.alternate.start, end: node.alternate.end });
      // What follows an `if` that exits runs only when its condition was false.
      if (exits(node.consequent, model.callbackName)) add(node.test, false, { start: node.end, end: model.text.length });
    } else if (node.type === 'ConditionalExpression') {
      add(node.test, true, { start: node.consequent.start, end: node.consequent.end });
      add(node.test, false, { start: node.alternate.start, end: node.alternate.end });
    } else if (node.type === 'LogicalExpression' && node.operator !== '??') {
      add(node.left, node.operator === '&&', { start: node.right.start, end: node.right.end });
    }
  }
  return { gates, listElements };
}

/** Auth0's documented early return, inserted at the top of the rule function or handler. */
function refreshGuardFix(model: RuleModel): FindingData['rewrite'] {
  const fn = model.kind === 'rule' ? model.ruleFunction : (model.actionExports.find((e) => e.name === 'onExecutePostLogin') ?? model.actionExports[0])?.function ?? undefined;
  if (!fn || model.text[fn.bodyRange.start] !== '{') return undefined;
  const line = model.kind === 'rule'
    ? `if (${model.contextName ?? 'context'}.protocol === '${refreshProtocol}') return ${model.callbackName ?? 'callback'}(null, ${model.userName ?? 'user'}, ${model.contextName ?? 'context'});`
    : `if (${model.eventName ?? 'event'}.transaction.protocol === '${refreshProtocol}') return;`;
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const after = model.text.slice(fn.bodyRange.start + 1);
  const indent = /^[ \t]*\r?\n([ \t]+)\S/.exec(after)?.[1] ?? '  ';
  const comment = `// Auth0 cannot ask for MFA during a refresh-token exchange: skip it.`;
  return { title: `Return early for ${refreshProtocol} exchanges`, edits: [{ start: fn.bodyRange.start + 1, end: fn.bodyRange.start + 1, newText: `${eol}${indent}${comment}${eol}${indent}${line}` }] };
}

/** `x.indexOf(y)` calls used as a boolean inside a condition (`if (x.indexOf(y))`, `!x.indexOf(y)`, `a && x.indexOf(y)`). */
function booleanIndexOfCalls(test: AnyNode): Array<{ call: AnyNode & { type: 'CallExpression' }; negation?: AnyNode }> {
  const found: Array<{ call: AnyNode & { type: 'CallExpression' }; negation?: AnyNode }> = [];
  const stack: Array<{ node: AnyNode; negation?: AnyNode }> = [{ node: test }];
  while (stack.length) {
    const { node, negation } = stack.pop()!;
    if (node.type === 'UnaryExpression' && node.operator === '!') stack.push({ node: node.argument, negation: negation ? undefined : node });
    else if (node.type === 'LogicalExpression' && node.operator !== '??') stack.push({ node: node.left }, { node: node.right });
    else if (node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && !node.callee.computed
      && node.callee.property.type === 'Identifier' && node.callee.property.name === 'indexOf' && node.arguments.length >= 1) {
      found.push({ call: node, negation });
    }
  }
  return found;
}

/**
 * mfa-gate-indexof: a condition deciding whether MFA is required (around the MFA, or an earlier
 * `if` that exits) that uses `x.indexOf(y)` as a boolean: index 0 is falsy and -1 truthy, so the
 * first member skips MFA and everyone else gets it.
 */
function checkIndexOfGates(model: RuleModel, out: Collector): void {
  const configs = model.configs.filter(requiresMfa);
  if (configs.length === 0) return;
  const reported = new Set<number>();
  for (const node of model.conditions) {
    if (node.type === 'SwitchStatement' || (node.type === 'LogicalExpression' && node.operator === '??')) continue;
    const test = node.type === 'LogicalExpression' ? node.left : node.test;
    // Only a `!`, `&&`/`||` or a call can be (or hold) such a use: most tests are comparisons or reads.
    if (test.type !== 'UnaryExpression' && test.type !== 'LogicalExpression' && test.type !== 'CallExpression') continue;
    // Most conditions use no indexOf as a boolean: look for one before walking the branch for an exit.
    const calls = booleanIndexOfCalls(test);
    if (calls.length === 0) continue;
    const around = configs.some((c) => node.start <= c.range.start && c.range.end <= node.end && !(test.start <= c.range.start && c.range.end <= test.end));
    const gateBefore = !around && node.type === 'IfStatement' && configs.some((c) => node.end <= c.range.start) && exits(node.consequent, model.callbackName);
    if (!around && !gateBefore) continue;
    for (const { call, negation } of calls) {
      if (reported.has(call.start)) continue;
      reported.add(call.start);
      const target = negation ?? call;
      const callText = model.text.slice(call.start, call.end);
      const compared = `${callText} ${negation ? '===' : '!=='} -1`;
      // Under a `!` that stays (`!!x.indexOf(y)`), the comparison needs parentheses.
      const replacement = !negation && /!\s*$/.test(model.text.slice(Math.max(0, call.start - 20), call.start)) ? `(${compared})` : compared;
      out.add('mfa-gate-indexof', { start: call.start, end: call.end },
        `${negation ? '!' : ''}${callText.length > 60 ? `${callText.slice(0, 57)}…` : callText} decides who gets MFA, but indexOf returns 0 for the first match (falsy) and -1 for none (truthy): write ${negation ? '=== -1' : '!== -1'} (or use includes).`,
        { rewrite: { title: `Compare with ${negation ? '=== -1' : '!== -1'}`, edits: [{ start: target.start, end: target.end, newText: replacement }] } });
    }
  }
}

/** Operators that read their operands as numbers: on an ISO string they give NaN, or false for a comparison. */
const numericOperators = new Set(['-', '/', '*', '%', '**', '<', '>', '<=', '>=']);

/**
 * timestamp-as-number: in an Action, an authentication method's `timestamp` used as a number (`Date.now() -
 * m.timestamp > DAY`, `m.timestamp / 1000`, `Math.floor(m.timestamp)`). It is an ISO 8601 string there (a Rule's
 * was milliseconds), so the arithmetic is NaN and a comparison on it false at every login: a "Duo again after a
 * day" gate never asks again.
 */
function checkTimestampArithmetic(model: RuleModel, out: Collector): void {
  // Cheap tests first: most Actions never read a method's timestamp.
  if (model.kind !== 'action' || !model.eventName || !model.text.includes('timestamp') || !model.text.includes('authentication')) return;
  const reads = methodTimestampReads(model.parse.program as AnyNode, model.text, model.eventName);
  if (reads.size === 0) return;
  walk(model.parse.program as AnyNode, {
    enter(node, parent) {
      if (!reads.has(node) || !parent) return;
      const numeric = (parent.type === 'BinaryExpression' && numericOperators.has(parent.operator))
        || (parent.type === 'UnaryExpression' && (parent.operator === '-' || parent.operator === '+'))
        || (parent.type === 'CallExpression' && parent.arguments.includes(node as never) && parent.callee.type === 'MemberExpression'
          && parent.callee.object.type === 'Identifier' && parent.callee.object.name === 'Math');
      if (!numeric) return;
      const written = model.text.slice(node.start, node.end);
      out.add('timestamp-as-number', { start: node.start, end: node.end },
        `${written.length > 50 ? `…${written.slice(-47)}` : written} is an ISO 8601 string in an Action (a Rule's was milliseconds since 1970): used as a number it is NaN, and a comparison on it is false at every login. Use Date.parse(…) on it.`,
        { rewrite: { title: 'Read it with Date.parse(…)', edits: [{ start: node.start, end: node.end, newText: `Date.parse(${written})` }] } });
    },
  });
}

/** How messages name the MFA of some configurations: `Duo MFA`, `Guardian MFA`, or plain `MFA`. */
function mfaLabelOf(configs: MfaConfig[]): string {
  const names = new Set(configs.map((c) => c.providerName));
  if (names.size !== 1) return 'MFA';
  const only = [...names][0];
  return only === 'duo' ? 'Duo MFA' : only === 'guardian' ? 'Guardian MFA' : only === 'google-authenticator' ? 'Google Authenticator MFA' : 'MFA';
}

/**
 * placeholder-client-id, in files that require MFA (elsewhere a sample client id decides nothing of
 * ours). The message says what the sample does where it is: with a list of the clients that get MFA,
 * MFA never runs; with a list of the clients that skip it, every application gets MFA.
 */
function checkSampleClientIds(model: RuleModel, sampleGates: () => SampleGates, out: Collector): void {
  const mfa = model.configs.filter(requiresMfa);
  if (mfa.length === 0) return;
  // The Duo key values are placeholder-value's (built once a string looks like a sample id: most files have none).
  let duoValues: Set<number> | undefined;
  for (const s of model.stringLiterals) {
    const placeholder = clientIdPlaceholder(s.value);
    if (!placeholder) continue;
    duoValues ??= new Set(model.configs.flatMap((c) => [c.duoOptions, ...adminObjects(c)]).flatMap((o) => o?.properties ?? [])
      .filter((p) => duoKeyFields.includes(p.key)).flatMap((p) => valueLeaves(p.value)).map((v) => v.range.start));
    if (duoValues.has(s.range.start)) continue;
    const { gates, listElements } = sampleGates();
    // The gates this string takes part in (written in the condition, or in a list the condition reads), and the MFA they decide.
    const decided = { in: [] as MfaConfig[], skip: [] as MfaConfig[] };
    for (const gate of gates) {
      const involved = (gate.test.start <= s.range.start && s.range.end <= gate.test.end)
        || [...gate.lists].some((name) => listElements.get(name)?.includes(s.range.start));
      if (involved) decided[gate.kind].push(...mfa.filter((c) => gate.range.start <= c.range.start && c.range.start < gate.range.end));
    }
    const sample = `'${placeholder}' is a placeholder from Auth0's sample: until it is replaced no application matches the check`;
    let message: string;
    if (decided.in.length > 0 && decided.skip.length === 0) {
      message = `${sample} and ${mfaLabelOf(decided.in)} never runs.`;
    } else if (decided.skip.length > 0 && decided.in.length === 0) {
      message = `${sample}, so none skips it: ${mfaLabelOf(decided.skip)} is required for every application, including the ones meant to be exempted.`;
    } else if (decided.in.length > 0) {
      // `if (listed) <this MFA> else <that one>`: both claims hold, each for its own MFA.
      message = `${sample}: ${mfaLabelOf(decided.in)} never runs there, and ${mfaLabelOf(decided.skip)} is required for every application.`;
    } else {
      message = `'${placeholder}' is a placeholder from Auth0's sample: until it is replaced no application's Client ID matches it, so every check against it fails in this file, which requires ${mfaLabelOf(mfa)}.`;
    }
    out.add('placeholder-client-id', s.range, message);
  }
}

/** rule-global-in-action: Rules globals read in an Action that does not declare them. */
function checkRuleGlobals(model: RuleModel, out: Collector): void {
  if (model.kind !== 'action') return;
  for (const ref of findFreeReferences(model.parse.program, ruleGlobalNames)) {
    if (!isRuleGlobalReference(ref)) continue;
    const handler = model.actionExports.find((e) => e.function && e.function.bodyRange.start <= ref.node.start && ref.node.end <= e.function.bodyRange.end);
    const names = { event: handler?.eventName ?? model.eventName ?? 'event', api: handler?.apiName ?? model.apiName ?? 'api' };
    const handlerBody = handler?.eventName && handler.apiName ? handler.function?.bodyRange : undefined;
    const what = ref.name === 'global'
      ? "'global' in an Action is Node's global object, not the Rules cache shared by the rules of a login"
      : `'${ref.name}' is a Rules global that does not exist in Actions: this throws a ReferenceError at every login`;
    const rewrite = ruleGlobalRewrite(model, ref, names, handlerBody);
    out.add('rule-global-in-action', { start: ref.node.start, end: ref.node.end }, `${what}. Use the Action equivalent: ${ruleGlobalHint(ref, names)}.`, rewrite ? { rewrite } : undefined);
  }
}

/**
 * `context.multiFactor = {…}` in a Rule, `api.multiFactor.enable(…)` or `api.multifactor.enabled(…)` in an
 * Action: Auth0 reads none of them. The Rule's login gets no MFA at all; the Action throws a TypeError at
 * every login. Nothing else reports them, since the misspelt name is no MFA configuration.
 */
function checkMisspeltMultifactor(model: RuleModel, out: Collector): void {
  const owner = model.kind === 'rule' ? model.contextName : model.kind === 'action' ? model.apiName : undefined;
  if (!owner) return;
  // Whether a name is a near miss of 'multifactor', once per name: a large file reads the same few context fields thousands of times.
  const nearMultifactor = new Map<string, boolean>();
  const isNearMultifactor = (name: string): boolean => {
    let near = nearMultifactor.get(name);
    if (near === undefined) nearMultifactor.set(name, (near = name !== 'multifactor' && suggestNearest(name, ['multifactor']) === 'multifactor'));
    return near;
  };
  for (const { node } of model.members) {
    if (node.property.type !== 'Identifier') continue;
    const name = node.property.name;
    if (node.object.type === 'Identifier' && node.object.name === owner && isNearMultifactor(name)) {
      const effect = model.kind === 'rule'
        ? `Auth0 reads only ${owner}.multifactor (all lower case), so this login gets no MFA`
        : `${owner}.${name} is undefined in an Action, so using it throws a TypeError at every login`;
      out.add('unknown-field', { start: node.property.start, end: node.property.end }, `'${name}' is not ${model.kind === 'rule' ? 'a context field Auth0 reads' : 'part of the Actions API'}: ${effect}. Did you mean 'multifactor'?`, { suggestion: 'multifactor' });
    } else if (model.kind === 'action' && node.object.type === 'MemberExpression' && !node.object.computed && node.object.object.type === 'Identifier' && node.object.object.name === owner
      && node.object.property.type === 'Identifier' && node.object.property.name === 'multifactor' && name !== 'enable' && suggestNearest(name, ['enable']) === 'enable') {
      out.add('unknown-field', { start: node.property.start, end: node.property.end }, `'${name}' is not a method of ${owner}.multifactor: calling it throws a TypeError at every login. Did you mean 'enable'?`, { suggestion: 'enable' });
    }
  }
}

/**
 * `context.clientId` (for clientID) or `event.client.clientId` (for client_id): a near miss of a field Auth0
 * sets is undefined at every login, so a condition on it never matches (Duo never asked for that
 * application). Only the context and event themselves and event.client, whose fields Auth0 fixes, and
 * never a name the file assigns itself.
 */
function checkMisspeltFields(model: RuleModel, out: Collector): void {
  const root = model.kind === 'rule' ? model.contextName : model.kind === 'action' ? model.eventName : undefined;
  if (!root) return;
  const docRoot = model.kind === 'rule' ? 'context' : 'event';
  // The objects whose fields are checked: the context or event itself, event.client (Actions), and request.geoip,
  // whose fields a Rule names in snake_case and an Action in camelCase (a Rule's `country_code` is undefined in an Action).
  const isRoot = (node: AnyNode): boolean => node.type === 'Identifier' && node.name === root;
  const place = (path: string[]) => ({ path, fields: listFieldDocs(docRoot, path)?.map((f) => f.name) ?? [] });
  const [atRoot, atClient, atGeoip] = [place([]), place(['client']), place(['request', 'geoip'])];
  const isMember = (node: AnyNode, name: string): node is Extract<AnyNode, { type: 'MemberExpression' }> =>
    node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && node.property.name === name;
  /** Which checked object `node` is, matched shape by shape: this runs for every member on the root, thousands in a large file. */
  const placeOf = (node: AnyNode): typeof atRoot | undefined => {
    if (isRoot(node)) return atRoot;
    if (model.kind === 'action' && isMember(node, 'client') && isRoot(node.object as AnyNode)) return atClient;
    if (isMember(node, 'geoip') && isMember(node.object as AnyNode, 'request') && isRoot((node.object as Extract<AnyNode, { type: 'MemberExpression' }>).object as AnyNode)) return atGeoip;
    return undefined;
  };
  const read: Array<{ node: NamedMember['node']; at: typeof atRoot; name: string; key: string }> = [];
  const assigned = new Set<string>();
  for (const { node, assigned: isTarget } of model.members) {
    if (node.property.type !== 'Identifier') continue;
    const at = placeOf(node.object as AnyNode);
    if (!at || at.fields.includes(node.property.name)) continue;
    const name = node.property.name;
    const key = [...at.path, name].join('.');
    if (isTarget) assigned.add(key);
    read.push({ node, at, name, key });
  }
  for (const { node, at, name, key } of read) {
    if (assigned.has(key) || at.fields.length === 0) continue;
    const suggestion = at.fields.find((f) => foldName(f) === foldName(name)) ?? suggestNearest(name, at.fields);
    // A misspelt multifactor has its own, more telling message.
    if (!suggestion || suggestion === 'multifactor') continue;
    const where = [root, ...at.path].join('.');
    out.add('unknown-field', { start: node.property.start, end: node.property.end },
      `'${name}' is not a field of ${where}: ${where}.${name} is undefined at every login (a condition on it never sees the login's value; reading a property of it throws). Did you mean '${suggestion}'?`, { suggestion });
  }
}

/** A name with its case and underscores folded away: `emailVerified`, `EMAIL_VERIFIED` and `email_verified` agree. */
const foldName = (name: string): string => name.replace(/_/g, '').toLowerCase();

/**
 * The profile field `name` is a near miss of, when no connection would plausibly name an attribute so: the same
 * name in another case or with its underscores moved (`emailVerified`, `appMetadata`), or a long name one or two
 * letters off (`app_metdata`). Connections add root attributes of their own (`groups`, `myemail`, `awsRole`), so a
 * short name a few letters from a field is taken as one of those.
 */
function profileNearMiss(name: string, fields: readonly string[]): string | undefined {
  const folded = foldName(name);
  const same = fields.find((f) => foldName(f) === folded);
  if (same !== undefined) return same;
  if (name.length < 10) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const f of fields) {
    if (f.length < 10 || Math.abs(f.length - name.length) >= bestDistance) continue;
    const d = editDistance(name, f);
    if (d < bestDistance) { best = f; bestDistance = d; }
  }
  return best;
}

/**
 * `user.emailVerified` or `event.user.appMetadata`: undefined at every login, so a condition on it never sees the login's value
 * (a Duo gate on it never asks; a bypass on it never skips), and the tests of both sides agree it is undefined.
 * Not a name the file assigns itself, nor a `user` of a nested function's own.
 */
function checkMisspeltUserFields(model: RuleModel, out: Collector): void {
  const isUser = (node: AnyNode): boolean => model.kind === 'rule'
    ? node.type === 'Identifier' && node.name === model.userName
    : model.kind === 'action' && node.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.object.name === model.eventName
      && node.property.type === 'Identifier' && node.property.name === 'user';
  if (model.kind === 'rule' ? !model.userName : model.kind !== 'action' || !model.eventName) return;
  const fields = (model.kind === 'rule' ? listFieldDocs('user', []) : listFieldDocs('event', ['user']))?.map((f) => f.name) ?? [];
  if (fields.length === 0) return;
  const known = new Set(fields);
  const reads: Array<{ node: NamedMember['node']; name: string }> = [];
  const assigned = new Set<string>();
  for (const { node, assigned: isTarget } of model.kind === 'rule' ? model.userMembers : model.members) {
    if (node.property.type !== 'Identifier' || known.has(node.property.name) || !isUser(node.object as AnyNode)) continue;
    if (isTarget) assigned.add(node.property.name);
    reads.push({ node, name: node.property.name });
  }
  for (const { node, name } of reads) {
    if (assigned.has(name)) continue;
    const suggestion = profileNearMiss(name, fields);
    if (!suggestion) continue;
    const where = model.kind === 'rule' ? model.userName : `${model.eventName}.user`;
    out.add('unknown-field', { start: node.property.start, end: node.property.end },
      `'${name}' is not a field of Auth0's user profile: ${where}.${name} is undefined at every login unless a connection sets an attribute of that name (a condition on it never sees the login's value). Did you mean '${suggestion}'?`, { suggestion });
  }
}

function checkModel(model: RuleModel, options: AnalyzeOptions, out: Collector): void {
  if (model.syntaxError) {
    const at = Math.min(model.syntaxError.offset, model.text.length);
    out.add('syntax-error', { start: at, end: Math.min(at + 1, model.text.length) }, `Syntax error: ${model.syntaxError.message}.`);
  }
  let gates: SampleGates | undefined;
  const sampleGates = () => (gates ??= placeholderGates(model));
  checkSampleClientIds(model, sampleGates, out);
  model.configs.forEach((config, i) => checkConfig(model, config, i, out));
  checkRuleGlobals(model, out);
  checkMisspeltMultifactor(model, out);
  checkMisspeltFields(model, out);
  checkMisspeltUserFields(model, out);
  checkDottedKeys(model, out);
  checkRefreshTokenGuard(model, sampleGates, out);
  checkIndexOfGates(model, out);
  checkTimestampArithmetic(model, out);
  if (model.kind === 'rule' && model.ruleFunction) {
    const callbackParam = model.ruleFunction.params[2];
    if (model.callbackName && callbackParam && model.callbackReferences.length === 0) {
      out.add('callback-not-called', callbackParam.range,
        `'${model.callbackName}' is never called: a rule must call ${model.callbackName}(null, user, context) exactly once, or the login hangs until Auth0's 20-second timeout.`);
    }
    const header = model.ruleFunction.headerRange;
    let end = header.end;
    while (end > header.start && /\s/.test(model.text[end - 1])) end--;
    out.add('rules-eol', { start: header.start, end },
      'Auth0 Rules reached end of life on 2026-11-18 and no longer run: migrate this rule to a post-login Action (`duo-rules convert`).');
  }
  const declared = options.declaredConfigurationKeys;
  if (declared && declared.length > 0) {
    const known = new Set(declared);
    for (const ref of model.secretRefs) {
      if (known.has(ref.key)) continue;
      const suggestion = suggestNearest(ref.key, declared);
      const where = ref.source === 'configuration' ? 'the rules configuration (rules-configs/ or rulesConfigs)' : "the Action's secrets";
      out.add('unknown-configuration-key', ref.keyRange,
        `'${ref.key}' is not declared in ${where}, so it is undefined at runtime.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`, { suggestion });
    }
  }
}

/** Parses `/* duo-rules-disable … *\/` (whole file) and `// duo-rules-disable-next-line …` comments. */
function readSuppressions(model: RuleModel, lines: LineIndex): { file: Set<string>; byLine: Map<number, Set<string>> } {
  const file = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  for (const comment of model.parse.comments) {
    const match = /^\s*duo-rules-disable(-next-line)?(?=\s|$)([^]*)$/.exec(comment.value);
    if (!match) continue;
    const codes = match[2].split(/[\s,]+/).filter(Boolean);
    const targets = codes.length ? codes : ['*'];
    if (match[1]) {
      const line = lines.positionAt(comment.end).line + 1;
      const set = byLine.get(line) ?? new Set<string>();
      for (const c of targets) set.add(c);
      byLine.set(line, set);
    } else if (comment.type === 'Block') {
      for (const c of targets) file.add(c);
    }
  }
  return { file, byLine };
}

/** Diagnoses an already built model (the server caches models per document version). */
export function analyzeModel(model: RuleModel, options: AnalyzeOptions = {}): Finding[] {
  const deep = model.parse.tooDeep;
  if (model.kind === 'other' && !deep) return [];
  const out = new Collector();
  if (deep) {
    const at = Math.min(deep.offset, model.text.length);
    out.add('too-deeply-nested', { start: at, end: Math.min(at + 1, model.text.length) },
      `This file nests ${deep.what === 'brackets' ? 'brackets' : 'expressions or statements'} more than ${deep.limit} levels deep here: duo-rules does not analyse it further, so nothing else in it is checked.`);
  } else {
    checkModel(model, options, out);
  }
  const lines = new LineIndex(model.text);
  const { file, byLine } = readSuppressions(model, lines);
  const findings: Finding[] = [];
  // The same literal can be checked twice (a helper's return used by two calls, a spread variable used alone too).
  const reported = new Set<string>();
  for (const f of out.findings) {
    const key = `${f.code}:${f.offsets.start}:${f.offsets.end}:${f.message}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const level = options.severities?.[f.code] ?? defaultSeverities[f.code];
    if (level === 'off' || file.has(f.code) || file.has('*')) continue;
    const range = lines.rangeOf(f.offsets);
    const lineSuppressed = byLine.get(range.start.line);
    if (lineSuppressed && (lineSuppressed.has(f.code) || lineSuppressed.has('*'))) continue;
    findings.push({ ...f, severity: level, range });
  }
  findings.sort((a, b) => a.offsets.start - b.offsets.start || a.code.localeCompare(b.code));
  return findings;
}

/** Parses and diagnoses a rule or Action. Any other JavaScript yields no findings. */
export function analyze(text: string, options: AnalyzeOptions = {}): Finding[] {
  return analyzeModel(buildModel(text), options);
}

/** The LSP Diagnostic for a finding (source "duo-rules", code, link to the README section). */
export function toDiagnostic(finding: Finding): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: lspSeverity[finding.severity],
    source: diagnosticSource,
    code: finding.code,
    codeDescription: { href: codeDescriptionUrl(finding.code) },
    message: finding.message,
  };
  if (finding.data) diagnostic.data = finding.data;
  return diagnostic;
}
