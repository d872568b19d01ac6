// The language server as the editor drives it (node dist/server.js --stdio): runs and
// verifications that handle skeys in every way a rule can (configuration, SecretStorage values,
// literals in the code, a broken configuration file, a Duo server echoing what it receives)
// leave no skey, signature or assertion in any response, error, notification, log or stderr.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const CONFIG_SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ecIq9hJ6MUe';
const STORED_SKEY = 'StoredInSecretStorageStoredInSecretStor1';
const LITERAL_SKEY = 'LiteralInTheCodeLiteralInTheCodeLiteral1';
const UNQUOTED_SKEY = 'UnquotedInBrokenJsonUnquotedInBrokenJson';
const HOST = 'api-3c9a1b2d.duosecurity.com';

let dir: string;
let client: LspClient;
let echo: http.Server;
let echoUrl: string;
/** Signatures and client assertions the echoing server received. */
const sentDerived: string[] = [];
/** Everything the server answered: results and error messages. */
const answers: string[] = [];

const ruleText = `function (user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  console.log('using ' + configuration.DUO_SKEY);
  callback(null, user, context);
}
`;

const literalText = `function (user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: '${IKEY}', skey: '${LITERAL_SKEY}', host: '${HOST}' };
  console.log('the key is ' + context.multifactor.skey);
  while (true) {}
}
`;

function params(file: string, extra: Record<string, unknown> = {}) {
  return { uri: pathToFileURL(join(dir, file)).href, file: join(dir, file), files: { configuration: join(dir, 'configuration.json') }, workspaceRoot: dir, ...extra };
}

async function ask(method: string, body: unknown): Promise<unknown> {
  try {
    const result = await client.request(method, body);
    answers.push(JSON.stringify(result));
    return result;
  } catch (err) {
    answers.push(String((err as Error).message));
    return err;
  }
}

before(async () => {
  dir = createWorkspace({ prefix: 'duo-server-secrets-' }).root;
  writeFileSync(join(dir, 'package.json'), '{ "name": "server-secrets", "private": true }\n');
  writeFileSync(join(dir, 'rule.js'), ruleText);
  writeFileSync(join(dir, 'literal.js'), literalText);
  writeFileSync(join(dir, 'configuration.json'), JSON.stringify({ DUO_IKEY: IKEY, DUO_SKEY: CONFIG_SKEY, DUO_HOST: HOST }));
  writeFileSync(join(dir, 'broken.json'), `{ "DUO_IKEY": "${IKEY}", "DUO_SKEY": ${UNQUOTED_SKEY} }`);
  echo = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const auth = String(req.headers.authorization ?? '');
      if (auth) sentDerived.push(auth.slice(6), Buffer.from(auth.slice(6), 'base64').toString().split(':')[1] ?? '');
      const assertion = new URLSearchParams(body).get('client_assertion');
      if (assertion) sentDerived.push(assertion, assertion.split('.')[2]);
      const reply = req.url === '/auth/v2/ping'
        ? { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } }
        : { stat: 'FAIL', code: 40103, message: `${auth} ${body}`, message_detail: decodeURIComponent(body) };
      res.writeHead(req.url === '/auth/v2/ping' ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(dir).href] });
});

after(async () => {
  await client?.shutdown();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

test('no skey, signature or assertion reaches any response, notification, log or stderr of the language server', async () => {
  const literalUri = pathToFileURL(join(dir, 'literal.js')).href;
  await client.open(literalUri, literalText);
  await client.open(pathToFileURL(join(dir, 'rule.js')).href, ruleText);
  // The literal is flagged (the diagnostic's message is checked with everything else below).
  await client.waitForDiagnostics(literalUri, undefined, (diagnostics) => diagnostics.some((d) => d.code === 'hardcoded-secret'));

  const run = await ask('duoRules/run', params('rule.js')) as { logs: string[] };
  assert.deepEqual(run.logs, ['using [redacted]']);
  const stored = await ask('duoRules/run', params('rule.js', { secrets: { DUO_SKEY: STORED_SKEY } })) as { logs: string[] };
  assert.deepEqual(stored.logs, ['using [redacted]']);
  const timedOut = await ask('duoRules/run', params('literal.js', { timeoutMs: 300 })) as { outcome: string; logs: string[] };
  assert.equal(timedOut.outcome, 'timeout');
  assert.deepEqual(timedOut.logs, ['the key is [redacted]']);
  const broken = await ask('duoRules/run', params('rule.js', { files: { configuration: join(dir, 'broken.json') } }));
  assert.match(String((broken as Error).message), /broken\.json: not valid JSON/);

  for (const secrets of [undefined, { DUO_SKEY: STORED_SKEY }]) {
    const verified = await ask('duoRules/verify', params('rule.js', { secrets, duo: { baseUrl: echoUrl, timeoutMs: 5000 } })) as { verify: { check: { code: number } } };
    assert.equal(verified.verify.check.code, 40103);
  }
  await client.request('textDocument/hover', { textDocument: { uri: literalUri }, position: { line: 1, character: 20 } })
    .then((hover) => answers.push(JSON.stringify(hover)));
  await client.request('textDocument/completion', { textDocument: { uri: pathToFileURL(join(dir, 'rule.js')).href }, position: { line: 2, character: 30 } })
    .then((items) => answers.push(JSON.stringify(items)));

  assert.ok(sentDerived.filter((s) => s.length > 16).length >= 4, 'the echoing server saw the signed requests');
  const everything = [...answers, JSON.stringify(client.notifications), client.stderr].join('\n');
  const secrets = [CONFIG_SKEY, STORED_SKEY, LITERAL_SKEY, ...sentDerived.filter((s) => s.length > 16)];
  for (const secret of secrets) assert.ok(!everything.includes(secret), `leaked ${secret.slice(0, 10)}…`);
  for (let i = 0; i + 8 <= UNQUOTED_SKEY.length; i++) assert.ok(!everything.includes(UNQUOTED_SKEY.slice(i, i + 8)), 'part of the unquoted skey leaked');
});
