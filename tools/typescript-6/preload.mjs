// Makes dependency-cruiser read our TypeScript through TypeScript 6.0.3 while the project's own `typescript`
// (tsc) stays 7.x. Load it before dependency-cruiser: `node --import ./tools/typescript-6/preload.mjs …`
// (`npm run deps`), or import it first (test/architecture/dependencies.test.ts).
//
// Why: dependency-cruiser 17 parses .ts files with the `typescript` package's JS compiler API, which TypeScript 7
// (the native compiler) does not ship; with 7.x it cruises 0 modules and reports "no violations".
//
// Where 6.0.3 comes from: this folder is a private package (the root package.json links it as
// `llmlab-typescript-6`) whose only dependency is typescript@6.0.3. npm nests that copy in this folder's
// node_modules, since the root's node_modules/typescript is 7.x, so its `tsc` bin never lands in the root's
// node_modules/.bin. (A top-level alias such as `"typescript-6": "npm:typescript@6.0.3"` does land there, and an
// incremental `npm install` let its tsc replace TypeScript 7's.)
//
// How dependency-cruiser 17 loads typescript (src/utl/try-import.mjs, src/extract/transpile/
// try-import-available.mjs): it checks the version with a CommonJS `require("typescript/package.json")` (range
// ">=2.0.0 <7.0.0") and `require.resolve("typescript")`, then loads the module with ESM `import("typescript")`.
// Node 20 has no synchronous hooks for require() (module.registerHooks came in Node 22.15), so both module
// systems are redirected: a wrapper of Module._resolveFilename for require(), module.register for import().
// Either resolves the same specifier from this folder instead, and only when the importer lies in
// node_modules/dependency-cruiser/: nothing else in the process sees TypeScript 6.
import Module, { createRequire, register } from 'node:module';
import { ANCHOR, isCruiserTypescript } from './redirect.mjs';

const fromHere = createRequire(ANCHOR);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveCruiserTypescript(request, parent, ...rest) {
  if (isCruiserTypescript(request, parent?.filename)) return fromHere.resolve(request);
  return resolveFilename.call(this, request, parent, ...rest);
};

register('./hooks.mjs', import.meta.url);
