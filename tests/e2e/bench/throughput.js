// Benchmark (not a test): throughput and latency of AlstraNet at saturation, on the `local` chain
// with its 4 validators (alice, bob, charlie, dave) run as 4 processes on this machine, the
// Ethereum endpoint managed by alice's node. Issue "chain operations": finalized BPM task
// completions per second and plain contract calls per second at saturation, and the
// submit -> finalized latency p50/p95 in slots; goals >= 400 task completions/s and p50 <= 1.5
// slots. Run (after scripts/run.sh or scripts/test.sh built the release binaries and installed
// tests/e2e and governance's npm packages):
//   node tests/e2e/bench/throughput.js [--instances N] [--calls N] [--no-rollup] [--keep]
// (`--no-rollup`: the engine deployed with `--rollup none`, to see what the rollup precompile's
// state-machine work costs; `--keep`: keep the nodes' base paths and logs.)
//
// What it does, as a user of the chain would through eth-rpc (ethers, Alith's public dev key):
// deploys the BPM engine with `alstra engine deploy` (reporting to the rollup precompile, which a
// council motion authorizes, as on a consortium chain), publishes MIWG A.1.0 (three tasks in a
// row), then runs four loads, each signed in advance and sent as fast as the endpoint takes them:
//   1. `startInstance` x N (the instances the next loads complete tasks of);
//   2. `completeTask` of each instance's first task x N: the burst that saturates the chain;
//   3. `completeTask` of the second task x N/2, paced at half the rate measured in 2: the latency
//      of a loaded but not saturated chain;
//   4. `Counter.increment` x --calls: plain contract calls at saturation.
// For each load it prints the transactions per block, the rate over the blocks that carried them
// (transactions / (blocks x 6 s slot)), the submit -> finalized latency in slots (finalized =
// alice's node saw the GRANDPA-finalized head reach the transaction's block), and where a block's
// time went: the normal class's weight used against its limit (`system.blockWeight`), the
// average weight per transaction and alice's proposer timings ("Prepared block for proposing").
// Timings are wall-clock on a shared machine: run it on an idle one.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ethers } from 'ethers';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { base58Encode, ed25519PairFromSeed, cryptoWaitReady } from '@polkadot/util-crypto';
import { ACCOUNTS, alstraCli, model } from '../lib/alstra.js';
import { jsonRpc, ROOT, sleep, startNode, tail, until } from '../lib/node.js';
import { compile } from '../lib/solc.js';

const require = createRequire(import.meta.url);
const council = require(path.join(ROOT, 'governance/council.cjs'));

const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const INSTANCES = arg('--instances', 1200);
const CALLS = arg('--calls', 2000);
const KEEP = process.argv.includes('--keep');
const ROLLUP = !process.argv.includes('--no-rollup');
/** The `local` chain's slot (`SLOT_DURATION`, runtime/src/lib.rs): 6 s. */
const SLOT_MS = 6000;
/** Alith's key: a public dev key (README). */
const ALITH_KEY = '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133';
const VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];
const ENGINE_ABI = JSON.parse(fs.readFileSync(path.join(ROOT, 'contracts/bpm/artifacts/ProcessExecution.json'), 'utf8')).abi;

/** Zombienet's and the `local` preset's node key of `name`: sha256(name) (zombienet/network.toml). */
const nodeKey = (name) => crypto.createHash('sha256').update(name).digest();
/** The base58 PeerId of an ed25519 node key: the identity multihash of its libp2p public key. */
function peerId(name) {
  const { publicKey } = ed25519PairFromSeed(nodeKey(name));
  return base58Encode(Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...publicKey]));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Follows alice's node: the time each block number was first seen as best and as finalized
 * (finalization of block n finalizes every block below it).
 */
