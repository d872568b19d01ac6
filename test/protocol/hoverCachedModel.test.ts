// The hover handler on a document whose cached model is a version behind (a large file waiting
// for its re-analysis): it answers from the cached model when the hovered token lies before the
// first edited character, and parses the current text only when the edit could change the answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Hover, HoverParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { buildModel, type RuleModel } from '../../server/src/analysis/model';
import type { ServerContext } from '../../server/src/features/context';
import { register } from '../../server/src/features/hoverHandler';

const rule = `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    skey: configuration.DUO_SKEY,\n    host: configuration.DUO_HOST,\n  };\n  callback(null, user, context);\n}\n`;

/** A hover handler registered on a context whose cached model is for `cachedText`. */
function setUp(cachedText: string, currentText: string) {
  const document = TextDocument.create('file:///r.js', 'javascript', 2, currentText);
  const cached = buildModel(cachedText);
  const parsed: string[] = [];
  let handler: ((params: HoverParams) => Promise<Hover | null>) | undefined;
  const ctx = {
    connection: { onHover: (h: typeof handler) => { handler = h; } },
    documents: { get: (uri: string) => (uri === document.uri ? document : undefined) },
    getSettings: async () => ({ enable: true }),
    getModel: () => cached,
    ensureModel: (): RuleModel => {
      parsed.push(document.getText());
      return buildModel(document.getText());
    },
  } as unknown as ServerContext;
  register(ctx);
  const hoverAt = (needle: string) => {
    const offset = currentText.indexOf(needle) + 1;
    return handler!({ textDocument: { uri: document.uri }, position: document.positionAt(offset) });
  };
  return { hoverAt, parsed };
}

const valueOf = (h: Hover | null) => (h?.contents as { value: string } | undefined)?.value ?? '';

test('a token above the edit is answered from the cached model, without parsing', async () => {
  const edited = rule.replace('  callback(null', '  user.x = 1;\n  callback(null');
  const { hoverAt, parsed } = setUp(rule, edited);
  const answer = await hoverAt('ikey');
  assert.match(valueOf(answer), /\*\*ikey\*\*/);
  assert.deepEqual(answer?.range?.start, { line: 3, character: 4 });
  assert.equal(parsed.length, 0);
});

test('a token at or after the edit is answered from the current text', async () => {
  // The edit shifted the host line down: a stale answer would point at the wrong place.
  const edited = rule.replace("    ikey:", "    allowRememberBrowser: false,\n    ikey:");
  const { hoverAt, parsed } = setUp(rule, edited);
  const answer = await hoverAt('host');
  assert.match(valueOf(answer), /\*\*host\*\*/);
  assert.deepEqual(answer?.range?.start, { line: 6, character: 4 });
  assert.equal(parsed.length, 1);
  // Typing right after a token (ikey → ikeys) changes it: not answered from the cache either.
  const typed = setUp(rule, rule.replace('ikey:', 'ikeys:'));
  await typed.hoverAt('ikeys');
  assert.equal(typed.parsed.length, 1);
});

test('a current cached model is used as is', async () => {
  const { hoverAt, parsed } = setUp(rule, rule);
  assert.match(valueOf(await hoverAt('provider')), /\*\*provider\*\*/);
  assert.equal(parsed.length, 0);
});
