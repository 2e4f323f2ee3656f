// The consortium's view of the chain: finality, the validators, and the rollup's batches with
// their way to Ethereum L1 (the node's `rollup_*` JSON-RPC methods, node/src/rollup_rpc.rs),
// read through the web server's /substrate (the node's Substrate JSON-RPC).
import { blake2b } from '@noble/hashes/blake2b';
import { concat, encodeBase58, getBytes, toUtf8Bytes } from 'ethers';
import type { App } from '../app';
import { h, table } from '../ui';

/** Storage key of `Session.Validators`: `twox128("Session") ++ twox128("Validators")` (FRAME's
 *  storage value key; checked against @polkadot/api in tests/e2e/test/webapp.test.js). */
export const SESSION_VALIDATORS_KEY = '0xcec5070d609dd3497f72bde07fc96ba088dcde934c658227ee1dfafcd6e16903';

let nextId = 1;
async function substrate(method: string, params: unknown[] = []): Promise<any> {
  const r = await fetch('/substrate', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }) });
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** SS58 address of a 32-byte public key (prefix < 64: one byte; checksum = first 2 bytes of
 *  blake2b-512("SS58PRE" ++ prefix ++ key), Substrate's `Ss58Codec`). */
export function ss58(key: Uint8Array, prefix: number): string {
  const body = concat([new Uint8Array([prefix]), key]);
  const hash = blake2b(getBytes(concat([toUtf8Bytes('SS58PRE'), body])), { dkLen: 64 });
  return encodeBase58(concat([body, hash.slice(0, 2)]));
}

/** Decodes a SCALE `Vec<[u8; 32]>` (compact length, then the items). */
export function decodeKeys(hex: string): Uint8Array[] {
  const b = getBytes(hex);
  const mode = b[0] & 3;
  let n: number;
  let off: number;
  if (mode === 0) [n, off] = [b[0] >> 2, 1];
  else if (mode === 1) [n, off] = [(b[0] | (b[1] << 8)) >> 2, 2];
  else if (mode === 2) [n, off] = [(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 2, 4];
  else throw new Error('more than 2^30 validators');
  return Array.from({ length: n }, (_, i) => b.slice(off + 32 * i, off + 32 * (i + 1)));
}

export async function renderConsortium(app: App, view: HTMLElement): Promise<void> {
  void app;
  const [chainName, props, best, finHash] = await Promise.all([
    substrate('system_chain'), substrate('system_properties'), substrate('chain_getHeader'), substrate('chain_getFinalizedHead'),
  ]);
  const fin = await substrate('chain_getHeader', [finHash]);
  const prefix = Number(props?.ss58Format ?? 42);
  const raw = await substrate('state_getStorage', [SESSION_VALIDATORS_KEY]);
  const validators = raw ? decodeKeys(raw).map((k) => ss58(k, prefix)) : [];
  let rollup: any = null;
  const batches: any[] = [];
  try {
    rollup = await substrate('rollup_status');
    for (let n = Number(rollup.nextBatch) - 1; n >= 1 && batches.length < 10; n--) batches.push(await substrate('rollup_batch', [n]));
  } catch {
    rollup = null;
  }
  view.replaceChildren(
    h('h2', {}, 'Consortium'),
    h('p', {}, `${chainName}: best block #${parseInt(best.number, 16)}, finalized #`, h('strong', { 'data-finalized': '' }, String(parseInt(fin.number, 16))), ' (GRANDPA).'),
    h('h3', {}, 'Validators'),
    table(['#', 'Validator (session account)'], validators.map((v, i) => [i + 1, h('span', { className: 'mono', 'data-validator': v }, v)]),
      `${validators.length} validator(s) in this session`),
    h('h3', {}, 'Rollup batches'),
    rollup
      ? h('div', {},
        h('p', {}, `${Number(rollup.nextBatch) - 1} batch(es) sealed; ${rollup.openTransitions} transition(s) in the open batch; next instance id ${rollup.nextInstance}.`),
        batches.length ? table(['Batch', 'Transitions', 'Sealed at', 'Status', 'L1 transaction'], batches.map((b) => [
          `#${b.number}`, b.transitions, `#${b.sealedAt}`, h('span', { 'data-batch-status': b.status }, b.status), b.l1Transaction ? h('span', { className: 'mono' }, b.l1Transaction) : '—',
        ])) : h('p', {}, 'No batch sealed yet.'))
      : h('p', {}, 'This node serves no rollup_* methods.'),
  );
}
