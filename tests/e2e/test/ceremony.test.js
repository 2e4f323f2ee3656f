// The trusted-setup ceremony, end to end, as a consortium runs it (`scripts/ceremony.sh`), on the
// smallest batch circuit (1 slot, tree depths 1/6: 2^13 QAP domain) so that it fits in CI:
// powers of tau made here by snarkjs (INSECURE, tests only; `prepare phase2` alone takes ~4 min
// on 2 cores, so the file is kept in ~/.cache/alstranet/ceremony-test and reused by later runs),
// the circuit's R1CS from `alstra prover ceremony r1cs`,
// `snarkjs groth16 setup`, two participants' contributions, a beacon, `snarkjs zkey verify`,
// and `alstra prover ceremony import` of the final zkey. A proof made by our prover with the
// imported key verifies with snarkjs (against both the verifying key we export and the one
// snarkjs exports from the zkey) and with the generated Verifier.sol deployed on anvil; a
// changed public input is rejected by both. A zkey is refused for another circuit shape, an
// extra contribution after the beacon is refused, and a zkey with a changed point is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ethers } from 'ethers';
import { ALSTRA_BIN } from '../lib/alstra.js';
import { startAnvil } from '../lib/anvil.js';
import { ROOT, tempDir } from '../lib/node.js';
import { compile } from '../lib/solc.js';

const SHAPE = ['--batch-size', '1', '--state-depth', '1', '--defs-depth', '6'];
const PTAU_CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'alstranet/ceremony-test');
const SNARKJS = path.join(ROOT, 'contracts/node_modules/snarkjs/build/cli.cjs');
const BEACON = ethers.id('AlstraNet ceremony test beacon');

/** Runs `cmd args` (ALSTRA set to the build's alstra); returns { status, out } (stdout + stderr). */
function run(cmd, args, { timings, label } = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ALSTRA: ALSTRA_BIN } });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  timings?.push([label ?? `${path.basename(cmd)} ${args[0]}`, (Date.now() - t0) / 1000]);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Runs a step that must succeed; returns its output. */
function ok(cmd, args, opts) {
  const r = run(cmd, args, opts);
  assert.equal(r.status, 0, `${path.basename(cmd)} ${args.join(' ')} failed:\n${r.out}`);
  return r.out;
}

const ceremony = (args, timings) => ok(path.join(ROOT, 'scripts/ceremony.sh'), args, { timings, label: `ceremony.sh ${args[0]}` });
const snarkjs = (...args) => run('node', [SNARKJS, ...args]);

