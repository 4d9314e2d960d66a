/** The part of autocannon 9 the gateway benchmark uses (the package ships no types and @types/autocannon is not installed). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface Options {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Requests per second across all connections; each connection gets its share, reset every second. */
    overallRate?: number;
    /** Seconds. */
    duration?: number;
    timeout?: number;
  }

  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }

  /** An EventEmitter that is also a promise of the result ('response': client, status, bytes, latency in ms). */
  interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
