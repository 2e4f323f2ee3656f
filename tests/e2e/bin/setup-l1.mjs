// Governance (sudo, //Alice: a dev chain) points the validators' attestations at an L1
// RollupManager and makes an account a relayer. Used by scripts/run.sh.
//   node tests/e2e/bin/setup-l1.mjs <ws-url> <alstra-l1.json> <relayer SS58 address>
// On a consortium chain the same two calls are council motions (docs/prover.md).
import fs from 'node:fs';
import { connect, sudo } from '../lib/rollup.js';

const [wsUrl, file, relayer] = process.argv.slice(2);
if (!wsUrl || !file || !relayer) {
  console.error('usage: setup-l1.mjs <ws-url> <alstra-l1.json> <relayer SS58 address>');
  process.exit(2);
}
const l1 = JSON.parse(fs.readFileSync(file, 'utf8'));
const api = await connect(wsUrl);
try {
  const target = { chainId: l1.l1ChainId, rollupManager: l1.rollupManager };
  await sudo(api, api.tx.attestation.setL1Target(target));
  console.log(`sudo: attestation.setL1Target(chain ${target.chainId}, RollupManager ${target.rollupManager})`);
  await sudo(api, api.tx.relayerMembership.addMember(relayer));
  console.log(`sudo: relayerMembership.addMember(${relayer})`);
} finally {
  await api.disconnect();
}