describe('trusted-setup ceremony (snarkjs phase 2, imported into the arkworks prover)', () => {
  const timings = [];
  let dir;
  let keys;
  let anvil;
  let transcript; // output of `ceremony.sh import`: snarkjs zkey verify, then the import

  before(() => {
    assert.ok(fs.existsSync(SNARKJS), `snarkjs missing: run npm ci in contracts/ (${SNARKJS})`);
    dir = tempDir('ceremony');
    keys = path.join(dir, 'keys');
    const c = path.join(dir, 'c');
    // the power of tau this circuit needs: a cached local ptau of that power, else a new one
    const r1cs = ok(ALSTRA_BIN, ['prover', 'ceremony', 'r1cs', '--out', path.join(dir, 'probe'), ...SHAPE]);
    const power = r1cs.match(/power >= (\d+)/)[1];
    const cached = path.join(PTAU_CACHE, `local-bn128-${power}.ptau`);
    if (fs.existsSync(cached)) {
      ceremony(['new', c, '--ptau', cached, ...SHAPE], timings);
    } else {
      ceremony(['new', c, '--local-ptau', ...SHAPE], timings);
      fs.mkdirSync(PTAU_CACHE, { recursive: true });
      fs.copyFileSync(path.join(c, 'pot.ptau'), `${cached}.tmp`);
      fs.renameSync(`${cached}.tmp`, cached);
    }
    ceremony(['contribute', c, 'Globex'], timings);
    ceremony(['contribute', c, 'Initech'], timings);
    ceremony(['beacon', c, BEACON, '10'], timings);
    transcript = ceremony(['import', c, keys], timings);
  });

  after(async () => {
    for (const [what, s] of timings) console.log(`# measured: ${what}: ${s.toFixed(1)} s`);
    await anvil?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('snarkjs verified the transcript (both participants, the beacon) before the import', () => {
    for (const name of ['Globex', 'Initech', 'final beacon']) assert.match(transcript, new RegExp(`contribution #\\d+ ${name}`), transcript);
    assert.match(transcript, /ZKey Ok!/);
    assert.match(transcript, /imported .* \(3 contributions, domain 8192\)/);
    const ceremonyJson = JSON.parse(fs.readFileSync(path.join(keys, 'ceremony.json'), 'utf8'));
    assert.equal(ceremonyJson.contributions, 3);
    assert.ok(!fs.existsSync(path.join(keys, 'proving_key.INSECURE.bin')), 'ceremony keys are not test keys');
  });

  test('a proof by our prover with the imported key verifies with snarkjs and the generated Verifier on anvil', async () => {
    const proofDir = path.join(dir, 'proof');
    const exp = path.join(dir, 'export');
    ok(ALSTRA_BIN, ['prover', 'prove', '--keys', keys, '--demo', '1', '--out', proofDir], { timings, label: 'alstra prover prove' });
    assert.match(ok(ALSTRA_BIN, ['prover', 'verify', '--keys', keys, '--proof', proofDir]), /proof valid/);
    ok(ALSTRA_BIN, ['prover', 'export', '--keys', keys, '--proof', proofDir, '--out', exp]);
    assert.match(fs.readFileSync(path.join(exp, 'Verifier.sol'), 'utf8'), /keys of a phase-2 ceremony/);

    // snarkjs, with our verifying key and with the one it exports from the zkey itself
    const snarkVk = path.join(dir, 'snarkjs_vk.json');
    assert.equal(snarkjs('zkey', 'export', 'verificationkey', path.join(dir, 'c/final.zkey'), snarkVk).status, 0);
    for (const vk of [path.join(exp, 'verification_key.json'), snarkVk]) {
      const v = snarkjs('groth16', 'verify', vk, path.join(exp, 'public.json'), path.join(exp, 'proof.json'));
      assert.ok(v.status === 0 && v.out.includes('OK!'), `snarkjs rejects our proof with ${vk}: ${v.out}`);
    }
    const pub = JSON.parse(fs.readFileSync(path.join(exp, 'public.json'), 'utf8'));
    const bad = path.join(dir, 'bad-public.json');
    fs.writeFileSync(bad, JSON.stringify([pub[0], (BigInt(pub[1]) + 1n).toString(), ...pub.slice(2)]));
    const v = snarkjs('groth16', 'verify', snarkVk, bad, path.join(exp, 'proof.json'));
    assert.ok(!v.out.includes('OK!'), `snarkjs accepts a wrong new root: ${v.out}`);

    // the generated Verifier.sol of the imported keys, compiled and deployed on anvil
    const L1 = path.join(ROOT, 'contracts/l1');
    const artifacts = compile({
      'src/Verifier.sol': path.join(exp, 'Verifier.sol'),
      'src/Groth16Verifier.sol': path.join(L1, 'src/Groth16Verifier.sol'),
    }, { baseDir: L1 });
    anvil = await startAnvil();
    const provider = new ethers.JsonRpcProvider(anvil.url, Number(anvil.chainId), { staticNetwork: true });
    const owner = await provider.getSigner(0);
    const verifier = await new ethers.ContractFactory(artifacts.Verifier.abi, artifacts.Verifier.bytecode, owner).deploy();
    await verifier.waitForDeployment();
    const cd = JSON.parse(fs.readFileSync(path.join(exp, 'calldata.json'), 'utf8'));
    const pubs = cd.pubSignals.map(BigInt);
    assert.equal(await verifier.verifyProof(cd.pA, cd.pB, cd.pC, pubs), true);
    assert.equal(await verifier.verifyProof(cd.pA, cd.pB, cd.pC, [pubs[0], pubs[1] + 1n, ...pubs.slice(2)]), false);
    provider.destroy();
  });

  test('a zkey is refused for another circuit shape, after the beacon, and when tampered with', () => {
    const c = path.join(dir, 'c');
    // import for another shape: the zkey is checked against the circuit
    const other = path.join(dir, 'other-params.json');
    fs.writeFileSync(other, JSON.stringify({ state_depth: 5, defs_depth: 6, batch_size: 1 }));
    let r = run(ALSTRA_BIN, ['prover', 'ceremony', 'import', '--zkey', path.join(c, 'final.zkey'), '--params', other, '--out', path.join(dir, 'k2')]);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /the zkey is for another circuit/);
    assert.ok(!fs.existsSync(path.join(dir, 'k2/proving_key.bin')), 'nothing written for a refused zkey');
    // no contribution after the beacon
    r = run(path.join(ROOT, 'scripts/ceremony.sh'), ['contribute', c, 'Latecomer']);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /is finished/);
    // one coordinate of a point of section 5 (the A query) changed: the point is off the curve
    const zkey = fs.readFileSync(path.join(c, 'final.zkey'));
    let at = 12; // magic, version, number of sections; then (id u32, length u64, data) each
    while (zkey.readUInt32LE(at) !== 5) at += 12 + Number(zkey.readBigUInt64LE(at + 4));
    const bad = Buffer.from(zkey);
    bad[at + 12 + 64 * 3 + 5] ^= 1; // the 4th point's x
    const tampered = path.join(dir, 'tampered.zkey');
    fs.writeFileSync(tampered, bad);
    r = run(ALSTRA_BIN, ['prover', 'ceremony', 'import', '--zkey', tampered, '--params', path.join(c, 'params.json'), '--out', path.join(dir, 'k3')]);
    assert.notEqual(r.status, 0, `a tampered zkey was imported:\n${r.out}`);
    assert.match(r.out, /A: a G1 point is not on BN254/);
    assert.ok(!fs.existsSync(path.join(dir, 'k3/proving_key.bin')));
  });
});