async function follow(api) {
  const seen = new Map();
  const finalized = new Map();
  let lastFinal = 0;
  await api.rpc.chain.subscribeNewHeads((h) => {
    const n = h.number.toNumber();
    if (!seen.has(n)) seen.set(n, Date.now());
  });
  await api.rpc.chain.subscribeFinalizedHeads((h) => {
    const n = h.number.toNumber();
    const now = Date.now();
    for (let i = lastFinal + 1; i <= n; i++) if (!finalized.has(i)) finalized.set(i, now);
    lastFinal = Math.max(lastFinal, n);
  });
  return { seen, finalized, final: () => lastFinal };
}

/**
 * Sends the signed transactions `raw` (with `pace` ms between sends, 0 = as fast as the endpoint
 * answers), waits until every one is in a finalized block, and measures the load.
 */
async function load(label, { raw, pace = 0, ethUrl, api, chain, alice }) {
  const submitted = [];
  const hashes = [];
  const t0 = Date.now();
  // a few sends in flight keep the endpoint busy without reordering one sender's nonces much
  const inFlight = pace ? 1 : 8;
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < raw.length) {
      const i = next++;
      const start = Date.now();
      if (pace) await sleep(Math.max(0, t0 + i * pace - start));
      submitted[i] = Date.now();
      hashes[i] = await jsonRpc(ethUrl, 'eth_sendRawTransaction', [raw[i]]);
    }
  }));
  const sendSeconds = (Date.now() - t0) / 1000;
  const receipts = new Array(raw.length);
  await until(async () => {
    for (let i = 0; i < raw.length; i++) {
      if (!receipts[i]) receipts[i] = await jsonRpc(ethUrl, 'eth_getTransactionReceipt', [hashes[i]]);
    }
    return receipts.every(Boolean);
  }, 30 * 60_000, `${label}: the receipts of ${raw.length} transactions`);
  const failed = receipts.filter((r) => r.status !== '0x1').length;
  assert.equal(failed, 0, `${label}: ${failed} transactions reverted`);
  const blocks = receipts.map((r) => Number(BigInt(r.blockNumber)));
  const first = Math.min(...blocks);
  const last = Math.max(...blocks);
  await until(() => chain.final() >= last, 10 * 60_000, `${label}: finality of block #${last}`);
  const latencies = blocks.map((b, i) => (chain.finalized.get(b) - submitted[i]) / SLOT_MS).sort((a, b) => a - b);
  const perBlock = new Map();
  for (const b of blocks) perBlock.set(b, (perBlock.get(b) || 0) + 1);
  const span = last - first + 1;
  // Weight of the normal class in the blocks that carried the load, against its limit.
  const limit = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const used = [];
  for (let b = first; b <= last; b++) {
    const hash = await api.rpc.chain.getBlockHash(b);
    const w = await (await api.at(hash)).query.system.blockWeight();
    used.push(w.normal.refTime.toBigInt());
  }
  const usedTotal = used.reduce((a, b) => a + b, 0n);
  // alice's proposer: "Prepared block for proposing at N (T ms) ... end: REASON; extrinsics_count: E"
  // for the blocks she authored (REASON: NoMoreTransactions, HitDeadline, HitBlockSizeLimit,
  // HitBlockWeightLimit, sc-basic-authorship's EndProposingReason)
  const proposals = [...alice.log().matchAll(/Prepared block for proposing at (\d+) \((\d+) ms\)[^\n]*end: (\w+); extrinsics_count: (\d+)/g)]
    .map((m) => ({ number: Number(m[1]), ms: Number(m[2]), end: m[3], extrinsics: Number(m[4]) }))
    .filter((p) => p.number >= first && p.number <= last);
  return {
    label, txs: raw.length, sendSeconds, first, last, span,
    perBlockMax: Math.max(...perBlock.values()), perBlockAvg: raw.length / span,
    rate: raw.length / ((span * SLOT_MS) / 1000),
    p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies[latencies.length - 1],
    weightFull: Number((usedTotal * 1000n) / (limit * BigInt(span))) / 10,
    weightPeak: Number((used.reduce((a, b) => (b > a ? b : a), 0n) * 1000n) / limit) / 10,
    weightPerTxUs: Number(usedTotal / BigInt(raw.length) / 1_000_000n),
    gasAvg: Math.round(receipts.reduce((a, r) => a + Number(BigInt(r.gasUsed)), 0) / raw.length),
    proposals,
  };
}

