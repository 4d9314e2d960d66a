// ESM half of preload.mjs, run in Node's loader thread (module.register): dependency-cruiser's
// `import("typescript")` resolves from this folder instead, whose node_modules hold TypeScript 6.
import { ANCHOR, isCruiserTypescript } from './redirect.mjs';

/** Node resolve hook: only dependency-cruiser's `typescript` specifiers change their starting point. */
export async function resolve(specifier, context, nextResolve) {
  if (!isCruiserTypescript(specifier, context.parentURL)) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, parentURL: ANCHOR.href });
}
