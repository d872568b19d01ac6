// The hostile attacks through the language server (duoRules/run): named outcomes, and the server
// still answers the next run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { LspClient } from '../../helpers/lspClient';
import { asAction, asRule, assertNoSecretFragment, createArena, DUO_CONFIGURATION, putOnChannel, type Arena } from './hostileHelpers';

let arena: Arena;
let client: LspClient;
before(async () => {
  arena = createArena();
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(arena.ws.root).href] });
});
after(async () => {
  await client.shutdown();
  arena.remove();
});

async function run(name: string, text: string, extra: Record<string, unknown> = {}): Promise<any> {
  const file = join(arena.ws.root, `${name}.js`);
  return client.request('duoRules/run', {
    uri: pathToFileURL(file).href, file, text, files: { configuration: join(arena.ws.root, 'configuration.json') }, workspaceRoot: arena.ws.root, timeoutMs: 3000, ...extra,
  });
}

describe('hostile rules through the language server', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    for (const [what, body, errorName] of [
      ['signal to the server', "const p = console.log.constructor.constructor('return process')(); const parent = p.ppid; if (parent > 1) p._kill(parent, 'SIGSTOP');", 'ProcessSignalError'],
      ['exit around the guard', "console.log.constructor.constructor('return process')().reallyExit(9);", 'ProcessExitError'],
      ['output flood', `${putOnChannel} for (let i = 0; i < 64; i++) put('x'.repeat(1 << 20));`, 'OutputLimitError'],
    ] as const) {
      test(`${form}: ${what} ends the run, the server answers the next one`, async () => {
        const result = await run(`ls-${form}`, wrap(body));
        assert.equal(result.outcome, 'error');
        if (errorName) assert.equal(result.error.name, errorName);
        assertNoSecretFragment(JSON.stringify(result));
        const next = await run('ls-clean', asRule("context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };"));
        assert.equal(next.outcome, 'completed');
        assert.equal(next.multifactor.skey, '[redacted]');
        assert.notEqual(JSON.stringify(next).includes(DUO_CONFIGURATION.DUO_SKEY), true);
      });
    }
  }
});
