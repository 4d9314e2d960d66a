// The rule both halves of the redirect share (preload.mjs explains the redirect).

const CRUISER_DIR = /[\\/]node_modules[\\/]dependency-cruiser[\\/]/;
const TYPESCRIPT = /^typescript(\/.*)?$/;

/** This folder: resolving from here finds its own node_modules/typescript, 6.0.3. */
export const ANCHOR = new URL('./package.json', import.meta.url);

/**
 * Whether `specifier` (`typescript` or `typescript/<sub>`), imported by `importer` (a file path or file: URL),
 * is dependency-cruiser asking for the TypeScript compiler API.
 */
export function isCruiserTypescript(specifier, importer) {
  return TYPESCRIPT.test(specifier) && CRUISER_DIR.test(importer ?? '');
}
