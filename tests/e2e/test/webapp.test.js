// End to end: the business users' web app (webapp/) in a real browser (Debian's chromium, driven
// by puppeteer-core) against a dev node. The browser's wallet is an EIP-1193 provider injected
// into the page that signs in this test with the dev keys and forwards everything else to the
// node, as MetaMask would: it starts on the wrong chain (the page must add AlstraNet), can switch
// accounts, and can reject a signature. A BPMN model (OMG MIWG C.1.1, exported by Signavio) is
// deployed with `alstra`; the page then shows the diagram as deployed (checked against the hash on
// chain), starts an instance with role bindings, lists the tasks of each participant's worklist,
// completes them with typed variables, draws the tokens, decodes the engine's refusals and shows
// the audit trail. Screenshots go to $ALSTRA_SCREENSHOTS (default: a temp dir, printed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ethers } from 'ethers';
import puppeteer from 'puppeteer-core';
import { ACCOUNTS, ALSTRA_BIN, alstraCli, model } from '../lib/alstra.js';
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

describe('web app in a browser', () => {
  let node;
  let cli;
  let server;
  let serverLog = '';
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
        '--node-rpc', `http://127.0.0.1:${node.rpcPort}`, '--alstra', ALSTRA_BIN, '--port', String(port)],
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

  test('the approver sees the task, a rejected signature sends nothing, then completes it with a typed variable', async () => {
    await as('baltathar');
    await waitText('#account', /Globex Corp/);
    await page.goto(`${url}#/worklist`, { waitUntil: 'networkidle0' });
    await waitText('table', /Approve invoice|approveInvoice/i);
    await page.click(`a[data-task^="${instance}/"]`);
    await page.waitForSelector('select[name=approved]');
    await page.select('select[name=approved]', 'true');
    wallet.rejectNext = true;
    await submit();
    await waitText('#notice', /rejected the transaction/);
    assert.deepEqual(cli.run('alith', 'instance', 'show', String(instance)).enabledTaskIds, ['approveInvoice'], 'nothing was sent');
    await submit();
    await waitText('[data-step=finalized]', /Finalized/, 180_000);
    await page.goto(`${url}#/instances/${instance}`, { waitUntil: 'networkidle0' });
    await waitText('table', /approved := yes/);
    await waitText('table', /Globex Corp/);
    // a token waits on the flow into the accountant's task, drawn on the diagram
    await page.waitForSelector('.djs-connection.token', { timeout: 30_000 });
    await page.waitForSelector('.token-dot');
    const tokens = await page.$eval('.diagram', (d) => d.dataset.tokens.split(' '));
    assert.equal(tokens.length, 1, `one token: ${tokens}`);
    await shot('07-instance-trail');
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
    // MIWG A.3.0 has a boundary event: refused, the element named and marked on the diagram
    await open(model('miwg-reference/A.3.0.bpmn'));
    await page.click('#check-model');
    await waitText('[data-check]', /Refused: line \d+ boundaryEvent "_428dcbf5-8e5e-48e0-9c0c-d93003fa8c82": boundary events are not supported/);
    await page.waitForSelector('.djs-element.error[data-element-id="_428dcbf5-8e5e-48e0-9c0c-d93003fa8c82"]');
    await shot('09-modeler-refused');
    // MIWG A.1.0 compiles and is deployed as definition 2 through the wallet
    await open(model('miwg-reference/A.1.0.bpmn'));
    await page.click('#check-model');
    await waitText('[data-check]', /Compiles: "A\.1\.0", 5 flow nodes/);
    await page.click('#deploy-model');
    await waitText('[data-step=finalized]', /"A\.1\.0" is version 1 \(definition 2\)/, 300_000);
    await shot('10-modeler-deployed');
    const out = path.join(node.basePath, 'modeled.bpmn');
    cli.run('alith', 'bpmn', 'source', '2', '--out', out);
    const deployed = fs.readFileSync(out, 'utf8');
    assert.match(deployed, /Task 1/, 'the source on chain is the modeler\'s export of the model');
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
});
