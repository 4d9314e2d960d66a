/**
 * Loads a user's JavaScript or TypeScript module (a `file:` provider, a `javascript` metric module) by absolute
 * path. TypeScript goes through tsx's programmatic API, so users need no build step. Each load is cached by
 * path + mtime + size: a run imports a module once, while watch mode sees an edited file as a new module.
 */
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LlmlabError, messageOf } from './errors.js';

/** Extensions `loadModule` accepts. */
export const MODULE_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/** One entry per path: the version it was loaded at and the pending or settled import. */
const cache = new Map<string, { version: string; module: Promise<unknown> }>();

/**
 * Imports the module at `absPath` and returns its namespace (`default` plus named exports; for CommonJS,
 * `default` is `module.exports`). Throws LlmlabError FILE_NOT_FOUND when the file is missing and
 * CONFIG_INVALID for an unsupported extension or a module that fails to load.
 */
export async function loadModule(absPath: string): Promise<unknown> {
  const ext = extname(absPath).toLowerCase();
  if (!MODULE_EXTENSIONS.includes(ext)) {
    throw new LlmlabError('CONFIG_INVALID', `cannot load ${absPath}: unsupported extension '${ext || '(none)'}'`, {
      hint: `use a module ending in ${MODULE_EXTENSIONS.join(', ')}`,
    });
  }
  const version = await fileVersion(absPath);
  const hit = cache.get(absPath);
  if (hit && hit.version === version) return hit.module;

  const module = importFresh(absPath, ext, version).catch((error: unknown) => {
    // A module with a syntax error must be retried once the user fixes it, even if the mtime did not move.
    if (cache.get(absPath)?.module === module) cache.delete(absPath);
    if (error instanceof LlmlabError) throw error;
    throw new LlmlabError('CONFIG_INVALID', `cannot load ${absPath}: ${messageOf(error)}`, {
      hint: 'fix the error in the module; it is imported as an ES module (TypeScript through tsx)',
      cause: error,
    });
  });
  cache.set(absPath, { version, module });
  return module;
}

async function fileVersion(absPath: string): Promise<string> {
  try {
    const info = await stat(absPath);
    if (!info.isFile()) throw new Error('not a file');
    // Size as well as mtime: two quick edits can land within one filesystem timestamp tick.
    return `${info.mtimeMs}-${info.size}`;
  } catch (error) {
    throw new LlmlabError('FILE_NOT_FOUND', `module not found: ${absPath}`, {
      hint: 'check the path; relative paths are resolved from the directory of the suite file',
      cause: error,
    });
  }
}

async function importFresh(absPath: string, ext: string, version: string): Promise<unknown> {
  if (ext === '.cjs') return asNamespace(requireFresh(absPath));
  if (TS_EXTENSIONS.has(ext)) {
    const { tsImport } = await importTsx();
    // tsImport loads into a fresh namespace on every call, so the module and its local imports are re-read.
    const loaded: unknown = await tsImport(pathToFileURL(absPath).href, import.meta.url);
    // A `.ts` outside a `"type": "module"` package comes back as ESM compiled to CommonJS; older Node versions
    // make tsx fall back to require, which returns module.exports itself.
    return isNamespace(loaded) ? unwrapInterop(loaded) : asNamespace(loaded);
  }
  // Node caches ES modules by URL forever; a version query makes an edited file a new module. A `.js` file in a
  // CommonJS package is loaded through require's cache instead, keyed by path alone, so drop that entry too.
  forgetRequired(absPath);
  return import(`${pathToFileURL(absPath).href}?v=${encodeURIComponent(version)}`) as Promise<unknown>;
}

function requireFresh(absPath: string): unknown {
  forgetRequired(absPath);
  return createRequire(import.meta.url)(absPath);
}

function forgetRequired(absPath: string): void {
  delete createRequire(import.meta.url).cache[absPath];
}

/** CommonJS exports shaped like an ESM namespace: `default` is module.exports, unless it was compiled from ESM. */
function asNamespace(exports: unknown): unknown {
  if (isRecord(exports) && exports['__esModule'] === true) return exports;
  return isRecord(exports) ? { ...exports, default: exports } : { default: exports };
}

/** `{ default: { __esModule, default, ...named } }` → the inner namespace, as if Node had loaded it as ESM. */
function unwrapInterop(namespace: unknown): unknown {
  const inner = isRecord(namespace) ? namespace['default'] : undefined;
  return isRecord(inner) && inner['__esModule'] === true ? inner : namespace;
}

function isNamespace(value: unknown): boolean {
  return Object.prototype.toString.call(value) === '[object Module]';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

async function importTsx(): Promise<typeof import('tsx/esm/api')> {
  try {
    return await import('tsx/esm/api');
  } catch (error) {
    throw new LlmlabError('CONFIG_INVALID', 'loading a TypeScript module needs the tsx package, not installed here', {
      hint: 'run `npm install tsx`, or compile the module to .js',
      cause: error,
    });
  }
}
