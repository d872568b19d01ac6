// Completion contract on caret-marked fixtures: `|` is the cursor. Includes text
// that does not parse (the half-typed line, unclosed objects, truncated files) and files that
// are not Rules or Actions, where nothing is offered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { complete, readFileShape, type CompletionAnswer } from '../../server/src/analysis/completion';
import { buildModel } from '../../server/src/analysis/model';
import { caret } from '../helpers/caret';

function at(fixture: string, declaredKeys?: string[]): { answer: CompletionAnswer | null; text: string; offset: number } {
  const { text, offset } = caret(fixture);
  return { answer: complete({ text, offset, declaredKeys }), text, offset };
}

function labels(fixture: string, declaredKeys?: string[]): string[] | null {
  const { answer } = at(fixture, declaredKeys);
  return answer ? answer.items.map((i) => i.label) : null;
}

const ruleHead = 'function (user, context, callback) {\n';
const actionHead = 'exports.onExecutePostLogin = async (event, api) => {\n';

describe('inside the context.multifactor object', () => {
  test('offers provider and the Duo keys, labels are plain names', () => {
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = {\n    |\n  };\n  callback(null, user, context);\n}`),
      ['provider', 'ikey', 'skey', 'host', 'username', 'allowRememberBrowser', 'admin']);
  });

  test('never offers keys already present, before or after the cursor', () => {
    const got = labels(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    |\n    host: configuration.DUO_HOST,\n  };\n  callback(null, user, context);\n}`);
    assert.deepEqual(got, ['skey', 'username', 'allowRememberBrowser', 'admin']);
  });

  test('next to its former name ignoreCookie, allowRememberBrowser comes first, as the warning and its fix recommend', () => {
    const got = labels(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ignoreCookie: true,\n    |\n  };\n  callback(null, user, context);\n}`);
    assert.deepEqual(got, ['allowRememberBrowser', 'ikey', 'skey', 'host', 'username', 'admin']);
    // Typing `allow` there finds it, and says that ignoreCookie goes.
    const { answer } = at(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ignoreCookie: true,\n    allow|\n  };\n  callback(null, user, context);\n}`);
    const item = answer?.items.find((i) => i.label === 'allowRememberBrowser');
    assert.ok(item, JSON.stringify(answer?.items.map((i) => i.label)));
    assert.match(String(item.detail), /replaces ignoreCookie/);
  });

  test('the half-typed key is replaced, not kept', () => {
    const { answer, text } = at(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    sk|\n`);
    assert.ok(answer);
    assert.equal(text.slice(answer.replace.start, answer.replace.end), 'sk');
    assert.ok(answer.items.some((i) => i.label === 'skey'));
  });

  test('works in an unclosed object at the end of a truncated file', () => {
    assert.ok(labels(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    |`)?.includes('ikey'));
  });

  test('inserts a configuration-based value as a snippet in Rules', () => {
    const { answer } = at(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    |\n  };\n}`);
    const ikey = answer?.items.find((i) => i.label === 'ikey');
    assert.equal(ikey?.insertText, 'ikey: configuration.${1:DUO_IKEY},');
    assert.equal(ikey?.insertTextFormat, 2);
    assert.match(String((ikey?.documentation as { value: string }).value), /Client ID \(formerly integration key\)/);
  });

  test('other providers get their own keys', () => {
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = { provider: 'google-authenticator', | };\n}`), ['allowRememberBrowser', 'issuer']);
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = { provider: 'guardian', | };\n}`), ['allowRememberBrowser']);
  });

  test('uses the rule\'s own parameter names', () => {
    const got = labels('function (u, ctx, cb) {\n  ctx.multifactor = {\n    |\n');
    assert.ok(got?.includes('ikey'));
    assert.equal(labels('function (u, ctx, cb) {\n  context.multifactor = {\n    |\n'), null);
  });

  test('an object bound to a variable that is assigned to context.multifactor', () => {
    assert.ok(labels(`${ruleHead}  var mfa = { provider: 'duo', | };\n  context.multifactor = mfa;\n}`)?.includes('host'));
    // Spaces, line breaks and comments between the tokens, and const as well as var.
    assert.ok(labels(`${ruleHead}  const  mfa\n    = /* Duo */ {\n    |\n  };\n  context\n    .multifactor =\n    mfa;\n}`)?.includes('ikey'));
    // Only that variable: another one whose name starts the same, a comparison, or another object's multifactor is not it.
    assert.equal(labels(`${ruleHead}  var mfa = { | };\n  context.multifactor = mfaOptions;\n}`), null);
    assert.equal(labels(`${ruleHead}  var mfa = { | };\n  if (context.multifactor == mfa) {}\n}`), null);
    assert.equal(labels(`${ruleHead}  var mfa = { | };\n  other.multifactor = mfa;\n}`), null);
    assert.equal(labels(`${ruleHead}  mfa = { | };\n  context.multifactor = mfa;\n}`), null);
  });

  test('the object assigned to context.multifactor is found across spaces and comments, and only that one', () => {
    assert.ok(labels(`${ruleHead}  context . multifactor /* Duo */ =\n  {\n    |\n  };\n}`)?.includes('ikey'));
    assert.equal(labels(`${ruleHead}  foo.context.multifactor2 = { | };\n}`), null);
    assert.equal(labels(`${ruleHead}  mycontext.multifactor = { | };\n}`), null);
    assert.equal(labels(`${ruleHead}  context.multifactor == { | };\n}`), null);
  });

  test('an object merged into context.multifactor with Object.assign, a comment before its brace too', () => {
    assert.ok(labels(`${ruleHead}  context.multifactor = {};\n  Object.assign(context.multifactor, { provider: 'duo', | });\n}`)?.includes('host'));
    assert.ok(labels(`${ruleHead}  context.multifactor = {};\n  Object.assign(context.multifactor, /* the keys */ {\n    |\n  });\n}`)?.includes('ikey'));
    assert.equal(labels(`${ruleHead}  Object.assign(other.multifactor, { | });\n}`), null);
  });

  test('a quoted key position or a nested unrelated object gets nothing', () => {
    assert.equal(labels(`${ruleHead}  context.multifactor = {\n    'ik|': 1\n  };\n}`), null);
    assert.equal(labels(`${ruleHead}  var other = { | };\n}`), null);
  });
});

describe('provider values', () => {
  test('before the quotes, the value is inserted quoted', () => {
    const { answer } = at(`${ruleHead}  context.multifactor = {\n    provider: |\n  };\n}`);
    assert.deepEqual(answer?.items.map((i) => i.label), ['duo', 'guardian', 'google-authenticator', 'any']);
    assert.equal(answer?.items[0].insertText, "'duo'");
  });

  test('right after the colon (the trigger character) values keep a space after it', () => {
    const first = (fixture: string): string | undefined => at(fixture).answer?.items[0].insertText;
    assert.equal(first(`${ruleHead}  context.multifactor = {\n    provider:|\n  };\n}`), " 'duo'");
    assert.equal(first(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ikey:|\n  };\n}`), ' configuration.DUO_IKEY');
    assert.equal(first(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    allowRememberBrowser:|\n  };\n}`), ' false');
    assert.equal(first(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ikey: |\n  };\n}`), 'configuration.DUO_IKEY');
  });

  test('inside the quotes, only the name is inserted and the string content replaced', () => {
    const { answer, text } = at(`${ruleHead}  context.multifactor = {\n    provider: 'gu|ard',\n  };\n}`);
    assert.deepEqual(answer?.items.map((i) => i.label), ['duo', 'guardian', 'google-authenticator', 'any']);
    assert.equal(answer?.items[0].insertText, 'duo');
    assert.equal(text.slice(answer!.replace.start, answer!.replace.end), 'guard');
  });

  test('first argument of api.multifactor.enable( offers none as well', () => {
    assert.deepEqual(labels(`${actionHead}  api.multifactor.enable(|`), ['duo', 'guardian', 'google-authenticator', 'any', 'none']);
    assert.deepEqual(labels(`${actionHead}  api.multifactor.enable("|")\n};`), ['duo', 'guardian', 'google-authenticator', 'any', 'none']);
  });

  test('not in the second argument or in other calls', () => {
    assert.equal(labels(`${actionHead}  api.other.enable(|`), null);
    assert.equal(labels(`${actionHead}  console.log('|')`), null);
  });
});

