'use strict';
// The validator set on Ethereum L1 follows the council (issue: the relayer and the L1 trust
// model). Two steps of consortium.zndsl:
//
// `deploy` (before the council changes the validators): `alstra l1 deploy --node` puts
//   RollupManager on the L1 (anvil, started by scripts/network-test.sh at $ALSTRANET_L1_RPC;
//   keys, addresses file and relayer log under $ALSTRANET_L1_DIR)
//   with AlstraNet's committee 0 (the 4 genesis validators' attestation keys); a council motion
//   sets the validators' L1 target (attestation.setL1Target; no sudo on `local`); `alstra
//   relayer` starts in the background against alice's node.
// `handover` (after the council added eve and removed dave): L1's validator set becomes the
//   chain's current committee, one handover per committee, each signed on chain by 2/3 of the
//   committee before it and carried by the relayer with no batch to relay; the removed
//   validator's signature is then refused by L1 (`SignerNotValidator`) where a supermajority of
//   the current members is accepted.
//
// Prover keys: INSECURE seeded test keys of 1 slot (`alstra prover setup --seed`); no batch is
// proven here, the verifier only has to exist.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { council, api, disconnectAll, waitFor, measured, councilSigners, loadState, saveState, sleep } = require('./lib.cjs');

const e2e = path.join(__dirname, '../../tests/e2e');
const { ethers } = require(require.resolve('ethers', { paths: [e2e] }));
const governance = { paths: [path.join(__dirname, '../../governance')] };
const { Keyring, DEV_PHRASE } = require(require.resolve('@polkadot/keyring', governance));
const uc = require(require.resolve('@polkadot/util-crypto', governance));

/** Anvil's dev account 0 (its public test mnemonic): deploys the L1 contracts and pays the relayer's handovers. */
const ANVIL_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const L1_ABI = [
  'function validatorSetId() view returns (uint64)',
  'function validators() view returns (address[])',
  'function threshold() view returns (uint256)',
  'function hashValidatorSetChange(uint64 setId, address[] validators) view returns (bytes32)',
  'function changeValidators(uint64 setId, address[] validators, bytes[] signatures)',
  'error SignerNotValidator(uint256 index, address signer)',
  'error NotEnoughSignatures(uint256 signed, uint256 required)',
  'error WrongValidatorSetId(uint64 expected, uint64 setId)',
];

function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the network test through scripts/network-test.sh`);
  return v;
}

function alstra(args, what) {
  const r = spawnSync(env('ALSTRA'), args, { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ALSTRA_L1_KEY: ANVIL_KEY } });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** AlstraNet's committee `id` at alice's best block: its members as checksummed addresses. */
async function committee(a, id) {
  const members = await a.call.attestationApi.committee(id);
  if (members.isNone) throw new Error(`AlstraNet has no committee ${id}`);
  return members.unwrap().map((m) => ethers.getAddress(m.toHex()));
}

/**
 * The attestation (`attn`) key of a dev validator (`//Alice`...) as an ethers wallet: sp-core's
 * ecdsa derivation (hard junctions of the dev phrase's mini secret), which polkadot.js shares;
 * checked against polkadot.js' public key for the same URI.
 */
function attestationWallet(suri) {
  const { path: junctions } = uc.keyExtractSuri(`${DEV_PHRASE}${suri}`);
  const { secretKey } = uc.keyFromPath(uc.secp256k1PairFromSeed(uc.mnemonicToMiniSecret(DEV_PHRASE)), junctions, 'ecdsa');
  const wallet = new ethers.Wallet(ethers.hexlify(secretKey.slice(0, 32)));
  const expected = ethers.hexlify(new Keyring({ type: 'ecdsa' }).addFromUri(suri).publicKey);
  if (ethers.SigningKey.computePublicKey(wallet.signingKey.publicKey, true) !== expected) {
    throw new Error(`${suri}: the derived attestation key does not match polkadot.js' public key ${expected}`);
  }
  return wallet;
}

async function deploy(networkInfo) {
  const l1Rpc = env('ALSTRANET_L1_RPC');
  const dir = env('ALSTRANET_L1_DIR');
  fs.mkdirSync(dir, { recursive: true });
  const keys = path.join(dir, 'keys');
  alstra(['prover', 'setup', '--out', keys, '--batch-size', '1', '--state-depth', '16', '--defs-depth', '16', '--seed', '7'], 'alstra prover setup');
  const deployment = path.join(dir, 'alstra-l1.json');
  alstra(['l1', 'deploy', '--l1-rpc', l1Rpc, '--keys', keys, '--node', networkInfo.nodesByName.alice.wsUri, '--out', deployment], 'alstra l1 deploy');
  const l1 = JSON.parse(fs.readFileSync(deployment, 'utf8'));

  const alice = await api(networkInfo, 'alice');
  const genesis = await committee(alice, 0);
  if (genesis.length !== 4) throw new Error(`committee 0 has ${genesis.length} members, expected the 4 genesis validators`);
  const manager = new ethers.Contract(l1.rollupManager, L1_ABI, new ethers.JsonRpcProvider(l1Rpc));
  const onL1 = (await manager.validators()).map((a) => ethers.getAddress(a));
  if (Number(await manager.validatorSetId()) !== 0 || JSON.stringify(onL1) !== JSON.stringify(genesis)) {
    throw new Error(`L1's validator set (${await manager.validatorSetId()}: ${onL1}) is not AlstraNet's committee 0 (${genesis})`);
  }

  // the council sets the L1 target the validators sign for
  const target = { chainId: l1.l1ChainId, rollupManager: l1.rollupManager };
  const [proposer, ...others] = councilSigners();
  const motion = await council.passMotion(alice, proposer, [proposer, ...others], alice.tx.attestation.setL1Target(target));
  const set = (await alice.query.attestation.l1Target()).unwrap();
  if (set.rollupManager.toHex().toLowerCase() !== l1.rollupManager.toLowerCase()) throw new Error(`attestation.l1Target is ${set} after the motion`);

  // the relayer, in the background until the `handover` step stops it
  const logFile = path.join(dir, 'relayer.log');
  const out = fs.openSync(logFile, 'a');
  const relayer = spawn(env('ALSTRA'), ['relayer', '--node', networkInfo.nodesByName.alice.wsUri, '--l1-rpc', l1Rpc,
    '--deployment', deployment, '--keys', keys, '--relayer-suri', '//Ferdie', '--poll-seconds', '2',
    '--data-dir', path.join(dir, 'relayer')], { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ALSTRA_L1_KEY: ANVIL_KEY } });
  relayer.unref();
  fs.closeSync(out);
  saveState(networkInfo, { l1Deployment: deployment, relayerPid: relayer.pid, relayerLog: logFile });
  // connected: it checked the L1 target at the finalized block and waits for work
  await waitFor(() => {
    if (relayer.exitCode !== null) throw new Error(`the relayer exited (${relayer.exitCode}): ${fs.readFileSync(logFile, 'utf8')}`);
    return /waiting: /.test(fs.readFileSync(logFile, 'utf8'));
  }, 120_000, 'the relayer to connect to AlstraNet and L1');
  measured(`L1 bridge: RollupManager ${l1.rollupManager} on anvil with committee 0 (4 validators); L1 target set by a council motion executed at #${motion.executedAt}`);
  await disconnectAll();
}

