// Generates `runtime/src/predeploys.json`: the canonical contracts that Ethereum tools expect at
// fixed addresses, predeployed in the genesis of every AlstraNet chain (pallet-revive's genesis
// `accounts`: address, nonce, code, storage).
//
//   node tests/e2e/bin/generate-predeploys.mjs [--check]
//
// Each contract is deployed on anvil the way it is deployed on Ethereum (its published init
// code, through the same deployer and salt), and its resulting account (runtime code, nonce,
// storage, and the accounts its constructor created) is read back with the prestate tracer. The
// address is compared with the canonical one, so a wrong init code stops the script instead of
// predeploying something else. `--check` exits 1 if the committed file differs (CI).
//
// | contract | address | init code from (npm) |
// |---|---|---|
// | deterministic-deployment proxy (CREATE2 deployer, `forge script`'s) | 0x4e59b448…956C | the same 69-byte proxy as the Safe factory's (Arachnid's deterministic-deployment-proxy, published in Safe's signed deployment) |
// | Safe singleton factory | 0x914d7Fec…43d7 | `@safe-global/safe-singleton-factory` (its chain-1 deployment transaction) |
// | Multicall3 | 0xcA11bde0…CA11 | `viem`'s `multicall3Bytecode` (mds1/multicall3, MIT) |
// | ERC-4337 EntryPoint v0.7 (+ its SenderCreator) | 0x00000000…a032 | `@account-abstraction/contracts@0.7.0`, CREATE2 via the proxy with the canonical salt |
//
// Not predeployed: Permit2 (its init code is not published on npm; Uniswap deploys it from
// source), and contracts whose runtime code embeds the chain id of the chain they were built on.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { startAnvil } from '../lib/anvil.js';

const require = createRequire(import.meta.url);
// viem keeps the bytecode it uses for deployless multicalls out of its public exports.
const { multicall3Bytecode } = await import(
  path.join(path.dirname(require.resolve('viem/package.json')), '_esm/constants/contracts.js'));
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'runtime/src/predeploys.json');

const PROXY = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
const safeDeployment = require('@safe-global/safe-singleton-factory/artifacts/1/deployment.json');
const entryPoint07 = require('@account-abstraction/contracts/artifacts/EntryPoint.json');
const ENTRY_POINT_07_SALT = '0x90d8084deab30c2a37c45e8d47f49f2f7965183cb6990a98943ef94940681de3';

// The Safe factory is deployed by a pre-EIP-155 (Nick's method) transaction; its init code is the
// transaction's data: `604580600e600039806000f350fe` (copy the rest and return it) ++ the proxy.
const proxyInitCode = ethers.Transaction.from(safeDeployment.transaction).data;

/** The contracts, in deployment order: name, canonical address, how to deploy it on anvil. */
const CONTRACTS = [
  // Deployed by the first transaction (nonce 0) of their deployer accounts: sent here from the
  // same account (impersonated on anvil), so CREATE gives the same address.
  { name: 'Safe singleton factory', address: safeDeployment.address, from: safeDeployment.signerAddress, create: { data: proxyInitCode } },
  { name: 'Multicall3', address: '0xcA11bde05977b3631167028862bE2a173976CA11', from: '0x05f32B3cC3888453ff71B01135B34FF8e41263F2', create: { data: multicall3Bytecode } },
  {
    name: 'ERC-4337 EntryPoint v0.7',
    address: '0x0000000071727De22E5E9d8BAf0edAc6f37da032',
    create: { to: PROXY, data: ethers.concat([ENTRY_POINT_07_SALT, entryPoint07.bytecode]) },
  },
];

async function main() {
  const check = process.argv.includes('--check');
  const anvil = await startAnvil(['--hardfork', 'prague'], { name: 'predeploys' });
  try {
    const provider = new ethers.JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const anvilSigner = await provider.getSigner(0);
    const accounts = new Map();
    // anvil has the deterministic-deployment proxy at genesis (as most dev chains do): its code
    // must be what the Safe factory's init code returns, which is checked below.
    accounts.set(PROXY.toLowerCase(), { name: 'deterministic-deployment proxy (CREATE2 deployer)', nonce: 1, code: await provider.getCode(PROXY), storage: {} });
    for (const c of CONTRACTS) {
      let signer = anvilSigner;
      if (c.from) {
        await provider.send('anvil_impersonateAccount', [c.from]);
        await provider.send('anvil_setBalance', [c.from, ethers.toQuantity(ethers.parseEther('1'))]);
        signer = await provider.getSigner(c.from);
      }
      const tx = await signer.sendTransaction({ ...c.create, to: c.create.to ?? null, gasLimit: 15_000_000 });
      const receipt = await tx.wait();
      if (receipt.status !== 1) throw new Error(`${c.name}: its deployment reverted on anvil`);
      const { post } = await provider.send('debug_traceTransaction', [tx.hash, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }]);
      if ((await provider.getCode(c.address)) === '0x') {
        throw new Error(`${c.name}: nothing at its canonical address ${c.address} after deploying its published init code`);
      }
      for (const [address, state] of Object.entries(post)) {
        const code = await provider.getCode(address);
        // the sender; a deployer (whose nonce CREATE2 raised: at genesis it is fresh)
        if (code === '0x' || accounts.has(address)) continue;
        const name = address === c.address.toLowerCase() ? c.name : `${c.name}: contract created by its constructor`;
        const storage = {};
        for (const [k, v] of Object.entries(state.storage ?? {})) storage[k] = v;
        accounts.set(address, { name, nonce: await provider.getTransactionCount(address), code, storage });
      }
    }
    const safe = accounts.get(safeDeployment.address.toLowerCase());
    if (safe.code !== accounts.get(PROXY.toLowerCase()).code) {
      throw new Error('the Safe factory\'s runtime code differs from the deterministic-deployment proxy\'s');
    }
    const list = [...accounts.entries()].map(([address, a]) => ({
      name: a.name,
      address: ethers.getAddress(address),
      nonce: a.nonce,
      code: a.code,
      codeHash: ethers.keccak256(a.code),
      storage: Object.fromEntries(Object.entries(a.storage).sort()),
    }));
    const text = `${JSON.stringify(list, null, 2)}\n`;
    if (check) {
      const committed = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
      if (committed !== text) {
        console.error(`${path.relative(ROOT, OUT)} differs from what tests/e2e/bin/generate-predeploys.mjs generates: run it and commit`);
        process.exit(1);
      }
      console.log(`${path.relative(ROOT, OUT)}: up to date (${list.length} contracts)`);
    } else {
      fs.writeFileSync(OUT, text);
      for (const a of list) console.log(`${a.address}  ${String((a.code.length - 2) / 2).padStart(6)} bytes  ${a.name}`);
    }
  } finally {
    await anvil.stop();
  }
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
