// Ethereum developer tools against a dev node's Ethereum endpoint, as on any Ethereum chain:
// Foundry's `forge script --broadcast` (CREATE2 through the deterministic-deployment proxy,
// Multicall3), viem (multicall, contract event watching over HTTP), ethers (events over HTTP,
// which installs filters), the raw filter methods, pending transactions by hash, receipts'
// cumulativeGasUsed and the endpoint's own Prometheus port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { Web3 } from 'web3';
import { ethers } from 'ethers';
import { createPublicClient, defineChain, http, parseAbi } from 'viem';
import { compile } from '../lib/solc.js';
import { ROOT, jsonRpc, startNode, tail, tempDir, until } from '../lib/node.js';

// Public dev key of Alith (Moonbeam / subxt_signer::eth::dev), endowed in the dev preset.
const ALITH_KEY = '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133';
const devSpec = JSON.parse(fs.readFileSync(path.join(ROOT, 'chain-specs/dev.json'), 'utf8'));
const CHAIN_ID = BigInt(devSpec.properties.evmChainId);
const PREDEPLOYS = JSON.parse(fs.readFileSync(path.join(ROOT, 'runtime/src/predeploys.json'), 'utf8'));
const PROXY = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
const MULTICALL3 = '0xcA11bde05977b3631167028862bE2a173976CA11';
const FORGE = path.join(ROOT, 'contracts/tools/forge');

