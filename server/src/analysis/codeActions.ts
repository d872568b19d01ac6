// Quick fixes and "fix all" for duo-rules findings. Each fix turns one finding's
// data into text edits on the original text; applying it removes that finding and adds no
// error. Pure: model and findings in, offset edits out. A hard-coded secret is never copied:
// its fix only replaces the literal with a configuration/secret reference.
import type { Finding, FindingData } from './diagnostics';
import type { MfaConfig, MfaObject, MfaProperty, RuleModel } from './model';
import { walk, type AnyNode } from './walk';

export interface TextEditOffsets {
  start: number;
  end: number;
  newText: string;
}

export interface QuickFix {
  title: string;
  /** The finding this fix removes. */
  finding: Finding;
  edits: TextEditOffsets[];
  /** Safe to apply without looking (used by source.fixAll.duoRules). */
  safe: boolean;
}

const duoKeys = ['ikey', 'skey', 'host'] as const;
const secretNames: Record<string, string> = { ikey: 'DUO_IKEY', skey: 'DUO_SKEY', host: 'DUO_HOST' };

function secretRef(model: RuleModel, name: string): string {
  return model.kind === 'rule' ? `configuration.${name}` : `${model.eventName ?? 'event'}.secrets.${name}`;
}

function lineIndentAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** The indentation unit the file uses (a tab or some spaces), for new nested lines. */
function indentUnit(text: string): string {
  const m = /\n( +|\t)\S/.exec(text);
  return m ? (m[1] === '\t' ? '\t' : m[1].length >= 2 && m[1].length <= 8 ? ' '.repeat(Math.min(m[1].length, 4)) : '  ') : '  ';
}

/** Properties written inside the object literal itself (not later `x.key = …` writes). */
function literalProperties(object: MfaObject): MfaProperty[] {
  const r = object.range;
  if (!r) return [];
  return object.properties.filter((p) => p.origin === 'literal' && p.range.start > r.start && p.range.end < r.end);
}

/** An edit adding `entries` ("key: value") to an object literal, matching its layout. */
/**
 * Inserts `entries` as properties of `object`: at its start, or after the last property named in
 * `after` (so added Duo keys sit next to the other required keys), else after its last property.
 */
