// Benchmark (not a test): gas of the BPM engine per model — deploy (all transactions of
// `alstra bpmn deploy`), start an instance, and each task completion along a path to the end —
// on anvil (Ethereum's gas, receipts' `gasUsed`, 21,000 base included) and on a dev node
// (pallet-revive's gas: weight and storage deposit over the fixed gas price, README "Gas on
// AlstraNet"), printed as tables, the dev node's with the fee in units. Run:
//   node tests/e2e/bench/bpm-gas.js [--no-rollup] [--only anvil|dev] [--models <substring>]
// (needs the release binaries; scripts/run.sh or scripts/test.sh builds them, and `npm ci` in
// tests/e2e for anvil). On the dev node the engine reports to the rollup precompile (authorized
// by sudo), so its gas includes the proven state machine's work; `--no-rollup` deploys it with
// `--rollup none` there too.
import fs from 'node:fs';
import path from 'node:path';
import { ACCOUNTS, alstraCli, model } from '../lib/alstra.js';
import { chorpilerCase } from './chorpiler.js';
import { startAnvil } from '../lib/anvil.js';
import { jsonRpc, startNode, until } from '../lib/node.js';
import { authorizeDeployment, connect } from '../lib/rollup.js';

const withRollup = !process.argv.includes('--no-rollup');
const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
const only = arg('--only');
/** Only the models whose path contains this (e.g. `chorpiler`); all by default. */
const pick = (name) => !arg('--models') || name.includes(arg('--models'));
/** AlstraNet's fixed gas price (README "Gas on AlstraNet"): 5·10^12 wei, a unit being 10^18 wei. */
const ALSTRANET_GAS_PRICE_UNITS = 5e12 / 1e18;

// Models and the path (task, account, --var ..., further arguments) that completes an instance.
const RUNS = [
  ['miwg-reference/A.1.0.bpmn', ['Task 1', 'Task 2', 'Task 3'].map((t) => [t, 'alith'])],
  // a decision gateway (labels, no conditions): Task 1's completer chooses Task 2
  ['miwg-reference/A.2.0.bpmn', [['Task 1', 'alith', null, ['--decide', '_35fe57a7-1302-44e2-bf58-032f11af7ecb=Task 2']],
    ['Task 2', 'alith']]],
  ['caterpillar/invoicing.bpmn', [['Issue Invoice', 'alith'], ['Approve Invoice', 'baltathar', 'accepted=true']],
    ['--bind', `Invoicer=${ACCOUNTS.alith}`, '--bind', `Invoicee=${ACCOUNTS.baltathar}`]],
  ['caterpillar/running_example.bpmn', [['Enter Loan Application', 'alith'], ['Appraise Property', 'alith'],
    ['Assess Loan Risk', 'alith'], ['Assess Elegibility', 'alith', 'applicantEligible=true'], ['Confirm Acceptance', 'alith']]],
  ['miwg-reference/C.1.1.bpmn', [['assignApprover', 'alith'], ['approveInvoice', 'baltathar', 'approved=true'],
    ['prepareBankTransfer', 'charleth'], ['archiveInvoice', 'alith']],
    ['--bind', `Team Assistant=${ACCOUNTS.alith}`, '--bind', `Approver=${ACCOUNTS.baltathar}`, '--bind', `Accountant=${ACCOUNTS.charleth}`]],
  // a parallel multi-instance sub-process of 2 instances, unrolled by the compiler
  ['caterpillar/shipment.bpmn', [['Request Quotes', 'alith'], ['Task_05ejlzn#1', 'alith'], ['Task_05ejlzn#2', 'alith'], ['Ship Goods', 'alith']],
    ['Supplier', 'Candidate', 'Carrier'].flatMap((role) => ['--bind', `${role}=${ACCOUNTS.alith}`])],
  // a conditional flow (`true`) leaving Task 2, through the split gateway the compiler adds
  ['miwg-reference/A.2.1.bpmn', [['Task 1', 'alith'], ['Task 2', 'alith']]],
];

/** Chorpiler's cases with their XES traces, translated (bench/chorpiler.js). */
const CHORPILER = await Promise.all(['supply-chain', 'incident-management']
  .map((name) => chorpilerCase(path.dirname(model('chorpiler/x')), name)));

/**
 * Deploys the engine on `url` (the deployment file in `dir`), registers the participants, deploys
 * every model of RUNS and walks an instance of it; returns one row per model.
 */