describe('Ethereum tools on a dev node', () => {
  let node;
  let provider;
  let wallet;
  let counterAbi;
  let counterBytecode;

  before(async () => {
    node = await startNode(['--dev'], { name: 'eth-tools', eth: true, prometheus: true });
    try {
      await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 120_000, 'the Ethereum JSON-RPC endpoint');
      await until(async () => Number(await jsonRpc(node.ethUrl, 'eth_blockNumber')) > 0, 120_000, 'the first block');
      // no request cache: the tests read right after writing
      provider = new ethers.JsonRpcProvider(node.ethUrl, Number(CHAIN_ID), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 500 });
      wallet = new ethers.Wallet(ALITH_KEY, provider);
      ({ Counter: { abi: counterAbi, bytecode: counterBytecode } } = compile({ 'Counter.sol': path.join(ROOT, 'tests/e2e/contracts/Counter.sol') }));
    } catch (e) {
      console.log(tail(node.log()));
      throw e;
    }
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  test('the canonical contracts are predeployed: CREATE2 proxy, Safe factory, Multicall3, EntryPoint v0.7', async () => {
    assert.ok(PREDEPLOYS.length >= 5);
    for (const a of PREDEPLOYS) {
      assert.equal(await provider.getCode(a.address), a.code, `code of ${a.name} at ${a.address}`);
      for (const [slot, value] of Object.entries(a.storage)) {
        assert.equal(await provider.getStorage(a.address, slot), value, `${a.name} storage ${slot}`);
      }
    }
    // the proxy deploys with CREATE2 at the address everyone computes
    const salt = ethers.id('alstranet proxy test');
    const init = '0x600a600c600039600a6000f3602a60005260206000f3'; // returns 42
    const expected = ethers.getCreate2Address(PROXY, salt, ethers.keccak256(init));
    const tx = await wallet.sendTransaction({ to: PROXY, data: ethers.concat([salt, init]) });
    assert.equal((await tx.wait()).status, 1);
    assert.equal(await provider.getCode(expected), '0x602a60005260206000f3');
  });

  // The JSON-RPC calls MetaMask makes, in its order: adding the network, showing the account,
  // then a contract interaction (estimate, fees from eth_feeHistory, send, poll the receipt).
  test('the MetaMask sequence: add network, balance, estimate, EIP-1559 fees, send, poll the receipt', async () => {
    const call = (method, params = []) => jsonRpc(node.ethUrl, method, params);
    const hex = /^0x([1-9a-f][0-9a-f]*|0)$/;
    // wallet_addEthereumChain: MetaMask checks that eth_chainId matches the chain id given
    assert.equal(BigInt(await call('eth_chainId')), CHAIN_ID);
    assert.equal(await call('net_version'), String(CHAIN_ID));
    assert.match(await call('web3_clientVersion'), /\S/);
    assert.match(await call('eth_blockNumber'), hex);
    // EIP-1559 support is read from the latest block's baseFeePerGas
    const latest = await call('eth_getBlockByNumber', ['latest', false]);
    assert.match(latest.baseFeePerGas, hex);
    const balance = await call('eth_getBalance', [wallet.address, 'latest']);
    assert.match(balance, hex);
    assert.ok(BigInt(balance) > 0n);
    // a contract interaction: code at the target, an estimate, fees, the pending nonce
    const counter = await (await new ethers.ContractFactory(counterAbi, counterBytecode, wallet).deploy()).waitForDeployment();
    const to = await counter.getAddress();
    assert.notEqual(await call('eth_getCode', [to, 'latest']), '0x');
    const data = counter.interface.encodeFunctionData('increment', [1n]);
    const gas = BigInt(await call('eth_estimateGas', [{ from: wallet.address, to, data, value: '0x0' }]));
    assert.ok(gas > 21_000n, `estimate ${gas}`);
    const history = await call('eth_feeHistory', ['0x5', 'latest', [10, 20, 30]]);
    assert.equal(history.baseFeePerGas.length, history.gasUsedRatio.length + 1);
    assert.equal(history.reward.length, history.gasUsedRatio.length);
    for (const r of history.reward) assert.equal(r.length, 3);
    const baseFee = BigInt(history.baseFeePerGas.at(-1));
    const priority = BigInt(await call('eth_maxPriorityFeePerGas'));
    const gasPrice = BigInt(await call('eth_gasPrice'));
    assert.ok(gasPrice >= baseFee, `gas price ${gasPrice} covers the base fee ${baseFee}`);
    const nonce = Number(await call('eth_getTransactionCount', [wallet.address, 'pending']));
    // MetaMask's "medium" fee: 2 x base fee + priority fee
    const raw = await wallet.signTransaction({ type: 2, chainId: CHAIN_ID, nonce, to, data, gasLimit: gas, maxFeePerGas: 2n * baseFee + priority, maxPriorityFeePerGas: priority });
    const hash = await call('eth_sendRawTransaction', [raw]);
    assert.equal(hash, ethers.keccak256(raw));
    assert.equal((await call('eth_getTransactionByHash', [hash])).hash, hash, 'known right after sending');
    const receipt = await until(() => call('eth_getTransactionReceipt', [hash]), 60_000, 'the receipt');
    assert.equal(receipt.status, '0x1');
    assert.ok(BigInt(receipt.gasUsed) <= gas, `used ${BigInt(receipt.gasUsed)} of the estimate ${gas}`);
    assert.ok(BigInt(receipt.effectiveGasPrice) >= baseFee);
    assert.equal(await counter.count(), 1n);
    assert.ok(BigInt(await call('eth_getBalance', [wallet.address, 'latest'])) < BigInt(balance), 'fees were paid');
  });

  test('forge script --broadcast deploys with CREATE2 and reads through Multicall3, with forge\'s own gas limits', async () => {
    // a copy of the project, so that forge's out/, cache/ and broadcast/ stay out of the checkout
    const dir = tempDir('forge-script');
    fs.cpSync(path.join(ROOT, 'tests/e2e/contracts/forge-script'), dir, { recursive: true });
    const salt = ethers.hexlify(ethers.randomBytes(32));
    const t0 = Date.now();
    const r = spawnSync(FORGE, ['script', 'script/Deploy.s.sol', '--rpc-url', node.ethUrl, '--broadcast', '--private-key', ALITH_KEY, '--slow'], {
      cwd: dir, encoding: 'utf8', timeout: 600_000,
      env: { ...process.env, SALT: salt, FOUNDRY_SOLC: path.join(ROOT, 'contracts/tools/solc'), NO_COLOR: '1' },
    });
    console.log(`# measured: forge script --broadcast (5 transactions) took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(r.status, 0, `forge script failed:\n${tail(r.stdout, 40)}\n${tail(r.stderr, 40)}`);
    assert.match(r.stdout, /ONCHAIN EXECUTION COMPLETE & SUCCESSFUL/);
    const run = JSON.parse(fs.readFileSync(path.join(dir, `broadcast/Deploy.s.sol/${CHAIN_ID}/run-latest.json`), 'utf8'));
    assert.deepEqual(run.transactions.map((t) => t.transactionType), ['CREATE2', 'CREATE', 'CALL', 'CALL', 'CALL']);
    assert.deepEqual(run.receipts.map((x) => Number(x.status)), [1, 1, 1, 1, 1]);
    for (const [i, t] of run.transactions.entries()) {
      // forge sized each gas limit from its own EVM simulation (x1.3), not eth_estimateGas
      assert.ok(BigInt(run.receipts[i].gasUsed) <= BigInt(t.transaction.gas), `tx ${i}: used ${run.receipts[i].gasUsed} of ${t.transaction.gas}`);
    }
    // the Registry is where CREATE2 through the proxy puts it
    const artifact = JSON.parse(fs.readFileSync(path.join(dir, 'out/Registry.sol/Registry.json'), 'utf8'));
    const registry = ethers.getCreate2Address(PROXY, salt, ethers.keccak256(artifact.bytecode.object));
    assert.equal(ethers.getAddress(run.transactions[0].contractAddress), registry);
    const counter = ethers.getAddress(run.transactions[1].contractAddress);

    // viem's multicall (Multicall3's aggregate3) reads both in one eth_call
    const chain = defineChain({
      id: Number(CHAIN_ID), name: 'AlstraNet dev', nativeCurrency: { name: 'Unit', symbol: 'UNIT', decimals: 18 },
      rpcUrls: { default: { http: [node.ethUrl] } }, contracts: { multicall3: { address: MULTICALL3 } },
    });
    const client = createPublicClient({ chain, transport: http(node.ethUrl) });
    const [owner, count] = await client.multicall({
      allowFailure: false,
      contracts: [
        { address: registry, abi: parseAbi(['function ownerOf(bytes32) view returns (address)']), functionName: 'ownerOf', args: [ethers.encodeBytes32String('counter')] },
        { address: counter, abi: parseAbi(['function count() view returns (uint256)']), functionName: 'count' },
      ],
    });
    assert.equal(owner, counter);
    assert.equal(count, 2n);
  });

  test('a Hardhat 2 project deploys and wires two contracts with `hardhat run` (hardhat-ethers), unchanged', async () => {
    const build = tempDir('hardhat');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tests/e2e/node_modules/hardhat/internal/cli/cli.js'), 'run', 'scripts/deploy.cjs', '--network', 'alstranet'], {
      cwd: path.join(ROOT, 'tests/e2e/contracts/hardhat'), encoding: 'utf8', timeout: 600_000,
      env: { ...process.env, ALSTRANET_RPC: node.ethUrl, ALSTRANET_KEY: ALITH_KEY, HARDHAT_BUILD_DIR: build, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    });
    console.log(`# measured: hardhat run (7 transactions) took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(r.status, 0, `hardhat run failed:\n${tail(r.stdout, 40)}\n${tail(r.stderr, 40)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
    assert.equal(out.deployer, wallet.address);
    assert.equal(out.built, 2);
    assert.deepEqual(out.buildStatuses, [1, 1]);
    assert.equal(out.wheelsLeft, 1);
    assert.equal(out.refusal, 'OutOfStock');
    // what Hardhat deployed is on chain: Assembly points at Parts
    const assembly = new ethers.Contract(out.assembly, ['function parts() view returns (address)'], provider);
    assert.equal(await assembly.parts(), out.parts);
  });

  test('a transaction waiting in the pool is returned by eth_getTransactionByHash with null block fields, then with its block', async () => {
    const nonce = await provider.getTransactionCount(wallet.address, 'pending');
    const fee = await provider.getFeeData();
    const base = { chainId: CHAIN_ID, type: 2, maxFeePerGas: fee.maxFeePerGas, maxPriorityFeePerGas: 0n, gasLimit: 5_000_000n, data: counterBytecode };
    // nonce + 1 first: it waits in the pool (a nonce gap) until nonce is sent, deterministically
    const later = await wallet.signTransaction({ ...base, nonce: nonce + 1 });
    const laterHash = await jsonRpc(node.ethUrl, 'eth_sendRawTransaction', [later]);
    const pending = await jsonRpc(node.ethUrl, 'eth_getTransactionByHash', [laterHash]);
    assert.ok(pending, 'a pending transaction is known by its hash');
    assert.equal(pending.hash, laterHash);
    assert.equal(pending.blockHash, null);
    assert.equal(pending.blockNumber, null);
    assert.equal(pending.transactionIndex, null);
    assert.equal(ethers.getAddress(pending.from), wallet.address);
    assert.equal(Number(pending.nonce), nonce + 1);
    // ethers reads it as a pending TransactionResponse
    const response = await provider.getTransaction(laterHash);
    assert.equal(response.blockNumber, null);
    // the gap is filled: both are mined, and the hash now answers with its block
    const first = await wallet.sendTransaction({ ...base, nonce });
    const receipts = await Promise.all([first.wait(), response.wait()]);
    assert.deepEqual(receipts.map((x) => x.status), [1, 1]);
    const mined = await jsonRpc(node.ethUrl, 'eth_getTransactionByHash', [laterHash]);
    assert.equal(mined.blockHash, receipts[1].blockHash);
    assert.equal(Number(mined.blockNumber), receipts[1].blockNumber);
    // an unknown hash is still null
    assert.equal(await jsonRpc(node.ethUrl, 'eth_getTransactionByHash', [ethers.id('no such transaction')]), null);
  });

  test('receipts carry cumulativeGasUsed: the gas of the block\'s transactions up to each', async () => {
    const tx = await wallet.sendTransaction({ data: counterBytecode });
    const receipt = await tx.wait();
    const all = await jsonRpc(node.ethUrl, 'eth_getBlockReceipts', [ethers.toQuantity(receipt.blockNumber)]);
    let sum = 0n;
    for (const r of all) {
      sum += BigInt(r.gasUsed);
      assert.equal(BigInt(r.cumulativeGasUsed), sum, `receipt ${r.transactionIndex}`);
    }
    const own = await jsonRpc(node.ethUrl, 'eth_getTransactionReceipt', [tx.hash]);
    assert.ok(BigInt(own.cumulativeGasUsed) >= BigInt(own.gasUsed) && BigInt(own.gasUsed) > 0n);
    assert.equal(own.cumulativeGasUsed, all.find((r) => r.transactionHash === tx.hash).cumulativeGasUsed);
  });

  test('filters: eth_newFilter, eth_newBlockFilter, eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter', async () => {
    const counter = await (await new ethers.ContractFactory(counterAbi, counterBytecode, wallet).deploy()).waitForDeployment();
    const address = await counter.getAddress();
    const topic = counter.interface.getEvent('Incremented').topicHash;
    const logFilter = await jsonRpc(node.ethUrl, 'eth_newFilter', [{ address, topics: [topic] }]);
    const blockFilter = await jsonRpc(node.ethUrl, 'eth_newBlockFilter', []);
    const pendingFilter = await jsonRpc(node.ethUrl, 'eth_newPendingTransactionFilter', []);
    assert.match(logFilter, /^0x[0-9a-f]{32}$/);
    assert.notEqual(logFilter, blockFilter);
    // nothing happened since installation
    assert.deepEqual(await jsonRpc(node.ethUrl, 'eth_getFilterChanges', [logFilter]), []);

    const t1 = await counter.increment(3n);
    const t2 = await counter.increment(4n);
    assert.deepEqual(await jsonRpc(node.ethUrl, 'eth_getFilterChanges', [pendingFilter]), [t1.hash, t2.hash]);
    const [r1, r2] = await Promise.all([t1.wait(), t2.wait()]);
    await until(async () => Number(await jsonRpc(node.ethUrl, 'eth_blockNumber')) >= r2.blockNumber, 30_000, 'the endpoint at the block');
    const changes = await jsonRpc(node.ethUrl, 'eth_getFilterChanges', [logFilter]);
    assert.deepEqual(changes.map((l) => l.transactionHash), [r1.hash, r2.hash]);
    assert.deepEqual(changes.map((l) => BigInt(counter.interface.parseLog(l).args.amount)), [3n, 4n]);
    // polled: nothing new the second time
    assert.deepEqual(await jsonRpc(node.ethUrl, 'eth_getFilterChanges', [logFilter]), []);
    assert.deepEqual(await jsonRpc(node.ethUrl, 'eth_getFilterChanges', [pendingFilter]), []);
    // every block since installation, in order, by hash
    const blocks = await jsonRpc(node.ethUrl, 'eth_getFilterChanges', [blockFilter]);
    assert.ok(blocks.includes(r2.blockHash), `the block of the second increment is among ${blocks.length} new blocks`);
    for (let i = 1; i < blocks.length; i++) {
      assert.equal((await provider.getBlock(blocks[i])).parentHash, blocks[i - 1], 'consecutive blocks');
    }
    // eth_getFilterLogs: every matching log of the criteria (here: all blocks)
    assert.equal((await jsonRpc(node.ethUrl, 'eth_getFilterLogs', [logFilter])).length, 2);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_getFilterLogs', [blockFilter]), /filter not found/);
    // uninstalled: true once, then gone
    assert.equal(await jsonRpc(node.ethUrl, 'eth_uninstallFilter', [logFilter]), true);
    assert.equal(await jsonRpc(node.ethUrl, 'eth_uninstallFilter', [logFilter]), false);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_getFilterChanges', [logFilter]), /filter not found/);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_newFilter', [{ fromBlock: '0x10', toBlock: '0x5' }]), /invalid block range/);
  });

  test('ethers and viem watch contract events over HTTP (filters), as on any Ethereum node', async () => {
    const counter = await (await new ethers.ContractFactory(counterAbi, counterBytecode, wallet).deploy()).waitForDeployment();
    const address = await counter.getAddress();
    // ethers: a JsonRpcProvider without `polling` watches events with eth_newFilter
    const seenByEthers = [];
    const ethersProvider = new ethers.JsonRpcProvider(node.ethUrl, Number(CHAIN_ID), { staticNetwork: true, pollingInterval: 500 });
    const watched = new ethers.Contract(address, counterAbi, ethersProvider);
    await watched.on('Incremented', (by, amount) => seenByEthers.push(amount));
    // viem: watchContractEvent over HTTP installs a filter (eth_newFilter) and polls it
    const client = createPublicClient({ transport: http(node.ethUrl), pollingInterval: 500 });
    const seenByViem = [];
    const unwatch = client.watchContractEvent({
      address, abi: counterAbi, eventName: 'Incremented',
      onLogs: (logs) => seenByViem.push(...logs.map((l) => l.args.amount)),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // both filters installed
    await (await counter.increment(7n)).wait();
    await (await counter.increment(8n)).wait();
    await until(() => seenByEthers.length >= 2 && seenByViem.length >= 2, 60_000, 'both watchers to see two events');
    assert.deepEqual(seenByEthers, [7n, 8n]);
    assert.deepEqual(seenByViem, [7n, 8n]);
    unwatch();
    await watched.removeAllListeners();
    ethersProvider.destroy();
  });

  test('newHeads notifications carry the header fields wallets read (baseFeePerGas)', async () => {
    // raw WebSocket subscription, as MetaMask and ethers' WebSocketProvider make it
    const ws = new WebSocket(node.ethUrl.replace('http', 'ws'));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const head = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no newHeads notification within 60 s')), 60_000);
      ws.on('message', (data) => {
        const msg = JSON.parse(data);
        if (msg.method === 'eth_subscription') { clearTimeout(timer); resolve(msg.params.result); }
      });
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
    });
    ws.close();
    const block = await jsonRpc(node.ethUrl, 'eth_getBlockByHash', [head.hash, false]);
    assert.ok(block, 'the notified block is served');
    for (const field of ['number', 'parentHash', 'baseFeePerGas', 'gasLimit', 'timestamp', 'withdrawalsRoot', 'blobGasUsed', 'excessBlobGas']) {
      assert.ok(head[field] !== undefined, `newHeads has ${field}`);
      assert.equal(head[field], block[field], `${field} as in eth_getBlockByHash`);
    }
    assert.ok(BigInt(head.baseFeePerGas) > 0n);
  });

  test('a logs subscription is notified from the best block, before finality', async () => {
    const counter = await (await new ethers.ContractFactory(counterAbi, counterBytecode, wallet).deploy()).waitForDeployment();
    const address = await counter.getAddress();
    const ws = new WebSocket(node.ethUrl.replace('http', 'ws'));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const notified = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no logs notification within 90 s')), 90_000);
      ws.on('message', (data) => {
        const msg = JSON.parse(data);
        if (msg.method === 'eth_subscription') { clearTimeout(timer); resolve({ log: msg.params.result, at: Date.now() }); }
      });
    });
    const subscribed = new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data))));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['logs', { address }] }));
    assert.ok((await subscribed).result, 'a subscription id');
    const sent = Date.now();
    const tx = await counter.increment(9n);
    const receipt = await tx.wait();
    const receiptAt = Date.now();
    const { log, at } = await notified;
    ws.close();
    console.log(`# measured: receipt ${((receiptAt - sent) / 1000).toFixed(1)} s after sending, logs notification ${((at - sent) / 1000).toFixed(1)} s`);
    assert.equal(log.transactionHash, tx.hash);
    assert.equal(log.blockHash, receipt.blockHash);
    assert.equal(log.removed, false);
    assert.equal(BigInt(counter.interface.parseLog(log).args.amount), 9n);
  });

  test('web3.js 4 deploys a contract, sends to it, reads it and its past events', async () => {
    const web3 = new Web3(node.ethUrl);
    assert.equal(await web3.eth.getChainId(), CHAIN_ID);
    const account = web3.eth.accounts.wallet.add(ALITH_KEY).get(0);
    const deployed = await new web3.eth.Contract(counterAbi).deploy({ data: counterBytecode }).send({ from: account.address });
    const receipt = await deployed.methods.increment(6n).send({ from: account.address });
    assert.equal(receipt.status, 1n);
    assert.equal(await deployed.methods.count().call(), 6n);
    const events = await deployed.getPastEvents('Incremented', { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    assert.equal(events.length, 1);
    assert.equal(events[0].returnValues.amount, 6n);
    // a revert is reported with the custom error's selector
    await assert.rejects(deployed.methods.increment(0n).call(), (e) => /0x[0-9a-f]{8}|ZeroAmount|revert/i.test(`${e.message} ${e.cause?.message ?? ''} ${e.data ?? ''}`));
  });

  test('the methods of a chain without mining or uncles answer as go-ethereum; the impossible ones say why', async () => {
    assert.equal(await jsonRpc(node.ethUrl, 'eth_mining'), false);
    assert.equal(BigInt(await jsonRpc(node.ethUrl, 'eth_hashrate')), 0n);
    const latest = await jsonRpc(node.ethUrl, 'eth_getBlockByNumber', ['latest', false]);
    assert.equal(BigInt(await jsonRpc(node.ethUrl, 'eth_getUncleCountByBlockHash', [latest.hash])), 0n);
    assert.equal(BigInt(await jsonRpc(node.ethUrl, 'eth_getUncleCountByBlockNumber', [latest.number])), 0n);
    assert.equal(await jsonRpc(node.ethUrl, 'eth_getUncleCountByBlockHash', [ethers.id('no such block')]), null);
    assert.equal(await jsonRpc(node.ethUrl, 'eth_getUncleByBlockNumberAndIndex', [latest.number, '0x0']), null);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_coinbase'), /etherbase must be explicitly specified/);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_blobBaseFee'), /EIP-4844/);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_getProof', [wallet.address, [], 'latest']), /Merkle-Patricia/);
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_simulateV1', [{ blockStateCalls: [] }, 'latest']), /not implemented on AlstraNet/);
    // eth_createAccessList: a valid (empty) list and the gas eth_estimateGas gives
    const tx = { from: wallet.address, data: counterBytecode };
    const list = await jsonRpc(node.ethUrl, 'eth_createAccessList', [tx, 'latest']);
    assert.deepEqual(list.accessList, []);
    assert.equal(BigInt(list.gasUsed), BigInt(await jsonRpc(node.ethUrl, 'eth_estimateGas', [tx, 'latest'])));
  });

  test('the Ethereum endpoint serves its Prometheus metrics on its own port, beside the node\'s', async () => {
    const eth = await until(async () => {
      const r = await fetch(`http://127.0.0.1:${node.ethPrometheusPort}/metrics`);
      return r.ok ? r.text() : undefined;
    }, 30_000, 'the endpoint\'s /metrics');
    assert.match(eth, /chain="eth-rpc"/);
    const own = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
    assert.match(own, /substrate_block_height/);
    assert.doesNotMatch(own, /chain="eth-rpc"/);
  });
});