function insertIntoObject(text: string, object: MfaObject, entries: string[], atStart = false, after: readonly string[] = []): TextEditOffsets | undefined {
  const range = object.range;
  if (!range || entries.length === 0) return undefined;
  const props = literalProperties(object);
  const multiline = /[\r\n]/.test(text.slice(range.start, range.end));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (props.length === 0 || atStart) {
    if (multiline) {
      const indent = props.length ? lineIndentAt(text, props[0].range.start) : lineIndentAt(text, range.start) + indentUnit(text);
      return { start: range.start + 1, end: range.start + 1, newText: entries.map((e) => `${eol}${indent}${e},`).join('') };
    }
    const inner = text.slice(range.start + 1, range.end - 1);
    if (props.length) return { start: range.start + 1, end: range.start + 1, newText: ` ${entries.join(', ')},` };
    if (!/\S/.test(inner)) return { start: range.start + 1, end: range.end - 1, newText: ` ${entries.join(', ')} ` };
    // Only a spread (`{ ...context.multifactor }`): the keys go after it; not next to a comment.
    if (/\/[/*]/.test(inner)) return undefined;
    const content = inner.trimEnd();
    return { start: range.start + 1 + content.length, end: range.start + 1 + content.length, newText: `${content.endsWith(',') ? '' : ','} ${entries.join(', ')}` };
  }
  const anchors = props.filter((p) => after.includes(p.key));
  const last = (anchors.length ? anchors : props).reduce((a, b) => (b.range.end > a.range.end ? b : a));
  if (multiline) {
    const indent = lineIndentAt(text, last.range.start);
    return { start: last.range.end, end: last.range.end, newText: entries.map((e) => `,${eol}${indent}${e}`).join('') };
  }
  return { start: last.range.end, end: last.range.end, newText: entries.map((e) => `, ${e}`).join('') };
}

function configOf(model: RuleModel, finding: Finding): MfaConfig | undefined {
  const i = finding.data?.configIndex;
  return i === undefined ? undefined : model.configs[i];
}

function findPropertyAt(config: MfaConfig, start: number, end: number): { prop: MfaProperty; object: MfaObject } | undefined {
  for (const object of [config.options, config.duoOptions, config.admin]) {
    const prop = object?.properties.find((p) => p.keyRange.start === start && p.keyRange.end === end);
    if (object && prop) return { prop, object };
  }
  return undefined;
}

/** The rename of a misspelt key in the same object (`hots` -> `host`) that also ends a missing-field finding. */
function findRenameFor(model: RuleModel, config: MfaConfig, all: Finding[], configIndex: number | undefined, key: string, container: FindingData['container']): QuickFix | undefined {
  const target = container === 'providerOptions' ? config.duoOptions : container === 'admin' ? config.admin : config.options;
  for (const f of all) {
    if (f.code !== 'unknown-field' || f.data?.configIndex !== configIndex || f.data?.suggestion !== key) continue;
    if (findPropertyAt(config, f.offsets.start, f.offsets.end)?.object !== target) continue;
    const fix = fixUnknownField(model, f);
    if (fix) return fix;
  }
  return undefined;
}

/** The missing Duo keys of one configuration object, as a single edit (all of them). */
function fixMissingFields(model: RuleModel, finding: Finding, all: Finding[]): QuickFix | undefined {
  const config = configOf(model, finding);
  const data = finding.data;
  if (!config || !data?.field) return undefined;
  // A literal in a helper outside the Action's handler cannot read `event.secrets`: the key is left to you.
  const helper = config.helper;
  if (helper && model.kind === 'action' && !model.actionExports.some((e) => e.function && e.function.range.start <= helper.range.start && helper.range.end <= e.function.range.end)) return undefined;
  // Adding `host` next to a misspelt `hots` would leave both: renaming it is the fix.
  const renameFor = (key: string): QuickFix | undefined => findRenameFor(model, config, all, data.configIndex, key, data.container ?? 'options');
  const rename = renameFor(data.field);
  if (rename) return { ...rename, finding };
  const siblings = all.filter((f) => f.code === 'missing-field' && f.data?.configIndex === data.configIndex);
  const text = model.text;

  if (data.field === 'provider') {
    // With the provider set to duo, the Duo keys become required: add the absent ones too,
    // unless they are already reported (and fixed) on their own.
    const keysReported = siblings.some((f) => f.data?.field !== 'provider');
    if (model.kind === 'rule') {
      const absent = keysReported ? [] : duoKeys.filter((k) => !config.options.properties.some((p) => p.key === k));
      const entries = ["provider: 'duo'", ...absent.map((k) => `${k}: ${secretRef(model, secretNames[k])}`)];
      const edit = insertIntoObject(text, config.options, entries, true);
      return edit && { title: absent.length ? `Add provider: 'duo' with ${absent.join(', ')} from configuration` : "Add provider: 'duo'", finding, edits: [edit], safe: true };
    }
    // Actions: enable() without arguments. Duo then uses the keys of the tenant's Duo factor settings.
    if (config.callEnd === undefined || (config.argumentRanges?.length ?? 0) > 0) return undefined;
    return { title: "Add the provider 'duo' (keys from the tenant's Duo settings)", finding, edits: [{ start: config.callEnd, end: config.callEnd, newText: "'duo'" }], safe: true };
  }

  const container = data.container ?? 'options';
  const keys = siblings.filter((f) => (f.data?.container ?? 'options') === container && f.data?.field && f.data.field !== 'provider')
    .map((f) => f.data!.field as string)
    .filter((k) => !renameFor(k));
  const ordered = duoKeys.filter((k) => keys.includes(k));
  if (ordered.length === 0) return undefined;
  const entries = ordered.map((k) => `${k}: ${secretRef(model, secretNames[k])}`);
  const title = `Add ${ordered.join(', ')} from ${model.kind === 'rule' ? 'configuration' : 'event.secrets'}`;

  const required = ['provider', ...duoKeys];
  if (model.kind === 'rule' || container === 'options') {
    const edit = insertIntoObject(text, config.options, entries, false, required);
    return edit && { title, finding, edits: [edit], safe: true };
  }
  if (config.duoOptions) {
    const edit = insertIntoObject(text, config.duoOptions, entries, false, required);
    return edit && { title, finding, edits: [edit], safe: true };
  }
  const providerOptions = `providerOptions: { ${entries.join(', ')} }`;
  if (config.options.range) {
    const edit = insertIntoObject(text, config.options, [providerOptions]);
    return edit && { title, finding, edits: [edit], safe: true };
  }
  // enable('duo'): the options argument goes after the provider.
  const args = config.argumentRanges ?? [];
  if (args.length !== 1) return undefined;
  return { title, finding, edits: [{ start: args[0].end, end: args[0].end, newText: `, { ${providerOptions} }` }], safe: true };
}

/** Deletes a property with its comma and, when it has the line to itself, the line. */
function deleteProperty(text: string, prop: MfaProperty): TextEditOffsets {
  let start = prop.range.start;
  let end = prop.range.end;
  const comma = /^\s*,/.exec(text.slice(end));
  if (comma) end += comma[0].length;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const restOfLine = /^[ \t]*(\r?\n)?/.exec(text.slice(end));
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && restOfLine?.[1]) {
    start = lineStart;
    end += restOfLine[0].length;
  }
  return { start, end, newText: '' };
}

function fixDeprecatedField(model: RuleModel, finding: Finding): QuickFix | undefined {
  const config = configOf(model, finding);
  const value = finding.data?.allowRememberBrowser;
  if (!config) return undefined;
  const found = findPropertyAt(config, finding.offsets.start, finding.offsets.end);
  if (!found) return undefined;
  const existing = found.object.properties.find((p) => p.key === 'allowRememberBrowser');
  if (existing) {
    return { title: 'Remove ignoreCookie (allowRememberBrowser is already set)', finding, edits: [deleteProperty(model.text, found.prop)], safe: false };
  }
  if (value === undefined) return undefined;
  return {
    title: `Replace ignoreCookie with allowRememberBrowser: ${value}`,
    finding,
    edits: [
      { start: found.prop.keyRange.start, end: found.prop.keyRange.end, newText: 'allowRememberBrowser' },
      { start: found.prop.value.range.start, end: found.prop.value.range.end, newText: String(value) },
    ],
    safe: true,
  };
}

/**
 * `context.clientId` → `context.clientID`, `user.emailVerified` → `user.email_verified`. Not in fix-all: reading
 * the real field changes what the code decides (that is the point), so each is the user's call.
 */
function fixMisspeltMember(model: RuleModel, finding: Finding, suggestion: string): QuickFix | undefined {
  const name = model.text.slice(finding.offsets.start, finding.offsets.end);
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || !/^[A-Za-z_$][\w$]*$/.test(suggestion)) return undefined;
  return { title: `Change '${name}' to '${suggestion}'`, finding, edits: [{ start: finding.offsets.start, end: finding.offsets.end, newText: suggestion }], safe: false };
}

/** Keeps the quotes of a quoted key or string. */
function requote(original: string, name: string): string {
  const q = original[0];
  return q === "'" || q === '"' || q === '`' ? `${q}${name}${q}` : name;
}

function fixUnknownField(model: RuleModel, finding: Finding): QuickFix | undefined {
  const config = configOf(model, finding);
  const suggestion = finding.data?.suggestion;
  if (!suggestion) return undefined;
  if (!config) return fixMisspeltMember(model, finding, suggestion);
  const found = findPropertyAt(config, finding.offsets.start, finding.offsets.end);
  if (!found || found.object.properties.some((p) => p.key === suggestion)) return undefined;
  const keyText = model.text.slice(found.prop.keyRange.start, found.prop.keyRange.end);
  const edits: TextEditOffsets[] = [{ start: found.prop.keyRange.start, end: found.prop.keyRange.end, newText: requote(keyText, suggestion) }];
  if (found.prop.key === 'ignoreCookie' && suggestion === 'allowRememberBrowser') {
    // ignoreCookie means the opposite of allowRememberBrowser: only a boolean literal can be inverted safely.
    if (found.prop.value.kind !== 'boolean') return undefined;
    edits.push({ start: found.prop.value.range.start, end: found.prop.value.range.end, newText: String(!found.prop.value.literal) });
    return { title: `Replace ignoreCookie with allowRememberBrowser: ${!found.prop.value.literal}`, finding, edits, safe: true };
  }
  return { title: `Rename '${found.prop.key}' to '${suggestion}'`, finding, edits, safe: true };
}

function fixHardcodedSecret(model: RuleModel, finding: Finding): QuickFix | undefined {
  const replacement = finding.data?.replacement
    ?? secretRef(model, finding.data?.container === 'admin' ? 'DUO_ADMIN_SKEY' : 'DUO_SKEY');
  return {
    title: `Read the secret from ${replacement}`,
    finding,
    edits: [{ start: finding.offsets.start, end: finding.offsets.end, newText: replacement }],
    // Not in fix-all: it removes the only copy of the value from the file, which the user must store first.
    safe: false,
  };
}

/** A documentation sample (`'DIXBMN...LZO8IOS8'`) becomes a configuration/secret reference; the sample is worth nothing. */
function fixPlaceholderValue(model: RuleModel, finding: Finding): QuickFix | undefined {
  const field = finding.data?.field;
  if (!field || !(field in secretNames)) return undefined;
  const name = finding.data?.container === 'admin' ? secretNames[field].replace('DUO_', 'DUO_ADMIN_') : secretNames[field];
  const replacement = secretRef(model, name);
  return {
    title: `Read ${field} from ${replacement}`,
    finding,
    edits: [{ start: finding.offsets.start, end: finding.offsets.end, newText: replacement }],
    // Not in fix-all: the configuration key must exist in the tenant first, which only the user can do.
    safe: false,
  };
}

/**
 * A sample client id such as '{REPLACE_WITH_YOUR_CLIENT_ID}': read the ids from a configuration
 * key / Action secret instead, so they are set per tenant and never edited in the code. Inside an
 * array literal (Auth0's template: `var CLIENTS_WITH_MFA = ['{REPLACE_WITH_…}']`) the comma-separated
 * value is spread into it; elsewhere the one id is read.
 */
function fixPlaceholderClientId(model: RuleModel, finding: Finding): QuickFix | undefined {
  const before = model.text.slice(Math.max(0, finding.offsets.start - 200), finding.offsets.start).replace(/\s+$/, '');
  const inArray = /[[,]$/.test(before);
  const replacement = inArray ? `...(${secretRef(model, 'MFA_CLIENT_IDS')} || '').split(',')` : secretRef(model, 'MFA_CLIENT_ID');
  return {
    title: inArray ? `Read the client ids from ${secretRef(model, 'MFA_CLIENT_IDS')} (comma-separated)` : `Read the client id from ${replacement}`,
    finding,
    edits: [{ start: finding.offsets.start, end: finding.offsets.end, newText: replacement }],
    // Not in fix-all: the key must be set in the tenant first, which only the user can do.
    safe: false,
  };
}

/** The comment the "remove the client check" fix leaves, so a reader knows MFA for every application is intended. */
export const clientCheckRemovedComment = "// duo-rules: confirmed: every application requires MFA (the sample's client check was removed on purpose).";

/**
 * Whether `test` is exactly a check of the client against `list` (the placeholder array or literal):
 * `list.includes(c)`, `list.indexOf(c) !== -1` (and `> -1`, `>= 0`), `c === 'id'`, or their negations.
 * Returns true when the check lets the listed clients in, false when it keeps them out, undefined otherwise.
 */
function clientCheckPolarity(test: AnyNode, list: AnyNode): boolean | undefined {
  if (test.type === 'UnaryExpression' && test.operator === '!') {
    const inner = clientCheckPolarity(test.argument, list);
    return inner === undefined ? undefined : !inner;
  }
  const isListCall = (node: AnyNode, method: string) => node.type === 'CallExpression' && node.arguments.length === 1
    && node.callee.type === 'MemberExpression' && !node.callee.computed && node.callee.object === list
    && node.callee.property.type === 'Identifier' && node.callee.property.name === method;
  if (isListCall(test, 'includes')) return true;
  if (test.type !== 'BinaryExpression') return undefined;
  const number = (node: AnyNode): number | undefined => node.type === 'Literal' && typeof node.value === 'number' ? node.value
    : node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number' ? -node.argument.value : undefined;
  if (isListCall(test.left as AnyNode, 'indexOf')) {
    const n = number(test.right);
    if (n === -1 && (test.operator === '!==' || test.operator === '!=' || test.operator === '>')) return true;
    if (n === -1 && (test.operator === '===' || test.operator === '==')) return false;
    if (n === 0 && test.operator === '>=') return true;
    if (n === 0 && test.operator === '<') return false;
    return undefined;
  }
  if (test.left === list || test.right === list) {
    if (test.operator === '===' || test.operator === '==') return true;
    if (test.operator === '!==' || test.operator === '!=') return false;
  }
  return undefined;
}

/** Whether a statement returns, throws or calls the rule's callback. */
function leaves(statement: AnyNode, callbackName: string | undefined): boolean {
  let found = false;
  walk(statement, {
    enter(node) {
      if (found) return false;
      if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement') found = true;
      else if (node.type === 'CallExpression' && callbackName && node.callee.type === 'Identifier' && node.callee.name === callbackName) found = true;
      return !found;
    },
  });
  return found;
}

/** Offsets of the whole lines `start`..`end` covers when nothing else is on them, else just the range. */
function wholeLines(text: string, start: number, end: number): { start: number; end: number } {
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t' || text[lineEnd] === ';')) lineEnd++;
  const startsLine = lineStart === 0 || text[lineStart - 1] === '\n';
  const endsLine = lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r';
  if (!startsLine || !endsLine) return { start, end };
  if (text[lineEnd] === '\r') lineEnd++;
  if (text[lineEnd] === '\n') lineEnd++;
  return { start: lineStart, end: lineEnd };
}

/**
 * The second fix for a sample client id: drop the client check, so every application gets MFA, and say so in
 * a comment. Offered only when the sample value is used for nothing but `if` checks of the client that can be
 * removed without touching other conditions: an `if` around the MFA becomes its body, one that only leaves
 * (skipping the listed clients, or the unlisted ones) disappears, and the list's declaration goes with them.
 */
function fixRemoveClientCheck(model: RuleModel, finding: Finding): QuickFix | undefined {
  const { text } = model;
  const nodes: Array<{ node: AnyNode; parent: AnyNode | undefined }> = [];
  walk(model.parse.program, { enter(node, parent) { nodes.push({ node, parent }); } });
  const parentOf = new Map(nodes.map(({ node, parent }) => [node, parent]));
  const literal = nodes.find(({ node }) => node.start === finding.offsets.start && node.end === finding.offsets.end && (node.type === 'Literal' || node.type === 'TemplateLiteral'))?.node;
  if (!literal) return undefined;
  // What the `if` tests compare the client with: the literal itself, an inline array of it, or a variable holding that array.
  let list: AnyNode = literal;
  let declaration: AnyNode | undefined;
  let listName: string | undefined;
  const array = parentOf.get(literal);
  if (array?.type === 'ArrayExpression') {
    // Real client ids next to the sample one: removing the check would drop them too.
    if (array.elements.length !== 1) return undefined;
    list = array;
    const declarator = parentOf.get(array);
    if (declarator?.type === 'VariableDeclarator' && declarator.init === array && declarator.id.type === 'Identifier') {
      const statement = parentOf.get(declarator);
      if (statement?.type !== 'VariableDeclaration' || statement.declarations.length !== 1) return undefined;
      declaration = statement;
      listName = declarator.id.name;
    }
  }
  const uses = listName
    ? nodes.filter(({ node, parent }) => node.type === 'Identifier' && node.name === listName && !(parent?.type === 'VariableDeclarator' && parent.id === node)
      && !(parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) && !(parent?.type === 'Property' && parent.key === node && !parent.computed)).map(({ node }) => node)
    : [list];
  if (uses.length === 0) return undefined;
  const edits: TextEditOffsets[] = [];
  for (const use of uses) {
    // Climb from the use to the `if` whose whole test is the client check.
    let test: AnyNode = use;
    let statement = parentOf.get(test);
    while (statement && statement.type !== 'IfStatement' && statement.type !== 'Program' && !/Statement|Declaration$/.test(statement.type)) {
      test = statement;
      statement = parentOf.get(statement);
    }
    if (statement?.type !== 'IfStatement' || statement.test !== test || statement.alternate) return undefined;
    if (clientCheckPolarity(test, use) === undefined) return undefined;
    const lines = wholeLines(text, statement.start, statement.end);
    const indent = lineIndentAt(text, statement.start);
    const comment = `${indent}${clientCheckRemovedComment}\n`;
    const body = statement.consequent;
    // Which way round the check is does not matter, what its body does: an `if` around the MFA becomes its
    // body; one that only leaves (`if (listed) return …`, `if (!listed) return …`) goes, so nobody leaves there.
    if (!model.configs.some((c) => body.start <= c.range.start && c.range.end <= body.end)) {
      if (!leaves(body, model.callbackName)) return undefined;
      edits.push({ start: lines.start, end: lines.end, newText: comment });
      continue;
    }
    if (body.type !== 'BlockStatement' || body.body.length === 0) return undefined;
    const inner = wholeLines(text, body.body[0].start, body.body[body.body.length - 1].end);
    const innerIndent = lineIndentAt(text, body.body[0].start);
    const dedented = text.slice(inner.start, inner.end).split('\n')
      .map((line) => (line.startsWith(innerIndent) ? indent + line.slice(innerIndent.length) : line)).join('\n');
    edits.push({ start: lines.start, end: lines.end, newText: comment + dedented + (dedented.endsWith('\n') ? '' : '\n') });
  }
  if (declaration) {
    const lines = wholeLines(text, declaration.start, declaration.end);
    edits.push({ start: lines.start, end: lines.end, newText: '' });
  }
  edits.sort((a, b) => a.start - b.start);
  if (edits.some((e, i) => i > 0 && e.start < edits[i - 1].end)) return undefined;
  return { title: 'Remove the client check: every application requires MFA', finding, edits, safe: false };
}

/** `https://api-x.duosecurity.com:443/path` -> `api-x.duosecurity.com`, when what remains is a Duo API host. */
export function stripHost(value: string): string | undefined {
  const host = value.trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d*$/, '')
    .replace(/\.$/, '');
  return /^api-[A-Za-z0-9]+\.(duosecurity|duofederal)\.com$/i.test(host) ? host.toLowerCase() : undefined;
}

function fixInvalidHost(model: RuleModel, finding: Finding): QuickFix | undefined {
  const original = model.text.slice(finding.offsets.start, finding.offsets.end);
  const quote = original[0];
  if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
  const inner = original.slice(1, -1);
  if (inner.includes('\\') || inner.includes('${')) return undefined;
  const host = stripHost(inner);
  if (!host || host === inner) return undefined;
  return { title: `Use the host name ${host}`, finding, edits: [{ start: finding.offsets.start, end: finding.offsets.end, newText: `${quote}${host}${quote}` }], safe: true };
}

function fixRenameLiteral(model: RuleModel, finding: Finding, what: string): QuickFix | undefined {
  const suggestion = finding.data?.suggestion;
  if (!suggestion) return undefined;
  const original = model.text.slice(finding.offsets.start, finding.offsets.end);
  return {
    title: `Change to ${what === 'provider' ? `'${suggestion}'` : suggestion}`,
    finding,
    edits: [{ start: finding.offsets.start, end: finding.offsets.end, newText: requote(original, suggestion) }],
    safe: false,
  };
}

/**
 * Every quick fix for one finding, the preferred one (`findQuickFix`) first. A sample client id has two: read
 * the ids from a secret or configuration key, or remove the client check.
 */
export function findQuickFixes(model: RuleModel, finding: Finding, all: Finding[]): QuickFix[] {
  const fixes = [findQuickFix(model, finding, all)];
  if (finding.code === 'placeholder-client-id') fixes.push(fixRemoveClientCheck(model, finding));
  return fixes.filter((f): f is QuickFix => !!f);
}

/** The quick fix for one finding, if it has one. `all` is every finding of the file (for grouped fixes). */
export function findQuickFix(model: RuleModel, finding: Finding, all: Finding[]): QuickFix | undefined {
  switch (finding.code) {
    case 'missing-field': return fixMissingFields(model, finding, all);
    case 'deprecated-field': return fixDeprecatedField(model, finding);
    case 'unknown-field': return fixUnknownField(model, finding);
    case 'hardcoded-secret': return fixHardcodedSecret(model, finding);
    case 'invalid-host': return fixInvalidHost(model, finding);
    case 'placeholder-value': return fixPlaceholderValue(model, finding);
    case 'placeholder-client-id': return fixPlaceholderClientId(model, finding);
    case 'unknown-provider': return fixRenameLiteral(model, finding, 'provider');
    case 'unknown-configuration-key': return fixRenameLiteral(model, finding, 'key');
    case 'rule-global-in-action':
    case 'dotted-key': return finding.data?.rewrite ? { title: finding.data.rewrite.title, finding, edits: finding.data.rewrite.edits, safe: true } : undefined;
    // Not in fix-all: skipping MFA for an exchange, or changing who gets MFA, is a decision about the application's security.
    case 'mfa-gate-indexof':
    case 'timestamp-as-number':
    case 'missing-refresh-token-guard': return finding.data?.rewrite ? { title: finding.data.rewrite.title, finding, edits: finding.data.rewrite.edits, safe: false } : undefined;
    default: return undefined;
  }
}

const reservedWords = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async arguments eval undefined').split(' '));

/** A function name from a file name: `duo-mfa.js` -> `duoMfa`; `rule` when nothing usable remains. */
export function ruleNameFromFileName(fileName: string | undefined): string {
  const base = (fileName ?? '').replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const words = base.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join('');
  if (!name) return 'rule';
  return /^[0-9]/.test(name) || reservedWords.has(name) ? `rule${name[0].toUpperCase()}${name.slice(1)}` : name;
}

/**
 * Names an anonymous rule function: `function (user, context, callback)` is what Auth0 shows,
 * but as a file it is not a valid JavaScript statement, so VS Code's built-in JavaScript check
 * marks it "Identifier expected. ts(1003)". Auth0 accepts a named function just as well.
 */
export function findNameRuleFunctionFix(model: RuleModel, fileName?: string): { title: string; edits: TextEditOffsets[]; headerRange: { start: number; end: number } } | undefined {
  const fn = model.kind === 'rule' ? model.ruleFunction : undefined;
  if (!fn || fn.name || fn.arrow) return undefined;
  const header = model.text.slice(fn.headerRange.start, fn.headerRange.end);
  const keyword = /^(?:async\s+)?function\b/.exec(header);
  if (!keyword || !/^\s*\(/.test(header.slice(keyword[0].length))) return undefined;
  let name = ruleNameFromFileName(fileName);
  const taken = new Set(fn.params.map((p) => p.name));
  while (taken.has(name)) name = `${name}Rule`;
  const end = fn.headerRange.start + keyword[0].length;
  const gap = /^\s*/.exec(header.slice(keyword[0].length))![0];
  return {
    title: `Name the rule function '${name}' (fixes VS Code's "Identifier expected" ts(1003); Auth0 accepts named rules)`,
    edits: [{ start: end, end: end + gap.length, newText: ` ${name}` }],
    headerRange: fn.headerRange,
  };
}

/**
 * Every safe fix at once, as non-overlapping edits (for source.fixAll.duoRules and
 * editor.codeActionsOnSave). Grouped fixes (missing keys of one object) are applied once.
 */
export function collectFixAllEdits(model: RuleModel, findings: Finding[]): TextEditOffsets[] {
  const edits: TextEditOffsets[] = [];
  const seen = new Set<string>();
  // A misspelled key that is renamed (hots -> host) also ends its missing-field: do not add it twice.
  const renamed = new Set<string>();
  for (const f of findings) {
    if (f.code === 'unknown-field' && f.data?.configIndex !== undefined && f.data.suggestion && findQuickFix(model, f, findings)) renamed.add(`${f.data.configIndex}:${f.data.suggestion}`);
  }
  const remaining = findings.filter((f) => !(f.code === 'missing-field' && renamed.has(`${f.data?.configIndex}:${f.data?.field}`)));
  const fixes = remaining.map((f) => findQuickFix(model, f, remaining)).filter((f): f is QuickFix => !!f && f.safe);
  for (const fix of fixes) {
    for (const edit of fix.edits) {
      const key = `${edit.start}:${edit.end}:${edit.newText}`;
      if (seen.has(key)) continue;
      if (edits.some((e) => e.start < edit.end && edit.start < e.end || (e.start === edit.start && e.end === edit.end))) continue;
      seen.add(key);
      edits.push(edit);
    }
  }
  return edits.sort((a, b) => a.start - b.start);
}

/** Applies offset edits to a text (for tests and the CLI); edits must not overlap. */
export function applyEdits(text: string, edits: readonly TextEditOffsets[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}
