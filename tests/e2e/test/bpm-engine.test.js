// End to end: real BPMN models compiled by `alstra`, deployed to a dev node's EVM and executed
// to completion along written-out paths by several participants, through the `alstra` CLI. The
// registry and the engine report to the rollup precompile (authorized by sudo); at the end every
// sealed batch of the run is proven from chain data with `alstra prover prove --node`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { ACCOUNTS, alstraCli, model } from '../lib/alstra.js';
import { jsonRpc, ROOT, startNode, tail, until } from '../lib/node.js';
import { authorizeDeployment, batchHeader, connect, proveBatch, proverKeys, rollupStatus, sudo } from '../lib/rollup.js';
import { compile } from '../lib/solc.js';

/** Alith's key: a public dev key (README). */
const ALITH_KEY = '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133';

describe('BPM engine on a dev node', () => {
  let node;
  let cli;
  let deployment;
  const gas = [];

  before(async () => {
    node = await startNode(['--dev'], { name: 'bpm', eth: true });
    try {
      await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum JSON-RPC endpoint');
      await until(async () => BigInt(await jsonRpc(node.ethUrl, 'eth_blockNumber')) > 0n, 60_000, 'a block');
      const deploymentFile = path.join(node.basePath, 'alstra-deployment.json');
      cli = alstraCli(node.ethUrl, deploymentFile);
      const d = cli.run('alith', 'engine', 'deploy');
      assert.equal(d.rollup.toLowerCase(), '0x000000000000000000000000000000000b000000', 'the precompile was detected');
      // (a connection per use: the CLI runs synchronously and would starve a long-lived
      // websocket's heartbeat)
      const api = await connect(node.wsUrl);
      try {
        deployment = await authorizeDeployment(api, deploymentFile);
      } finally {
        await api.disconnect();
      }
      // The consortium's participants and the roles they may play.
      cli.run('alith', 'participant', 'register', ACCOUNTS.alith, '--name', 'Acme Ltd (Alith)',
        '--role', 'Invoice_Handling', '--role', 'Invoicer', '--role', 'BPM17_Running_Example',
        '--role', 'Invoice Handling (OMG BPMN MIWG Demo)', '--role', 'Team Assistant');
      cli.run('alith', 'participant', 'register', ACCOUNTS.baltathar, '--name', 'Globex (Baltathar)',
        '--role', 'Invoicee', '--role', 'Approver');
      cli.run('alith', 'participant', 'register', ACCOUNTS.charleth, '--name', 'Initech (Charleth)',
        '--role', 'Accountant');
    } catch (e) {
      console.log(tail(node.log()));
      throw e;
    }
  });

  after(async () => {
    if (gas.length) {
      console.log('# measured gas (alstra --json gasUsed):');
      for (const [what, g] of gas) console.log(`#   ${what.padEnd(48)} ${g}`);
    }
    await node?.stop();
  });

  const rejects = (fn, re) => assert.throws(fn, (e) => { assert.match(e.stderr ?? e.message, re); return true; });
  const show = (account, id) => cli.run(account, 'instance', 'show', String(id));

  test('Caterpillar invoicing: an exclusive gateway decided by a condition, a loop, two participants', () => {
    const dep = cli.run('alith', 'bpmn', 'deploy', model('caterpillar/invoicing.bpmn'));
    gas.push(['deploy caterpillar/invoicing', dep.gasUsed]);
    const st = cli.run('alith', 'instance', 'start', String(dep.definitionId),
      '--bind', `Invoicer=${ACCOUNTS.alith}`, '--bind', `Invoicee=${ACCOUNTS.baltathar}`);
    gas.push(['start invoicing instance', st.gasUsed]);
    const id = String(st.instanceId);
    assert.deepEqual(show('alith', id).enabledTaskIds, ['Task_0e5xumt']); // Issue Invoice

    // Not enabled yet: Approve Invoice; wrong participant: Baltathar cannot issue.
    rejects(() => cli.run('baltathar', 'task', 'complete', id, 'Approve Invoice', '--var', 'accepted=true'), /TaskNotEnabled/);
    rejects(() => cli.run('baltathar', 'task', 'complete', id, 'Issue Invoice'), /MissingRole/);
    assert.deepEqual(show('alith', id).enabledTaskIds, ['Task_0e5xumt'], 'a rejected call changes nothing');

    gas.push(['complete a task (Issue Invoice)', cli.run('alith', 'task', 'complete', id, 'Issue Invoice').gasUsed]);
    rejects(() => cli.run('alith', 'task', 'complete', id, 'Issue Invoice'), /TaskNotEnabled/); // twice
    // Rejected: the gateway's condition `!accepted` sends the token back to Fix Invoice.
    cli.run('baltathar', 'task', 'complete', id, 'Approve Invoice', '--var', 'accepted=false');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['Task_0m7b8xz']); // Fix Invoice
    cli.run('alith', 'task', 'complete', id, 'Fix Invoice');
    const done = cli.run('baltathar', 'task', 'complete', id, 'Approve Invoice', '--var', 'accepted=true');
    assert.equal(done.status, 'Completed');
    rejects(() => cli.run('alith', 'task', 'complete', id, 'Fix Invoice'), /InstanceNotActive/);

    const trail = cli.run('alith', 'trail', id).map((e) => e.event);
    assert.ok(trail.some((e) => e.startsWith('instance started by')), trail.join('\n'));
    assert.equal(trail.at(-1), 'instance completed');
    assert.ok(trail.some((e) => e.includes('Approve Invoice') && e.includes(ACCOUNTS.baltathar)));
    assert.ok(trail.some((e) => e.includes('EndEvent_063of2z')), 'the end event fired');
  });

  test('Caterpillar running example: parallel split and join of service tasks', () => {
    const dep = cli.run('alith', 'bpmn', 'deploy', model('caterpillar/running_example.bpmn'));
    gas.push(['deploy caterpillar/running_example', dep.gasUsed]);
    const id = String(cli.run('alith', 'instance', 'start', `key:BPM17_Running_Example`).instanceId);
    cli.run('alith', 'task', 'complete', id, 'Enter Loan Application');
    assert.deepEqual(show('alith', id).enabledTaskIds.sort(), ['Task_1aqv42f', 'Task_1n2g1ih']); // both branches
    cli.run('alith', 'task', 'complete', id, 'Appraise Property');
    // The join waits for the other branch.
    assert.deepEqual(show('alith', id).enabledTaskIds, ['Task_1aqv42f']);
    rejects(() => cli.run('alith', 'task', 'complete', id, 'Assess Elegibility'), /TaskNotEnabled/);
    cli.run('alith', 'task', 'complete', id, 'Assess Loan Risk');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['Task_1ggq6sf']); // after the join
    cli.run('alith', 'task', 'complete', id, 'Assess Elegibility', '--var', 'applicantEligible=true');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['Task_15lfaes']); // Confirm Acceptance
    assert.equal(cli.run('alith', 'task', 'complete', id, 'Confirm Acceptance').status, 'Completed');
    const trail = cli.run('alith', 'trail', id).map((e) => e.event);
    assert.ok(trail.some((e) => e.includes('EndEvent_19xiayo')), 'ended in "Loan app accepted"');
    assert.ok(!trail.some((e) => e.includes('EndEvent_1ubxmre')), 'not in "Loan app rejected"');
  });

  test('MIWG C.1.1 invoice approval (Signavio): three participants, string and bool conditions', () => {
    const dep = cli.run('alith', 'bpmn', 'deploy', model('miwg-reference/C.1.1.bpmn'));
    gas.push(['deploy miwg C.1.1', dep.gasUsed]);
    const id = String(cli.run('alith', 'instance', 'start', String(dep.definitionId),
      '--bind', `Team Assistant=${ACCOUNTS.alith}`, '--bind', `Approver=${ACCOUNTS.baltathar}`,
      '--bind', `Accountant=${ACCOUNTS.charleth}`).instanceId);
    cli.run('alith', 'task', 'complete', id, 'assignApprover');
    rejects(() => cli.run('charleth', 'task', 'complete', id, 'approveInvoice', '--var', 'approved=true'), /MissingRole/);
    cli.run('baltathar', 'task', 'complete', id, 'approveInvoice', '--var', 'approved=false');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['reviewInvoice']);
    cli.run('alith', 'task', 'complete', id, 'reviewInvoice', '--var', 'clarified=yes');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['approveInvoice']);
    cli.run('baltathar', 'task', 'complete', id, 'approveInvoice', '--var', 'approved=true');
    cli.run('charleth', 'task', 'complete', id, 'prepareBankTransfer');
    assert.equal(cli.run('alith', 'task', 'complete', id, 'archiveInvoice').status, 'Completed');
    const trail = cli.run('alith', 'trail', id).map((e) => e.event);
    assert.ok(trail.some((e) => e.includes('invoiceProcessed')));
    for (const who of [ACCOUNTS.alith, ACCOUNTS.baltathar, ACCOUNTS.charleth]) {
      assert.ok(trail.some((e) => e.includes('completed by ' + who)), `${who} completed a task`);
    }
  });

  test('a refused model is reported with the element named, and nothing is deployed', () => {
    assert.throws(() => cli.run('alith', 'bpmn', 'deploy', model('miwg-reference/A.3.0.bpmn')),
      (e) => /refused: line \d+: .*boundaryEvent/.test(e.stderr));
  });

  test('the rollup precompile refuses a rogue contract, and an engine firing the core rejects reverts', async (t) => {
    const api = await connect(node.wsUrl);
    t.after(() => api.disconnect());
    const provider = new ethers.JsonRpcProvider(node.ethUrl, undefined, { polling: true, pollingInterval: 1000 });
    const wallet = new ethers.Wallet(ALITH_KEY, provider);
    // the proven state: the instance tree's root node and the instance counter (a seal by time
    // may happen meanwhile; it changes neither)
    const proven = async () => [(await api.query.rollup.stateNodes(16, 0)).toHex(), (await api.query.rollup.nextInstanceId()).toNumber()];
    const before = await proven();

    // A contract nobody authorized, reporting a firing.
    const src = path.join(fs.mkdtempSync(path.join(node.basePath, 'rogue-')), 'Rogue.sol');
    fs.writeFileSync(src, `// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;
import {IRollup} from "IRollup.sol";
contract Rogue {
    function forge(IRollup rollup) external { rollup.elementFired(1, 0, 0, 1, 2); }
}
`);
    const { Rogue } = compile({ 'Rogue.sol': src }, { baseDir: path.join(ROOT, 'contracts/bpm/src') });
    const rogue = await (await new ethers.ContractFactory(Rogue.abi, Rogue.bytecode, wallet).deploy()).waitForDeployment();
    await assert.rejects(rogue.forge.staticCall(deployment.rollup),
      (e) => /rollup: caller 0x[0-9a-f]{40} is not an authorized engine/.test(`${e.shortMessage} ${e.message}`));
    const tx = await rogue.forge(deployment.rollup, { gasLimit: 3_000_000 });
    await assert.rejects(tx.wait(), (e) => e.code === 'CALL_EXCEPTION', 'the rogue transaction reverts on chain');

    // A second engine over the same registry, authorized: its first instance would get id 1,
    // but the proven state machine has started instances already (ids are sequential), so the
    // core rejects the start and the whole transaction reverts.
    const art = JSON.parse(fs.readFileSync(path.join(ROOT, 'contracts/bpm/artifacts/ProcessExecution.json'), 'utf8'));
    const second = await (await new ethers.ContractFactory(art.abi, art.bytecode, wallet)
      .deploy(deployment.definitionRegistry, deployment.participantRegistry, deployment.rollup)).waitForDeployment();
    await sudo(api, api.tx.rollup.authorizeContract(await second.getAddress(), 'Engine'));
    const bindings = [{ role: ethers.id('Invoicee'), account: ACCOUNTS.baltathar }];
    await assert.rejects(second.startInstance.staticCall(1, bindings, []),
      (e) => /rollup: FiringRefused: .*NotNextInstance/.test(`${e.shortMessage} ${e.message}`));
    const refused = await second.startInstance(1, bindings, [], { gasLimit: 10_000_000 });
    await assert.rejects(refused.wait(), (e) => e.code === 'CALL_EXCEPTION');
    assert.equal(await second.instanceCount(), 0n, 'the refused start changed nothing in the engine');
    assert.deepEqual(await proven(), before, 'nor in the proven state');
    await sudo(api, api.tx.rollup.revokeContract(await second.getAddress()));
  });

  const proven = []; // [number, header (storage JSON), the proof's new root] per proven batch
  test('every batch of the run is sealed and proven from chain data', async () => {
    const api = await connect(node.wsUrl);
    const headers = [];
    try {
      // the open batch is sealed at the latest 10 blocks after its first transition
      await until(async () => (await rollupStatus(api)).open === 0, 180_000, 'the last batch sealed');
      const { nextBatch } = await rollupStatus(api);
      for (let n = 1; n < nextBatch; n++) headers.push(await batchHeader(api, n));
    } finally {
      await api.disconnect();
    }
    assert.ok(headers.length >= 2, `several batches (${headers.length})`);
    assert.equal(headers.reduce((a, h) => a + h.transitions, 0) > 20, true, 'the three models\' firings');
    const keys = proverKeys();
    for (const [i, header] of headers.entries()) {
      const n = i + 1;
      const t0 = Date.now();
      const { stdout } = proveBatch(node.wsUrl, n, keys);
      const ours = stdout.match(/the proof verifies; its new root\s+(\d+)/)?.[1];
      const pallet = stdout.match(/the rollup pallet's sealed new root (\d+)/)?.[1];
      assert.ok(ours && ours === pallet, `batch ${n}: ${stdout}`);
      // the header's new root, read here through @polkadot/api (a field element, little-endian)
      const le = header.newRoot.slice(2).match(/../g).reverse().join('');
      assert.equal(BigInt('0x' + le).toString(), ours, `batch ${n}: the proof's new root is the pallet's`);
      console.log(`# measured: batch ${n} (${header.transitions} transitions) proven from chain data in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      proven.push([n, header, BigInt(ours)]);
    }
  });

  test('the node serves the batches over rollup_* JSON-RPC, as the runtime API and storage have them', async () => {
    assert.ok(proven.length >= 2, 'the batches were proven by the previous test');
    const url = node.wsUrl.replace('ws://', 'http://');
    const status = await jsonRpc(url, 'rollup_status');
    assert.equal(status.nextBatch, proven.length + 1);
    assert.equal(status.openTransitions, 0);
    const last = proven[proven.length - 1][1];
    let rulesSeen = 0;
    for (const [n, header, newRoot] of proven) {
      const b = await jsonRpc(url, 'rollup_batch', [n]);
      assert.equal(b.number, n);
      assert.equal(BigInt(b.newRoot), newRoot, `batch ${n}: rollup_batch's new root is the one the prover proved`);
      assert.deepEqual([b.transitions, b.firstBlock, b.sealedAt, b.rules, b.status], [header.transitions, header.firstBlock, header.sealedAt, header.rules, 'sealed']);
      assert.equal(b.sealedAtHash, await jsonRpc(url, 'chain_getBlockHash', [b.sealedAt]), 'the sealing block\'s hash');
      const records = await jsonRpc(url, 'rollup_batchRecords', [n]);
      assert.equal(records.length, header.transitions);
      // a record is instance | rule << 32 | partner << 64, with rules known to the tree
      for (const r of records.map(BigInt)) assert.ok(((r >> 32n) & 0xffffffffn) < BigInt(b.rules));
      rulesSeen = Math.max(rulesSeen, b.rules);
      if (n > 1) assert.equal(b.oldRoot, (await jsonRpc(url, 'rollup_batch', [n - 1])).newRoot, 'batches chain');
    }
    assert.equal(rulesSeen, last.rules);
    const rules = await jsonRpc(url, 'rollup_rules', [0, 5000]);
    assert.equal(rules.length, status.rules, 'every rule (fewer than the per-call cap of 4,096)');
    assert.deepEqual(rules.map((r) => r.index), rules.map((_, i) => i));
    assert.ok(rules.some((r) => r.create), 'instance-start rules');
    assert.deepEqual((await jsonRpc(url, 'rollup_rules', [2, 3])).map((r) => r.index), [2, 3, 4]);
    assert.equal(await jsonRpc(url, 'rollup_batch', [status.nextBatch]), null, 'not sealed yet');
    assert.equal(await jsonRpc(url, 'rollup_batchRecords', [status.nextBatch]), null);
    await assert.rejects(jsonRpc(url, 'rollup_batch', ['one']), /Invalid params/, 'bad params are refused');
    await assert.rejects(jsonRpc(url, 'rollup_status', ['0x' + '11'.repeat(32)]), /the rollup runtime API call failed/,
      'an unknown block hash is refused');
  });
});
