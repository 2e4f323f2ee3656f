// Prints what L1's RollupManager holds next to what AlstraNet sealed, and fails unless L1's state
// root is the new root of AlstraNet's batch `lastBatch`. Used by scripts/run.sh.
//   node tests/e2e/bin/l1-status.mjs <substrate-http-url> <alstra-l1.json> <l1-rpc-url>
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { jsonRpc, ROOT } from '../lib/node.js';

const [nodeUrl, file, l1Rpc] = process.argv.slice(2);
if (!nodeUrl || !file || !l1Rpc) {
  console.error('usage: l1-status.mjs <substrate-http-url> <alstra-l1.json> <l1-rpc-url>');
  process.exit(2);
}
const l1 = JSON.parse(fs.readFileSync(file, 'utf8'));
const abi = JSON.parse(fs.readFileSync(path.join(ROOT, 'contracts/l1/artifacts/RollupManager.json'), 'utf8')).abi;
const manager = new ethers.Contract(l1.rollupManager, abi, new ethers.JsonRpcProvider(l1Rpc));
const last = await manager.lastBatch();
const root = await manager.stateRoot();
console.log(`L1 chain ${l1.l1ChainId}, RollupManager ${l1.rollupManager}: ${last} batch(es) accepted`);
for (let n = 1n; n <= last; n++) {
  const rec = await manager.batch(n);
  const chain = await jsonRpc(nodeUrl, 'rollup_batch', [Number(n)]);
  console.log(`  batch ${n}: L1 block ${rec.l1BlockNumber}, new root ${rec.newRoot} (AlstraNet: ${BigInt(chain.newRoot)}, ${chain.status})`);
}
const sealed = last > 0n ? BigInt((await jsonRpc(nodeUrl, 'rollup_batch', [Number(last)])).newRoot) : undefined;
console.log(`L1 state root ${root}${sealed === root ? ' = AlstraNet\'s sealed root' : ''}`);
if (sealed !== root) {
  console.error(`L1's state root differs from AlstraNet's batch ${last} (${sealed})`);
  process.exit(1);
}
