// Compiles Solidity from source with the `solc` npm package (soljson), the compiler the
// whole project uses: Foundry and Hardhat cannot download theirs here.
import fs from 'node:fs';
import path from 'node:path';
import solc from 'solc';

/**
 * Compiles `files` ({ sourceUnitName: absolutePath }) and returns
 * { [contractName]: { abi, bytecode, linkReferences } }.
 * Targets the Cancun EVM, which pallet-revive's REVM backend executes (and the L1 contracts'
 * Foundry profile). Imports are resolved through `remappings` ({ prefix: directory }, like
 * Foundry's `prefix/=dir/`) and then relative to `baseDir` (source unit names are relative to
 * it, so `import "./X.sol"` in `src/Y.sol` finds `baseDir/src/X.sol`). Throws with the
 * compiler's messages on any error.
 */
export function compile(files, { evmVersion = 'cancun', remappings = {}, baseDir } = {}) {
  const sources = {};
  for (const [name, file] of Object.entries(files)) sources[name] = { content: fs.readFileSync(file, 'utf8') };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.bytecode.linkReferences'] } },
    },
  };
  const findImports = (name) => {
    const remap = Object.entries(remappings).find(([prefix]) => name.startsWith(prefix));
    const file = remap ? path.join(remap[1], name.slice(remap[0].length)) : baseDir && path.join(baseDir, name);
    if (file && fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
    return { error: `import ${name} not found${file ? ` (looked at ${file})` : ''}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const out = {};
  for (const file of Object.values(output.contracts)) {
    for (const [name, c] of Object.entries(file)) {
      out[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, linkReferences: c.evm.bytecode.linkReferences || {} };
    }
  }
  return out;
}

/**
 * Links libraries into a compiled contract: `addresses` maps a library name (e.g.
 * `PoseidonT3`) to its deployed address. Throws if a referenced library has no address.
 */
export function link({ bytecode, linkReferences }, addresses) {
  let hex = bytecode.slice(2);
  for (const libs of Object.values(linkReferences)) {
    for (const [lib, refs] of Object.entries(libs)) {
      const addr = addresses[lib];
      if (!addr) throw new Error(`no address given for library ${lib}`);
      const a = addr.toLowerCase().replace(/^0x/, '');
      for (const { start, length } of refs) hex = hex.slice(0, 2 * start) + a + hex.slice(2 * (start + length));
    }
  }
  if (hex.includes('__$')) throw new Error('unlinked library placeholder left in bytecode');
  return '0x' + hex;
}

export { path };
