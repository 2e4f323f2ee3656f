// End to end on a real local Ethereum node: batches of real BPM transitions (walked on real
// BPMN models) are proven by `alstra prover` with fresh INSECURE test keys, and the L1 contracts
// (RollupManager, the generated Verifier for those keys, DataAvailability), compiled from
// source with solc-js, are deployed to anvil (npm `@foundry-rs/anvil`) and driven with ethers
// from anvil's dev accounts. Each batch header is signed (EIP-712, ethers' signTypedData) by a
// committee of four validator keys: valid batches signed by a supermajority are accepted in
// order; too few signatures, an outsider's, signatures over another header, the old set after a
// handover, an out-of-order batch, a replay, a wrong old root, invalid proofs, data not matching
// the commitment and submissions while paused are rejected — each both by `eth_call` (the
// revert decoded by name from the contracts' ABIs) and as a mined transaction that reverted and
// changed nothing. Every check runs on a fresh deployment (anvil snapshots).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { ALSTRA_BIN } from '../lib/alstra.js';
import { startAnvil } from '../lib/anvil.js';
import { acceptedBatch } from '../lib/l1.js';
import { ROOT, tempDir } from '../lib/node.js';
import { compile, link } from '../lib/solc.js';

// Circuit shape: production tree depths (16/16), 2 transition slots per batch. Seeds are
// public, so the keys are INSECURE (tests only); everything below is deterministic.
const BATCH_SIZE = 2;
const DEPTH = 16;
const KEY_SEED = 42;
const WALK_SEED = 7;
const BATCHES = 2; // consecutive; the last one is partly padding (BATCH_SIZE - 1 transitions)

const L1 = path.join(ROOT, 'contracts/l1');
const NODE_MODULES = path.join(ROOT, 'contracts/node_modules');
const MODE = { Rollup: 0, Validium: 1 };
const TX_GAS = 2_000_000n; // explicit limit for transactions expected to revert (no estimate)
// The validators' attestation keys (test keys: public): set 0 is the first four (threshold 3).
const VALIDATOR_KEYS = [1, 2, 3, 4, 5, 6].map((i) => ethers.id(`alstranet test validator ${i}`));
// EIP-712 types of RollupManager (see BATCH_HEADER_TYPEHASH, VALIDATOR_SET_CHANGE_TYPEHASH).
const BATCH_HEADER_TYPES = {
  BatchHeader: [
    { name: 'number', type: 'uint64' },
    { name: 'oldRoot', type: 'uint256' },
    { name: 'newRoot', type: 'uint256' },
    { name: 'definitionsRoot', type: 'uint256' },
    { name: 'commitment', type: 'uint256' },
    { name: 'sealedAt', type: 'uint32' },
    { name: 'sealedAtHash', type: 'bytes32' },
  ],
};
const SET_CHANGE_TYPES = { ValidatorSetChange: [{ name: 'setId', type: 'uint64' }, { name: 'validators', type: 'address[]' }] };

