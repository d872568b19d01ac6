// Manifest honesty: what package.json promises (commands, settings, menus, snippets, grammar,
// activation, trust) exists in the code, and the custom protocol names agree on both sides.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { diagnosticCodes } from '../../server/src/analysis/codes';
import { readSetting, settingsSchema, type AnySettingSpec, severitySetting, severitySettingPrefix } from '../../shared/settings';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function readSources(dir: string): Map<string, string> {
  const sources = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [p, t] of readSources(path)) sources.set(p, t);
    else if (name.endsWith('.ts')) sources.set(path, readFileSync(path, 'utf8'));
  }
  return sources;
}

const clientSources = readSources(join(root, 'client', 'src'));
const serverSources = readSources(join(root, 'server', 'src'));
const clientText = [...clientSources.values()].join('\n');
const allSources = [...clientSources, ...serverSources];

interface Command { command: string; title: string; category?: string; enablement?: string }
const commands: Command[] = pkg.contributes.commands;
const sections: Array<{ title: string; properties: Record<string, any> }> = pkg.contributes.configuration;
const settings = Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, any>;

test('activation stays cheap: only when a JavaScript file opens (commands activate on their own)', () => {
  assert.deepEqual(pkg.activationEvents, ['onLanguage:javascript']);
  assert.equal(pkg.main, './dist/client.js');
});

