// Benchmark (not a test): the gas of the same transactions on Ethereum (anvil, Prague) and on an
// AlstraNet dev node, side by side, with the ratio and what the AlstraNet transaction cost in
// native units. EVM tools size gas limits from Ethereum gas (forge script: its own simulation ×
// 1.3; scripts with fixed limits), so every ratio must stay well below 1.3 for them to work
// unchanged; the runtime's `GasScale` and storage deposits are chosen for that (README, "Gas on
// AlstraNet"). Run: node tests/e2e/bench/eth-gas.js (needs the release node binary).
import path from 'node:path';
import { ethers } from 'ethers';
import { compile } from '../lib/solc.js';
import { startAnvil } from '../lib/anvil.js';
import { ROOT, jsonRpc, startNode, until } from '../lib/node.js';

const ALITH_KEY = '0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133';
const PROXY = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
const { Counter } = compile({ 'Counter.sol': path.join(ROOT, 'tests/e2e/contracts/Counter.sol') });
const { Registry } = compile({ 'Registry.sol': path.join(ROOT, 'tests/e2e/contracts/forge-script/src/Registry.sol') });

/** Sends the benchmark's transactions with `wallet`; returns [[name, gasUsed, fee in wei]]. */
async function run(wallet) {
  const rows = [];
  const measure = async (name, send) => {
    const receipt = await (await send()).wait();
    if (receipt.status !== 1) throw new Error(`${name} failed`);
    rows.push([name, receipt.gasUsed, receipt.gasUsed * receipt.gasPrice]);
    return receipt;
  };
  const r = await measure(`deploy Counter (${(Counter.bytecode.length - 2) / 2} bytes of init code)`,
    () => wallet.sendTransaction({ data: Counter.bytecode }));
  const counter = new ethers.Contract(r.contractAddress, Counter.abi, wallet);
  await measure('Counter.increment, first write of a slot + event', () => counter.increment(1n));
  await measure('Counter.increment, slot update + event', () => counter.increment(2n));
  const salt = ethers.id(`bench ${Date.now()}`);
  await measure(`CREATE2 of Registry through the proxy (${(Registry.bytecode.length - 2) / 2} bytes)`,
    () => wallet.sendTransaction({ to: PROXY, data: ethers.concat([salt, Registry.bytecode]) }));
  const registry = new ethers.Contract(ethers.getCreate2Address(PROXY, salt, ethers.keccak256(Registry.bytecode)), Registry.abi, wallet);
  await measure('Registry.register, a new mapping entry + event', () => registry.register(ethers.id('x'), wallet.address));
  return rows;
}

const anvil = await startAnvil(['--hardfork', 'prague']);
const node = await startNode(['--dev'], { name: 'eth-gas', eth: true });
try {
  await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 180_000, 'the Ethereum endpoint');
  const ethereum = new ethers.JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1 });
  await ethereum.send('anvil_setBalance', [new ethers.Wallet(ALITH_KEY).address, ethers.toQuantity(ethers.parseEther('1000'))]);
  const onEthereum = await run(new ethers.Wallet(ALITH_KEY, ethereum));
  const onAlstraNet = await run(new ethers.Wallet(ALITH_KEY, new ethers.JsonRpcProvider(node.ethUrl, undefined, { cacheTimeout: -1, pollingInterval: 500 })));
  const price = BigInt(await jsonRpc(node.ethUrl, 'eth_gasPrice'));
  console.log(`AlstraNet gas price: ${price} wei (${price / 10n ** 6n} planck per gas)\n`);
  console.log('| transaction | Ethereum gas | AlstraNet gas | ratio | AlstraNet fee + deposit (unit) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [i, [name, gas]] of onEthereum.entries()) {
    const [, ours, fee] = onAlstraNet[i];
    console.log(`| ${name} | ${gas} | ${ours} | ${(Number(ours) / Number(gas)).toFixed(2)} | ${(Number(fee / 10n ** 6n) / 1e12).toFixed(6)} |`);
  }
} finally {
  await node.stop();
  await anvil.stop();
}
