// End to end: the business users' web app (webapp/) in a real browser (Debian's chromium, driven
// by puppeteer-core) against a dev node. The browser's wallet is an EIP-1193 provider injected
// into the page that signs in this test with the dev keys and forwards everything else to the
// node, as MetaMask would: it starts on the wrong chain (the page must add AlstraNet), can switch
// accounts, and can reject a signature. A BPMN model (OMG MIWG C.1.1, exported by Signavio) is
// deployed with `alstra`; the page then shows the diagram as deployed (checked against the hash on
// chain), starts an instance with role bindings, lists the tasks of each participant's worklist,
// completes them with typed variables (the approver first rejects, the loop back to the review,
// then the end), draws the tokens, decodes the engine's refusals and shows the audit trail. The
// analytics indexer (alstra-indexer, SQLite) follows the chain from the engine's deployment; the
// analytics page shows the finished instance's cycle time as the indexer computed it from the
// block times. Screenshots go to $ALSTRA_SCREENSHOTS (default: a temp dir, printed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ethers } from 'ethers';
import puppeteer from 'puppeteer-core';
import { ACCOUNTS, ALSTRA_BIN, INDEXER_BIN, alstraCli, model } from '../lib/alstra.js';
import { connect } from '../lib/rollup.js';
import { freePort, jsonRpc, ROOT, sleep, startNode, tail, until } from '../lib/node.js';

/** Dev keys (public, README): the wallet's accounts. */
const KEYS = {
  alith: '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133',
  baltathar: '0x8075991ce870b93a8870eca0c0f91913d12f47948ca0fd25b49c6fa7cdbeee8b',
  charleth: '0x0b6e18cafb6ed99687ec547bd28139cafdd2bffe70e6b688025de6b445aa5c5b',
  dorothy: '0x39539ab1876910bbf3a223d84a29e28f1cb4e2e456503e7e91ed39b2e7223d68',
};
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.ALSTRA_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'alstra-webapp-'));
const C11 = model('miwg-reference/C.1.1.bpmn');

/** MIWG A.1.0 with a deadline: an interrupting timer boundary event on Task 1 that leads to the
 *  end event (with its diagram shapes), a construct the compiler refuses today. */
function withDeadline(xml) {
  const task1 = '_ec59e164-68b4-4f94-98de-ffb1c58a84af';
  const end = '_a47df184-085b-49f7-bb82-031c84625821';
  const out = xml
    .replace('    </semantic:process>', `        <semantic:boundaryEvent id="Deadline" name="Deadline" attachedToRef="${task1}" cancelActivity="true">
            <semantic:outgoing>Flow_deadline</semantic:outgoing>
            <semantic:timerEventDefinition><semantic:timeDuration>P1D</semantic:timeDuration></semantic:timerEventDefinition>
        </semantic:boundaryEvent>
        <semantic:sequenceFlow sourceRef="Deadline" targetRef="${end}" name="" id="Flow_deadline"/>
    </semantic:process>`)
    .replace('        </bpmndi:BPMNPlane>', `            <bpmndi:BPMNShape bpmnElement="Deadline" id="S_Deadline"><dc:Bounds height="36.0" width="36.0" x="282.0" y="367.0"/></bpmndi:BPMNShape>
            <bpmndi:BPMNEdge bpmnElement="Flow_deadline" id="E_Flow_deadline"><di:waypoint x="300.0" y="403.0"/><di:waypoint x="300.0" y="430.0"/><di:waypoint x="664.0" y="430.0"/><di:waypoint x="664.0" y="367.0"/></bpmndi:BPMNEdge>
        </bpmndi:BPMNPlane>`);
  assert.notEqual(out, xml);
  return out;
}

