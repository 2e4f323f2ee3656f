// Benchmark (not a test): gas of the BPM engine on a dev node, per model — deploy (all
// transactions of `alstra bpmn deploy`), start an instance, and each task completion along a
// path to the end — printed as a table. Run: node tests/e2e/bench/bpm-gas.js
// (needs the release binaries; scripts/run.sh or scripts/test.sh builds them). The engine reports
// to the rollup precompile (authorized by sudo), so the gas includes the proven state machine's
// work; `--no-rollup` measures an engine deployed with `--rollup none` instead.
import path from 'node:path';
import { ACCOUNTS, alstraCli, model } from '../lib/alstra.js';
import { jsonRpc, startNode, until } from '../lib/node.js';
import { authorizeDeployment, connect } from '../lib/rollup.js';

const withRollup = !process.argv.includes('--no-rollup');

// Models and the path (task, account, --var ...) that completes an instance.
const RUNS = [
  ['miwg-reference/A.1.0.bpmn', ['Task 1', 'Task 2', 'Task 3'].map((t) => [t, 'alith'])],
  ['caterpillar/invoicing.bpmn', [['Issue Invoice', 'alith'], ['Approve Invoice', 'baltathar', 'accepted=true']],
    ['--bind', `Invoicer=${ACCOUNTS.alith}`, '--bind', `Invoicee=${ACCOUNTS.baltathar}`]],
  ['caterpillar/running_example.bpmn', [['Enter Loan Application', 'alith'], ['Appraise Property', 'alith'],
    ['Assess Loan Risk', 'alith'], ['Assess Elegibility', 'alith', 'applicantEligible=true'], ['Confirm Acceptance', 'alith']]],
  ['miwg-reference/C.1.1.bpmn', [['assignApprover', 'alith'], ['approveInvoice', 'baltathar', 'approved=true'],
    ['prepareBankTransfer', 'charleth'], ['archiveInvoice', 'alith']],
    ['--bind', `Team Assistant=${ACCOUNTS.alith}`, '--bind', `Approver=${ACCOUNTS.baltathar}`, '--bind', `Accountant=${ACCOUNTS.charleth}`]],
];

const node = await startNode(['--dev'], { name: 'bench', eth: true });
try {
  await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum endpoint');
  const file = path.join(node.basePath, 'alstra-deployment.json');
  const cli = alstraCli(node.ethUrl, file);
  cli.run('alith', 'engine', 'deploy', '--rollup', withRollup ? 'auto' : 'none');
  if (withRollup) {
    const api = await connect(node.wsUrl);
    await authorizeDeployment(api, file);
    await api.disconnect();
  }
  console.log(withRollup ? '# engine reporting to the rollup precompile' : '# engine without the rollup (--rollup none)');
  cli.run('alith', 'participant', 'register', ACCOUNTS.alith, '--name', 'A', '--role', 'Invoice_Handling', '--role', 'Invoicer',
    '--role', 'BPM17_Running_Example', '--role', 'Invoice Handling (OMG BPMN MIWG Demo)', '--role', 'Team Assistant',
    '--role', 'WFP-6-');
  cli.run('alith', 'participant', 'register', ACCOUNTS.baltathar, '--name', 'B', '--role', 'Invoicee', '--role', 'Approver');
  cli.run('alith', 'participant', 'register', ACCOUNTS.charleth, '--name', 'C', '--role', 'Accountant');
  const rows = [];
  for (const [file, steps, binds = []] of RUNS) {
    const check = cli.run('alith', 'bpmn', 'check', model(file));
    const dep = cli.run('alith', 'bpmn', 'deploy', model(file));
    const st = cli.run('alith', 'instance', 'start', String(dep.definitionId), ...binds);
    const per = steps.map(([task, who, v]) => cli.run(who, 'task', 'complete', String(st.instanceId), task, ...(v ? ['--var', v] : [])).gasUsed);
    const s = dep.summary;
    rows.push([file, s.elements, s.sequenceFlows, Math.max(...s.placesPerScope), dep.transactions, dep.gasUsed, st.gasUsed,
      Math.min(...per), Math.max(...per), Math.round(per.reduce((a, b) => a + b, 0) / per.length)]);
    void check;
  }
  const head = ['model', 'elements', 'flows', 'max places/scope', 'deploy txs', 'deploy gas', 'start gas', 'task gas min', 'task gas max', 'task gas avg'];
  console.log(head.join(' | '));
  console.log(head.map(() => '---').join(' | '));
  for (const r of rows) console.log(r.join(' | '));
} finally {
  await node.stop();
}
