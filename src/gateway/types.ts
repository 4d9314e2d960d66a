/**
 * The gateway's contracts: the resolved config (src/config/gateway-types.ts, made by src/config/load-gateway.ts) and
 * the store behind it (src/store/gateway-types.ts). Every part of src/gateway/ codes against these; the HTTP routes
 * only wire them together.
 */
export type * from '../config/gateway-types.js';
export type * from '../store/gateway-types.js';
