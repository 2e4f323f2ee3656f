// End to end on a dev node: `alstranet-node --dev --eth-rpc` from a temp base path, driven by
// real clients — ethers (Ethereum JSON-RPC, as MetaMask/Hardhat would) and @polkadot/api.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { ethers } from 'ethers';
import { compile } from '../lib/solc.js';
import { ROOT, jsonRpc, startNode, tail, until } from '../lib/node.js';
import { ACCOUNTS, alstraCli } from '../lib/alstra.js';

// Public dev key of Alith (Moonbeam / subxt_signer::eth::dev), endowed in the dev preset.
const ALITH_KEY = '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133';
const devSpec = JSON.parse(fs.readFileSync(path.join(ROOT, 'chain-specs/dev.json'), 'utf8'));
const CHAIN_ID = BigInt(devSpec.properties.evmChainId);

describe('dev chain with its MetaMask endpoint', () => {
  let node;
  let api;
  let provider;
  let wallet;
  let counter;
  let deployReceipt;

  before(async () => {
    const t0 = Date.now();
    node = await startNode(['--dev'], { name: 'dev', eth: true });
    try {
      api = await until(async () => {
        const provider = new WsProvider(node.wsUrl, false);
        await provider.connect();
        return ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
      }, 120_000, 'the Substrate RPC');
      await until(async () => (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() > 0,
        120_000, 'the first finalized block');
      console.log(`# measured: start to first finalized block on dev: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 120_000, 'the Ethereum JSON-RPC endpoint');
      provider = new ethers.JsonRpcProvider(node.ethUrl, Number(CHAIN_ID), { staticNetwork: true, polling: true, pollingInterval: 1000 });
      wallet = new ethers.Wallet(ALITH_KEY, provider);
    } catch (e) {
      console.log(tail(node.log()));
      throw e;
    }
  });

  // Signs and submits `tx`; resolves, once it is in a block, to its dispatch error as
  // `section.Name` for a module error (e.g. `system.CallFiltered`), the error kind otherwise
  // (e.g. `BadOrigin`), or null if it succeeded. Rejects if the pool refuses or drops it.
  const dispatchErrorOf = (tx, signer) => new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (status.isInBlock) {
        if (!dispatchError) resolve(null);
        else if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          resolve(`${section}.${name}`);
        } else resolve(dispatchError.type);
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`${tx.method.section}.${tx.method.method}: ${status.type}`));
      }
    }).catch(reject);
  });

  after(async () => {
    await api?.disconnect();
    provider?.destroy();
    await node?.stop();
  });

  test('eth_chainId is the chain spec\'s evmChainId', async () => {
    assert.equal(BigInt(await jsonRpc(node.ethUrl, 'eth_chainId')), CHAIN_ID);
    assert.equal((await provider.getNetwork()).chainId, CHAIN_ID);
  });

  test('the dev account is funded on the EVM side', async () => {
    const balance = await provider.getBalance(wallet.address);
    assert.ok(balance > ethers.parseEther('1000'), `Alith has ${balance} wei`);
  });

  test('ethers deploys a contract compiled from source, calls it and reads its event', async () => {
    const { Counter } = compile({ 'Counter.sol': path.join(ROOT, 'tests/e2e/contracts/Counter.sol') });
    const factory = new ethers.ContractFactory(Counter.abi, Counter.bytecode, wallet);
    counter = await factory.deploy();
    deployReceipt = await counter.deploymentTransaction().wait();
    assert.equal(deployReceipt.status, 1);
    const address = await counter.getAddress();
    assert.notEqual(await provider.getCode(address), '0x', 'code is stored at the address');

    const tx = await counter.increment(5n);
    const receipt = await tx.wait();
    assert.equal(receipt.status, 1);
    assert.equal(await counter.count(), 5n);

    // The event, through eth_getLogs (not the receipt).
    const logs = await provider.getLogs({
      address,
      topics: [counter.interface.getEvent('Incremented').topicHash],
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    assert.equal(logs.length, 1);
    const ev = counter.interface.parseLog(logs[0]);
    assert.equal(ev.args.by, wallet.address);
    assert.equal(ev.args.amount, 5n);
    assert.equal(ev.args.newCount, 5n);

    // A custom error reverts the call with its selector, and nothing changes.
    await assert.rejects(counter.increment.staticCall(0n), (e) => {
      const data = e.data ?? e.info?.error?.data;
      assert.equal(e.revert?.name ?? counter.interface.parseError(data)?.name, 'ZeroAmount', String(e));
      return true;
    });
    assert.equal(await counter.count(), 5n);
  });

  test('@polkadot/api reads the finalized head, the Revive pallet and the deployer balance', async () => {
    const head = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
    assert.ok(head.number.toNumber() > 0);
    const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
    assert.ok(pallets.includes('Revive'), `pallets: ${pallets}`);
    assert.ok(api.tx.revive && api.query.revive, 'Revive calls and storage are exposed');
    // An Ethereum account's funds are held by its fallback AccountId32: address ++ 0xEE * 12.
    const fallback = wallet.address.toLowerCase() + 'ee'.repeat(12);
    const { data } = await api.query.system.account(fallback);
    const endowment = 1_000_000n * 10n ** 12n;
    const free = data.free.toBigInt();
    assert.ok(free > 0n && free < endowment, `deployer paid fees: free ${free}`);
    // The same funds seen by the EVM: the spendable part of the free balance (free minus the
    // existential deposit of 0.01 unit), with 18 decimals instead of 12 (* 10^6).
    const existentialDeposit = api.consts.balances.existentialDeposit.toBigInt();
    assert.equal(existentialDeposit, 10n ** 10n);
    const evmBalance = await provider.getBalance(wallet.address);
    assert.equal(evmBalance, (free - existentialDeposit) * 10n ** 6n, 'EVM balance = (free - ED) * 10^6');
  });

  test('a block\'s miner (block.coinbase) is the validator that authored it: Alice on dev', async () => {
    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    // pallet-revive maps an account not derived from an Ethereum key to keccak256(account)[12..]
    const expected = ethers.getAddress(ethers.dataSlice(ethers.keccak256(alice.publicKey), 12));
    const block = await jsonRpc(node.ethUrl, 'eth_getBlockByNumber', ['latest', false]);
    assert.equal(ethers.getAddress(block.miner), expected);
  });

  test('a transaction signed for another chain id is rejected (EIP-155)', async () => {
    const nonce = await provider.getTransactionCount(wallet.address, 'pending');
    const feeData = await provider.getFeeData();
    const base = { to: wallet.address, value: 1n, nonce, gasLimit: 100_000n, gasPrice: feeData.gasPrice };
    const wrong = await wallet.signTransaction({ ...base, type: 0, chainId: CHAIN_ID + 1n });
    await assert.rejects(jsonRpc(node.ethUrl, 'eth_sendRawTransaction', [wrong]), /chain|invalid/i);
    // Nothing was executed: the nonce did not move.
    assert.equal(await provider.getTransactionCount(wallet.address, 'pending'), nonce);
  });

  // No speculative currency: the runtime refuses plain transfers at transaction validation
  // (RefuseFilteredCalls, the BaseCallFilter's rule): they never enter the pool or a block.
  test('a plain balances transfer is refused at submission (Custom error 100), nothing moves, no nonce spent', async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const alice = keyring.addFromUri('//Alice');
    const bob = keyring.addFromUri('//Bob');
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
    const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    await assert.rejects(api.tx.balances.transferKeepAlive(bob.address, 10n ** 12n).signAndSend(alice),
      /1010: Invalid Transaction: Custom error: 100/);
    assert.equal((await api.query.system.account(bob.address)).data.free.toBigInt(), before, "Bob's balance did not move");
    assert.equal((await api.rpc.system.accountNextIndex(alice.address)).toNumber(), nonce, "Alice's nonce was not spent");
  });

  test('an Ethereum value transfer is refused at eth_sendRawTransaction with a clear error; the endpoint goes on', async () => {
    const baltathar = '0x3Cd0A705a2DC65e5b1E1205896BaA2be8A07c6e0';
    const before = await provider.getBalance(baltathar);
    const nonce = await provider.getTransactionCount(wallet.address, 'pending');
    const feeData = await provider.getFeeData();
    const value = ethers.parseEther('1');
    // the gas a wallet would ask for (estimation does not apply the call filter): enough to pay
    // the fees, so that the refusal is the runtime's rule and not the fee check
    const gasLimit = await provider.estimateGas({ from: wallet.address, to: baltathar, value });
    const base = { chainId: CHAIN_ID, nonce, maxFeePerGas: feeData.maxFeePerGas, maxPriorityFeePerGas: 0n, type: 2 };
    const transfer = await wallet.signTransaction({ ...base, gasLimit, to: baltathar, value });
    // the raw JSON-RPC answer: error -32003 (EIP-1474 "transaction rejected") in words
    const res = await fetch(node.ethUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [transfer] }),
    }).then((r) => r.json());
    assert.equal(res.error?.code, -32003, JSON.stringify(res));
    assert.match(res.error.message, /value transfers are not allowed on AlstraNet/);
    // ethers surfaces the same message
    await assert.rejects(wallet.sendTransaction({ to: baltathar, value: 1n }), /value transfers are not allowed/);
    assert.equal(await provider.getTransactionCount(wallet.address, 'pending'), nonce, 'no nonce spent');
    assert.equal(await provider.getBalance(baltathar), before, "Baltathar's balance did not move");
    // the same nonce then carries a contract deployment (no value), which gets its receipt and
    // appears in its block: the refused transfer never reached a block to break its receipts
    const deploy = await wallet.sendTransaction({ ...base, data: '0x600a600c600039600a6000f3602a60005260206000f3' });
    const receipt = await deploy.wait();
    assert.equal(receipt.status, 1);
    const block = await provider.getBlock(receipt.blockNumber);
    assert.ok(block.transactions.includes(deploy.hash), 'the block lists the transaction');
  });

  // Ethereum tools: transactions sent back to back with nonces from "pending", and the pool's
  // refusals in go-ethereum's words (which ethers maps to its error codes).
  test('three transactions in a row take their nonces from "pending" (the pool counted) and all land', async () => {
    const INIT = '0x600a600c600039600a6000f3602a60005260206000f3'; // deploys a contract returning 42
    // ethers' default request cache (250 ms) would hand every send the same nonce on any chain
    const uncached = new ethers.JsonRpcProvider(node.ethUrl, Number(CHAIN_ID), { staticNetwork: true, cacheTimeout: -1 });
    const sender = wallet.connect(uncached);
    const start = await uncached.getTransactionCount(wallet.address, 'latest');
    const sent = [];
    for (let i = 0; i < 3; i++) {
      sent.push(await sender.sendTransaction({ data: INIT }));
      // asked without ethers' request cache (it answers a repeated request from 250 ms back)
      const pending = Number(await jsonRpc(node.ethUrl, 'eth_getTransactionCount', [wallet.address, 'pending']));
      assert.equal(pending, start + i + 1, `pending nonce after ${i + 1} sent`);
    }
    assert.deepEqual(sent.map((t) => t.nonce), [start, start + 1, start + 2]);
    const receipts = await Promise.all(sent.map((t) => t.wait()));
    assert.deepEqual(receipts.map((r) => r.status), [1, 1, 1]);
    assert.equal(await uncached.getTransactionCount(wallet.address, 'latest'), start + 3);
    // the same signed transaction again: go-ethereum's "already known" (or, once mined, "nonce too low")
    const raw = await sender.signTransaction({ ...(await sender.populateTransaction({ data: INIT })) });
    await uncached.broadcastTransaction(raw);
    await assert.rejects(uncached.broadcastTransaction(raw), /already known|nonce too low/);
    uncached.destroy();
  });

  test('a used nonce answers "nonce too low", an unfunded account "insufficient funds" (ethers: NONCE_EXPIRED, INSUFFICIENT_FUNDS)', async () => {
    const feeData = await provider.getFeeData();
    const tx = { chainId: CHAIN_ID, type: 2, maxFeePerGas: feeData.maxFeePerGas, maxPriorityFeePerGas: 0n, gasLimit: 5_000_000n,
      data: '0x600a600c600039600a6000f3602a60005260206000f3' };
    const used = (await provider.getTransactionCount(wallet.address, 'latest')) - 1;
    await assert.rejects(provider.broadcastTransaction(await wallet.signTransaction({ ...tx, nonce: used })),
      (e) => e.code === 'NONCE_EXPIRED' && /nonce too low/.test(e.message));
    const pauper = ethers.Wallet.createRandom();
    await assert.rejects(provider.broadcastTransaction(await pauper.signTransaction({ ...tx, nonce: 0 })),
      (e) => e.code === 'INSUFFICIENT_FUNDS' && /insufficient funds/.test(e.message));
  });

  // Council governance with governance/council-cli.cjs: on `dev` the council has one member
  // (Alice), so a motion's threshold is 1 and `propose` executes the call at once.
  const cli = (...args) => spawnSync(process.execPath, [path.join(ROOT, 'governance/council-cli.cjs'), '--url', node.wsUrl, ...args],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ALSTRANET_SURI: '//Alice' } });

  test('council-cli proposes and executes a council motion; bad calls are refused clearly', async () => {
    const eveNode = '0x002408011220565a0f9555cb4f4d4e06b8111257865dccd75cc75135a9b10c9a44eca5041343';
    const eve = new Keyring({ type: 'sr25519' }).addFromUri('//Eve').address;
    const r = cli('propose', 'nodeAuthorization.addWellKnownNode', eveNode, eve);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.threshold, 1);
    assert.ok(out.executed > 0, `executed at once: ${r.stdout}`);
    const nodes = Array.from(await api.query.nodeAuthorization.wellKnownNodes(), (p) => p.toHex());
    assert.ok(nodes.includes(eveNode), `Eve's node is well known: ${nodes}`);
    assert.equal((await api.query.nodeAuthorization.owners(eveNode)).toString(), eve);
    // The same call again: the motion executes but the call fails, and the CLI says why.
    const again = cli('propose', 'nodeAuthorization.addWellKnownNode', eveNode, eve);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /nodeAuthorization\.AlreadyJoined/);
    const wrongArity = cli('propose', 'validatorSet.addValidator');
    assert.equal(wrongArity.status, 2);
    assert.match(wrongArity.stderr, /validatorSet\.addValidator takes 1 argument\(s\) \(who\), got 0/);
    const unknown = cli('propose', 'validatorSet.promote', eve);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /the runtime has no call validatorSet\.promote/);
  });

  // Issuance (no speculative currency): a new member's MetaMask account gets units only by a
  // council motion, and can then pay for deploying a contract.
  test('the council issues units to a new member, who can then deploy a contract', async () => {
    const member = ethers.Wallet.createRandom().connect(provider);
    // The member's Substrate account: its Ethereum address followed by twelve 0xEE bytes
    // (pallet-revive's AccountId32Mapper for Ethereum-derived accounts).
    const account = api.createType('AccountId32', ethers.concat([member.address, '0x' + 'ee'.repeat(12)])).toString();
    assert.equal(await provider.getBalance(member.address), 0n);
    const UNIT = 10n ** 12n;
    const ED = UNIT / 100n;
    // 10,000 ALSTRA and one planck: above 2^53, so the CLI must pass it exactly (not as a double).
    const amount = 10_000n * UNIT + 1n;
    const issuedBefore = (await api.query.balances.totalIssuance()).toBigInt();
    const r = cli('propose', 'issuance.issue', account, String(amount));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.executed > 0, `executed at once: ${r.stdout}`);
    assert.equal((await api.query.system.account(account)).data.free.toBigInt(), amount);
    // Fees of the motion are burnt, so the total grows by at most the amount issued.
    const issuedAfter = (await api.query.balances.totalIssuance()).toBigInt();
    assert.ok(issuedAfter > issuedBefore && issuedAfter <= issuedBefore + amount, `${issuedBefore} -> ${issuedAfter}`);
    // Seen from MetaMask (18 decimals, 10^6 wei per planck): what the account can spend, i.e.
    // the amount minus the existential deposit (0.01 ALSTRA) that keeps the account alive.
    const shown = (amount - ED) * 10n ** 6n;
    assert.equal(await provider.getBalance(member.address), shown);

    const { Counter } = compile({ 'Counter.sol': path.join(ROOT, 'tests/e2e/contracts/Counter.sol') });
    const deployed = await new ethers.ContractFactory(Counter.abi, Counter.bytecode, member).deploy();
    assert.equal((await deployed.deploymentTransaction().wait()).status, 1);
    assert.ok(await provider.getBalance(member.address) < shown, 'the member paid fees and deposits');

    // Burning more than the member has is refused, with the reason.
    const tooMuch = cli('propose', 'issuance.burn', account, String(amount + 1n));
    assert.equal(tooMuch.status, 1);
    assert.match(tooMuch.stderr, /issuance\.InsufficientBalance/);
    // A plain signed call is not the council: BadOrigin.
    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    assert.equal(await dispatchErrorOf(api.tx.issuance.issue(account, UNIT), alice), 'BadOrigin');
  });

  // BPM governance (spec 5.18): the BPM contracts' governance roles go to the council account,
  // which only a council motion acts for (councilAccount.dispatch(revive.call(..))).
  test('the BPM contracts are handed over to the council account: only a council motion registers participants and oracles', async () => {
    const deployment = path.join(node.basePath, 'alstra-governance.json');
    const alstra = alstraCli(node.ethUrl, deployment);
    alstra.run('alith', 'engine', 'deploy', '--rollup', 'none');
    alstra.run('alith', 'oracle', 'deploy');
    const d = JSON.parse(fs.readFileSync(deployment, 'utf8'));

    // The CLI's derivation of the council's EVM address is the runtime's; the runtime mapped the
    // account and funded it at genesis.
    const council = api.consts.councilAccount.evmAddress.toHex();
    assert.equal(alstra.run('alith', 'governance', 'council-address').councilAddress.toLowerCase(), council);
    assert.ok((await api.query.revive.originalAccount(council)).isSome, 'the council account is mapped in pallet-revive');
    assert.ok((await api.query.system.account(api.consts.councilAccount.accountId)).data.free.toBigInt() > 0n);

    const handed = alstra.run('alith', 'governance', 'hand-over');
    assert.deepEqual(handed.roles.map((r) => `${r.contract}.${r.role}`), [
      'ParticipantRegistry.REGISTRAR_ROLE', 'ParticipantRegistry.DEFAULT_ADMIN_ROLE',
      'ProcessDefinitionRegistry.DEFAULT_ADMIN_ROLE', 'OracleGateway.ORACLE_ADMIN_ROLE', 'OracleGateway.DEFAULT_ADMIN_ROLE']);
    const roles = alstra.run('alith', 'governance', 'roles');
    for (const r of roles.roles) {
      assert.deepEqual(r.holders.map((h) => h.is), ['council'], `${r.contract}.${r.role} is the council's alone`);
    }
    // The deployer's key no longer governs: registering a participant is refused.
    assert.throws(() => alstra.run('alith', 'participant', 'register', ACCOUNTS.ethan, '--name', 'Umbrella (Ethan)', '--role', 'Auditor'),
      (e) => /AccessControlUnauthorizedAccount/.test(e.stderr));
    // A second hand-over finds nothing to hand over.
    assert.throws(() => alstra.run('alith', 'governance', 'hand-over'), (e) => /does not hold REGISTRAR_ROLE/.test(e.stderr));

    // A council motion registers the participant: an EVM call whose msg.sender is the council.
    const participants = new ethers.Contract(d.participantRegistry, [
      'function registerParticipant(address account, string name, bytes32[] roles)',
      'function hasParticipantRole(address account, bytes32 role) view returns (bool)',
    ], provider);
    const gateway = new ethers.Contract(d.oracleGateway, [
      'function registerOracle(address oracle)', 'function isOracle(address) view returns (bool)',
    ], provider);
    const auditor = ethers.id('Auditor');
    const register = participants.interface.encodeFunctionData('registerParticipant', [ACCOUNTS.ethan, 'Umbrella (Ethan)', [auditor]]);
    const r = cli('propose-contract-call', d.participantRegistry, register);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).executed > 0, r.stdout);
    assert.equal(await participants.hasParticipantRole(ACCOUNTS.ethan, auditor), true);
    // The same for an oracle (spec 5.19's registrations are governed too).
    const oracle = ethers.Wallet.createRandom().address;
    const o = cli('propose-contract-call', d.oracleGateway, gateway.interface.encodeFunctionData('registerOracle', [oracle]));
    assert.equal(o.status, 0, o.stderr);
    assert.equal(await gateway.isOracle(oracle), true);
    // A call that would revert is refused before any motion, with the revert data: registering
    // the same participant again (ParticipantAlreadyRegistered(address)).
    const again = cli('propose-contract-call', d.participantRegistry, register);
    assert.equal(again.status, 1);
    const selector = ethers.id('ParticipantAlreadyRegistered(address)').slice(2, 10);
    assert.match(again.stderr, new RegExp(`the contract reverts for the council account \\(${council}\\): revert data 0x${selector}`));
    // Nobody but the council origin acts for the account.
    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const direct = api.tx.councilAccount.dispatch(api.tx.revive.call(d.oracleGateway, 0, { refTime: 10n ** 10n, proofSize: 10n ** 6n }, 10n ** 15n,
      gateway.interface.encodeFunctionData('registerOracle', [ethers.Wallet.createRandom().address])));
    assert.equal(await dispatchErrorOf(direct, alice), 'BadOrigin');
  });
});
