// Every failure reason of the verify result (StepReason in shared/verifyResult.ts), produced by small misbehaving HTTP servers on 127.0.0.1,
// and the promise that secrets never come back out, even from a server that echoes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isVerified, verifyMultifactor, type Multifactor } from '../../server/src/duo/verify';

const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const HOST = 'api-12345678.duosecurity.com';
const mfa: Multifactor = { provider: 'duo', ikey: IKEY, skey: SKEY, host: HOST, username: 'jamie' };

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
interface TestServer { url: string; port: number; connections: number; requests: Seen[]; close(): Promise<void> }

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string, seen: Seen[]) => void): Promise<TestServer> {
  const requests: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body, requests);
    });
  });
  const state = { connections: 0 };
  server.on('connection', () => { state.connections++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, port, requests,
    get connections() { return state.connections; },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function assertSecretFree(value: unknown, extra: string[] = []): void {
  const text = JSON.stringify(value);
  for (const secret of [SKEY, ...extra]) assert.ok(!text.includes(secret), `secret leaked: ${secret.slice(0, 12)}… in ${text}`);
}

test('slow server: both checks time out within the bound (timeout)', async () => {
  const server = await serve(() => { /* never answers */ });
  try {
    const started = Date.now();
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url, timeoutMs: 400 });
    const elapsed = Date.now() - started;
    assert.equal(result.check.reason, 'timeout');
    assert.equal(result.universal.reason, 'timeout');
    assert.match(result.check.message, /within 400 ms/);
    assert.ok(elapsed < 2500, `took ${elapsed} ms`);
    assert.equal(isVerified(result), false);
  } finally {
    await server.close();
  }
});

test('server down: network, with a message saying nothing listens there', async () => {
  const server = await serve(() => undefined);
  const { url } = server;
  await server.close();
  const result = await verifyMultifactor(mfa, {}, { baseUrl: url, timeoutMs: 2000 });
  assert.equal(result.check.reason, 'network');
  assert.match(result.check.message, /Nothing is listening at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
});

test('HTML error page: bad-response', async () => {
  const server = await serve((_req, res) => { res.writeHead(500, { 'content-type': 'text/html' }); res.end('<html><body><h1>502 Bad Gateway</h1></body></html>'); });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'bad-response');
    assert.match(result.check.message, /HTTP 500 with an HTML page/);
  } finally {
    await server.close();
  }
});

test('truncated JSON and a body cut off mid-transfer: bad-response', async () => {
  const server = await serve((req, res) => {
    if (req.url!.startsWith('/auth/v2/check')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"stat":"OK","respo');
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"stat":"OK",');
      setImmediate(() => res.socket?.destroy());
    }
  });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'bad-response');
    assert.match(result.check.message, /cut off or malformed/);
    assert.equal(result.universal.reason, 'bad-response');
    assert.match(result.universal.message, /broke off/);
  } finally {
    await server.close();
  }
});

test('JSON that is not Duo\'s envelope: bad-response', async () => {
  const server = await serve((_req, res) => json(res, 200, { hello: 'world' }));
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'bad-response');
    assert.match(result.check.message, /no "stat"/);
  } finally {
    await server.close();
  }
});

test('an oversized answer and binary junk: bad-response, no crash', async () => {
  const server = await serve((req, res) => {
    if (req.url!.startsWith('/auth/v2/check')) return json(res, 200, { stat: 'OK', response: { filler: 'x'.repeat(2 * 1024 * 1024) } });
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from([0, 255, 1, 254, 0x7b, 0x22, 0, 0, 13, 10]));
  });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'bad-response');
    assert.match(result.check.message, /larger than 1 MiB/);
    assert.equal(result.universal.reason, 'bad-response');
    assert.match(result.universal.message, /Not a Duo API answer: HTTP 200/);
  } finally {
    await server.close();
  }
});

test('redirect: reported and not followed', async () => {
  const elsewhere = await serve((_req, res) => json(res, 200, { stat: 'OK', response: {} }));
  const server = await serve((_req, res) => { res.writeHead(302, { location: `${elsewhere.url}/stolen` }); res.end(); });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'redirect');
    assert.equal(result.universal.reason, 'redirect');
    assert.match(result.check.message, /redirect \(HTTP 302\) to http:\/\/127\.0\.0\.1:\d+; .*not followed/);
    assert.equal(elsewhere.connections, 0, 'the redirect target was never contacted');
  } finally {
    await server.close();
    await elsewhere.close();
  }
});

