// The user's wallet over EIP-1193 (MetaMask or any injected provider): connecting, the AlstraNet
// network (wallet_addEthereumChain), and transactions followed until GRANDPA finality.
import { BrowserProvider, Contract, Interface, JsonRpcSigner, isError } from 'ethers';
import type { Chain } from './chain';
import { explainRevert } from './errors';

declare global {
  interface Window { ethereum?: { request(args: { method: string; params?: unknown[] }): Promise<unknown>; on?(ev: string, f: (...a: any[]) => void): void } }
}

/** A wallet problem the page explains in words. */
export class WalletError extends Error {}

export class Wallet {
  provider?: BrowserProvider;
  signer?: JsonRpcSigner;
  account?: string;

  constructor(private chain: Chain) {}

  get available(): boolean {
    return typeof window.ethereum?.request === 'function';
  }

  /** Asks for the accounts, then makes sure the wallet is on AlstraNet (adding the network if needed). */
  async connect(): Promise<string> {
    const eth = window.ethereum;
    if (!eth) throw new WalletError('No Ethereum wallet found in this browser: install MetaMask (or another EIP-1193 wallet) and reload.');
    let accounts: string[];
    try {
      accounts = (await eth.request({ method: 'eth_requestAccounts' })) as string[];
    } catch (e: any) {
      if (e?.code === 4001) throw new WalletError('You declined the connection in your wallet.');
      throw new WalletError(`The wallet refused to connect: ${e?.message ?? e}`);
    }
    if (!accounts.length) throw new WalletError('The wallet shared no account.');
    await this.ensureChain();
    this.provider = new BrowserProvider(eth, this.chain.config.chainId);
    this.signer = await this.provider.getSigner(accounts[0]);
    this.account = (await this.signer.getAddress()).toLowerCase();
    return this.account;
  }

  /** Switches the wallet to AlstraNet's chain id, adding the network when the wallet lacks it. */
  async ensureChain(): Promise<void> {
    const eth = window.ethereum!;
    const want = '0x' + this.chain.config.chainId.toString(16);
    const have = String(await eth.request({ method: 'eth_chainId' }));
    if (BigInt(have) === BigInt(want)) return;
    try {
      await eth.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: want }] });
    } catch (e: any) {
      if (e?.code === 4902 || /unrecognized|unknown chain/i.test(e?.message ?? '')) {
        try {
          await eth.request({
            method: 'wallet_addEthereumChain',
            params: [{ chainId: want, chainName: this.chain.config.chainName, rpcUrls: [this.chain.config.ethRpcUrl],
              nativeCurrency: { name: 'Unit', symbol: 'UNIT', decimals: 18 } }],
          });
        } catch (e2: any) {
          throw new WalletError(`Your wallet is on chain ${BigInt(have)}; AlstraNet is chain ${this.chain.config.chainId} and adding it was refused: ${e2?.message ?? e2}`);
        }
      } else if (e?.code === 4001) {
        throw new WalletError(`Your wallet is on chain ${BigInt(have)}, not AlstraNet (chain ${this.chain.config.chainId}); you declined to switch.`);
      } else {
        throw new WalletError(`Your wallet is on chain ${BigInt(have)}, not AlstraNet (chain ${this.chain.config.chainId}): ${e?.message ?? e}`);
      }
    }
    const now = String(await eth.request({ method: 'eth_chainId' }));
    if (BigInt(now) !== BigInt(want)) throw new WalletError(`Your wallet is still on chain ${BigInt(now)}; switch it to AlstraNet (chain ${this.chain.config.chainId}).`);
  }
}

/** Steps of a transaction the page shows. */
export type Progress = (step: 'sign' | 'sent' | 'included' | 'finalized', detail: string) => void;

/** Sends `method(...args)` of `contract` with the wallet's signer and follows it to finality.
 *  Simulates first, so a call the engine would refuse is explained before anything is signed.
 *  Errors are thrown as sentences (engine errors decoded by errors.ts). */
export async function sendAndFollow(chain: Chain, wallet: Wallet, contract: Contract, method: string, args: unknown[], progress: Progress): Promise<{ hash: string; block: number }> {
  if (!wallet.signer) throw new WalletError('Connect your wallet first.');
  await wallet.ensureChain();
  const c = contract.connect(wallet.signer) as Contract;
  const iface: Interface = contract.interface;
  try {
    // simulated on the node itself (through the page's read endpoint), as the account: wallets
    // differ in how they pass a revert's data back
    await contract[method].staticCall(...args, { from: wallet.account });
  } catch (e) {
    throw new Error(explainRevert(chain, iface, e));
  }
  progress('sign', 'Waiting for your signature in the wallet…');
  let tx;
  try {
    tx = await c[method](...args);
  } catch (e: any) {
    if (isError(e, 'ACTION_REJECTED') || e?.code === 4001 || e?.info?.error?.code === 4001) throw new WalletError('You rejected the transaction in your wallet: nothing was sent.');
    throw new Error(explainRevert(chain, iface, e));
  }
  progress('sent', `Sent ${tx.hash}; waiting for a block…`);
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`Transaction ${tx.hash} failed on chain.`);
  progress('included', `Included in block #${receipt.blockNumber}; waiting for finality…`);
  for (;;) {
    const fin = await chain.provider.getBlock('finalized');
    if (fin && fin.number >= receipt.blockNumber) break;
    await new Promise((r) => setTimeout(r, 1500));
  }
  progress('finalized', `Finalized: block #${receipt.blockNumber}, transaction ${tx.hash}.`);
  return { hash: tx.hash, block: receipt.blockNumber };
}