describe('web app in a browser', () => {
  let node;
  let cli;
  let server;
  let serverLog = '';
  let indexer;
  let indexerLog = '';
  let indexerUrl;
  let browser;
  let page;
  let url;
  let chainId;
  /** the injected wallet's state (test side) */
  const wallet = { account: 'alith', chainId: '0x1', added: [], rejectNext: false, provider: null };

  before(async () => {
    node = await startNode(['--dev'], { name: 'webapp', eth: true });
    try {
      await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum JSON-RPC endpoint');
      await until(async () => BigInt(await jsonRpc(node.ethUrl, 'eth_blockNumber')) > 0n, 60_000, 'a block');
      chainId = BigInt(await jsonRpc(node.ethUrl, 'eth_chainId'));
      const deploymentFile = path.join(node.basePath, 'alstra-deployment.json');
      cli = alstraCli(node.ethUrl, deploymentFile);
      cli.run('alith', 'engine', 'deploy', '--rollup', 'none');
      const indexerPort = await freePort();
      indexerUrl = `http://127.0.0.1:${indexerPort}`;
      indexer = spawn(INDEXER_BIN, ['--rpc-url', node.ethUrl, '--deployment', deploymentFile,
        '--db', `sqlite://${path.join(node.basePath, 'index.db')}`, '--listen', `127.0.0.1:${indexerPort}`, '--poll-ms', '500']);
      indexer.stdout.on('data', (d) => { indexerLog += d; });
      indexer.stderr.on('data', (d) => { indexerLog += d; });
      await until(async () => (await fetch(`${indexerUrl}/api/status`)).ok, 30_000, 'the analytics indexer');
      cli.run('alith', 'participant', 'register', ACCOUNTS.alith, '--name', 'Acme Ltd',
        '--role', 'Invoice Handling (OMG BPMN MIWG Demo)', '--role', 'Team Assistant', '--role', 'WFP-6-');
      cli.run('alith', 'participant', 'register', ACCOUNTS.baltathar, '--name', 'Globex Corp', '--role', 'Approver');
      cli.run('alith', 'participant', 'register', ACCOUNTS.charleth, '--name', 'Initech', '--role', 'Accountant');
      cli.run('alith', 'bpmn', 'deploy', C11);

      // the TypeScript is type-checked (esbuild only strips the types), then bundled
      const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'], { cwd: path.join(ROOT, 'webapp'), encoding: 'utf8' });
      assert.equal(tsc.status, 0, `webapp type check failed: ${tsc.stdout}${tsc.stderr}`);
      const build = spawnSync(process.execPath, ['build.mjs'], { cwd: path.join(ROOT, 'webapp'), encoding: 'utf8' });
      assert.equal(build.status, 0, `webapp build failed: ${build.stderr}`);
      const port = await freePort();
      server = spawn(process.execPath, ['server.mjs', '--deployment', deploymentFile, '--eth-rpc', node.ethUrl,
        '--node-rpc', `http://127.0.0.1:${node.rpcPort}`, '--indexer', indexerUrl, '--alstra', ALSTRA_BIN, '--port', String(port)],
        { cwd: path.join(ROOT, 'webapp') });
      server.stdout.on('data', (d) => { serverLog += d; });
      server.stderr.on('data', (d) => { serverLog += d; });
      url = `http://127.0.0.1:${port}/`;
      await until(async () => (await fetch(`${url}config.json`)).ok, 30_000, 'the web server');

      wallet.provider = new ethers.JsonRpcProvider(node.ethUrl, undefined, { staticNetwork: true });
      browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
      page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
      await page.exposeFunction('__alstraWallet', (method, params) => walletRequest(method, params));
      await page.evaluateOnNewDocument(() => {
        const listeners = {};
        window.ethereum = {
          isMetaMask: false,
          async request({ method, params }) {
            const r = await window.__alstraWallet(method, params ?? []);
            if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code, data: r.error.data });
            return r.result;
          },
          on(ev, f) { (listeners[ev] ??= []).push(f); },
          removeListener() {},
          __emit(ev, arg) { (listeners[ev] ?? []).forEach((f) => f(arg)); },
        };
      });
    } catch (e) {
      console.log(tail(node.log()));
      console.log(serverLog);
      console.log(indexerLog);
      throw e;
    }
  });

  /** The wallet, test side: MetaMask's answers for the methods a dapp uses. */
  async function walletRequest(method, params) {
    const address = new ethers.Wallet(KEYS[wallet.account]).address;
    try {
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return { result: [address] };
        case 'eth_chainId':
          return { result: wallet.chainId };
        case 'wallet_switchEthereumChain':
          if (!wallet.added.some((c) => BigInt(c.chainId) === BigInt(params[0].chainId))) {
            return { error: { code: 4902, message: `Unrecognized chain ID ${params[0].chainId}` } };
          }
          wallet.chainId = params[0].chainId;
          return { result: null };
        case 'wallet_addEthereumChain':
          wallet.added.push(params[0]);
          wallet.chainId = params[0].chainId;
          return { result: null };
        case 'eth_sendTransaction': {
          if (BigInt(wallet.chainId) !== chainId) return { error: { code: 4901, message: 'wrong chain' } };
          if (wallet.rejectNext) {
            wallet.rejectNext = false;
            return { error: { code: 4001, message: 'User rejected the request.' } };
          }
          const signer = new ethers.Wallet(KEYS[wallet.account], wallet.provider);
          const tx = { ...params[0] };
          delete tx.from;
          const sent = await signer.sendTransaction(tx);
          return { result: sent.hash };
        }
        default: {
          // passed on as is, errors with their data (a revert's), as MetaMask does
          const r = await fetch(node.ethUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
          const body = await r.json();
          return body.error ? { error: body.error } : { result: body.result };
        }
      }
    } catch (e) {
      return { error: { code: e.code ?? -32603, message: e.message, data: e.data } };
    }
  }

  after(async () => {
    await browser?.close();
    server?.kill();
    indexer?.kill();
    await node?.stop();
    console.log(`# web app screenshots: ${SHOTS}`);
  });

  async function shot(name) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }
  const text = (sel) => page.$eval(sel, (e) => e.textContent);
  /** Waits until an element matching `sel` has text matching `re`; on a timeout the error says
   *  what the page showed instead (and a screenshot is saved). */
  async function waitText(sel, re, ms = 120_000) {
    try {
      await page.waitForFunction((s, src, flags) => [...document.querySelectorAll(s)].some((e) => new RegExp(src, flags).test(e.textContent)),
        { timeout: ms, polling: 250 }, sel, re.source, re.flags);
    } catch (e) {
      await shot(`failed-${Date.now()}`);
      const seen = await page.evaluate(() => `notice: ${document.getElementById('notice')?.textContent}\nview: ${document.getElementById('view')?.innerText}`);
      throw new Error(`no ${sel} matched ${re} within ${ms} ms; the page showed\n${seen.slice(0, 3000)}`);
    }
  }
  /** Submits a form from inside the page (a handle could be detached by a concurrent redraw). */
  async function submit(form = 'form') {
    await page.waitForSelector(`${form} button[type=submit]`);
    await page.$eval(`${form} button[type=submit]`, (b) => b.click());
  }
  async function as(account) {
    wallet.account = account;
    await page.evaluate(() => window.ethereum.__emit('accountsChanged', []));
  }

  test('connects: adds the AlstraNet network to the wallet, shows the participant and its roles', async () => {
    await page.goto(url, { waitUntil: 'networkidle0' });
    await page.click('#connect');
    await waitText('#account', /Acme Ltd/);
    assert.equal(wallet.added.length, 1, 'the page asked the wallet to add AlstraNet');
    assert.equal(BigInt(wallet.added[0].chainId), chainId);
    assert.deepEqual(wallet.added[0].rpcUrls, [node.ethUrl]);
    assert.match(await text('[data-roles]'), /Team Assistant/);
    await shot('01-connected');
  });

  test('the process explorer draws the model as deployed, checked against the hash on chain', async () => {
    await page.goto(`${url}#/definitions`, { waitUntil: 'networkidle0' });
    await waitText('table', /C\.1\.1/);
    await page.click('a[href="#/definitions/1"]');
    await waitText('[data-source=status]', /Diagram as deployed/);
    await page.waitForSelector('.diagram .djs-container svg .djs-element', { timeout: 30_000 });
    // the same bytes as the file, as `alstra bpmn source` rebuilds them
    const out = path.join(node.basePath, 'source.bpmn');
    const r = cli.run('alith', 'bpmn', 'source', '1', '--out', out);
    assert.equal(r.parts, 1);
    assert.deepEqual(fs.readFileSync(out), fs.readFileSync(C11));
    await shot('02-definition');
  });

  let instance;
  test('starts an instance with role bindings and follows the transaction to finality', async () => {
    await page.select(`select[data-role="${ethers.id('Team Assistant')}"]`, ACCOUNTS.alith.toLowerCase());
    await page.select(`select[data-role="${ethers.id('Approver')}"]`, ACCOUNTS.baltathar.toLowerCase());
    await page.select(`select[data-role="${ethers.id('Accountant')}"]`, ACCOUNTS.charleth.toLowerCase());
    await submit('form[aria-label="Start an instance"]');
    await page.waitForFunction(() => /#\/instances\/\d+$/.test(location.hash), { timeout: 180_000 });
    instance = Number((await page.evaluate(() => location.hash)).split('/').pop());
    const info = cli.run('alith', 'instance', 'show', String(instance));
    assert.equal(info.status, 'Active');
    await waitText('[data-status]', /Active/);
    await page.waitForSelector('.djs-element.enabled', { timeout: 30_000 });
    await waitText('table', /Approver.*Globex Corp|Globex Corp/);
    await shot('03-instance-started');
  });

  test('the worklist shows my tasks; a task form completes it and shows each step to finality', async () => {
    await page.goto(`${url}#/worklist`, { waitUntil: 'networkidle0' });
    await waitText('table', /Assign approver|assignApprover/i);
    await shot('04-worklist-alith');
    await page.click(`a[data-task^="${instance}/"]`);
    await submit();
    await waitText('[data-step=finalized]', /Finalized/, 180_000);
    await shot('05-task-completed');
    // the engine moved on: the approver's task is enabled, not alith's
    const shown = cli.run('alith', 'instance', 'show', String(instance));
    assert.deepEqual(shown.enabledTaskIds, ['approveInvoice']);
  });

  test('an engine refusal is explained in words before anything is signed', async () => {
    await as('charleth');
    await waitText('#account', /Initech/);
    // the Accountant opens the approver's task directly
    const approve = cli.run('alith', 'instance', 'show', String(instance));
    const element = approve.enabledTasks[approve.enabledTaskIds.indexOf('approveInvoice')];
    assert.notEqual(element, undefined, JSON.stringify(approve));
    await page.goto(`${url}#/task/${instance}/${element}`, { waitUntil: 'networkidle0' });
    await waitText('h2', /Approve Invoice/);
    await submit();
    await waitText('#notice', /not bound to the role "Approver"/);
    await shot('06-refused');
  });

  /** Opens `task` (BPMN id) of the instance from the current account's worklist and submits its
   *  form with `values` (select name -> value), then waits for finality. */
  async function completeFromWorklist(taskName, values = {}) {
    await fresh(`#/worklist`);
    let href;
    try {
      const handle = await page.waitForFunction((inst, src, flags) => {
        const a = [...document.querySelectorAll(`#view a[data-task^="${inst}/"]`)].find((x) => new RegExp(src, flags).test(x.closest('tr').textContent));
        return a ? a.getAttribute('href') : false;
      }, { timeout: 120_000, polling: 250 }, instance, taskName.source, taskName.flags);
      href = await handle.jsonValue();
    } catch (e) {
      await shot(`failed-${Date.now()}`);
      throw new Error(`the worklist never offered ${taskName} of instance ${instance}: ${(await page.evaluate(() => document.getElementById('view').innerText)).slice(0, 2000)}`);
    }
    await fresh(href);
    for (const [name, value] of Object.entries(values)) {
      await page.waitForSelector(`#view [name=${name}]`);
      // a Bool variable is a yes/no select, a String or Int one a text or number input
      if (await page.$(`#view select[name=${name}]`)) await page.select(`#view select[name=${name}]`, value);
      else await page.type(`#view input[name=${name}]`, value);
    }
    await submit('#view form');
    await waitText('[data-step=finalized]', /Finalized/, 180_000);
  }
  /** Shows `route` with nothing of the previous page left in the view meanwhile (a wait for an
   *  element cannot match the page being left). */
  async function fresh(route) {
    const same = await page.evaluate((r) => location.hash === r, route);
    await page.evaluate(() => document.getElementById('view').replaceChildren());
    // the same address again: no navigation happens, so ask the page to render it anew
    if (same) await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
    else await page.goto(`${url}${route}`, { waitUntil: 'networkidle0' });
  }
  /** The instance page's tokens (flow ids), as drawn on its diagram. */
  async function tokensOnDiagram() {
    await fresh(`#/instances/${instance}`);
    await page.waitForSelector('#view .diagram[data-tokens]', { timeout: 30_000 });
    return page.$eval('#view .diagram', (d) => d.dataset.tokens.split(' ').filter(Boolean));
  }

  test('the approver sees the task, a rejected signature sends nothing, rejects the invoice: the token loops back to the review', async () => {
    await as('baltathar');
    await waitText('#account', /Globex Corp/);
    await page.goto(`${url}#/worklist`, { waitUntil: 'networkidle0' });
    await waitText('table', /Approve invoice|approveInvoice/i);
    await page.click(`a[data-task^="${instance}/"]`);
    await page.waitForSelector('select[name=approved]');
    await page.select('select[name=approved]', 'false');
    wallet.rejectNext = true;
    await submit();
    await waitText('#notice', /rejected the transaction/);
    assert.deepEqual(cli.run('alith', 'instance', 'show', String(instance)).enabledTaskIds, ['approveInvoice'], 'nothing was sent');
    await submit();
    await waitText('[data-step=finalized]', /Finalized/, 180_000);
    assert.deepEqual(cli.run('alith', 'instance', 'show', String(instance)).enabledTaskIds, ['reviewInvoice'], 'rejected: back to the review');
    await page.goto(`${url}#/instances/${instance}`, { waitUntil: 'networkidle0' });
    await waitText('table', /approved := no/);
    await waitText('table', /Globex Corp/);
    // one token, on the flow into the review, drawn on the diagram
    await page.waitForSelector('.djs-connection.token', { timeout: 30_000 });
    await page.waitForSelector('.token-dot');
    const tokens = await tokensOnDiagram();
    assert.equal(tokens.length, 1, `one token: ${tokens}`);
    await shot('07-instance-rejected');
  });

  test('the loop: the assistant reviews, the approver approves, the accountant pays, the assistant archives: the instance ends', async () => {
    await as('alith');
    await waitText('#account', /Acme Ltd/);
    await completeFromWorklist(/Rechnung/, { clarified: 'yes' }); // the review task, named in German by the model
    assert.deepEqual(cli.run('alith', 'instance', 'show', String(instance)).enabledTaskIds, ['approveInvoice'], 'the loop leads back to the approval');
    assert.equal((await tokensOnDiagram()).length, 1);
    await as('baltathar');
    await waitText('#account', /Globex Corp/);
    await completeFromWorklist(/Approve/i, { approved: 'true' });
    assert.deepEqual(cli.run('alith', 'instance', 'show', String(instance)).enabledTaskIds, ['prepareBankTransfer']);
    assert.equal((await tokensOnDiagram()).length, 1);
    await as('charleth');
    await waitText('#account', /Initech/);
    await completeFromWorklist(/bank transfer/i);
    assert.deepEqual(cli.run('alith', 'instance', 'show', String(instance)).enabledTaskIds, ['archiveInvoice']);
    await as('alith');
    await waitText('#account', /Acme Ltd/);
    await completeFromWorklist(/Archive/i);
    assert.equal(cli.run('alith', 'instance', 'show', String(instance)).status, 'Completed');
    assert.deepEqual(await tokensOnDiagram(), [], 'no token left on the diagram');
    await waitText('[data-status]', /Completed/);
    await shot('07b-instance-completed');
  });

  test('an account that is not a participant is told so; a registrar registers it on the participants page', async () => {
    await as('dorothy');
    await waitText('#notice', /not a registered participant/);
    await page.goto(`${url}#/worklist`, { waitUntil: 'networkidle0' });
    await waitText('[data-empty=worklist]', /No task/);
    // not a registrar: the page lists participants, offers no form
    await page.goto(`${url}#/participants`, { waitUntil: 'networkidle0' });
    await waitText('#view', /Only a registrar/);
    assert.equal(await page.$('form[aria-label="Register a participant"]'), null);
    await as('alith');
    await waitText('#account', /Acme Ltd/);
    await page.waitForSelector('form[aria-label="Register a participant"]');
    await page.type('#p-account', ACCOUNTS.dorothy);
    await page.type('#p-name', 'Umbrella Corp');
    await page.type('#p-roles', 'Approver, Accountant');
    await submit('form[aria-label="Register a participant"]');
    await waitText('#notice', /Umbrella Corp registered/, 180_000);
    await waitText('table', /Umbrella Corp/);
    await shot('08-participants');
    await as('dorothy');
    await waitText('#account', /Umbrella Corp/);
    assert.match(await text('[data-roles]'), /Approver, Accountant/);
  });

  test('the modeler checks a model with the compiler, points at what it refuses, and deploys it with the wallet', async () => {
    await as('alith');
    await waitText('#account', /Acme Ltd/);
    await page.goto(`${url}#/modeler`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('.modeler[data-ready]', { timeout: 30_000 });
    const open = async (file) => {
      const input = await page.$('#model-file');
      await input.uploadFile(file);
      await waitText('#notice', new RegExp(`Opened ${path.basename(file).replace('.', '\\.')}`));
    };
    // MIWG A.1.0 with a deadline (a timer boundary event on Task 1): refused, the element named,
    // marked and selected on the diagram; deleted in the modeler, the model compiles
    const file = path.join(node.basePath, 'A.1.0-deadline.bpmn');
    fs.writeFileSync(file, withDeadline(fs.readFileSync(model('miwg-reference/A.1.0.bpmn'), 'latin1')), 'latin1');
    await open(file);
    await page.click('#check-model');
    await waitText('[data-check]', /Refused: line \d+ boundaryEvent "Deadline": boundary events are not supported/);
    await page.waitForSelector('.djs-element.error[data-element-id="Deadline"]');
    await shot('09-modeler-refused');
    await page.waitForSelector('.djs-context-pad .entry[data-action="delete"]', { visible: true });
    await page.click('.djs-context-pad .entry[data-action="delete"]');
    assert.equal(await page.$('.djs-element[data-element-id="Deadline"]'), null, 'the boundary event is deleted');
    await page.click('#check-model');
    await waitText('[data-check]', /Compiles: "A\.1\.0", 5 flow nodes/);
    await page.click('#deploy-model');
    await waitText('[data-step=finalized]', /"A\.1\.0" is version 1 \(definition 2\)/, 300_000);
    await shot('10-modeler-deployed');
    const out = path.join(node.basePath, 'modeled.bpmn');
    cli.run('alith', 'bpmn', 'source', '2', '--out', out);
    const deployed = fs.readFileSync(out, 'utf8');
    assert.match(deployed, /Task 1/, 'the source on chain is the modeler\'s export of the model');
    assert.doesNotMatch(deployed, /Deadline/, 'as fixed in the modeler');
    const shown = cli.run('alith', 'instance', 'start', '2');
    assert.ok(shown.instanceId > 0, 'the deployed version starts instances');
  });

  test('the consortium view shows finality, the session validators and the rollup', async () => {
    await page.goto(`${url}#/consortium`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('[data-finalized]', { timeout: 60_000 });
    assert.ok(Number(await text('[data-finalized]')) > 0);
    const api = await connect(node.wsUrl);
    try {
      // the page's storage key is FRAME's, and it shows the chain's validators
      const src = fs.readFileSync(path.join(ROOT, 'webapp/src/views/consortium.ts'), 'utf8');
      assert.equal(src.match(/SESSION_VALIDATORS_KEY = '(0x[0-9a-f]+)'/)[1], api.query.session.validators.key());
      const want = (await api.query.session.validators()).map((v) => v.toString());
      const shown = await page.$$eval('[data-validator]', (els) => els.map((e) => e.dataset.validator));
      assert.deepEqual(shown, want);
    } finally {
      await api.disconnect();
    }
    await waitText('#view', /batch\(es\) sealed/);
    await shot('11-consortium');
  });

  test('the analytics page shows the finished instance\'s cycle time, as the indexer computed it from the chain', async () => {
    // the indexer follows the best block: wait until it has read the completion
    let a;
    await until(async () => {
      a = await (await fetch(`${indexerUrl}/api/definitions/1/analytics`)).json();
      return a.instances?.completed === 1;
    }, 60_000, 'the indexer to read the completed instance');
    // the cycle time is the block times of the start and the completion
    const trail = await (await fetch(`${indexerUrl}/api/instances/${instance}/events`)).json();
    const at = (name) => trail.find((e) => e.event === name).timestamp;
    const provider = new ethers.JsonRpcProvider(node.ethUrl, undefined, { staticNetwork: true });
    const blockTime = async (name) => (await provider.getBlock(trail.find((e) => e.event === name).block)).timestamp;
    assert.equal(at('InstanceStarted'), await blockTime('InstanceStarted'));
    assert.equal(a.cycleTime.total, at('InstanceCompleted') - at('InstanceStarted'));
    assert.ok(a.cycleTime.total > 0);
    const approve = a.tasks.find((t) => t.bpmnId === 'approveInvoice');
    assert.equal(approve.duration.count, 2, 'approved twice (the loop)');
    assert.equal(approve.role, 'Approver');
    await page.goto(`${url}#/analytics`, { waitUntil: 'networkidle0' });
    await waitText('table', /C\.1\.1/);
    await page.click('a[href="#/analytics/1"]');
    await page.waitForSelector('[data-cycle-time]');
    assert.equal(Number(await page.$eval('[data-cycle-time]', (e) => e.dataset.cycleTime)), a.cycleTime.mean);
    await waitText('[data-status=completed]', /^1$/);
    assert.ok(await page.$('[data-bottleneck]'), 'bottlenecks listed');
    await page.waitForSelector('figure.chart canvas');
    await shot('12-analytics');
    // readable on a tablet: no page wider than the screen (tables scroll in their own box)
    await page.setViewport({ width: 820, height: 1180 });
    for (const [route, name, ready] of [[`#/analytics/1`, '13-tablet-analytics', 'figure.chart canvas'],
      [`#/instances/${instance}`, '14-tablet-instance', '.diagram[data-tokens]'], ['#/worklist', '15-tablet-worklist', 'table']]) {
      await fresh(route); // drawn anew for this width
      await page.waitForSelector(`#view ${ready}`, { timeout: 30_000 });
      // charts and diagrams follow their box's size a few frames later: the page must settle
      // within 10 s at no wider than the screen
      try {
        await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, { timeout: 10_000, polling: 200 });
      } catch {
        const [content, screen] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        await shot(`failed-${name}`);
        assert.fail(`${route} is ${content} px wide on a ${screen} px tablet`);
      }
      await shot(name);
    }
    await page.setViewport({ width: 1280, height: 900 });
    // the API refuses bad input with a message, through the web server too
    const bad = await fetch(`${url}indexer/api/definitions/x/analytics`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /not a positive integer/);
  });

  test('a multi-instance sub-process (Caterpillar shipment): its copies run one by one and are drawn on the one shape', async () => {
    cli.run('alith', 'participant', 'register', ACCOUNTS.ethan, '--name', 'Umbrella Logistics',
      '--role', 'Goods_Shipement', '--role', 'Supplier', '--role', 'Candidate', '--role', 'Carrier', '--role', 'A.2.1');
    const def = String(cli.run('alith', 'bpmn', 'deploy', model('caterpillar/shipment.bpmn')).definitionId);
    const id = String(cli.run('ethan', 'instance', 'start', def,
      ...['Supplier', 'Candidate', 'Carrier'].flatMap((role) => ['--bind', `${role}=${ACCOUNTS.ethan}`])).instanceId);
    const enabled = () => cli.run('ethan', 'instance', 'show', id).enabledTaskIds.slice().sort();
    cli.run('ethan', 'task', 'complete', id, 'Request Quotes');
    // loopCardinality 2: the sub-process's two copies, each with its own "Submit Quotes"
    assert.deepEqual(enabled(), ['Task_05ejlzn#1', 'Task_05ejlzn#2']);
    assert.throws(() => cli.run('ethan', 'task', 'complete', id, 'Task_05ejlzn'),
      (e) => /`Task_05ejlzn` is a multi-instance activity: name one of its instances \(Task_05ejlzn#1, Task_05ejlzn#2\)/.test(e.stderr));
    cli.run('ethan', 'task', 'complete', id, 'Task_05ejlzn#2');
    assert.deepEqual(enabled(), ['Task_05ejlzn#1'], 'the other copy still waits; the join holds Ship Goods back');
    await fresh(`#/instances/${id}`);
    await page.waitForSelector('#view .diagram[data-enabled]', { timeout: 30_000 });
    assert.deepEqual(await page.$eval('#view .diagram', (d) => d.dataset.enabled.split(' ')), ['Task_05ejlzn#1']);
    // the copy is marked on the task's shape of the model as drawn
    await page.waitForSelector('#view .diagram [data-element-id="Task_05ejlzn"].enabled', { timeout: 30_000 });
    await shot('16-multi-instance');
    cli.run('ethan', 'task', 'complete', id, 'Task_05ejlzn#1');
    assert.deepEqual(enabled(), ['Task_1npom1e']);
    cli.run('ethan', 'task', 'complete', id, 'Ship Goods');
    assert.equal(cli.run('ethan', 'instance', 'show', id).status, 'Completed');
  });

  test('MIWG A.2.1: an activity\'s conditional and default flows (Task 2: a condition, Task 4: a decision or the default)', () => {
    const def = String(cli.run('alith', 'bpmn', 'deploy', model('miwg-reference/A.2.1.bpmn')).definitionId);
    const [TASK2, TASK3, TASK4] = ['_To9ZtjOCEeSknpIVFCxNIQ', '_To9ZwDOCEeSknpIVFCxNIQ', '_To9ZzzOCEeSknpIVFCxNIQ'];
    const enabled = (id) => cli.run('ethan', 'instance', 'show', id).enabledTaskIds;
    // Task 1, no decision at the split gateway: its default flow, to Task 2, whose one
    // conditional flow (`true`) leads to the end event: the instance completes
    const a = String(cli.run('ethan', 'instance', 'start', def).instanceId);
    cli.run('ethan', 'task', 'complete', a, 'Task 1');
    assert.deepEqual(enabled(a), [TASK2]);
    assert.equal(cli.run('ethan', 'task', 'complete', a, 'Task 2').status, 'Completed');
    // Task 1 decided to Task 4; Task 4 without a decision takes its default flow, to Task 3
    const b = String(cli.run('ethan', 'instance', 'start', def).instanceId);
    cli.run('ethan', 'task', 'complete', b, 'Task 1', '--decide', '_To9ZyjOCEeSknpIVFCxNIQ=Task 4');
    assert.deepEqual(enabled(b), [TASK4]);
    cli.run('ethan', 'task', 'complete', b, 'Task 4');
    assert.deepEqual(enabled(b), [TASK3], 'the default flow of Task 4');
    assert.equal(cli.run('ethan', 'task', 'complete', b, 'Task 3').status, 'Completed');
  });

  /** Grants global roles (the registrar, alith, through the participant registry). */
  async function grant(pairs) {
    const deployment = JSON.parse(fs.readFileSync(path.join(node.basePath, 'alstra-deployment.json'), 'utf8'));
    const registrar = new ethers.Contract(deployment.participantRegistry,
      ['function grantParticipantRole(address account, bytes32 role)'], new ethers.Wallet(KEYS.alith, wallet.provider));
    // sent back to back with consecutive nonces, then awaited: one block, not one each
    let nonce = await wallet.provider.getTransactionCount(ACCOUNTS.alith, 'latest');
    const sent = [];
    for (const [account, role] of pairs) sent.push(await registrar.grantParticipantRole(account, ethers.id(role), { nonce: nonce++ }));
    for (const tx of sent) assert.equal((await tx.wait()).status, 1);
  }
  let verificationDefinition;
  const rejects = (fn, re) => assert.throws(fn, (e) => { assert.match(e.stderr ?? e.message, re); return true; });
  const show = (account, id) => cli.run(account, 'instance', 'show', String(id));

  test('task verification with alstra (spec 5.22): a clerk submits with evidence, a controller rejects then approves; a verified decision; never by the performer; rewards (spec 5.13, 5.15) minted to the performers and never transferred; a certificate for the completed instance', async () => {
    // Ethan is a Clerk and a Controller; Dorothy a Manager and a Controller (and, for the
    // browser test below, a Clerk); Charleth a Controller.
    await grant([[ACCOUNTS.ethan, 'Clerk'], [ACCOUNTS.ethan, 'Controller'], [ACCOUNTS.dorothy, 'Manager'],
      [ACCOUNTS.dorothy, 'Controller'], [ACCOUNTS.dorothy, 'Clerk'], [ACCOUNTS.charleth, 'Controller']]);
    // the model's tasks carry reward rules: the registry needs its RewardUnits first
    const units = cli.run('alith', 'rewards', 'deploy');
    assert.match(units.rewardUnits, /^0x[0-9a-fA-F]{40}$/);
    const dep = cli.run('alith', 'bpmn', 'deploy', model('alstranet/invoice-verification.bpmn'));
    verificationDefinition = String(dep.definitionId);
    const id = String(cli.run('ethan', 'instance', 'start', String(dep.definitionId), '--bind', `Manager=${ACCOUNTS.dorothy}`,
      '--bind', `Controller=${ACCOUNTS.dorothy}`, '--bind', `Controller=${ACCOUNTS.ethan}`).instanceId);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alstra-evidence-'));
    const scan = path.join(dir, 'invoice-4711.pdf');
    fs.writeFileSync(scan, '%PDF-1.4 invoice 4711, amount 25000 EUR\n');
    const forged = path.join(dir, 'invoice-4711-edited.pdf');
    fs.writeFileSync(forged, '%PDF-1.4 invoice 4711, amount 2500 EUR\n');
    // The task needs verification, with evidence: the CLI says how.
    rejects(() => cli.run('ethan', 'task', 'complete', id, 'Record invoice', '--var', 'amount=25000'),
      /needs verification by Controller: submit it with `alstra task submit/);
    rejects(() => cli.run('ethan', 'task', 'submit', id, 'Record invoice', '--var', 'amount=25000'), /requires evidence: add --evidence FILE/);
    const sub = cli.run('ethan', 'task', 'submit', id, 'Record invoice', '--var', 'amount=25000', '--evidence', scan);
    assert.equal(sub.evidence, `0x${crypto.createHash('sha256').update(fs.readFileSync(scan)).digest('hex')}`);
    assert.deepEqual(show('ethan', id).enabledTaskIds, ['RecordInvoice'], 'a submission moves nothing');
    assert.equal(show('ethan', id).variables.amount, '0', 'and writes nothing');
    // the verifier's turn, never the performer's
    const mine = (account) => cli.run(account, 'task', 'list', '--instance', id, '--mine').map((t) => t.id);
    assert.deepEqual(mine('dorothy'), ['RecordInvoice']);
    assert.deepEqual(mine('ethan'), []);
    rejects(() => cli.run('ethan', 'task', 'approve', id, 'Record invoice'), /VerifierIsPerformer/);
    rejects(() => cli.run('baltathar', 'task', 'approve', id, 'Record invoice'), /MissingRole/);
    rejects(() => cli.run('dorothy', 'task', 'approve', id, 'Record invoice', '--evidence', forged), /is not the submitted evidence.*not approved/);
    cli.run('dorothy', 'task', 'reject', id, 'Record invoice', '--reason', 'the amount differs from the scan');
    assert.deepEqual(show('ethan', id).enabledTaskIds, ['RecordInvoice'], 'the token waits at the task');
    rejects(() => cli.run('dorothy', 'task', 'approve', id, 'Record invoice'), /has no submission to approve/);
    cli.run('ethan', 'task', 'submit', id, 'Record invoice', '--var', 'amount=25000', '--evidence', scan);
    const ok = cli.run('dorothy', 'task', 'approve', id, 'Record invoice', '--evidence', scan);
    assert.equal(ok.performer.toLowerCase(), ACCOUNTS.ethan.toLowerCase());
    assert.deepEqual(show('ethan', id).enabledTaskIds, ['ApprovePayment'], 'above 10000: the manager approves');
    // The manager's decision is submitted with the work and taken when a controller approves.
    cli.run('dorothy', 'task', 'submit', id, 'Approve payment', '--decide', 'Approved=Yes');
    cli.run('ethan', 'task', 'approve', id, 'Approve payment');
    assert.deepEqual(show('ethan', id).enabledTaskIds, ['PayInvoice']);
    rejects(() => cli.run('ethan', 'task', 'submit', id, 'Pay invoice'), /needs no verification: complete it/);
    assert.equal(cli.run('ethan', 'task', 'complete', id, 'Pay invoice').status, 'Completed');
    const trail = cli.run('ethan', 'trail', id).map((e) => e.event);
    const has = (re) => assert.ok(trail.some((e) => re.test(e)), `${re} in\n${trail.join('\n')}`);
    has(new RegExp(`task RecordInvoice "Record invoice" submitted for verification by ${ACCOUNTS.ethan} with evidence sha256 ${sub.evidence}`));
    has(new RegExp(`task RecordInvoice "Record invoice" of ${ACCOUNTS.ethan} rejected by ${ACCOUNTS.dorothy}: the amount differs from the scan`));
    has(new RegExp(`task RecordInvoice "Record invoice" of ${ACCOUNTS.ethan} approved by ${ACCOUNTS.dorothy} \\(5 reward units to ${ACCOUNTS.ethan}\\)`));
    has(new RegExp(`UserTask RecordInvoice "Record invoice" completed by ${ACCOUNTS.ethan}`));
    has(new RegExp(`Approved "Approved\\?" fired and took flow Yes to Pay invoice \\(by ${ACCOUNTS.dorothy}\\)`));
    // Rewards: Record invoice (5 units) to its performer once, for the approved submission only;
    // Approve payment (3) to the manager; the verifiers and the payer earn nothing.
    assert.equal(cli.run('ethan', 'rewards', 'balance').balance, '5');
    assert.equal(cli.run('ethan', 'rewards', 'balance', ACCOUNTS.dorothy).balance, '3');
    assert.equal(cli.run('ethan', 'rewards', 'balance', ACCOUNTS.charleth).balance, '0');
    const history = cli.run('ethan', 'rewards', 'history');
    assert.deepEqual(history.rewards.map((r) => [r.instance, r.units]), [[id, 5]]);
    assert.equal(history.units, 5);
    // units never move, not even to a registered participant
    const token = new ethers.Contract(units.rewardUnits,
      ['function transfer(address to, uint256 value) returns (bool)', 'function balanceOf(address) view returns (uint256)',
        'error UnitsAreNotTransferable(address from, address to)'], wallet.provider);
    await assert.rejects(token.transfer.staticCall(ACCOUNTS.dorothy, 1n, { from: ACCOUNTS.ethan }), (e) => {
      assert.equal(e.revert?.name, 'UnitsAreNotTransferable', e.message);
      return true;
    });
    assert.equal(await token.balanceOf(ACCOUNTS.ethan), 5n);
    // The model asks for a certificate per completed instance (alstra:certificate): issued to
    // the starter, once.
    cli.run('alith', 'certificate', 'deploy');
    assert.equal(cli.run('baltathar', 'certificate', 'claim', id).holder.toLowerCase(), ACCOUNTS.ethan.toLowerCase());
    const cert = cli.run('ethan', 'certificate', 'show', id);
    assert.equal(cert.definition, Number(verificationDefinition));
    assert.match(cert.tokenURI, new RegExp(`^data:application/json;utf8,\\{"name":"AlstraNet certificate of instance #${id}"`));
    rejects(() => cli.run('ethan', 'certificate', 'claim', id), /AlreadyCertified/);
  });

  test('task verification in the browser: a clerk submits with an evidence file, a controller checks the file and approves', async () => {
    // Dorothy (Umbrella Corp) records the invoice, Charleth (Initech) verifies it
    const id = String(cli.run('dorothy', 'instance', 'start', verificationDefinition, '--bind', `Controller=${ACCOUNTS.charleth}`,
      '--bind', `Manager=${ACCOUNTS.dorothy}`).instanceId);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alstra-evidence-'));
    const scan = path.join(dir, 'invoice-4711.pdf');
    fs.writeFileSync(scan, '%PDF-1.4 invoice 4711, amount 500 EUR\n');
    const other = path.join(dir, 'invoice-4712.pdf');
    fs.writeFileSync(other, '%PDF-1.4 invoice 4712, amount 900 EUR\n');
    const hash = ethers.sha256(fs.readFileSync(scan));
    // the clerk: the worklist offers the task to submit; the form takes the evidence file
    await as('dorothy');
    await waitText('#account', /Umbrella Corp/);
    await fresh('#/worklist');
    await page.waitForSelector(`#view a[data-task^="${id}/"][data-action=submit]`, { timeout: 120_000 });
    await fresh(await page.$eval(`#view a[data-task^="${id}/"]`, (a) => a.getAttribute('href')));
    await waitText('#view p', /verified by "Controller", with evidence/);
    await page.type('#view input[name=amount]', '500');
    await (await page.$('#evidence')).uploadFile(scan);
    await submit('#view form');
    await waitText('[data-step=finalized]', /Finalized/, 180_000);
    await waitText('#notice', /submitted: it completes when a "Controller" approves it/);
    assert.deepEqual(cli.run('dorothy', 'instance', 'show', id).enabledTaskIds, ['RecordInvoice'], 'nothing moved yet');
    await shot('17-verification-submitted');
    // the performer is not offered its own submission
    await fresh('#/worklist');
    await waitText('#view', /No task is waiting for you|Instance/);
    assert.equal(await page.$(`#view a[data-task^="${id}/"]`), null);
    // the controller: a wrong file is refused before anything is signed, the right one approved
    await as('charleth');
    await waitText('#account', /Initech/);
    await fresh('#/worklist');
    await page.waitForSelector(`#view a[data-task^="${id}/"][data-action=verify]`, { timeout: 120_000 });
    await fresh(await page.$eval(`#view a[data-task^="${id}/"][data-action=verify]`, (a) => a.getAttribute('href')));
    await page.waitForSelector('#view form[data-submission]');
    assert.equal(await page.$eval('[data-evidence-hash]', (e) => e.textContent), hash);
    assert.match(await text('#view form[data-submission]'), /amount\s*500/);
    await (await page.$('#evidence-check')).uploadFile(other);
    await page.$eval('[data-verify=approve]', (b) => b.click());
    await waitText('#notice', /invoice-4712\.pdf is not the submitted evidence/);
    await (await page.$('#evidence-check')).uploadFile(scan);
    await page.$eval('[data-verify=approve]', (b) => b.click());
    await waitText('[data-step=finalized]', /Finalized/, 180_000);
    await waitText('#notice', /approved: the task is completed/);
    await shot('18-verification-approved');
    assert.deepEqual(cli.run('dorothy', 'instance', 'show', id).enabledTaskIds, ['PayInvoice'], '500 <= 10000: to payment');
    // the trail says who submitted and who approved
    await fresh(`#/instances/${id}`);
    await waitText('#view table', /Record invoice submitted for verification with evidence sha256/);
    await waitText('#view table', /Record invoice of Umbrella Corp approved/);
  });
});
