/**
 * Serving a hono app on a port: loopback by default, and a clear error (not a stack trace) when the port is taken
 * or the address cannot be bound. Both HTTP apps (gateway, view) start here.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { LlmlabError } from '../errors.js';

/** A listening server. */
export interface Listening {
  /** `http://host:port`, no trailing slash (IPv6 hosts bracketed). */
  url: string;
  port: number;
  host: string;
  /** Stops accepting connections, ends idle keep-alive ones, and resolves when the server is closed. */
  close(): Promise<void>;
}

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Listens on `host:port` (port 0 = any free port). */
export function listen(app: Pick<Hono, 'fetch'>, options: { host: string; port: number }): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let server: Server;
    const onError = (error: NodeJS.ErrnoException) => reject(bindError(error, options));
    server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
      server.off('error', onError);
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        host: info.address,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    }) as Server;
    // A keep-alive client (an SDK's agent, a load generator) must not hold a closing server open; Node's default
    // 5 s keep-alive is kept for live clients.
    server.once('error', onError);
  });
}

function bindError(error: NodeJS.ErrnoException, options: { host: string; port: number }): LlmlabError {
  if (error.code === 'EADDRINUSE') {
    return new LlmlabError('USAGE', `port ${options.port} on ${options.host} is already in use`, {
      hint: 'stop whatever listens there, or pick another port with --port (0 picks a free one)',
    });
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new LlmlabError('USAGE', `cannot bind to ${options.host}: no such address on this machine`, {
      hint: 'use --host 127.0.0.1 (default), or an address of one of this machine\'s interfaces',
    });
  }
  if (error.code === 'EACCES') {
    return new LlmlabError('USAGE', `not allowed to listen on port ${options.port}`, { hint: 'ports below 1024 need privileges: pick a port above 1024' });
  }
  return new LlmlabError('USAGE', `cannot listen on ${options.host}:${options.port}: ${error.message}`);
}