test('429 twice, then success: retried with growing back-off', async () => {
  let checks = 0;
  const server = await serve((req, res) => {
    if (req.url!.startsWith('/auth/v2/check') && ++checks <= 2) return json(res, 429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' });
    if (req.url!.startsWith('/auth/v2/check')) return json(res, 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } });
    if (req.url!.startsWith('/auth/v2/preauth')) return json(res, 200, { stat: 'OK', response: { result: 'auth', status_msg: 'Account is active' } });
    json(res, 400, { stat: 'FAIL', code: 40002, message: 'invalid_client', message_detail: 'Invalid Client ID.' });
  });
  try {
    const started = Date.now();
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url, retryBaseDelayMs: 60 });
    assert.equal(result.check.ok, true);
    assert.equal(checks, 3);
    // Waits of 60·1 and 60·2 ms (plus jitter) before the second and third attempts.
    assert.ok(Date.now() - started >= 180, `retried after ${Date.now() - started} ms`);
    assert.equal(result.application, 'auth-api');
  } finally {
    await server.close();
  }
});

test("429 with Retry-After: the next attempt waits the server's delay, as the Management API client does", async () => {
  let checks = 0;
  const server = await serve((req, res) => {
    if (req.url!.startsWith('/auth/v2/check') && ++checks === 1) {
      const text = JSON.stringify({ stat: 'FAIL', code: 42901, message: 'Too Many Requests' });
      res.writeHead(429, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'retry-after': '1' });
      return res.end(text);
    }
    if (req.url!.startsWith('/auth/v2/check')) return json(res, 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } });
    if (req.url!.startsWith('/auth/v2/preauth')) return json(res, 200, { stat: 'OK', response: { result: 'auth', status_msg: 'Account is active' } });
    json(res, 400, { stat: 'FAIL', code: 40002, message: 'invalid_client', message_detail: 'Invalid Client ID.' });
  });
  try {
    const started = Date.now();
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url, retryBaseDelayMs: 10 });
    assert.equal(result.check.ok, true);
    assert.equal(checks, 2);
    // Without Retry-After the wait would be 10-20 ms.
    assert.ok(Date.now() - started >= 1000, `retried after ${Date.now() - started} ms`);
  } finally {
    await server.close();
  }
});

test('429 for ever: retries stop within the timeout', async () => {
  const server = await serve((_req, res) => json(res, 429, { stat: 'FAIL', code: 42901, message: 'Too Many Requests' }));
  try {
    const started = Date.now();
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url, timeoutMs: 700, retryBaseDelayMs: 100 });
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    assert.equal(result.check.reason, 'duo');
    assert.equal(result.check.code, 42901);
    assert.match(result.check.message, /rate-limited/);
  } finally {
    await server.close();
  }
});

test('skewed clock: a rejected request plus Duo\'s ping an hour away gives clock-skew', async () => {
  const server = await serve((req, res) => {
    if (req.url === '/auth/v2/ping') return json(res, 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) - 3600 } });
    if (req.url!.startsWith('/auth/v2/check')) return json(res, 401, { stat: 'FAIL', code: 40105, message: 'Bad request timestamp' });
    json(res, 400, { stat: 'FAIL', code: 40002, message: 'invalid_client', message_detail: 'The client assertion was issued in the future.' });
  });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'clock-skew');
    assert.match(result.check.message, /clock is 60 min \d+ s ahead of Duo's/);
    assert.equal(result.universal.reason, 'clock-skew');
    assert.equal(server.requests.filter((r) => r.url === '/auth/v2/ping').length, 1, 'Duo\'s clock is asked once');
  } finally {
    await server.close();
  }
});

test('a rejection with clocks in step stays a Duo rejection', async () => {
  const server = await serve((req, res) => {
    if (req.url === '/auth/v2/ping') return json(res, 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } });
    json(res, 401, { stat: 'FAIL', code: 40103, message: 'Invalid signature in request credentials' });
  });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.reason, 'duo');
    assert.equal(result.check.code, 40103);
  } finally {
    await server.close();
  }
});

test('hosts that are not Duo API hosts are refused before any connection', async () => {
  const server = await serve((_req, res) => json(res, 200, { stat: 'OK', response: {} }));
  try {
    for (const host of [`127.0.0.1:${server.port}`, 'localhost', 'api-12345678.duosecurity.com.evil.example', 'https://api-12345678.duosecurity.com', 'duosecurity.com', 'api-1.duosecurity.com/x']) {
      const direct = await verifyMultifactor({ ...mfa, host, admin: { ikey: IKEY, skey: SKEY } }, {}, {});
      assert.equal(direct.check.reason, 'invalid-host', host);
      assert.equal(direct.universal.reason, 'invalid-host', host);
      assert.equal(direct.admin?.reason, 'invalid-host', host);
      // Even with the connection redirected to a loopback server, a bad configured host sends nothing.
      const overridden = await verifyMultifactor({ ...mfa, host }, {}, { baseUrl: server.url });
      assert.equal(overridden.check.reason, 'invalid-host', host);
    }
    const plainHttpElsewhere = await verifyMultifactor(mfa, {}, { baseUrl: 'http://192.0.2.10:8080' });
    assert.equal(plainHttpElsewhere.check.reason, 'invalid-host');
    assert.match(plainHttpElsewhere.check.message, /only loopback addresses/);
    assert.equal(server.connections, 0, 'the server was never contacted');
  } finally {
    await server.close();
  }
});

