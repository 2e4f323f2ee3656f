#!/usr/bin/env bash
# Builds the BPM contracts and writes contracts/bpm/artifacts/<Contract>.json
# ({"abi": [...], "bytecode": "0x..."}) for the contracts the Rust CLI deploys and calls
# (embedded there with alloy's sol! macro). Run from anywhere; needs Node.js + npm.
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
const contracts = ['ProcessDefinitionRegistry', 'ProcessExecution', 'ParticipantRegistry'];
for (const name of contracts) {
  const built = JSON.parse(fs.readFileSync(path.join('out', `${name}.sol`, `${name}.json`), 'utf8'));
  const bytecode = built.bytecode.object.startsWith('0x') ? built.bytecode.object : '0x' + built.bytecode.object;
  if (/__\$[0-9a-f]{34}\$__/.test(bytecode)) throw new Error(`${name}: bytecode needs library linking`);
  const out = { abi: built.abi, bytecode };
  fs.writeFileSync(path.join('artifacts', `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  console.log(`artifacts/${name}.json: ${built.abi.length} ABI entries, ${(bytecode.length - 2) / 2} bytes of init code`);
}
JS
