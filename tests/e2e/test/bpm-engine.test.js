// End to end: real BPMN models compiled by `alstra`, deployed to a dev node's EVM and executed
// to completion along written-out paths by several participants, through the `alstra` CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ACCOUNTS, alstraCli, model } from '../lib/alstra.js';
import { jsonRpc, startNode, tail, until } from '../lib/node.js';

describe('BPM engine on a dev node', () => {
  let node;
  let cli;
  const gas = [];

  before(async () => {
    node = await startNode(['--dev'], { name: 'bpm', eth: true });
    try {
      await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum JSON-RPC endpoint');
      await until(async () => BigInt(await jsonRpc(node.ethUrl, 'eth_blockNumber')) > 0n, 60_000, 'a block');
      cli = alstraCli(node.ethUrl, path.join(node.basePath, 'alstra-deployment.json'));
      cli.run('alith', 'engine', 'deploy');
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
});