test('every contributed command is registered by the client, and every registered command is contributed', () => {
  const registered = [...clientText.matchAll(/registerCommand\(\s*'([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, commands.map((c) => c.command).sort());
});

test('commands have the Duo category and Title Case titles that do not repeat it', () => {
  const small = new Set(['a', 'an', 'the', 'to', 'of', 'for', 'and', 'or', 'in', 'on', 'with']);
  for (const { command, title, category } of commands) {
    assert.ok(command.startsWith('duoRules.'), command);
    assert.equal(category, 'Duo', command);
    assert.ok(!/^Duo\b/.test(title), `${command}: the title repeats the category`);
    // A trailing qualifier in parentheses, such as "(legacy)", is lower case as in VS Code's own titles.
    for (const [i, word] of title.replace(/ \([a-z]+\)$/, '').split(/[\s-]+/).entries()) {
      if (i > 0 && small.has(word.toLowerCase())) assert.equal(word, word.toLowerCase(), `${command}: '${word}' in '${title}'`);
      else assert.match(word, /^[A-Z]/, `${command}: '${word}' in '${title}' is not capitalised`);
    }
  }
});

test('running and verifying are disabled in untrusted workspaces; restricted settings exist', () => {
  const byId = new Map(commands.map((c) => [c.command, c]));
  for (const id of ['duoRules.runRule', 'duoRules.verifyDuo']) assert.equal(byId.get(id)?.enablement, 'isWorkspaceTrusted', id);
  const trust = pkg.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.match(trust.description, /trusted workspace/);
  for (const key of trust.restrictedConfigurations) assert.ok(key in settings, `${key} is restricted but not contributed`);
  // Files whose content decides what runs or where secrets go: an untrusted workspace must not pick them.
  for (const key of ['duoRules.configurationFile', 'duoRules.mappingsFile', 'duoRules.mock.mocksFile']) {
    assert.ok(trust.restrictedConfigurations.includes(key), `${key} is not restricted in untrusted workspaces`);
  }
});

test('menus only name contributed commands', () => {
  const ids = new Set(commands.map((c) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, Array<{ command: string; when?: string }>>)) {
    for (const item of items) assert.ok(ids.has(item.command), `${menu}: ${item.command}`);
  }
});

test('settings sit in titled sections with a scope and a one-sentence markdownDescription; enums are described', () => {
  assert.deepEqual(sections.map((s) => s.title), ['General', 'Diagnostics', 'Running', 'Duo']);
  for (const [key, schema] of Object.entries(settings)) {
    assert.ok(key.startsWith('duoRules.'), key);
    assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(schema.scope), `${key}: scope`);
    const description: string = schema.markdownDescription;
    assert.ok(typeof description === 'string' && /^[A-Z].*\.$/.test(description), `${key}: markdownDescription`);
    // A command's palette title ("Duo: Check Tenant") is no sentence break.
    assert.equal(description.replace(/\bDuo: (?=[A-Z])/g, '').split(/[.:!?]\s+[A-Z]/).length, 1, `${key}: more than one sentence`);
    if (schema.enum) assert.equal(schema.enumDescriptions?.length, schema.enum.length, `${key}: enumDescriptions`);
  }
});

test('one severity setting per diagnostic code of codes.ts, read through the duoRules.diagnostics section', () => {
  const severityKeys = Object.keys(settings).filter((k) => k.startsWith('duoRules.diagnostics.')).sort();
  assert.deepEqual(severityKeys, diagnosticCodes.map((c) => `duoRules.diagnostics.${c}`).sort());
  for (const key of severityKeys) {
    assert.deepEqual(settings[key].enum, ['default', 'error', 'warning', 'information', 'hint', 'off'], key);
    assert.equal(settings[key].default, 'default', key);
  }
  assert.ok([...serverSources].some(([, text]) => text.includes('readSeveritySettings(')), 'nothing reads duoRules.diagnostics.<code>');
});

test('every other contributed setting is read by the client or the server', () => {
  for (const key of Object.keys(settings).filter((k) => !k.startsWith('duoRules.diagnostics.'))) {
    const suffix = key.slice('duoRules.'.length);
    const read = key === 'duoRules.trace.server'
      // vscode-languageclient reads `<id>.trace.server` for the client id.
      ? clientText.includes("new LanguageClient('duoRules'")
      : allSources.some(([, text]) => text.includes(`'${suffix}'`)
        || (text.includes("section: 'duoRules'") && new RegExp(`\\.${suffix.replace('.', '\\.')}\\b`).test(text)));
    assert.ok(read, `${key} is contributed but never read`);
  }
});

test('every contributed setting has the type, default, scope and choices of the shared settings schema, and the reverse', () => {
  const schemaOf = (key: string): AnySettingSpec | undefined => key.startsWith(severitySettingPrefix) ? severitySetting : (settingsSchema as Record<string, AnySettingSpec | undefined>)[key];
  for (const [key, contributed] of Object.entries(settings)) {
    const suffix = key.slice('duoRules.'.length);
    const schema = schemaOf(suffix);
    assert.ok(schema, `${key} is contributed but missing from shared/settings.ts`);
    assert.equal(contributed.type, schema.type, key);
    assert.deepEqual(contributed.default, schema.default, key);
    assert.equal(contributed.scope, schema.scope, key);
    assert.deepEqual(contributed.enum, schema.enum, key);
  }
  for (const key of Object.keys(settingsSchema)) assert.ok(`duoRules.${key}` in settings, `duoRules.${key} is in shared/settings.ts but not contributed`);
});

test('settings read from an LSP configuration section: nested or dotted values, defaults for missing or mistyped ones', () => {
  assert.equal(readSetting({}, 'enable'), true);
  assert.equal(readSetting({ enable: false }, 'enable'), false);
  assert.equal(readSetting({ enable: 'no' }, 'enable'), true);
  assert.equal(readSetting({ run: { timeoutMs: 250 } }, 'run.timeoutMs'), 250);
  assert.equal(readSetting({ 'run.timeoutMs': 300 }, 'run.timeoutMs'), 300);
  assert.equal(readSetting({ run: { network: 'sometimes' } }, 'run.network'), 'on');
  assert.deepEqual(readSetting({ configurationKeys: 'DUO_IKEY' }, 'configurationKeys'), []);
});

test('snippet files parse and hold the snippets the insert commands use', () => {
  for (const { language, path } of pkg.contributes.snippets) {
    assert.equal(language, 'javascript');
    const snippets = JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;
    for (const [name, snippet] of Object.entries(snippets)) {
      assert.equal(typeof snippet.prefix, 'string', name);
      assert.ok(Array.isArray(snippet.body) && snippet.body.length > 0, name);
      assert.equal(typeof snippet.description, 'string', name);
    }
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    const usedPrefixes = [...clientText.matchAll(/insertSnippetCommand\([^,]+,\s*'([^']+)'\)/g)].map((m) => m[1]);
    // The Insert Duo Rule / Insert Duo Action commands: found, so the loop below checks something.
    assert.deepEqual(usedPrefixes.sort(), ['duo-action', 'duo-rule']);
    for (const used of usedPrefixes) {
      assert.ok(prefixes.includes(used), `the insert command uses '${used}', missing from ${path}`);
    }
  }
});

test('grammar files parse and declare the contributed scope', () => {
  for (const { scopeName, path, injectTo } of pkg.contributes.grammars) {
    const grammar = JSON.parse(readFileSync(join(root, path), 'utf8'));
    assert.equal(grammar.scopeName, scopeName);
    assert.ok(grammar.injectionSelector, 'an injection grammar needs an injectionSelector');
    assert.ok(injectTo.includes('source.js'));
  }
});

test('custom requests and notifications have the same names on both sides', () => {
  const serverText = [...serverSources.values()].join('\n');
  const clientRequests = [...clientText.matchAll(/sendRequest<[^>]+>\('(duoRules\/\w+)'/g)].map((m) => m[1]);
  const serverRequests = [...serverText.matchAll(/(?:onRequest\(|RequestType<[^>]+>\()'(duoRules\/\w+)'/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(clientRequests)].sort(), [...new Set(serverRequests)].sort());
  const clientNotifications = [...clientText.matchAll(/onNotification\('(duoRules\/\w+)'/g)].map((m) => m[1]);
  const serverNotifications = [...serverText.matchAll(/sendNotification\('(duoRules\/\w+)'/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(clientNotifications)].sort(), [...new Set(serverNotifications)].sort());
});


test('palette titles do not repeat the "Duo" category ("Duo: Insert Duo …" reads twice)', () => {
  for (const c of commands) {
    assert.equal(c.category, 'Duo', `${c.command} is outside the Duo category`);
    assert.doesNotMatch(c.title, /\bDuo\b/, `${c.command}: "Duo: ${c.title}" repeats the category`);
  }
});

test('every "Duo: …" command a message names is a Command Palette title, spelt exactly', () => {
  const titles = commands.map((c) => `${c.category ?? pkg.displayName}: ${c.title}`);
  const named: string[] = [];
  const descriptions = Object.entries(settings).map(([key, spec]) => [`package.json ${key}`, `${spec.markdownDescription ?? ''}\n`] as [string, string]);
  for (const [path, text] of [...allSources, ...descriptions]) {
    // Comments may abbreviate; what reaches the user is in the code.
    const code = text.split('\n').filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line)).join('\n');
    for (const match of code.matchAll(/Duo: (?=[A-Z])/g)) {
      const title = titles.find((t) => code.startsWith(t, match.index));
      assert.ok(title, `${path}: "${code.slice(match.index, match.index + 50)}" is no palette title (${titles.join(', ')})`);
      named.push(title);
    }
  }
  // The messages send users to these commands; the test would pass vacuously without them.
  for (const title of ['Duo: Convert Rule to Post-Login Action', 'Duo: Store Secret', 'Duo: Check Tenant', 'Duo: Store Auth0 Credentials']) {
    assert.ok(named.includes(title), `no message names ${title}`);
  }
});