function report(r) {
  console.log(`\n## ${r.label}`);
  console.log(`${r.txs} transactions sent in ${r.sendSeconds.toFixed(1)} s; blocks #${r.first}-#${r.last} (${r.span})`);
  console.log(`| per block max | per block avg | rate (tx/s) | latency p50 / p95 / max (slots) | normal weight used avg / peak | weight per tx | gas per tx |`);
  console.log(`|---:|---:|---:|---:|---:|---:|---:|`);
  console.log(`| ${r.perBlockMax} | ${r.perBlockAvg.toFixed(1)} | ${r.rate.toFixed(1)} | ${r.p50.toFixed(2)} / ${r.p95.toFixed(2)} / ${r.max.toFixed(2)} | ${r.weightFull} % / ${r.weightPeak} % | ${r.weightPerTxUs} µs | ${r.gasAvg} |`);
  if (r.proposals.length) {
    console.log(`alice's proposals in the span: ${r.proposals.map((p) => `#${p.number} ${p.extrinsics} ext in ${p.ms} ms (${p.end})`).join(', ')}`);
  }
}

await cryptoWaitReady();
const nodes = [];
let api;
let councilApi;
try {
  // The 4 validators; alice first (the others' bootnode), with the managed Ethereum endpoint.
  for (const name of VALIDATORS) {
    const boot = nodes.length ? ['--bootnodes', `/ip4/127.0.0.1/tcp/${nodes[0].p2pPort}/p2p/${peerId('alice')}`] : [];
    nodes.push(await startNode(['--chain', 'local', `--${name}`, '--node-key', nodeKey(name).toString('hex'),
      '--pool-limit', '20000', '--pool-kbytes', '100000', ...boot], { name, eth: name === 'alice' }));
  }
  const alice = nodes[0];
  await until(() => jsonRpc(alice.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum JSON-RPC endpoint');
  api = await ApiPromise.create({ provider: new WsProvider(alice.wsUrl), noInitWarn: true });
  const chain = await follow(api);
  await until(() => chain.final() >= 2, 180_000, 'GRANDPA finality on the 4 validators');
  console.log(`# 4 validators of the local chain; finalized #${chain.final()}`);

  // The engine, authorized for the rollup precompile by a council motion.
  const deploymentFile = path.join(alice.basePath, 'alstra-deployment.json');
  const cli = alstraCli(alice.ethUrl, deploymentFile);
  cli.run('alith', 'engine', 'deploy', '--rollup', ROLLUP ? 'auto' : 'none');
  const d = JSON.parse(fs.readFileSync(deploymentFile, 'utf8'));
  if (ROLLUP) {
    councilApi = await council.connect(alice.wsUrl);
    const signers = ['//Alice', '//Bob', '//Charlie'].map(council.signer);
    for (const [address, kind] of [[d.definitionRegistry, 'Registry'], [d.processExecution, 'Engine']]) {
      await council.passMotion(councilApi, signers[0], signers, councilApi.tx.rollup.authorizeContract(address, kind));
    }
  }
  cli.run('alith', 'participant', 'register', ACCOUNTS.alith, '--name', 'Acme Ltd (Alith)', '--role', 'WFP-6-');
  const { definitionId } = cli.run('alith', 'bpmn', 'deploy', model('miwg-reference/A.1.0.bpmn'));
  console.log(`# engine ${d.processExecution} (${ROLLUP ? 'reporting to the rollup precompile, authorized by the council' : 'without the rollup precompile'}), A.1.0 published as definition ${definitionId}`);

  const provider = new ethers.JsonRpcProvider(alice.ethUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const wallet = new ethers.Wallet(ALITH_KEY, provider);
  const engine = new ethers.Contract(d.processExecution, ENGINE_ABI, wallet);
  const chainId = BigInt(await jsonRpc(alice.ethUrl, 'eth_chainId'));
  const gasPrice = BigInt(await jsonRpc(alice.ethUrl, 'eth_gasPrice'));
  let nonce = await provider.getTransactionCount(ACCOUNTS.alith, 'pending');
  /** Signs `count` calls (`data(i)`) to `to` with consecutive nonces and a gas limit of 1.2x `estimate`. */
  async function sign(to, count, data, estimate) {
    const gasLimit = (estimate * 12n) / 10n;
    const out = [];
    for (let i = 0; i < count; i++) {
      out.push(await wallet.signTransaction({ type: 0, chainId, nonce: nonce++, to, data: data(i), gasLimit, gasPrice }));
    }
    return out;
  }
  const ctx = { ethUrl: alice.ethUrl, api, chain, alice };
  const results = [];

  // 1. starts
  const startData = engine.interface.encodeFunctionData('startInstance', [definitionId, [], []]);
  const firstId = Number(await engine.startInstance.staticCall(definitionId, [], []));
  const startGas = await engine.startInstance.estimateGas(definitionId, [], []);
  results.push(await load(`startInstance (A.1.0) x ${INSTANCES}`, { raw: await sign(d.processExecution, INSTANCES, () => startData, startGas), ...ctx }));
  report(results.at(-1));

  // 2. first task of each instance, in a burst
  const [task1] = await engine.enabledTasks(firstId);
  const complete = (element) => (i) => engine.interface.encodeFunctionData('completeTask', [firstId + i, element, []]);
  const taskGas = await engine.completeTask.estimateGas(firstId, task1, []);
  const burst = await load(`completeTask x ${INSTANCES} (saturation)`, { raw: await sign(d.processExecution, INSTANCES, complete(task1), taskGas), ...ctx });
  results.push(burst);
  report(burst);

  // 3. second task of half the instances, paced at half the saturated rate
  const [task2] = await engine.enabledTasks(firstId);
  const half = Math.floor(INSTANCES / 2);
  const pace = Math.round(1000 / (burst.rate / 2));
  const task2Gas = await engine.completeTask.estimateGas(firstId, task2, []);
  results.push(await load(`completeTask x ${half} paced at ${(burst.rate / 2).toFixed(1)}/s (half of saturation)`,
    { raw: await sign(d.processExecution, half, complete(task2), task2Gas), pace, ...ctx }));
  report(results.at(-1));

  // 4. plain contract calls
  const { Counter } = compile({ 'Counter.sol': path.join(ROOT, 'tests/e2e/contracts/Counter.sol') });
  const counter = await (await new ethers.ContractFactory(Counter.abi, Counter.bytecode, wallet).deploy()).waitForDeployment();
  nonce = await provider.getTransactionCount(ACCOUNTS.alith, 'pending');
  const incData = counter.interface.encodeFunctionData('increment', [1]);
  const incGas = await counter.increment.estimateGas(1);
  results.push(await load(`Counter.increment x ${CALLS} (plain contract calls, saturation)`,
    { raw: await sign(await counter.getAddress(), CALLS, () => incData, incGas), ...ctx }));
  report(results.at(-1));

  console.log('\n# summary');
  console.log('| load | tx/s | p50 / p95 (slots) | per block max | normal weight used |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.label} | ${r.rate.toFixed(1)} | ${r.p50.toFixed(2)} / ${r.p95.toFixed(2)} | ${r.perBlockMax} | ${r.weightFull} % |`);
} catch (e) {
  for (const n of nodes) console.log(`--- ${n.logFile}\n${tail(n.log(), 30)}`);
  throw e;
} finally {
  await councilApi?.disconnect();
  await api?.disconnect();
  for (const n of nodes) await n.stop();
  if (!KEEP) for (const n of nodes) fs.rmSync(n.basePath, { recursive: true, force: true });
}
