// A local HTTP CONNECT proxy and a test certificate made by openssl, for the tests that reach a
// remote host (Duo's, a tenant's) through a proxy: every tunnel the proxy opens goes to one local
// port, whatever host it names, and is recorded, and the proxy can be told to refuse tunnels.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { withWorkspaceSync } from './workspace';

function findOpenssl(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'openssl is not installed, so no test certificate can be made (apt-get install openssl)';
  }
}

/** Why no test certificate can be made here (a test's `skip`), or undefined. */
export const opensslMissing = findOpenssl();

/** A self-signed certificate (a day, P-256) for `host`, as PEM. */
export function makeTestCertificate(host: string): { key: string; cert: string } {
  return withWorkspaceSync({}, (workspace) => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', workspace.path('key.pem'), '-out', workspace.path('cert.pem'),
      '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`,
    ], { stdio: 'ignore' });
    return { key: readFileSync(workspace.path('key.pem'), 'utf8'), cert: readFileSync(workspace.path('cert.pem'), 'utf8') };
  }, 'duo-rules-cert-');
}

export interface ConnectProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The `host:port` of each tunnel asked for, in order. */
  tunnels: string[];
  /** While set, every tunnel is refused with this status line (e.g. `HTTP/1.1 403 Forbidden`). */
  refuseWith: string | undefined;
  close(): Promise<void>;
}

/** Starts a CONNECT proxy on 127.0.0.1 whose tunnels all end at 127.0.0.1:`upstreamPort()`. */
export async function startConnectProxy(upstreamPort: () => number): Promise<ConnectProxy> {
  const server = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
  const proxy: ConnectProxy = {
    url: '',
    tunnels: [],
    refuseWith: undefined,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxy.tunnels.push(req.url!);
    if (proxy.refuseWith) {
      client.end(`${proxy.refuseWith}\r\n\r\n`);
      return;
    }
    const upstream = net.connect(upstreamPort(), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
