#!/usr/bin/env bash
# Builds the BPM contracts and writes contracts/bpm/artifacts/<Contract>.json
# ({"abi": [...], "bytecode": "0x..."}) for the contracts the Rust CLI deploys and calls
# (embedded there with alloy's sol! macro), and the L1 contracts `alstra l1 deploy` deploys to
# contracts/l1/artifacts/ (a contract that calls a library has "unlinkedBytecode" with
# solc's `__$...$__` placeholders and "linkReferences" instead of "bytecode").
# Run from anywhere; needs Node.js + npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # contracts/
cd "$here"
if [ ! -x node_modules/.bin/forge ] || [ ! -d node_modules/solc ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
cd bpm
../tools/forge build --sizes >/dev/null
mkdir -p artifacts
node - "$@" <<'JS'
const fs = require('fs');
const path = require('path');
const contracts = ['ProcessDefinitionRegistry', 'ProcessExecution', 'ParticipantRegistry', 'OracleGateway', 'RewardUnits', 'InstanceCertificates'];
for (const name of contracts) {
  const built = JSON.parse(fs.readFileSync(path.join('out', `${name}.sol`, `${name}.json`), 'utf8'));
  const bytecode = built.bytecode.object.startsWith('0x') ? built.bytecode.object : '0x' + built.bytecode.object;
  if (/__\$[0-9a-f]{34}\$__/.test(bytecode)) throw new Error(`${name}: bytecode needs library linking`);
  const out = { abi: built.abi, bytecode };
  fs.writeFileSync(path.join('artifacts', `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  console.log(`artifacts/${name}.json: ${built.abi.length} ABI entries, ${(bytecode.length - 2) / 2} bytes of init code`);
}
JS

cd ../l1
../tools/forge build >/dev/null
mkdir -p artifacts
node - "$@" <<'JS'
const fs = require('fs');
const path = require('path');
const contracts = ['Groth16Verifier', 'RollupManager', 'DataAvailability', 'PoseidonT3'];
for (const name of contracts) {
  const built = JSON.parse(fs.readFileSync(path.join('out', `${name}.sol`, `${name}.json`), 'utf8'));
  const code = built.bytecode.object.startsWith('0x') ? built.bytecode.object : '0x' + built.bytecode.object;
  const links = built.bytecode.linkReferences || {};
  const out = Object.keys(links).length
    ? { abi: built.abi, unlinkedBytecode: code, linkReferences: links }
    : { abi: built.abi, bytecode: code };
  fs.writeFileSync(path.join('artifacts', `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  console.log(`l1/artifacts/${name}.json: ${built.abi.length} ABI entries, ${(code.length - 2) / 2} bytes of init code` +
    (Object.keys(links).length ? `, links ${Object.values(links).flatMap(Object.keys).join(', ')}` : ''));
}
JS