async function measure(url, dir, { rollup, onDeployed = async () => {} }) {
  const file = path.join(dir, 'alstra-deployment.json');
  const cli = alstraCli(url, file);
  cli.run('alith', 'engine', 'deploy', '--rollup', rollup ? 'auto' : 'none');
  await onDeployed(file);
  const chorRoles = CHORPILER.flatMap((c) => c.process.roles.flatMap((r) => ['--role', r]));
  cli.run('alith', 'participant', 'register', ACCOUNTS.alith, '--name', 'A', '--role', 'Invoice_Handling', '--role', 'Invoicer',
    '--role', 'BPM17_Running_Example', '--role', 'Invoice Handling (OMG BPMN MIWG Demo)', '--role', 'Team Assistant',
    '--role', 'WFP-6-', '--role', 'Goods_Shipement', '--role', 'Supplier', '--role', 'Candidate', '--role', 'Carrier',
    '--role', 'A.2.1', ...chorRoles);
  cli.run('alith', 'participant', 'register', ACCOUNTS.baltathar, '--name', 'B', '--role', 'Invoicee', '--role', 'Approver');
  cli.run('alith', 'participant', 'register', ACCOUNTS.charleth, '--name', 'C', '--role', 'Accountant');
  const rows = [];
  for (const [bpmn, steps, binds = []] of RUNS.filter(([bpmn]) => pick(bpmn))) {
    const dep = cli.run('alith', 'bpmn', 'deploy', model(bpmn));
    const st = cli.run('alith', 'instance', 'start', String(dep.definitionId), ...binds);
    const per = steps.map(([task, who, v, extra = []]) =>
      cli.run(who, 'task', 'complete', String(st.instanceId), task, ...(v ? ['--var', v] : []), ...extra).gasUsed);
    const s = dep.summary;
    rows.push({
      model: bpmn, elements: s.elements, flows: s.sequenceFlows, places: Math.max(...s.placesPerScope),
      deployTxs: dep.transactions, deploy: dep.gasUsed, start: st.gasUsed,
      taskMin: Math.min(...per), taskMax: Math.max(...per), taskAvg: Math.round(per.reduce((a, b) => a + b, 0) / per.length),
      tasks: per.length,
    });
  }
  // Chorpiler's cases: every trace of the log, all parties played by alith (each role bound)
  for (const c of CHORPILER.filter((c) => pick(`chorpiler/${c.name}`))) {
    const file = path.join(dir, `${c.name}.bpmn`);
    fs.writeFileSync(file, c.process.xml);
    let dep;
    try {
      dep = cli.run('alith', 'bpmn', 'deploy', file);
    } catch (e) {
      // e.g. the rollup precompile refuses a model beyond the prover's limits
      // (`DefinitionBeyondProverLimits`): report it and go on
      console.log(`# chorpiler/${c.name}: not deployed: ${e.stderr?.trim() ?? e.message}`);
      continue;
    }
    const binds = c.process.roles.filter((r) => r !== c.process.start).flatMap((r) => ['--bind', `${r}=${ACCOUNTS.alith}`]);
    const starts = [];
    const per = [];
    const instances = [];
    for (const trace of c.traces) {
      const st = cli.run('alith', 'instance', 'start', String(dep.definitionId), ...binds);
      let status;
      const tasks = trace.map((task, i) => {
        const r = cli.run('alith', 'task', 'complete', String(st.instanceId), task, ...c.process.decide(trace, i));
        status = r.status;
        return r.gasUsed;
      });
      if (status !== 'Completed') throw new Error(`${c.name}: the trace ${trace.join(' ')} left the instance ${status}`);
      starts.push(st.gasUsed);
      per.push(...tasks);
      instances.push(st.gasUsed + tasks.reduce((a, b) => a + b, 0));
    }
    const s = dep.summary;
    const avg = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    rows.push({
      model: `chorpiler/${c.name} (${c.traces.length} traces)`, elements: s.elements, flows: s.sequenceFlows,
      places: Math.max(...s.placesPerScope), deployTxs: dep.transactions, deploy: dep.gasUsed, start: avg(starts),
      taskMin: Math.min(...per), taskMax: Math.max(...per), taskAvg: avg(per), tasks: per.length / c.traces.length,
      instance: avg(instances),
    });
  }
  return rows;
}

function print(title, rows, withFee) {
  console.log(`\n# ${title}`);
  const head = ['model', 'elements', 'flows', 'max places/scope', 'deploy txs', 'deploy gas', 'start gas', 'task gas min',
    'task gas max', 'task gas avg', 'start + tasks gas'];
  if (withFee) head.push('start + tasks fee (unit)');
  console.log(head.join(' | '));
  console.log(head.map(() => '---').join(' | '));
  for (const r of rows) {
    const instance = r.instance ?? r.start + r.taskAvg * r.tasks;
    const cells = [r.model, r.elements, r.flows, r.places, r.deployTxs, r.deploy, r.start, r.taskMin, r.taskMax, r.taskAvg, instance];
    if (withFee) cells.push((instance * ALSTRANET_GAS_PRICE_UNITS).toFixed(4));
    console.log(cells.join(' | '));
  }
}

if (only !== 'dev') {
  const anvil = await startAnvil(['--hardfork', 'prague'], { name: 'bench-anvil' });
  try {
    for (const account of Object.values(ACCOUNTS)) {
      await jsonRpc(anvil.url, 'anvil_setBalance', [account, '0x' + (10n ** 24n).toString(16)]);
    }
    print('anvil (Prague): Ethereum gas, receipts', await measure(anvil.url, path.dirname(anvil.logFile), { rollup: false }), false);
  } finally {
    await anvil.stop();
  }
}

if (only !== 'anvil') {
  const node = await startNode(['--dev'], { name: 'bench', eth: true });
  try {
    await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum endpoint');
    const rows = await measure(node.ethUrl, node.basePath, {
      rollup: withRollup,
      onDeployed: async (file) => {
        if (!withRollup) return;
        const api = await connect(node.wsUrl);
        await authorizeDeployment(api, file);
        await api.disconnect();
      },
    });
    print(withRollup ? 'dev node, engine reporting to the rollup precompile: pallet-revive gas'
      : 'dev node, engine without the rollup (--rollup none): pallet-revive gas', rows, true);
  } finally {
    await node.stop();
  }
}