/** Runs `alstra prover ...args` in `cwd`; returns stdout and records the wall time. */
function prover(cwd, timings, ...args) {
  const t0 = Date.now();
  const r = spawnSync(ALSTRA_BIN, ['prover', ...args], { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw new Error(`cannot run ${ALSTRA_BIN} (build alstra-cli or set ALSTRA): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`alstra prover ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  timings.push([`alstra prover ${args[0]}`, (Date.now() - t0) / 1000]);
  return r.stdout;
}

/**
 * Reads the batches written by `alstra prover fixtures --json-out` (the same batches as its
 * `BatchFixtures.sol`): genesis root and, per batch, public inputs, proof in Solidity calldata
 * order, batch data and number of transitions — as BigInts.
 */
function readFixtures(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const big = (x) => (Array.isArray(x) ? x.map(big) : BigInt(x));
  return {
    genesisRoot: BigInt(doc.genesisRoot),
    batchSize: doc.batchSize,
    batches: doc.batches.map((b) => ({
      pub: {
        oldRoot: BigInt(b.oldRoot),
        newRoot: BigInt(b.newRoot),
        definitionsRoot: BigInt(b.defsRoot),
        commitment: BigInt(b.commitment),
      },
      proof: { a: big(b.pA), b: big(b.pB), c: big(b.pC) },
      data: b.data,
      transitions: b.transitions,
    })),
  };
}

/** Batch data as published on L1: per transition `instance_id | rule_index << 32 | partner_id << 64`, 12 bytes big-endian. */
function batchData(witness) {
  const record = (s) => (BigInt(s.partner_id) << 64n) | (BigInt(s.rule_index) << 32n) | BigInt(s.instance_id);
  return '0x' + witness.steps.map((s) => record(s).toString(16).padStart(24, '0')).join('');
}

describe('L1 rollup contracts on anvil with real proofs from alstra prover', () => {
  const timings = [];
  const gas = [];
  let dir;
  let fx; // parsed fixtures: { genesisRoot, batchSize, batches }
  let b1;
  let b2;
  let exported; // `alstra prover export` of batch 1: calldata.json
  let witness1; // batch.json of batch 1 (the witness walked on real BPMN models)
  let artifacts;
  let errors; // every custom error the L1 contracts can revert with
  let anvil;
  let provider;
  let owner;
  let relayer;
  let stranger;
  let verifier;
  let rollup; // RollupManager in rollup mode (with its DataAvailability)
  let da;
  let snapshot;
  let wallets; // the validators' attestation keys (ethers Wallets), VALIDATOR_KEYS order

  before(async () => {
    if (!fs.existsSync(path.join(NODE_MODULES, '@openzeppelin/contracts')) || !fs.existsSync(path.join(NODE_MODULES, 'poseidon-solidity'))) {
      throw new Error(`${NODE_MODULES} lacks OpenZeppelin or poseidon-solidity: run \`npm ci\` in contracts/`);
    }
    // 1. The prover: fresh INSECURE keys, one proof through prove/verify/export (the JSON a
    //    relayer reads), and consecutive batches + the Verifier.sol of these keys (fixtures).
    dir = tempDir('l1-rollup');
    const keys = path.join(dir, 'keys');
    prover(dir, timings, 'setup', '--out', keys, '--batch-size', String(BATCH_SIZE),
      '--state-depth', String(DEPTH), '--defs-depth', String(DEPTH), '--seed', String(KEY_SEED));
    prover(dir, timings, 'prove', '--keys', keys, '--out', path.join(dir, 'proof1'), '--seed', String(WALK_SEED),
      '--proof-seed', String(WALK_SEED)); // deterministic, to compare with the fixtures' batch 1
    assert.match(prover(dir, timings, 'verify', '--keys', keys, '--proof', path.join(dir, 'proof1')), /proof valid/);
    prover(dir, timings, 'export', '--keys', keys, '--proof', path.join(dir, 'proof1'), '--out', path.join(dir, 'export'));
    prover(dir, timings, 'fixtures', '--keys', keys, '--batches', String(BATCHES), '--seed', String(WALK_SEED),
      '--verifier-out', path.join(dir, 'fixtures'), '--fixtures-out', path.join(dir, 'fixtures'),
      '--json-out', path.join(dir, 'fixtures/batches.json'));
    fx = readFixtures(path.join(dir, 'fixtures/batches.json'));
    assert.equal(fx.batches.length, BATCHES);
    [b1, b2] = fx.batches;
    exported = JSON.parse(fs.readFileSync(path.join(dir, 'export/calldata.json'), 'utf8'));
    witness1 = JSON.parse(fs.readFileSync(path.join(dir, 'proof1/batch.json'), 'utf8'));

    // 2. The contracts, from source: the generated verifier of these keys, the manager and DA.
    let t0 = Date.now();
    artifacts = compile({
      // the exported verifier of these keys, compiled next to the Groth16Verifier it imports
      'src/Verifier.sol': path.join(dir, 'export/Verifier.sol'),
      'src/Groth16Verifier.sol': path.join(L1, 'src/Groth16Verifier.sol'),
      'src/RollupManager.sol': path.join(L1, 'src/RollupManager.sol'),
      'src/DataAvailability.sol': path.join(L1, 'src/DataAvailability.sol'),
      'src/ValidatorCommittee.sol': path.join(L1, 'src/ValidatorCommittee.sol'),
    }, {
      baseDir: L1,
      remappings: {
        '@openzeppelin/contracts/': path.join(NODE_MODULES, '@openzeppelin/contracts'),
        'poseidon-solidity/': path.join(NODE_MODULES, 'poseidon-solidity'),
      },
    });
    const seen = new Set();
    errors = new ethers.Interface(['RollupManager', 'DataAvailability', 'Verifier']
      .flatMap((n) => artifacts[n].abi)
      .filter((f) => f.type === 'error' && !seen.has(f.name) && seen.add(f.name)));
    timings.push(['solc-js: compile Verifier, RollupManager, DataAvailability', (Date.now() - t0) / 1000]);

    // 3. A real Ethereum node, and the deployment by its dev accounts.
    t0 = Date.now();
    anvil = await startAnvil();
    provider = new ethers.JsonRpcProvider(anvil.url, Number(anvil.chainId), { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    [owner, relayer, stranger] = await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)));
    wallets = VALIDATOR_KEYS.map((k) => new ethers.Wallet(k));
    verifier = await deploy('Verifier');
    const poseidon = await deploy('PoseidonT3');
    artifacts.RollupManager.linked = link(artifacts.RollupManager, { PoseidonT3: await poseidon.getAddress() });
    rollup = await deployManager(MODE.Rollup);
    da = new ethers.Contract(await rollup.dataAvailability(), artifacts.DataAvailability.abi, provider);
    snapshot = await provider.send('evm_snapshot', []);
    timings.push(['anvil: start and deploy', (Date.now() - t0) / 1000]);
    const info = await provider.send('anvil_nodeInfo', []);
    console.log(`# ${await provider.send('web3_clientVersion', [])} on ${anvil.url}: chain id ${anvil.chainId}, hardfork ${info.hardFork}`);
  });

  after(async () => {
    for (const [what, s] of timings) console.log(`# measured: ${what}: ${s.toFixed(1)} s`);
    for (const [what, g] of gas) console.log(`# measured: ${what}: ${g} gas`);
    provider?.destroy();
    await anvil?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true }); // keys are ~10 MB
  });

  async function deploy(name, ...args) {
    const { abi, bytecode, linked } = artifacts[name];
    const c = await new ethers.ContractFactory(abi, linked ?? bytecode, owner).deploy(...args);
    await c.waitForDeployment();
    return c;
  }

  /** A RollupManager administered by `owner`, with validator set 0 = the first four wallets. */
  async function deployManager(mode) {
    return deploy('RollupManager', await owner.getAddress(), await verifier.getAddress(), mode, fx.genesisRoot,
      0n, wallets.slice(0, 4).map((w) => w.address));
  }

  /** EIP-712 domain of the RollupManager `m` on anvil. */
  async function domain(m) {
    return { name: 'AlstraNet Rollup', version: '1', chainId: anvil.chainId, verifyingContract: await m.getAddress() };
  }

  /** The header of batch `b` as batch `n` (the sealing block is made up: anvil has no AlstraNet). */
  const header = (b, n, over = {}) => ({
    number: BigInt(n), ...b.pub, sealedAt: 10n * BigInt(n), sealedAtHash: ethers.id(`AlstraNet block ${n}`), ...over,
  });

  /** Signatures of `signers` (Wallets) over `value` of `types`, sorted by signer address. */
  async function signAll(m, signers, types, value) {
    const d = await domain(m);
    const sorted = [...signers].sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
    return Promise.all(sorted.map((w) => w.signTypedData(d, types, value)));
  }

  /** Back to the state right after the deployment (a fresh RollupManager, no batch). */
  async function fresh() {
    assert.equal(await provider.send('evm_revert', [snapshot]), true);
    snapshot = await provider.send('evm_snapshot', []);
  }

  /** The receipt of a sent transaction (anvil mines each transaction at once). */
  async function mined(txPromise) {
    const tx = await txPromise;
    for (let i = 0; i < 1200; i++) {
      const r = await provider.getTransactionReceipt(tx.hash);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`transaction ${tx.hash} not mined`);
  }

  /**
   * Arguments of `submitBatch` for batch `b` as number `n`: its header (with `over.header`
   * fields), signed by `over.signers` (default: validators 1-3) or carrying `over.signatures`,
   * its proof (with `over.proof` fields) and data.
   */
  async function batchArgs(m, b, n, over = {}) {
    const h = header(b, n, over.header);
    const signatures = over.signatures ?? await signAll(m, over.signers ?? wallets.slice(0, 3), BATCH_HEADER_TYPES, h);
    return [h, { ...b.proof, ...over.proof }, signatures, over.data ?? b.data];
  }

  /** Submits batch `b` as number `n` from the relayer; asserts success; returns the receipt. */
  async function submit(m, b, n, over = {}) {
    let r;
    try {
      r = await mined(m.connect(relayer).submitBatch(...await batchArgs(m, b, n, over)));
    } catch (e) {
      const err = e.data && errors.parseError(e.data);
      if (err) throw new Error(`submitBatch(${n}) reverted with ${err.name}(${err.args.join(', ')})`, { cause: e });
      throw e;
    }
    assert.equal(r.status, 1);
    return r;
  }

  /** The custom error (decoded by name with the contracts' ABIs) with which `call()` reverts on eth_call. */
  async function revertOf(call, expectedName) {
    let data;
    try {
      await call();
    } catch (e) {
      data = e.data ?? e.info?.error?.data;
    }
    assert.ok(data, `no revert (expected ${expectedName})`);
    const err = errors.parseError(data);
    assert.ok(err, `unknown revert data ${data} (expected ${expectedName})`);
    return err;
  }

  /**
   * `m.connect(from)[method](...callArgs)` must revert with the custom error `name(...expected)`:
   * checked with eth_call, then sent as a real transaction, which must be mined as reverted
   * (status 0) and leave the rollup state unchanged.
   */
  async function rejects(m, from, method, callArgs, name, expected) {
    const c = m.connect(from);
    const err = await revertOf(() => c[method].staticCall(...callArgs), name);
    assert.equal(err.name, name, `reverted with ${err.name}(${err.args.join(', ')}), expected ${name}`);
    if (expected) assert.deepEqual(err.args.toArray(), expected);
    const mgr = m.interface.getFunction('lastBatch') ? m : rollup;
    const state = async () => [await mgr.lastBatch(), await mgr.stateRoot(), await mgr.paused()];
    const before = await state();
    const r = await mined(c[method](...callArgs, { gasLimit: TX_GAS }));
    assert.equal(r.status, 0, `the ${method} transaction was mined as successful`);
    assert.deepEqual(await state(), before, 'a reverted transaction changed the state');
    return err;
  }

  test('the prover made consecutive batches of real BPM transitions; its JSON export agrees', async () => {
    assert.equal(fx.batchSize, BATCH_SIZE);
    assert.equal(b1.pub.oldRoot, fx.genesisRoot, 'batch 1 starts from the empty state');
    assert.equal(b2.pub.oldRoot, b1.pub.newRoot, 'batch 2 starts where batch 1 ends');
    assert.notEqual(b1.pub.newRoot, b1.pub.oldRoot);
    assert.notEqual(b2.pub.newRoot, b2.pub.oldRoot);
    assert.deepEqual([b1.transitions, b2.transitions], [BATCH_SIZE, BATCH_SIZE - 1]);
    // `prove` + `export` (same seeds) gave the same batch and proof as the fixtures' first.
    const big = (x) => (Array.isArray(x) ? x.map(big) : BigInt(x));
    assert.deepEqual(big(exported.pubSignals), [b1.pub.oldRoot, b1.pub.newRoot, b1.pub.definitionsRoot, b1.pub.commitment, 1n]);
    assert.deepEqual([big(exported.pA), big(exported.pB), big(exported.pC)], [b1.proof.a, b1.proof.b, b1.proof.c]);
    assert.equal(batchData(witness1), b1.data, 'batch data = the records of the witness');
    for (const s of witness1.steps) console.log(`# batch 1: instance ${s.instance_id}, rule ${s.rule_index}: ${s.rule.label}`);
    // The verifier of `fixtures` is the exported one (same keys); only the header comment differs.
    const code = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => !l.startsWith('//')).join('\n');
    assert.equal(code(path.join(dir, 'fixtures/Verifier.sol')), code(path.join(dir, 'export/Verifier.sol')));
    // The deployed verifier accepts both proofs and rejects a changed public input.
    // The fifth public input is the batch number: a proof verifies for its own number only.
    for (const [i, b] of [b1, b2].entries()) {
      const pubs = [b.pub.oldRoot, b.pub.newRoot, b.pub.definitionsRoot, b.pub.commitment, BigInt(i + 1)];
      assert.equal(await verifier.verifyProof(b.proof.a, b.proof.b, b.proof.c, pubs), true);
      assert.equal(await verifier.verifyProof(b.proof.a, b.proof.b, b.proof.c, [pubs[0], pubs[1] ^ 1n, pubs[2], pubs[3], pubs[4]]), false);
      assert.equal(await verifier.verifyProof(b.proof.a, b.proof.b, b.proof.c, [pubs[0], pubs[1], pubs[2], pubs[3], pubs[4] + 1n]), false);
    }
    // Gas of the verifier alone, as a transaction (eth_estimateGas would under-measure: with too
    // little gas the pairing precompile fails and verifyProof returns false instead of reverting).
    const tx = await verifier.verifyProof.populateTransaction(b1.proof.a, b1.proof.b, b1.proof.c,
      [b1.pub.oldRoot, b1.pub.newRoot, b1.pub.definitionsRoot, b1.pub.commitment, 1n]);
    const r = await mined(owner.sendTransaction({ ...tx, gasLimit: TX_GAS }));
    assert.equal(r.status, 1);
    gas.push(['verifyProof as a transaction (receipt gasUsed incl. 21,000 + calldata)', r.gasUsed]);
  });

  test('valid batches are accepted in order (rollup mode: the data is checked against the commitment)', async () => {
    await fresh();
    assert.equal(await rollup.genesisRoot(), fx.genesisRoot);
    assert.equal(await rollup.stateRoot(), fx.genesisRoot);
    assert.equal(await rollup.lastBatch(), 0n);
    for (const [i, b] of [b1, b2].entries()) {
      const n = i + 1;
      const r = await submit(rollup, b, n);
      const accepted = r.logs.map((l) => rollup.interface.parseLog(l)).filter((e) => e?.name === 'BatchAccepted');
      assert.equal(accepted.length, 1);
      assert.deepEqual(accepted[0].args.toArray(),
        [BigInt(n), b.pub.oldRoot, b.pub.newRoot, b.pub.definitionsRoot, b.pub.commitment, 10n * BigInt(n),
          ethers.id(`AlstraNet block ${n}`), 0n, await relayer.getAddress()]);
      const published = r.logs.map((l) => da.interface.parseLog(l)).filter((e) => e?.name === 'BatchDataPublished');
      assert.equal(published.length, 1);
      assert.deepEqual(published[0].args.toArray(), [BigInt(n), b.pub.commitment, ethers.keccak256(b.data), BigInt(b.transitions)]);
      assert.equal(await rollup.lastBatch(), BigInt(n));
      assert.equal(await rollup.stateRoot(), b.pub.newRoot);
      // L1 keeps the hash of the batch's record; the record from the log matches it
      const rec = await acceptedBatch(rollup, n);
      assert.deepEqual([rec.oldRoot, rec.newRoot, rec.definitionsRoot, rec.commitment, rec.validatorSetId, rec.relayer, rec.l1BlockNumber],
        [b.pub.oldRoot, b.pub.newRoot, b.pub.definitionsRoot, b.pub.commitment, 0n, await relayer.getAddress(), BigInt(r.blockNumber)]);
      assert.notEqual(await rollup.hashBatchRecord({ ...rec, newRoot: rec.newRoot ^ 1n }), await rollup.batchRecordHash(n),
        'a record with another root does not match');
      assert.equal(await da.commitmentOfData(n, b.data), b.pub.commitment, 'the contract recomputes the Poseidon chain from the batch number');
      gas.push([`submitBatch rollup mode, batch ${n} (${b.transitions} of ${BATCH_SIZE} slots; receipt gasUsed incl. 21,000 + calldata)`, r.gasUsed]);
    }
    assert.equal(await rollup.batchRecordHash(3), ethers.ZeroHash, 'no record of a batch not accepted');
  });

  test('an out-of-order batch is rejected: batch 2 before batch 1', async () => {
    await fresh();
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b2, 2), 'BatchOutOfOrder', [1n, 2n]);
    await submit(rollup, b1, 1);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b2, 3), 'BatchOutOfOrder', [2n, 3n]);
  });

  test('a replayed batch is rejected, and an accepted batch cannot be replaced', async () => {
    await fresh();
    await submit(rollup, b1, 1);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1), 'BatchAlreadyAccepted', [1n]);
    // batch 2's valid proof presented as batch 1
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b2, 1), 'BatchAlreadyAccepted', [1n]);
    await submit(rollup, b2, 2);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1), 'BatchAlreadyAccepted', [1n]);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b2, 2), 'BatchAlreadyAccepted', [2n]);
    assert.equal((await acceptedBatch(rollup, 1)).newRoot, b1.pub.newRoot);
    assert.equal(await rollup.stateRoot(), b2.pub.newRoot);
  });

  test('a batch with a wrong old root is rejected', async () => {
    await fresh();
    // batch 2 (valid proof) as batch 1: it does not start from the genesis root
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b2, 1), 'WrongOldRoot', [fx.genesisRoot, b2.pub.oldRoot]);
    // batch 1 again as batch 2: it starts from the genesis root, not from batch 1's new root
    await submit(rollup, b1, 1);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 2), 'WrongOldRoot', [b1.pub.newRoot, b1.pub.oldRoot]);
  });

  test('an invalid proof is rejected', async () => {
    await fresh();
    // (the header, with any changed root, is signed by a supermajority: the proof still fails)
    const bad = async (over) => rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, over), 'InvalidProof', []);
    await bad({ proof: { a: b2.proof.a } }); // a point of another (valid) proof
    await bad({ proof: { a: [b1.proof.a[0], b1.proof.a[1] ^ 1n] } }); // not on the curve
    await bad({ proof: { b: b1.proof.b.map(([im, re]) => [re, im]) } }); // Fq2 halves swapped (export bug)
    await bad({ proof: { c: b2.proof.c } });
    await bad({ proof: b2.proof }); // batch 2's whole proof for batch 1's inputs
    // a claimed new root (or commitment) that the proof does not prove
    await bad({ header: { newRoot: b1.pub.newRoot ^ 1n } });
    await bad({ header: { newRoot: b2.pub.newRoot } });
    await bad({ header: { definitionsRoot: b2.pub.definitionsRoot ^ 1n } });
    await bad({ header: { commitment: b2.pub.commitment }, data: b2.data });
    // the untouched batch is then accepted
    await submit(rollup, b1, 1);
  });

  test('rollup mode: data that does not hash to the proven commitment is rejected', async () => {
    await fresh();
    const flipped = ethers.getBytes(b1.data);
    flipped[11] ^= 1; // another instance id in the first record (bytes 8..12 of its 12)
    const err = await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, { data: ethers.hexlify(flipped) }), 'DataCommitmentMismatch');
    assert.equal(err.args[0], b1.pub.commitment);
    assert.notEqual(err.args[1], b1.pub.commitment);
    // withheld: the chain of no record is its start, the batch number
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, { data: '0x' }), 'DataCommitmentMismatch', [b1.pub.commitment, 1n]);
    // batch 2's records as batch 1's: a chain from 1, neither batch 1's nor batch 2's commitment
    const b2AsBatch1 = await da.commitmentOfData(1, b2.data);
    assert.notEqual(b2AsBatch1, b2.pub.commitment);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, { data: b2.data }), 'DataCommitmentMismatch', [b1.pub.commitment, b2AsBatch1]);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, { data: '0x010203' }), 'MalformedBatchData', [3n]);
  });

  test('the validators\' EIP-712 digests agree with ethers; any sender may carry a batch that a supermajority signed', async () => {
    await fresh();
    const h = header(b1, 1);
    assert.equal(await rollup.hashBatchHeader(h), ethers.TypedDataEncoder.hash(await domain(rollup), BATCH_HEADER_TYPES, h));
    const set = wallets.slice(0, 4).map((w) => w.address);
    assert.equal(await rollup.hashValidatorSetChange(1, set),
      ethers.TypedDataEncoder.hash(await domain(rollup), SET_CHANGE_TYPES, { setId: 1n, validators: set }));
    assert.deepEqual([...await rollup.validators()], set);
    assert.equal(await rollup.threshold(), 3n);
    const strangerAddr = await stranger.getAddress();
    const ADMIN = await rollup.DEFAULT_ADMIN_ROLE();
    // a stranger cannot pause, nor record data in the DataAvailability contract
    await rejects(rollup, stranger, 'pause', [], 'AccessControlUnauthorizedAccount', [strangerAddr, ADMIN]);
    await rejects(da, stranger, 'record', [1, b1.pub.commitment, b1.data], 'NotManager', [strangerAddr]);
    // but may submit a signed, proven batch: the trust is in the signatures and the proof
    const r = await mined(rollup.connect(stranger).submitBatch(...await batchArgs(rollup, b1, 1)));
    assert.equal(r.status, 1);
    assert.equal((await acceptedBatch(rollup, 1)).relayer, strangerAddr);
  });

  test('a header signed by fewer than a supermajority, by an outsider, or for another header is rejected', async () => {
    await fresh();
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, { signers: wallets.slice(0, 2) }), 'NotEnoughSignatures', [2n, 3n]);
    // validators 1, 2 and an outsider (wallet 5: not in set 0)
    const withOutsider = await batchArgs(rollup, b1, 1, { signers: [wallets[0], wallets[1], wallets[4]] });
    const err = await rejects(rollup, relayer, 'submitBatch', withOutsider, 'SignerNotValidator');
    assert.equal(err.args[1], wallets[4].address);
    // the same validator three times
    const [one] = await signAll(rollup, [wallets[0]], BATCH_HEADER_TYPES, header(b1, 1));
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b1, 1, { signatures: [one, one, one] }), 'SignersNotSorted',
      [1n, wallets[0].address]);
    // signatures over batch 1's header as the chain sealed it, presented with another sealing
    // block: a root the chain never sealed there; the recovered signers are nobody
    const signed = await batchArgs(rollup, b1, 1);
    const moved = await batchArgs(rollup, b1, 1, { header: { sealedAt: 11n }, signatures: signed[2] });
    await rejects(rollup, relayer, 'submitBatch', moved, 'SignerNotValidator');
    await submit(rollup, b1, 1);
  });

  test('a validator-set handover signed by the current set replaces it on L1; the old set can no longer sign', async () => {
    await fresh();
    await submit(rollup, b1, 1);
    // set 1: validators 1, 2, 5, 6 (the council replaced 3 and 4 on AlstraNet)
    const next = [wallets[0], wallets[1], wallets[4], wallets[5]].map((w) => w.address);
    const change = { setId: 1n, validators: next };
    await rejects(rollup, relayer, 'changeValidators', [1n, next, await signAll(rollup, wallets.slice(0, 2), SET_CHANGE_TYPES, change)],
      'NotEnoughSignatures', [2n, 3n]);
    await rejects(rollup, relayer, 'changeValidators', [1n, next, await signAll(rollup, [wallets[0], wallets[4], wallets[5]], SET_CHANGE_TYPES, change)],
      'SignerNotValidator');
    const r = await mined(rollup.connect(relayer).changeValidators(1n, next, await signAll(rollup, wallets.slice(0, 3), SET_CHANGE_TYPES, change)));
    assert.equal(r.status, 1);
    const ev = r.logs.map((l) => rollup.interface.parseLog(l)).find((e) => e?.name === 'ValidatorSetChanged');
    assert.deepEqual([ev.args[0], [...ev.args[1]]], [1n, next]);
    assert.equal(await rollup.validatorSetId(), 1n);
    // the old set's supermajority (1, 3, 4) is refused; the new one's (2, 5, 6) accepted
    const oldSet = await batchArgs(rollup, b2, 2, { signers: [wallets[0], wallets[2], wallets[3]] });
    await rejects(rollup, relayer, 'submitBatch', oldSet, 'SignerNotValidator');
    await rejects(rollup, relayer, 'changeValidators', [1n, next, await signAll(rollup, wallets.slice(0, 3), SET_CHANGE_TYPES, change)],
      'WrongValidatorSetId', [2n, 1n]);
    await submit(rollup, b2, 2, { signers: [wallets[1], wallets[4], wallets[5]] });
    assert.equal((await acceptedBatch(rollup, 2)).validatorSetId, 1n);
  });

  test('pause blocks submission; unpause restores it', async () => {
    await fresh();
    await submit(rollup, b1, 1);
    await mined(rollup.connect(owner).pause());
    assert.equal(await rollup.paused(), true);
    await rejects(rollup, relayer, 'submitBatch', await batchArgs(rollup, b2, 2), 'EnforcedPause', []);
    await rejects(rollup, owner, 'pause', [], 'EnforcedPause', []);
    await mined(rollup.connect(owner).unpause());
    assert.equal(await rollup.paused(), false);
    await submit(rollup, b2, 2);
    assert.equal(await rollup.stateRoot(), b2.pub.newRoot);
  });

  test('validium mode: only the commitment is recorded, and no data is accepted', async () => {
    await fresh();
    const v = await deployManager(MODE.Validium);
    const vda = new ethers.Contract(await v.dataAvailability(), artifacts.DataAvailability.abi, provider);
    assert.equal(await vda.mode(), BigInt(MODE.Validium));
    await rejects(v, relayer, 'submitBatch', await batchArgs(v, b1, 1), 'DataNotAccepted', []);
    for (const [i, b] of [b1, b2].entries()) {
      const n = i + 1;
      const r = await submit(v, b, n, { data: '0x' });
      const recorded = r.logs.map((l) => vda.interface.parseLog(l)).filter((e) => e?.name === 'BatchCommitmentRecorded');
      assert.deepEqual(recorded.map((e) => e.args.toArray()), [[BigInt(n), b.pub.commitment]]);
      assert.equal(r.logs.map((l) => vda.interface.parseLog(l)).filter((e) => e?.name === 'BatchDataPublished').length, 0, 'no data published');
      assert.equal(await v.stateRoot(), b.pub.newRoot);
      gas.push([`submitBatch validium mode, batch ${n} (${b.transitions} of ${BATCH_SIZE} slots; receipt gasUsed incl. 21,000 + calldata)`, r.gasUsed]);
    }
    await rejects(v, relayer, 'submitBatch', await batchArgs(v, b1, 1, { data: '0x' }), 'BatchAlreadyAccepted', [1n]);
  });
  test('alstra l1 deploy deploys the committed artifacts with the keys\' verifying key; the deployment accepts signed, proven batches', async () => {
    await fresh();
    // anvil's dev account 3 (public test mnemonic), not one the other tests use
    const ANVIL_KEY_3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
    const out = path.join(dir, 'alstra-l1.json');
    const deployArgsTo = (url) => ['l1', 'deploy', '--l1-rpc', url, '--keys', path.join(dir, 'keys'), '--out', out,
      ...wallets.slice(0, 4).flatMap((w) => ['--validator', w.address])];
    const deployArgs = deployArgsTo(anvil.url);
    const run = (args, env = {}) => spawnSync(ALSTRA_BIN, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
    const r = run(deployArgs, { ALSTRA_L1_KEY: ANVIL_KEY_3 });
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(d.l1ChainId, Number(anvil.chainId));
    assert.equal(BigInt(d.genesisRoot), fx.genesisRoot, 'the genesis root of the keys\' state depth');
    // the verifier deployed with the key as constructor argument holds the key built into the
    // exported Verifier.sol (compiled by solc-js above)
    assert.equal(d.verifyingKeyHash, await verifier.verifyingKeyHash());
    const m = new ethers.Contract(d.rollupManager, artifacts.RollupManager.abi, provider);
    assert.deepEqual([...await m.validators()], [...wallets.slice(0, 4).map((w) => w.address)].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
    assert.equal(await m.dataAvailability(), ethers.getAddress(d.dataAvailability));
    await submit(m, b1, 1);
    await submit(m, b2, 2);
    assert.equal(await m.stateRoot(), b2.pub.newRoot);
    // clear errors: no key, an unreachable endpoint, a malformed key, a validator twice
    const noKey = run(deployArgs, { ALSTRA_L1_KEY: '' });
    assert.notEqual(noKey.status, 0);
    const down = run(deployArgsTo('http://127.0.0.1:9'), { ALSTRA_L1_KEY: ANVIL_KEY_3 });
    assert.match(down.stderr, /cannot reach the L1 Ethereum JSON-RPC endpoint http:\/\/127\.0\.0\.1:9/);
    assert.match(run(deployArgs, { ALSTRA_L1_KEY: '0x1234' }).stderr, /--l1-key is not a 0x-prefixed 32-byte private key/);
    assert.match(run([...deployArgs, '--validator', wallets[0].address], { ALSTRA_L1_KEY: ANVIL_KEY_3 }).stderr, /is given twice/);
  });
});
