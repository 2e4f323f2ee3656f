// End to end: real BPMN models compiled by `alstra`, deployed to a dev node's EVM and executed
// to completion along written-out paths by several participants, through the `alstra` CLI. The
// registry and the engine report to the rollup precompile (authorized by sudo); at the end every
// sealed batch of the run is proven from chain data with `alstra prover prove --node`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ethers } from 'ethers';
import { ACCOUNTS, ALSTRA_BIN, alstraCli, model } from '../lib/alstra.js';
import { dirSize, freePort, jsonRpc, metricValue, ROOT, scrapeMetrics, startNode, tail, until } from '../lib/node.js';
import { acceptedBatch } from '../lib/l1.js';
import { authorizeDeployment, batchHeader, connect, proveBatch, proverKeys, rollupStatus, sudo } from '../lib/rollup.js';
import { startAnvil } from '../lib/anvil.js';
import { compile } from '../lib/solc.js';

/** The compressed secp256k1 public key of the dev seed //Alice: Alice's attestation session key. */
const ALICE_ATTESTATION_KEY = '0x020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1';
/** RollupManager's EIP-712 batch header type (bpm-core/src/proof/l1.rs). */
const BATCH_HEADER_TYPES = { BatchHeader: [
  { name: 'number', type: 'uint64' }, { name: 'oldRoot', type: 'uint256' }, { name: 'newRoot', type: 'uint256' },
  { name: 'definitionsRoot', type: 'uint256' }, { name: 'commitment', type: 'uint256' }, { name: 'sealedAt', type: 'uint32' },
  { name: 'sealedAtHash', type: 'bytes32' },
] };

/** Anvil's dev accounts 0, 1 and 2 (its public test mnemonic): the L1 deployer and two relayers. */
const ANVIL_KEYS = ['0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'];
/** //Ferdie's and //Eve's accounts: the relayers' AlstraNet accounts in these tests. */
const FERDIE = '5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL';
const EVE = '5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw';
/** RollupManager's ABI (the committed artifact). */
const L1_ABI = JSON.parse(fs.readFileSync(path.join(ROOT, 'contracts/l1/artifacts/RollupManager.json'), 'utf8')).abi;

/** Alith's key: a public dev key (README). */
const ALITH_KEY = '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133';