test('a server echoing headers and bodies back cannot make a secret, signature or assertion appear', async () => {
  const server = await serve((req, res, body) => {
    const echo = `auth=${req.headers.authorization} sig=${Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString()} body=${body}`;
    if (req.url!.startsWith('/auth/v2/check')) return json(res, 401, { stat: 'FAIL', code: 40103, message: echo, message_detail: echo });
    if (req.url === '/auth/v2/ping') return json(res, 200, { stat: 'OK', response: { time: Math.floor(Date.now() / 1000) } });
    if (req.url!.startsWith('/admin')) { res.writeHead(302, { location: `http://x/?${encodeURIComponent(echo)}&raw=${String(req.headers.authorization).replace(/ /g, '')}` }); return res.end(); }
    json(res, 400, { stat: 'FAIL', code: 40002, message: 'invalid_client', message_detail: decodeURIComponent(body) });
  });
  try {
    const result = await verifyMultifactor({ ...mfa, admin: { ikey: IKEY, skey: SKEY } }, {}, { baseUrl: server.url });
    const sent = server.requests.flatMap((r) => {
      const auth = String(r.headers.authorization ?? '');
      const sig = auth ? Buffer.from(auth.slice(6), 'base64').toString().split(':')[1] : '';
      const assertion = new URLSearchParams(r.body).get('client_assertion') ?? '';
      return [auth.slice(6), sig, assertion].filter((s) => s.length > 8);
    });
    assert.ok(sent.length >= 3);
    assertSecretFree(result, sent);
    assert.match(result.check.message, /\[redacted\]/);
  } finally {
    await server.close();
  }
});

test('a redirect echoing a long signature or assertion into its Location shows no part of them', async () => {
  const server = await serve((req, res, body) => {
    res.writeHead(301, { location: `https://elsewhere.example/${encodeURIComponent(String(req.headers.authorization))}?${body}` });
    res.end();
  });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    for (const step of [result.check, result.universal]) {
      assert.equal(step.reason, 'redirect');
      assert.match(step.message, /redirect \(HTTP 301\) to https:\/\/elsewhere\.example; /);
    }
    const signature = Buffer.from(String(server.requests.find((r) => r.url.startsWith('/auth/v2/check'))!.headers.authorization).slice(6), 'base64').toString().split(':')[1];
    const assertion = new URLSearchParams(server.requests.find((r) => r.url === '/oauth/v1/health_check')!.body).get('client_assertion')!;
    const text = JSON.stringify(result);
    assert.ok(!text.includes(signature.slice(0, 16)), text);
    assert.ok(!text.includes(assertion.split('.')[0]), text);
  } finally {
    await server.close();
  }
});

test('a Duo failure with pages of text is cut to a readable length, scrubbed before the cut', async () => {
  const server = await serve((req, res) => {
    const auth = String(req.headers.authorization ?? 'none');
    json(res, 401, { stat: 'FAIL', code: 40103, message: `${'m'.repeat(290)}${auth}`, message_detail: 'd'.repeat(100_000) });
  });
  try {
    const result = await verifyMultifactor(mfa, {}, { baseUrl: server.url });
    assert.equal(result.check.code, 40103);
    assert.ok(result.check.message.length < 1000, `${result.check.message.length} characters`);
    assert.match(result.check.message, /d… \(100000 characters\)/);
    assert.match(result.check.message, /m{290}\[redacted\]/);
  } finally {
    await server.close();
  }
});

test('cancelling through the signal ends the verification at once', async () => {
  // Cancel once a request is in flight (the server has it and never answers), not after a guessed delay.
  let requestArrived!: () => void;
  const inFlight = new Promise<void>((resolve) => { requestArrived = resolve; });
  const server = await serve(() => requestArrived());
  try {
    const controller = new AbortController();
    const pending = verifyMultifactor(mfa, {}, { baseUrl: server.url, timeoutMs: 10_000, signal: controller.signal });
    await inFlight;
    controller.abort(new Error('cancelled by the user'));
    const started = Date.now();
    await assert.rejects(pending, /cancelled by the user/);
    assert.ok(Date.now() - started < 2000);
  } finally {
    await server.close();
  }
});
