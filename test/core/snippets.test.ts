// Snippets and the injection grammar: the files parse, the manifest points at
// them, and the snippets inserted as they are give the expected diagnostics only.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as acorn from 'acorn';
import { analyze } from '../../server/src/analysis/diagnostics';

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Snippet { prefix: string; body: string[]; description: string; scope?: string }
const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'duo.code-snippets'), 'utf8')) as Record<string, Snippet>;
const byPrefix = (prefix: string): Snippet => {
  const s = Object.values(snippets).find((x) => x.prefix === prefix);
  assert.ok(s, `snippet ${prefix}`);
  return s;
};

/**
 * The text VS Code inserts when every tab stop keeps its default: `${1:default}` -> default,
 * `${1|a,b|}` -> a, `$0` -> nothing, and the `\$`, `\}`, `\\` escapes resolved. Throws on
 * unbalanced placeholders, so it also checks the snippet syntax.
 */
function expand(body: string): string {
  let out = '';
  let i = 0;
  const stack: number[] = [];
  while (i < body.length) {
    const c = body[i];
    if (c === '\\' && /[$}\\]/.test(body[i + 1] ?? '')) { out += body[i + 1]; i += 2; continue; }
    if (c === '$') {
      const choice = /^\$\{\d+\|([^|]*)\|\}/.exec(body.slice(i));
      if (choice) { out += choice[1].split(',')[0]; i += choice[0].length; continue; }
      const open = /^\$\{\d+:/.exec(body.slice(i));
      if (open) { stack.push(i); i += open[0].length; continue; }
      const plain = /^\$(\d+|\{\d+\})/.exec(body.slice(i));
      if (plain) { i += plain[0].length; continue; }
      throw new Error(`unescaped $ at ${i}`);
    }
    if (c === '}' && stack.length) { stack.pop(); i++; continue; }
    out += c;
    i++;
  }
  assert.equal(stack.length, 0, 'unclosed placeholder');
  return out;
}

describe('snippets', () => {
  test('the manifest contributes the snippet file for JavaScript', () => {
    assert.deepEqual(manifest.contributes.snippets, [{ language: 'javascript', path: './snippets/duo.code-snippets' }]);
  });

  test('every snippet has a prefix, a description and a body with valid snippet syntax', () => {
    assert.deepEqual(Object.values(snippets).map((s) => s.prefix).sort(), ['duo-action', 'duo-admin', 'duo-multifactor', 'duo-rule']);
    for (const s of Object.values(snippets)) {
      assert.ok(s.description.length > 10);
      assert.ok(Array.isArray(s.body) && s.body.length > 0);
      expand(s.body.join('\n'));
    }
  });

  test('duo-rule inserted as is: only placeholder-client-id and rules-eol', () => {
    const text = expand(byPrefix('duo-rule').body.join('\n'));
    assert.deepEqual(analyze(text).map((f) => f.code).sort(), ['placeholder-client-id', 'rules-eol']);
  });

  test('duo-rule is a named function, a valid JavaScript file (no "Identifier expected" from VS Code\'s own check)', () => {
    const text = expand(byPrefix('duo-rule').body.join('\n'));
    assert.match(text, /^function duoMfa\(user, context, callback\) \{\n/);
    assert.doesNotThrow(() => acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'script' }));
  });

  test('duo-rule has its first tab stop on the client ID and reads the keys from configuration', () => {
    const body = byPrefix('duo-rule').body.join('\n');
    assert.match(body, /\['\$\{1:\{REPLACE_WITH_YOUR_CLIENT_ID\\\}\}'\]/);
    for (const key of ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST']) assert.match(body, new RegExp(`configuration\\.${key}`));
    // The seed page's comments survive.
    assert.match(body, /run only for the specified clients/);
  });

  test('duo-rule with the client ID filled in is clean apart from the Rules end-of-life notice', () => {
    const text = expand(byPrefix('duo-rule').body.join('\n')).replace('{REPLACE_WITH_YOUR_CLIENT_ID}', 'aBcD1234eFgH5678iJkL9012mNoP3456');
    assert.deepEqual(analyze(text).map((f) => f.code), ['rules-eol']);
  });

  test('duo-action inserted as is gives no diagnostics and uses event.secrets', () => {
    const body = byPrefix('duo-action').body.join('\n');
    assert.match(body, /event\.secrets\./);
    assert.deepEqual(analyze(expand(body)), []);
  });

  test('duo-multifactor and duo-admin inside a rule are clean', () => {
    const admin = expand(byPrefix('duo-admin').body.join('\n'));
    const mfa = expand(byPrefix('duo-multifactor').body.join('\n')).replace(/\n\};$/, `\n${admin}\n};`);
    const text = `function (user, context, callback) {\n${mfa}\ncallback(null, user, context);\n}\n`;
    assert.match(text, /admin: \{\n  ikey: configuration\.DUO_ADMIN_IKEY,/);
    assert.deepEqual(analyze(text).map((f) => f.code), ['rules-eol']);
  });
});

describe('injection grammar', () => {
  const contribution = manifest.contributes.grammars?.find((g: { scopeName: string }) => g.scopeName === 'duo-rules.injection');
  const grammar = JSON.parse(readFileSync(join(root, contribution?.path ?? 'missing'), 'utf8'));

  test('is contributed and injected into JavaScript', () => {
    assert.ok(contribution);
    assert.deepEqual(contribution.injectTo, ['source.js']);
    assert.equal(grammar.scopeName, 'duo-rules.injection');
    assert.match(grammar.injectionSelector, /source\.js/);
    assert.ok(existsSync(join(root, contribution.path)));
  });

  test('placeholders are invalid, deploy-cli tokens are variables', () => {
    const placeholder = new RegExp(grammar.repository.placeholder.match);
    const keyword = new RegExp(grammar.repository.deployKeyword.match);
    assert.match(grammar.repository.placeholder.name, /^invalid\./);
    assert.match(grammar.repository.deployKeyword.name, /^variable\./);
    assert.equal(placeholder.exec("['{REPLACE_WITH_YOUR_CLIENT_ID}']")?.[0], '{REPLACE_WITH_YOUR_CLIENT_ID}');
    assert.equal(keyword.exec('ikey: @@DUO_IKEY@@,')?.[0], '@@DUO_IKEY@@');
    assert.equal(keyword.exec("host: '##DUO_HOST##'")?.[0], '##DUO_HOST##');
    assert.equal(keyword.exec('@@DUO_IKEY##'), null);
    for (const p of grammar.patterns) assert.ok(grammar.repository[p.include.slice(1)], `${p.include} is defined`);
  });
});
