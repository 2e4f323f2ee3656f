// The rollup pallet from a Substrate client (@polkadot/api): governance authorizing the BPM
// contracts to call the rollup precompile (sudo on a dev chain; a council motion elsewhere), the
// rollup's status, and proving its sealed batches with `alstra prover prove --node`.
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALSTRA_BIN } from './alstra.js';
import { ROOT } from './node.js';

/** Connects to a node's Substrate endpoint. */
export async function connect(wsUrl) {
  return ApiPromise.create({ provider: new WsProvider(wsUrl), throwOnConnect: true, noInitWarn: true });
}

/** Submits `call` wrapped in `sudo.sudo` as //Alice and waits for it in a block; throws with the
 * module error when the sudo'ed call failed. Returns the block's events of the extrinsic. */
export async function sudo(api, call) {
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  return new Promise((resolve, reject) => {
    api.tx.sudo.sudo(call).signAndSend(alice, ({ status, events, dispatchError }) => {
      if (dispatchError) return reject(new Error(`sudo: ${dispatchError.toString()}`));
      if (!status.isInBlock) return;
      const failed = events.find(({ event }) => event.section === 'sudo' && event.method === 'Sudid' && event.data[0].isErr);
      if (failed) {
        const err = failed.event.data[0].asErr;
        const why = err.isModule ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(err.asModule)) : err.toString();
        return reject(new Error(`sudo'ed call failed: ${why}`));
      }
      resolve(events);
    }).catch(reject);
  });
}

/** Governance (sudo) authorizes the registry and the engine of an `alstra` deployment file. */
export async function authorizeDeployment(api, deploymentFile) {
  const d = JSON.parse(fs.readFileSync(deploymentFile, 'utf8'));
  if (!d.rollup) throw new Error(`${deploymentFile}: the contracts were deployed without the rollup precompile`);
  await sudo(api, api.tx.rollup.authorizeContract(d.definitionRegistry, 'Registry'));
  await sudo(api, api.tx.rollup.authorizeContract(d.processExecution, 'Engine'));
  return d;
}

/** `Rollup` storage at the best block: the next batch number and the open batch's size. */
export async function rollupStatus(api) {
  const [nextBatch, open] = await Promise.all([api.query.rollup.nextBatch(), api.query.rollup.openBatch()]);
  return { nextBatch: nextBatch.toNumber(), open: open.length };
}

/** A batch header (`Rollup::Batches`), as JSON. */
export async function batchHeader(api, n) {
  const h = await api.query.rollup.batches(n);
  return h.isSome ? h.unwrap().toJSON() : null;
}

/** Prover keys for the runtime's circuit (16 slots, depths 16), made once per machine: INSECURE
 * seeded test keys (docs/prover.md) cached under the target dir. */
export function proverKeys() {
  const dir = path.join(path.dirname(ALSTRA_BIN), '..', 'prover-keys-16-16-16-seed42');
  if (!fs.existsSync(path.join(dir, 'params.json'))) {
    const r = spawnSync(ALSTRA_BIN, ['prover', 'setup', '--out', dir, '--batch-size', '16', '--state-depth', '16', '--defs-depth', '16', '--seed', '42'],
      { encoding: 'utf8', cwd: ROOT, timeout: 600_000 });
    if (r.status !== 0) throw new Error(`prover setup failed: ${r.stderr}`);
  }
  return dir;
}

/** `alstra prover prove --node <wsUrl> --batch n`; returns its output (throws with stderr). */
export function proveBatch(wsUrl, n, keys) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `proof-${n}-`));
  const r = spawnSync(ALSTRA_BIN, ['prover', 'prove', '--keys', keys, '--node', wsUrl, '--batch', String(n), '--out', out],
    { encoding: 'utf8', cwd: ROOT, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`proving batch ${n} failed: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, out };
}