describe('BPM engine on a dev node', () => {
  let node;
  let cli;
  let deployment;
  const gas = [];
  // The chain database before the models run (engine deployed): for the sizing of docs/operations.md.
  let diskBefore;

  before(async () => {
    node = await startNode(['--dev'], { name: 'bpm', eth: true, prometheus: true });
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
        '--role', 'Invoice Handling (OMG BPMN MIWG Demo)', '--role', 'Team Assistant', '--role', 'WFP-6-');
      cli.run('alith', 'participant', 'register', ACCOUNTS.baltathar, '--name', 'Globex (Baltathar)',
        '--role', 'Invoicee', '--role', 'Approver');
      cli.run('alith', 'participant', 'register', ACCOUNTS.charleth, '--name', 'Initech (Charleth)',
        '--role', 'Accountant');
      diskBefore = {
        bytes: dirSize(path.join(node.basePath, 'chains')),
        block: Number(BigInt(await jsonRpc(node.ethUrl, 'eth_blockNumber'))),
      };
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
    await anvil?.stop();
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

  // The specification's BPM contracts together (issue "spec contracts"): MIWG C.1.1 extended, as a
  // new version of the same process, with a verified task that earns a reward (spec 5.22, 5.13,
  // 5.15) and its service task completed by an oracle (5.19), after the deployment was handed
  // over to the council, which registers the oracle by a motion (5.18).
  test('Integration (spec 5.19): an oracle completes the archive service task of C.1.1 with a signed result from an HTTP service; a down service loses nothing; a forged signature is refused; the bank transfer is verified and rewarded; the council registers the oracle', async () => {
    const gw = cli.run('alith', 'oracle', 'deploy').oracleGateway;
    // the archive task has no lane nor performer: its role is the pool's (the process's name),
    // played by alith, who starts the instance, and by the gateway (which takes only service tasks)
    const POOL = 'Invoice Handling (OMG BPMN MIWG Demo)';
    cli.run('alith', 'participant', 'register', gw, '--name', 'Archive service (gateway)', '--role', POOL);
    // version 2 of handle-invoice: Prepare Bank Transfer verified by the Approver, 2 units
    cli.run('alith', 'rewards', 'deploy');
    const c11 = fs.readFileSync(model('miwg-reference/C.1.1.bpmn'), 'utf8');
    const extended = c11.replace('<definitions ', '<definitions xmlns:alstra="https://alstranet.org/schema/bpmn" ')
      .replace('<userTask id="prepareBankTransfer" ', '<userTask id="prepareBankTransfer" alstra:verifier="Approver" alstra:reward="2" ');
    assert.equal(extended.length - c11.length, 94, 'both attributes added to the copy of C.1.1');
    const extendedFile = path.join(node.basePath, 'C.1.1-verified.bpmn');
    fs.writeFileSync(extendedFile, extended);
    assert.equal(cli.run('alith', 'bpmn', 'deploy', extendedFile).version, 2);
    // the deployer hands the contracts' governance roles to the council account; from then on
    // only a council motion registers an oracle
    cli.run('alith', 'governance', 'hand-over');
    rejects(() => cli.run('alith', 'oracle', 'register', ACCOUNTS.dorothy), /AccessControlUnauthorizedAccount/);
    const registerOracle = new ethers.Interface(['function registerOracle(address oracle)']).encodeFunctionData('registerOracle', [ACCOUNTS.dorothy]);
    const motion = spawnSync(process.execPath, [path.join(ROOT, 'governance/council-cli.cjs'), '--url', node.wsUrl, 'propose-contract-call', gw, registerOracle],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ALSTRANET_SURI: '//Alice' } });
    assert.equal(motion.status, 0, motion.stderr);
    assert.ok(JSON.parse(motion.stdout).executed > 0, motion.stdout);
    const id = String(cli.run('alith', 'instance', 'start', 'key:handle-invoice',
      '--bind', `${POOL}=${gw}`, '--bind', `Team Assistant=${ACCOUNTS.alith}`,
      '--bind', `Approver=${ACCOUNTS.baltathar}`, '--bind', `Accountant=${ACCOUNTS.charleth}`).instanceId);
    cli.run('alith', 'task', 'complete', id, 'assignApprover');
    cli.run('baltathar', 'task', 'complete', id, 'approveInvoice', '--var', 'approved=true');
    // four eyes: the accountant's work counts once the approver approves it
    rejects(() => cli.run('charleth', 'task', 'complete', id, 'prepareBankTransfer'),
      /needs verification by Approver: submit it with `alstra task submit \d+ prepareBankTransfer`.*then an account of role Approver approves it/);
    cli.run('charleth', 'task', 'submit', id, 'prepareBankTransfer');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['prepareBankTransfer'], 'a submission alone completes nothing');
    cli.run('baltathar', 'task', 'approve', id, 'prepareBankTransfer');
    assert.equal(cli.run('alith', 'rewards', 'balance', ACCOUNTS.charleth).balance, '2');
    assert.deepEqual(show('alith', id).enabledTaskIds, ['archiveInvoice']);

    // the archive system: restarting at first (503), then it answers
    const requests = [];
    let unavailable = 1;
    const service = http.createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      requests.push(JSON.parse(body));
      if (unavailable-- > 0) {
        res.writeHead(503);
        return res.end('archive system restarting');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ outputs: {} }));
    });
    await new Promise((r) => service.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${service.address().port}/archive`;
    try {
      // a service that is down: the task is not served this round and stays enabled
      const down = await cli.runAsync('dorothy', 'oracle', 'run', '--endpoint', `http://127.0.0.1:${await freePort()}/archive`,
        '--once', '--retries', '2', '--retry-seconds', '1');
      assert.notEqual(down.status, 0);
      assert.match(down.stderr, /archiveInvoice "Archive Invoice" not served this round, it stays enabled/);
      assert.deepEqual(show('alith', id).enabledTaskIds, ['archiveInvoice'], 'nothing lost');
      // an account that is not a registered oracle is told so before anything is sent
      const stranger = await cli.runAsync('ethan', 'oracle', 'run', '--endpoint', url, '--once');
      assert.notEqual(stranger.status, 0);
      assert.match(stranger.stderr, new RegExp(`account ${ACCOUNTS.ethan} is not a registered oracle`, 'i'));
      assert.equal(requests.length, 0);
      // the oracle: 503, retried, then the signed result completes the task
      const ok = await cli.runAsync('dorothy', 'oracle', 'run', '--endpoint', url, '--once', '--retries', '3', '--retry-seconds', '1');
      assert.equal(ok.status, 0, ok.stderr);
      const done = JSON.parse(ok.stdout.trim().split('\n').at(-1));
      assert.equal(done.task, 'archiveInvoice');
      assert.equal(requests.length, 2, 'one refused attempt, one answered');
      assert.equal(requests[1].task, 'archiveInvoice');
      assert.equal(requests[1].variables.approved, true, 'the service sees the instance\'s variables');
      assert.equal(show('alith', id).status, 'Completed');
      const trail = cli.run('alith', 'trail', id).map((e) => e.event);
      assert.ok(trail.some((e) => e.includes('archiveInvoice') && e.toLowerCase().includes(gw.toLowerCase())), trail.join('\n'));
      // the gateway's record names the signing oracle
      const provider = new ethers.JsonRpcProvider(node.ethUrl, undefined, { staticNetwork: true });
      const abi = JSON.parse(fs.readFileSync(path.join(ROOT, 'contracts/bpm/artifacts/OracleGateway.json'), 'utf8')).abi;
      const gateway = new ethers.Contract(gw, abi, provider);
      const [log] = await gateway.queryFilter(gateway.filters.ServiceTaskCompletedByOracle(BigInt(id)), 0);
      assert.equal(log.args.oracle, ACCOUNTS.dorothy);
      // a result signed by a stranger (EIP-712, the gateway's domain) is refused on chain
      const ethan = new ethers.Wallet('0x7dce9bc8babb68fec1409be38c8e1a52650206a7ed90ff956ae8a6d15eeaaef4');
      const result = { instanceId: BigInt(id), element: Number(log.args.element), outputs: [], nonce: 42n, deadline: 2n ** 40n };
      const signature = await ethan.signTypedData(
        { name: 'AlstraNet OracleGateway', version: '1', chainId: (await provider.getNetwork()).chainId, verifyingContract: gw },
        { ServiceResult: [{ name: 'instanceId', type: 'uint256' }, { name: 'element', type: 'uint16' }, { name: 'outputs', type: 'Assignment[]' },
          { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint64' }], Assignment: [{ name: 'index', type: 'uint8' }, { name: 'value', type: 'int256' }] },
        result);
      await assert.rejects(gateway.completeServiceTask.staticCall(result, signature, { from: ACCOUNTS.alith }),
        (e) => { assert.equal(gateway.interface.parseError(e.data)?.name, 'NotAnOracle', e.message); return true; });
    } finally {
      service.close();
    }
  });

  test('MIWG A.2.0 (a gateway with labels but no conditions): the completer of Task 1 decides the flow; a deprecated version starts nothing', () => {
    const dep = cli.run('alith', 'bpmn', 'deploy', model('miwg-reference/A.2.0.bpmn'));
    gas.push(['deploy miwg A.2.0', dep.gasUsed]);
    const GW = '_35fe57a7-1302-44e2-bf58-032f11af7ecb'; // Gateway (Split Flow)
    const TASK3 = '_e6eb725a-34bc-45c7-aed0-9f9596cd7bee';
    const TASK4 = '_7d399717-1aba-47ac-8d7d-8aaa033255e0';
    const start = () => String(cli.run('alith', 'instance', 'start', String(dep.definitionId)).instanceId);
    const id = start();
    // No decision: refused on chain, and the CLI names the choices.
    rejects(() => cli.run('alith', 'task', 'complete', id, 'Task 1'),
      new RegExp(`DecisionRequired: gateway ${GW} .*--decide ${GW}=FLOW.*_f1478fb7-98c4-4c01-8c15-68bd04c91535 \\(to _4f7d62d7`));
    rejects(() => cli.run('alith', 'task', 'complete', id, 'Task 1', '--decide', `${GW}=Task 1`), /has no flow `Task 1` to choose/);
    rejects(() => cli.run('alith', 'task', 'complete', id, 'Task 1', '--decide', `Task 2=Task 3`), /not a decision gateway/);
    assert.deepEqual(show('alith', id).enabledTaskIds, ['_5a972b87-735d-454a-b31c-f52fb3afc5c7'], 'nothing changed');
    // Decided by the target task's name; the merge gateway after it needs no decision.
    const r = cli.run('alith', 'task', 'complete', id, 'Task 1', '--decide', `${GW}=Task 3`);
    gas.push(['complete a task deciding a gateway (Task 1)', r.gasUsed]);
    assert.deepEqual(show('alith', id).enabledTaskIds, [TASK3]);
    assert.equal(cli.run('alith', 'task', 'complete', id, 'Task 3').status, 'Completed');
    const trail = cli.run('alith', 'trail', id).map((e) => e.event);
    assert.ok(trail.some((e) => e.includes(GW) && e.includes(`took flow _a1570a53-28d2-41b1-a3a2-3e50c00d747e to Task 3 (by ${ACCOUNTS.alith})`)),
      trail.join('\n'));
    // Another instance, decided by the flow's BPMN id.
    const other = start();
    cli.run('alith', 'task', 'complete', other, 'Task 1', '--decide', `${GW}=_20ebb3c1-5178-4c7c-a91d-23e58f2aa73b`);
    assert.deepEqual(show('alith', other).enabledTaskIds, [TASK4]);

    // Versions: deprecated, the model starts nothing new while its running instance goes on;
    // only its owner (or the registry's admin) deprecates or reinstates it.
    const def = String(dep.definitionId);
    assert.equal(cli.run('alith', 'bpmn', 'deprecate', def).deprecated, true);
    rejects(() => start(), /DefinitionIsDeprecated/);
    assert.equal(cli.run('alith', 'task', 'complete', other, 'Task 4').status, 'Completed');
    rejects(() => cli.run('baltathar', 'bpmn', 'reinstate', def), /NotDefinitionOwner/);
    assert.equal(cli.run('alith', 'bpmn', 'reinstate', def).deprecated, false);
    start();
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

    // The node's own Prometheus metrics (monitoring/) count what it finalized: every transition
    // of the run, in the batches sealed, nothing left open.
    const total = proven.reduce((a, [, h]) => a + h.transitions, 0);
    let text = '';
    await until(async () => {
      text = await scrapeMetrics(node.prometheusPort);
      return metricValue(text, 'alstranet_rollup_batches_total', { event: 'sealed' }) === proven.length;
    }, 60_000, `alstranet_rollup_batches_total{event="sealed"} to reach ${proven.length}`)
      .catch((e) => { throw new Error(`${e.message}\n${text.split('\n').filter((l) => l.startsWith('alstranet_')).join('\n')}`); });
    assert.equal(metricValue(text, 'alstranet_bpm_transitions_total'), total, 'every proven transition counted once');
    const actions = metricValue(text, 'alstranet_bpm_actions_total');
    // (an action may record no transition, e.g. a definition's publication: measured 12 actions
    // for 10 transitions on MIWG A.1.0)
    assert.ok(actions > 0, `engine actions recorded (${actions})`);
    assert.equal(metricValue(text, 'alstranet_rollup_last_batch', { status: 'sealed' }), proven.length);
    assert.equal(metricValue(text, 'alstranet_rollup_open_batch_transitions'), 0);
    assert.equal(metricValue(text, 'alstranet_validators'), 1, 'dev: Alice alone');
    assert.equal(metricValue(text, 'alstranet_metrics_errors_total'), 0, 'every finalized block read');
    assert.ok(metricValue(text, 'alstranet_finality_lag_blocks') <= 3, 'one validator finalizes as it authors');

    // Sizing (docs/operations.md, STOR_001/002): the database's growth over the models' run per
    // finalized transition. An upper bound: it includes the definitions' publication and the
    // blocks themselves (a measurement printed, not a test of the number).
    const bytes = dirSize(path.join(node.basePath, 'chains')) - diskBefore.bytes;
    const blocks = Number(BigInt(await jsonRpc(node.ethUrl, 'eth_blockNumber'))) - diskBefore.block;
    console.log(`# measured: chain database +${(bytes / 1024).toFixed(0)} KiB over ${blocks} blocks, ${actions} engine actions and ${total} transitions: `
      + `${(bytes / 1024 / total).toFixed(1)} KiB per transition (with the blocks and the definitions' publication), ${(bytes / 1024 / blocks).toFixed(1)} KiB per block`);
  });

  let anvil; // the L1 of the last two tests
  let l1; // its `alstra l1 deploy` addresses file
  const l1File = () => path.join(node.basePath, 'alstra-l1.json');
  test('the validator\'s node attests every finalized batch for the L1 target, as RollupManager hashes it (EIP-712)', async () => {
    assert.ok(proven.length >= 2, 'the batches were sealed by an earlier test');
    const url = node.wsUrl.replace('ws://', 'http://');
    const api = await connect(node.wsUrl);
    try {
      // committee 0: Alice's attestation session key (seed //Alice, inserted by --dev)
      const committee = (await api.query.attestation.committees(0)).unwrap().members.map((m) => ethers.getAddress(m.toHex()));
      assert.deepEqual(committee, [ethers.computeAddress(ALICE_ATTESTATION_KEY)]);
      assert.equal((await api.call.attestationApi.attestation({ Batch: 1 })).isNone, true, 'nothing to sign without an L1 target');
      // the L1: RollupManager on anvil with the chain's committee 0, deployed by `alstra l1 deploy`
      anvil = await startAnvil(['--block-time', '1']);
      const r = spawnSync(ALSTRA_BIN, ['l1', 'deploy', '--l1-rpc', anvil.url, '--keys', proverKeys(), '--out', l1File(),
        '--validator', committee[0], '--validator-set-id', '0'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ALSTRA_L1_KEY: ANVIL_KEYS[0] } });
      assert.equal(r.status, 0, r.stderr);
      l1 = JSON.parse(fs.readFileSync(l1File(), 'utf8'));
      const target = { chainId: Number(anvil.chainId), rollupManager: l1.rollupManager };
      const domain = { name: 'AlstraNet Rollup', version: '1', chainId: target.chainId, verifyingContract: target.rollupManager };
      await sudo(api, api.tx.attestation.setL1Target(target));
      const manager = new ethers.Contract(l1.rollupManager, L1_ABI, new ethers.JsonRpcProvider(anvil.url));
      for (const [n] of proven) {
        await until(async () => (await api.query.attestation.batchSignatures(n)).isSome, 60_000, `batch ${n} attested by Alice's node`);
        const a = (await api.call.attestationApi.attestation({ Batch: n })).unwrap();
        const b = await jsonRpc(url, 'rollup_batch', [n]);
        const header = {
          number: n, oldRoot: BigInt(b.oldRoot), newRoot: BigInt(b.newRoot), definitionsRoot: BigInt(b.definitionsRoot),
          commitment: BigInt(b.commitment), sealedAt: b.sealedAt, sealedAtHash: b.sealedAtHash,
        };
        // the runtime's digest is ethers' and RollupManager's hash of the header rollup_batch serves
        assert.equal(a.digest.toHex(), ethers.TypedDataEncoder.hash(domain, BATCH_HEADER_TYPES, header), `batch ${n}: digest`);
        assert.equal(a.digest.toHex(), await manager.hashBatchHeader(header), `batch ${n}: RollupManager.hashBatchHeader`);
        assert.deepEqual([a.committee.toNumber(), a.threshold.toNumber(), a.signatures.length], [0, 1, 1]);
        const [signer, signature] = a.signatures[0];
        assert.equal(ethers.getAddress(signer.toHex()), committee[0]);
        assert.equal(ethers.verifyTypedData(domain, BATCH_HEADER_TYPES, header, signature.toHex()), committee[0],
          `batch ${n}: the signature recovers to Alice's attestation address`);
        // and L1's committee check accepts the chain's signatures as they are
        await manager.requireSupermajority(a.digest.toHex(), a.signatures.map(([, sig]) => sig.toHex()));
      }
      const owed = await api.call.attestationApi.pending(committee[0], 16);
      assert.equal(owed.length, 0, 'nothing left to sign');
    } finally {
      await api.disconnect();
    }
  });

  test('the relayer proves every batch, submits it to L1 with the chain\'s signatures and reports it finalized on AlstraNet', async () => {
    assert.ok(l1, 'the L1 was deployed by the previous test');
    const url = node.wsUrl.replace('ws://', 'http://');
    const last = proven.length;
    const api = await connect(node.wsUrl);
    try {
      await sudo(api, api.tx.relayerMembership.addMember(FERDIE));
      await sudo(api, api.tx.relayerMembership.addMember(EVE));
    } finally {
      await api.disconnect();
    }
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relayer-'));
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relayer-eve-'));
    // one relayer alone never waits for another's turn (--takeover-seconds 0)
    const relayArgs = ({ suri = '//Ferdie', dir = dataDir, until: u = last, takeover = 0 } = {}) => ['relayer', '--node', node.wsUrl, '--l1-rpc', anvil.url,
      '--deployment', l1File(), '--keys', proverKeys(), '--relayer-suri', suri, '--confirmations', '2', '--poll-seconds', '2',
      '--data-dir', dir, '--until-batch', String(u), '--takeover-seconds', String(takeover)];
    const relay = (u = last) => spawnSync(ALSTRA_BIN, relayArgs({ until: u }),
      { encoding: 'utf8', timeout: 900_000, env: { ...process.env, ALSTRA_L1_KEY: ANVIL_KEYS[1] } });
    /** A relayer in the background: { out, exited } (stdout and stderr collected). */
    const background = (args, l1Key, env = {}) => {
      const proc = spawn(ALSTRA_BIN, args, { env: { ...process.env, ALSTRA_L1_KEY: l1Key, ...env } });
      const out = { stdout: '', stderr: '' };
      proc.stdout.on('data', (d) => { out.stdout += d; });
      proc.stderr.on('data', (d) => { out.stderr += d; });
      return { out, exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
    };
    // no request cache: logs and nonces are read again right after a reorg
    const provider = new ethers.JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1 });
    const manager = new ethers.Contract(l1.rollupManager, L1_ABI, provider);
    const t0 = Date.now();
    const status = async (n) => (await jsonRpc(url, 'rollup_batch', [n])).status;
    const acceptedOnL1 = async (n) => (await manager.queryFilter(manager.filters.BatchAccepted(n))).length;
    // A relayer killed at each step (ALSTRA_RELAYER_CRASH_AT: it exits there with code 86, as
    // `kill -9` would leave it) and restarted: batch 1 ends on L1 exactly once, and finalized.
    const CRASHED = 86;
    const crashAt = (point, u) => spawnSync(ALSTRA_BIN, relayArgs({ until: u }),
      { encoding: 'utf8', timeout: 900_000, env: { ...process.env, ALSTRA_L1_KEY: ANVIL_KEYS[1], ALSTRA_RELAYER_CRASH_AT: point } });
    const crashed = (r, point) => assert.equal(r.status, CRASHED, `no crash at ${point}: ${r.stdout}\n${r.stderr}`);
    crashed(crashAt('proved', 1), 'proved');
    assert.equal(await manager.lastBatch(), 0n, 'killed after proving, before sending: nothing on L1');
    const resent = crashAt('sent', 1);
    crashed(resent, 'sent');
    assert.match(resent.stdout, /batch 1: the proof kept in .* verifies: not proven again/, 'the proof made before the kill is sent');
    await until(async () => (await manager.lastBatch()) === 1n, 60_000, 'the transaction sent before the kill mined');
    assert.equal(await status(1), 'sealed', 'killed before its receipt: nothing reported on AlstraNet');
    crashed(crashAt('finalizing', 1), 'finalizing');
    assert.equal(await status(1), 'submitted', 'killed once L1 was final, before reporting it');
    const first = relay(1);
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(await status(1), 'finalized');
    assert.doesNotMatch(first.stdout, / accepted on L1 /, 'the restarted relayer did not send batch 1 again');
    assert.equal(await acceptedOnL1(1), 1, 'batch 1 on L1 exactly once');

    // Batch 2's L1 transaction stays unmined (no L1 block for a while): the relayer sends it
    // again with the same nonce and 1/8 higher fees, and the replacement carries the batch.
    await provider.send('evm_setIntervalMining', [0]);
    const stuck = background([...relayArgs({ until: 2 }), '--l1-stuck-seconds', '3'], ANVIL_KEYS[1],
      { ALSTRA_RELAYER_CRASH_AT: 'finalizing' });
    const BUMP = /batch 2: L1 transaction (0x[0-9a-f]{64}) unmined after 3 s: replaced by (0x[0-9a-f]{64}) \(nonce \d+, fees \+12\.5%: maxFeePerGas (\d+) wei/;
    try {
      await until(() => BUMP.test(stuck.out.stdout), 600_000, 'the relayer replacing its stuck transaction');
      const [, , pending] = stuck.out.stdout.match(BUMP);
      assert.ok(await provider.getTransaction(pending), 'the replacement waits in L1\'s pool');
    } finally {
      await provider.send('evm_setIntervalMining', [1]);
    }
    crashed({ status: await stuck.exited, stdout: stuck.out.stdout, stderr: stuck.out.stderr }, 'finalizing');
    assert.equal(await status(2), 'submitted');
    const [, stuckHash, , bumpedFee] = stuck.out.stdout.match(BUMP);
    const [carried] = await manager.queryFilter(manager.filters.BatchAccepted(2));
    assert.notEqual(carried.transactionHash, stuckHash, `a replacement carried batch 2, not the stuck transaction:\n${stuck.out.stdout}`);
    const replacement = await provider.getTransaction(carried.transactionHash);
    assert.ok(replacement.maxFeePerGas >= BigInt(bumpedFee), 'the replacement pays the bumped fee');
    assert.equal(await provider.getTransaction(stuckHash), null, 'the stuck transaction was replaced (same nonce)');
    assert.equal(await acceptedOnL1(2), 1);

    // An L1 reorg drops batch 2's transaction after the relayer reported it submitted (and L1
    // final after 2 confirmations): the relayers below send it again.
    const [dropped] = await manager.queryFilter(manager.filters.BatchAccepted(2));
    await provider.send('evm_setIntervalMining', [0]); // no block while the reorg is made
    const head = await provider.getBlockNumber();
    await provider.send('anvil_reorg', [head - dropped.blockNumber + 1, []]);
    await provider.send('anvil_dropTransaction', [dropped.transactionHash]); // out of the pool too
    await provider.send('evm_setIntervalMining', [1]);
    assert.equal(await provider.getBlockNumber(), head, 'the reorg replaced the blocks, as many as before');
    assert.equal(await manager.lastBatch(), 1n, 'the reorg dropped batch 2 from L1');
    assert.equal(await acceptedOnL1(2), 0);

    // Then two relayers at once (Ferdie and Eve, each with its own L1 account) go on from there,
    // taking turns: batch n is the turn of RelayerMembership's member n % 2.
    const metricsPort = await freePort();
    const ferdie = background([...relayArgs({ takeover: 900 }), '--prometheus', `127.0.0.1:${metricsPort}`], ANVIL_KEYS[1]);
    const eve = background(relayArgs({ suri: '//Eve', dir: otherDir, takeover: 900 }), ANVIL_KEYS[2]);
    // Ferdie's Prometheus metrics, scraped while it works
    const metric = (text, name) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
    let scraped;
    await until(async () => {
      scraped = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return metric(scraped, 'alstra_relayer_l1_last_batch') >= 2;
    }, 600_000, 'the relayer\'s metrics after batch 2 reached L1');
    assert.ok(metric(scraped, 'alstra_relayer_last_finalized_batch') >= 1, scraped);
    assert.ok(metric(scraped, 'alstra_relayer_batches_pending') >= 1, scraped);
    assert.match(scraped, /^alstra_relayer_proving_seconds_count \d+$/m);
    const [ferdieExit, eveExit] = await Promise.all([ferdie.exited, eve.exited]);
    assert.equal(ferdieExit, 0, `${ferdie.out.stdout}\n${ferdie.out.stderr}`);
    assert.equal(eveExit, 0, `${eve.out.stdout}\n${eve.out.stderr}`);
    console.log(`# measured: ${last} batches relayed (proven, submitted, reported finalized) in ${((Date.now() - t0) / 1000).toFixed(1)} s (one relayer for batch 1, then two at once)`);
    const logs = `${ferdie.out.stdout}${eve.out.stdout}`;
    for (const line of logs.split('\n').filter((l) => / accepted on L1 /.test(l))) console.log(`#   ${line}`);
    assert.equal(logs.match(/ accepted on L1 /g).length, last - 1, 'batches 2.. accepted once each, by one of the relayers');
    // each relayer proved and sent the batches of its turn only (batch 2 by Ferdie, from the
    // proof it kept before the reorg)
    const [members, ss58] = await (async () => {
      const a = await connect(node.wsUrl);
      const id = (x) => a.createType('AccountId32', x).toHex();
      try {
        return [(await a.query.relayerMembership.members()).map(id), { ferdie: id(FERDIE), eve: id(EVE) }];
      } finally { await a.disconnect(); }
    })();
    for (const [who, r] of [['ferdie', ferdie], ['eve', eve]]) {
      const carried = [...r.out.stdout.matchAll(/batch (\d+) \(\d+ transitions\) proven in .* accepted on L1 /g)].map((m) => Number(m[1]));
      for (const n of carried) assert.equal(members[n % members.length], ss58[who], `batch ${n} was the turn of ${members[n % members.length]}, ${who} sent it`);
    }
    assert.match(ferdie.out.stdout, /batch 2: the proof kept in .* verifies: not proven again/, 'Ferdie sent batch 2 with the proof it made before the reorg');
    // Eve joined with an empty data dir after batch 1 was pruned on AlstraNet: she took its
    // records from the calldata of the L1 transaction that carried it
    assert.match(eve.out.stdout, /batch 1: \d+ records recovered from L1 transaction 0x[0-9a-f]{64} \(pruned on AlstraNet\)/);
    const [again2] = await manager.queryFilter(manager.filters.BatchAccepted(2));
    assert.notEqual(again2.transactionHash, dropped.transactionHash, 'batch 2 is on L1 by a new transaction, not the dropped one');
    const relayers = [ANVIL_KEYS[1], ANVIL_KEYS[2]].map((k) => new ethers.Wallet(k).address);
    assert.equal(await manager.lastBatch(), BigInt(last), 'every batch on L1');
    assert.equal(await manager.stateRoot(), BigInt((await jsonRpc(url, 'rollup_batch', [last])).newRoot), 'L1\'s state root is the chain\'s');
    await until(async () => metricValue(await scrapeMetrics(node.prometheusPort), 'alstranet_rollup_batches_total', { event: 'finalized' }) === last,
      60_000, `the node's alstranet_rollup_batches_total{event="finalized"} to reach ${last}`);
    assert.equal(metricValue(await scrapeMetrics(node.prometheusPort), 'alstranet_rollup_last_batch', { status: 'finalized' }), last);
    for (const [n] of proven) {
      const b = await jsonRpc(url, 'rollup_batch', [n]);
      assert.equal(b.status, 'finalized', `batch ${n} finalized on AlstraNet`);
      const [accepted] = await manager.queryFilter(manager.filters.BatchAccepted(n));
      assert.equal(b.l1Transaction, accepted.transactionHash, `batch ${n}: AlstraNet records the L1 transaction that carried it`);
      assert.equal(await acceptedOnL1(n), 1, `batch ${n} on L1 exactly once`);
      const rec = await acceptedBatch(manager, n);
      assert.deepEqual([rec.newRoot, rec.validatorSetId], [BigInt(b.newRoot), 0n]);
      assert.ok(relayers.includes(rec.relayer), `batch ${n} carried by ${rec.relayer}`);
      assert.equal(await jsonRpc(url, 'rollup_batchRecords', [n]), null, `batch ${n}: records pruned on chain`);
      // kept by the relayer that proved it or a later batch (each proves only its turns)
      assert.ok([dataDir, otherDir].some((d) => fs.existsSync(path.join(d, 'records', `${n}.json`))), `batch ${n}: records kept by a relayer`);
    }
    // a relayer started again finds everything done and sends nothing
    const nonceBefore = await provider.getTransactionCount(relayers[0]);
    const again = relay();
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /done/);
    assert.equal(await provider.getTransactionCount(relayers[0]), nonceBefore, 'no L1 transaction');
    // wrong endpoints and keys are named
    const bad = (over, env = {}) => {
      const opts = { '--node': node.wsUrl, '--l1-rpc': anvil.url, '--deployment': l1File(), '--keys': proverKeys(), '--relayer-suri': '//Ferdie', ...over };
      return spawnSync(ALSTRA_BIN, ['relayer', ...Object.entries(opts).flat()],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ALSTRA_L1_KEY: ANVIL_KEYS[1], ...env } });
    };
    assert.match(bad({ '--l1-rpc': 'http://127.0.0.1:9' }).stderr, /cannot reach the L1 Ethereum JSON-RPC endpoint http:\/\/127\.0\.0\.1:9/);
    assert.match(bad({}, { ALSTRA_L1_KEY: '0x12' }).stderr, /--l1-key is not a 0x-prefixed 32-byte private key/);
    assert.match(bad({ '--node': 'ws://127.0.0.1:9' }).stderr, /cannot reach the AlstraNet node at ws:\/\/127\.0\.0\.1:9/);
    // an addresses file of another L1 contract: the validators do not sign for it
    const other = path.join(dataDir, 'other-l1.json');
    fs.writeFileSync(other, JSON.stringify({ ...l1, rollupManager: l1.dataAvailability }));
    assert.match(bad({ '--deployment': other }).stderr, /validators sign for L1 target .* not for RollupManager/);
  });
});
