// Network recording and blocking inside the runner's child. Node 20-24's permission model does
// not cover the network, so every way Node's own modules open a connection or a listener
// (net and tls sockets, which http, https and fetch use underneath; dgram; DNS look-ups) is
// wrapped here, before user code runs, to report the attempt and to refuse it when the run's
// network is off. Code cannot reach below these modules: native addons and
// process.binding are denied by the permission model.
import type * as DnsModule from 'node:dns';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';

// The module object itself, which net and user code share: a namespace import would be a bundler's copy.
const dns = require('node:dns') as typeof DnsModule;
import type { Connection } from '../../../shared/runResult';

/** Reports one attempt; throws when the attempt must not happen. */
export type NetworkCheck = (connection: Connection) => void;

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Replaces obj[name] for good: hostile code cannot restore the original by deleting or reassigning it. */
function wrap(obj: object, name: string, make: (original: Method) => Method): void {
  const original = (obj as Record<string, unknown>)[name];
  if (typeof original !== 'function' || !Object.getOwnPropertyDescriptor(obj, name)?.configurable) return;
  Object.defineProperty(obj, name, { value: make(original as Method), writable: false, configurable: false, enumerable: false });
}

function portOf(value: unknown): number | null {
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 ? port : null;
}

/** net.Socket#connect's forms: (options[, cb]), (port[, host][, cb]), (path[, cb]), and net.connect's normalised array. */
function describeConnect(socket: unknown, args: unknown[]): Connection {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  const protocol = socket instanceof tls.TLSSocket ? 'tls' : 'tcp';
  if (typeof first === 'object' && first !== null) {
    const o = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof o.path === 'string') return { host: o.path, port: null, protocol: 'unix' };
    return { host: typeof o.host === 'string' ? o.host : 'localhost', port: portOf(o.port), protocol };
  }
  if (typeof first === 'string' && portOf(first) === null) return { host: first, port: null, protocol: 'unix' };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: portOf(first), protocol };
}

/** net.Server#listen's forms: (port[, host]…), (path…), (options…), (handle…). */
function describeListen(args: unknown[]): Connection {
  const first = args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof o.path === 'string') return { host: o.path, port: null, protocol: 'unix-listen' };
    if (o.port === undefined && o.host === undefined) return { host: 'handle', port: null, protocol: 'tcp-listen' };
    return { host: typeof o.host === 'string' ? o.host : '::', port: portOf(o.port), protocol: 'tcp-listen' };
  }
  if (typeof first === 'string' && portOf(first) === null) return { host: first, port: null, protocol: 'unix-listen' };
  return { host: typeof args[1] === 'string' ? args[1] : '::', port: portOf(first), protocol: 'tcp-listen' };
}

/** dgram send(msg[, offset, length][, port][, address][, cb]): the port and address follow the message (and its range). */
function describeSend(args: unknown[]): Connection {
  const rest = args.slice(1).filter((a) => typeof a !== 'function');
  const numbers = rest.filter((a) => typeof a === 'number') as number[];
  const port = numbers.length >= 3 ? numbers[2] : numbers.length === 1 ? numbers[0] : null;
  const host = rest.find((a) => typeof a === 'string');
  return { host: typeof host === 'string' ? host : 'localhost', port: portOf(port), protocol: 'udp' };
}

export function installNetworkGuard(check: NetworkCheck): void {
  wrap(net.Socket.prototype, 'connect', (original) => function (this: unknown, ...args: unknown[]) {
    check(describeConnect(this, args));
    return original.apply(this, args);
  });
  wrap(net.Server.prototype, 'listen', (original) => function (this: unknown, ...args: unknown[]) {
    check(describeListen(args));
    return original.apply(this, args);
  });
  wrap(dgram.Socket.prototype, 'send', (original) => function (this: unknown, ...args: unknown[]) {
    check(describeSend(args));
    return original.apply(this, args);
  });
  wrap(dgram.Socket.prototype, 'connect', (original) => function (this: unknown, ...args: unknown[]) {
    check({ host: typeof args[1] === 'string' ? args[1] : 'localhost', port: portOf(args[0]), protocol: 'udp' });
    return original.apply(this, args);
  });
  wrap(dgram.Socket.prototype, 'bind', (original) => function (this: unknown, ...args: unknown[]) {
    const o = typeof args[0] === 'object' && args[0] !== null ? (args[0] as { port?: unknown; address?: unknown }) : { port: args[0], address: args[1] };
    check({ host: typeof o.address === 'string' ? o.address : '0.0.0.0', port: portOf(o.port), protocol: 'udp-listen' });
    return original.apply(this, args);
  });
  // A DNS query reaches a resolver (and can carry data out): it is checked as udp to port 53.
  for (const target of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype] as object[]) {
    for (const name of Object.getOwnPropertyNames(target)) {
      if (!/^(lookup|lookupService|resolve\w*|reverse)$/.test(name)) continue;
      wrap(target, name, (original) => function (this: unknown, ...args: unknown[]) {
        check({ host: typeof args[0] === 'string' ? args[0] : String(args[0]), port: 53, protocol: 'dns' });
        return original.apply(this, args);
      });
    }
  }
}
