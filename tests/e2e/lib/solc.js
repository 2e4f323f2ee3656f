// Compiles Solidity from source with the `solc` npm package (soljson), the compiler the
// whole project uses: Foundry and Hardhat cannot download theirs here.
import fs from 'node:fs';
import path from 'node:path';
import solc from 'solc';

/**
 * Compiles `files` ({ name: absolutePath }) and returns { [contractName]: { abi, bytecode } }.
 * Targets the Cancun EVM, which pallet-revive's REVM backend executes. Throws with the
 * compiler's messages on any error.
 */
export function compile(files, { evmVersion = 'cancun' } = {}) {
  const sources = {};
  for (const [name, file] of Object.entries(files)) sources[name] = { content: fs.readFileSync(file, 'utf8') };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const out = {};
  for (const file of Object.values(output.contracts)) {
    for (const [name, c] of Object.entries(file)) out[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
  }
  return out;
}

export { path };