describe('comments between the entry and the caret', () => {
  // The entry before the caret is read without its comments; a comment can end in a `:` or hide the whole entry.
  const providers = ['duo', 'guardian', 'google-authenticator', 'any'];
  test('a line comment after the last entry, with or without a colon, still leaves a key position', () => {
    const keys = ['skey', 'host', 'username', 'allowRememberBrowser', 'admin'];
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY, // the client ID: from the configuration\n    |\n  };\n}`), keys);
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY, // the client ID\n    |\n  };\n}`), keys);
  });

  test('a comment between a key and the caret keeps the value position', () => {
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = {\n    provider: /* the factor */ |\n  };\n}`), providers);
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = {\n    provider: // the factor\n      |\n  };\n}`), providers);
    assert.deepEqual(labels(`${actionHead}  api.multifactor.enable(/* the factor */ |`), [...providers, 'none']);
  });

  test('after code in a long function body, no key or value is offered', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `  var u${i} = 'https://x${i}.example'; // see: docs`).join('\n');
    assert.equal(labels(`${ruleHead}${body}\n  callback(null, user, context);\n  |\n}`), null);
    assert.equal(labels(`${actionHead}${body}\n  api.multifactor.enable(user /* ? */ |`), null);
  });
});

describe('admin and Action options', () => {
  test('inside admin: { } only ikey and skey', () => {
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = {\n    provider: 'duo',\n    admin: {\n      |\n    },\n  };\n}`), ['ikey', 'skey']);
    assert.deepEqual(labels(`${ruleHead}  context.multifactor = { provider: 'duo', admin: { ikey: configuration.A, | } };\n}`), ['skey']);
  });

  test('the options object of enable()', () => {
    assert.deepEqual(labels(`${actionHead}  api.multifactor.enable('duo', { | });\n};`), ['allowRememberBrowser', 'providerOptions']);
    assert.deepEqual(labels(`${actionHead}  api.multifactor.enable('duo', {\n    allowRememberBrowser: false,\n    |`), ['providerOptions']);
  });

  test('inside providerOptions: ikey, skey, host, username with event.secrets values', () => {
    const { answer } = at(`${actionHead}  api.multifactor.enable('duo', {\n    providerOptions: {\n      |\n`);
    assert.deepEqual(answer?.items.map((i) => i.label), ['ikey', 'skey', 'host', 'username']);
    assert.equal(answer?.items[0].insertText, 'ikey: event.secrets.${1:DUO_IKEY},');
  });

  test('an Action with other parameter names', () => {
    const { answer } = at('exports.onExecutePostLogin = async (ev, a) => {\n  a.multifactor.enable("duo", { providerOptions: { | } });\n};');
    assert.equal(answer?.items.find((i) => i.label === 'skey')?.insertText, 'skey: ev.secrets.${1:DUO_SKEY}');
  });
});

describe('member completion', () => {
  test('context. and user. in Rules, with one-line docs', () => {
    const { answer } = at(`${ruleHead}  if (context.|`);
    const clientID = answer?.items.find((i) => i.label === 'clientID');
    assert.ok(clientID);
    assert.match(String((clientID.documentation as { value: string }).value), /Client ID of the application/);
    assert.ok(labels(`${ruleHead}  var x = user.|`)?.includes('app_metadata'));
    assert.ok(labels(`${ruleHead}  var x = context.request.geoip.|`)?.includes('country_code'));
  });

  test('event., event.user., event.client. in Actions', () => {
    assert.ok(labels(`${actionHead}  if (event.|`)?.includes('transaction'));
    assert.ok(labels(`${actionHead}  const email = event.user.em|`)?.includes('email'));
    assert.deepEqual(labels(`${actionHead}  if (event.client.|`), ['client_id', 'name', 'metadata']);
    // An Action's location fields are camelCase, a Rule's snake_case.
    assert.ok(labels(`${actionHead}  if (event.request.geoip.|`)?.includes('countryCode'));
    assert.ok(!labels(`${actionHead}  if (event.request.geoip.|`)?.includes('country_code'));
  });

  test('configuration. and event.secrets. offer the declared keys', () => {
    assert.deepEqual(labels(`${ruleHead}  var k = configuration.|`, ['DUO_IKEY', 'DUO_SKEY']), ['DUO_IKEY', 'DUO_SKEY']);
    assert.deepEqual(labels(`${actionHead}  const k = event.secrets.|`, ['DUO_HOST']), ['DUO_HOST']);
  });

  test('Rules globals are not offered in Actions and vice versa', () => {
    assert.equal(labels(`${actionHead}  context.|`), null);
    assert.equal(labels(`${ruleHead}  event.|`), null);
  });

  test('nothing inside comments or strings', () => {
    assert.equal(labels(`${ruleHead}  // context.|\n}`), null);
    assert.equal(labels(`${ruleHead}  /* context.| */\n}`), null);
    assert.equal(labels(`${ruleHead}  var s = 'context.|';\n}`), null);
    assert.equal(labels(`${ruleHead}  var s = \`\${context.|}\`;\n}`)?.includes('clientID'), true);
  });

  test('a regular expression containing braces does not confuse the scan', () => {
    assert.ok(labels(`${ruleHead}  var re = /[{(]/;\n  context.multifactor = {\n    |\n`)?.includes('ikey'));
  });
});

describe('files that are not Rules or Actions', () => {
  test('an Express app with context.multifactor gets nothing', () => {
    const app = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => {\n  context.multifactor = {\n    |\n  };\n  context.|\n});\n";
    // One caret at a time: the object key position, then the member position.
    assert.equal(labels(app.replace('context.|', 'context.')), null);
    assert.equal(labels(app.replace('    |\n', '    \n')), null);
  });

  test('an empty file gets nothing', () => {
    assert.equal(labels('|'), null);
  });
});

describe('large files', () => {
  test('completion on a 20,000-line rule needs no parse and finds the object', () => {
    const filler = Array.from({ length: 20000 }, (_, i) => `  var v${i} = { a: ${i}, s: 'x{' + "}" };`).join('\n');
    const fixture = `${ruleHead}${filler}\n  context.multifactor = {\n    provider: 'duo',\n    |\n  };\n  callback(null, user, context);\n}\n`;
    assert.deepEqual(labels(fixture), ['ikey', 'skey', 'host', 'username', 'allowRememberBrowser', 'admin']);
  });
});

describe('file shape', () => {
  test('read from the text when no model is cached, also mid-typing', () => {
    assert.deepEqual(readFileShape('/** doc */\nfunction requireDuo(u, ctx, cb) {\n  ctx.'), { kind: 'rule', userName: 'u', contextName: 'ctx' });
    assert.deepEqual(readFileShape('exports.onExecutePostLogin = async (ev, a) => {'), { kind: 'action', eventName: 'ev', apiName: 'a' });
    assert.equal(readFileShape('const x = 1;\n').kind, 'other');
  });

  test('a current model saying "other" wins over the text', () => {
    // The first function reads like a rule header; the whole file is not a rule (no diagnostics, no hover).
    const text = 'function helper(user, context) {}\nfunction other(c) {}\ncontext.multifactor = {\n  \n};\n';
    const model = buildModel(text);
    assert.equal(model.kind, 'other');
    const offset = text.indexOf('  \n') + 2;
    assert.ok(complete({ text, offset })?.items.some((i) => i.label === 'ikey'), 'the text alone reads as a rule');
    assert.equal(complete({ text, offset, shape: { kind: model.kind } }), null);
  });
});

describe('bad input', () => {
  test('binary junk, long blank prefixes and every offset: no throw, and it finishes', { timeout: 20000 }, () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const junk = Array.from({ length: 3000 }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');
    const texts = [
      junk,
      ' '.repeat(100000) + 'x',
      '\n'.repeat(50000) + 'function (user, context, callback) {\n  context.',
      '/*'.repeat(1000),
      `${ruleHead}  context.multifactor = { provider: '${"\\'".repeat(500)}`,
      `${ruleHead}${'{'.repeat(5000)}`,
      `${ruleHead}  var t = \`\${\`\${\`\${context.`,
    ];
    for (const text of texts) {
      for (let i = 0; i < 200; i++) complete({ text, offset: Math.floor(random() * (text.length + 2)) - 1 });
      complete({ text, offset: text.length });
    }
    assert.ok(labels(`${'\n'.repeat(50000)}${ruleHead}  context.|`)?.includes('clientID'));
  });
});