async function handover(networkInfo) {
  const l1Rpc = env('ALSTRANET_L1_RPC');
  const { l1Deployment, relayerPid, relayerLog } = loadState(networkInfo);
  if (!l1Deployment) throw new Error('no L1 deployment: the `deploy` step did not run');
  const l1 = JSON.parse(fs.readFileSync(l1Deployment, 'utf8'));
  const provider = new ethers.JsonRpcProvider(l1Rpc);
  const manager = new ethers.Contract(l1.rollupManager, L1_ABI, provider);
  const alice = await api(networkInfo, 'alice');
  try {
    // committees: 0 genesis, 1 with eve, 2 without dave (recorded at the session changes)
    const current = (await alice.call.attestationApi.currentCommittee()).toNumber();
    if (current < 2) throw new Error(`AlstraNet's current committee is ${current}: the council's two changes should have made committee 2`);
    const members = await committee(alice, current);
    const t0 = Date.now();
    await waitFor(async () => Number(await manager.validatorSetId()) === current, 300_000,
      `L1's validator set to reach AlstraNet's committee ${current} (relayer log: ${relayerLog})`, 2000);
    const onL1 = (await manager.validators()).map((a) => ethers.getAddress(a));
    if (JSON.stringify(onL1) !== JSON.stringify(members)) throw new Error(`L1's validators ${onL1} are not committee ${current}'s ${members}`);
    const log = fs.readFileSync(relayerLog, 'utf8');
    for (let k = 1; k <= current; k++) {
      if (!log.includes(`L1 handed over to committee ${k} `)) throw new Error(`the relayer did not hand over to committee ${k}:\n${log}`);
    }
    measured(`L1 validator set handed over to committee ${current} (${members.length} validators) ${((Date.now() - t0) / 1000).toFixed(0)} s after this step began`);

    // The old set can no longer sign: a handover to the next set signed by alice, bob and dave
    // (3 = L1's threshold for 4 validators) is refused for dave, who the council removed; signed
    // by alice, bob and charlie (still members) the same message is accepted.
    await uc.cryptoWaitReady();
    const wallets = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave'].map((n) => [n, attestationWallet(`//${n}`)]));
    const genesis = await committee(alice, 0);
    for (const [n, w] of Object.entries(wallets)) {
      if (!genesis.includes(w.address)) throw new Error(`//${n}'s attestation address ${w.address} is not in committee 0 (${genesis})`);
    }
    if (members.includes(wallets.Dave.address)) throw new Error(`dave (${wallets.Dave.address}) is still in committee ${current}`);
    const threshold = Number(await manager.threshold());
    const nextSet = [wallets.Dave.address];
    const digest = await manager.hashValidatorSetChange(current + 1, nextSet);
    const signed = (names) => names.map((n) => wallets[n])
      .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
      .map((w) => w.signingKey.sign(digest).serialized);
    if (threshold !== 3) throw new Error(`L1's threshold is ${threshold} for ${members.length} validators, expected 3`);
    try {
      await manager.changeValidators.staticCall(current + 1, nextSet, signed(['Alice', 'Bob', 'Dave']));
      throw new Error('L1 accepted a handover signed by a removed validator');
    } catch (e) {
      const name = e.revert?.name;
      if (name !== 'SignerNotValidator' || ethers.getAddress(e.revert.args[1]) !== wallets.Dave.address) {
        throw new Error(`expected SignerNotValidator(dave) from L1, got ${name ?? e.message}`);
      }
    }
    await manager.changeValidators.staticCall(current + 1, nextSet, signed(['Alice', 'Bob', 'Charlie']));
    return current;
  } finally {
    if (relayerPid) {
      try { process.kill(relayerPid, 'SIGTERM'); } catch { /* already gone */ }
      await sleep(500);
    }
    await disconnectAll();
  }
}

async function run(_nodeName, networkInfo, args) {
  if (args[0] === 'deploy') return deploy(networkInfo);
  if (args[0] === 'handover') return handover(networkInfo);
  throw new Error(`l1-bridge.cjs: unknown step ${args[0]} (deploy | handover)`);
}

module.exports = { run };
