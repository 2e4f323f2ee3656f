#!/usr/bin/env node
// Bundles the web app into dist/: src/main.ts (TypeScript, with bpmn-js and ethers) into app.js,
// the style sheets (Pico CSS, bpmn-js's, ours) into app.css, and index.html. The ABIs come from
// the committed artifacts of contracts/bpm (only their `abi` field is bundled).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The BPM core's enums as the page needs them, read from the Solidity file the core generates
 *  (contracts/bpm/src/generated/BpmCore.sol): one source for the kinds and types, not a copy. */
const bpmCore = {
  name: 'bpm-core',
  setup(b) {
    b.onResolve({ filter: /^bpm-core$/ }, () => ({ path: 'bpm-core', namespace: 'bpm-core' }));
    b.onLoad({ filter: /.*/, namespace: 'bpm-core' }, () => {
      const file = path.join(here, '../contracts/bpm/src/generated/BpmCore.sol');
      const sol = fs.readFileSync(file, 'utf8');
      const members = (name) => {
        const m = sol.match(new RegExp(`enum ${name} \\{([^}]*)\\}`));
        if (!m) throw new Error(`${file}: no enum ${name}`);
        return m[1].split('\n').map((l) => l.replace(/\/\/.*$/, '').replace(',', '').trim()).filter(Boolean);
      };
      return {
        contents: `export const ELEMENT_KINDS = ${JSON.stringify(members('ElementKind'))};\n` +
          `export const VARIABLE_TYPES = ${JSON.stringify(members('VariableType'))};\n`,
        loader: 'js',
        watchFiles: [file],
      };
    });
  },
};
const dist = path.join(here, 'dist');
fs.mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: path.join(dist, 'app.js'),
  plugins: [bpmCore],
  logLevel: 'warning',
});
await build({
  entryPoints: [path.join(here, 'src/app.css')],
  bundle: true,
  minify: true,
  outfile: path.join(dist, 'app.css'),
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'src/index.html'), path.join(dist, 'index.html'));
console.log(`built ${path.relative(process.cwd(), dist) || dist}/ (app.js ${(fs.statSync(path.join(dist, 'app.js')).size / 1024).toFixed(0)} KiB)`);
