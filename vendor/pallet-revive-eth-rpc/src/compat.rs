// AlstraNet patch (not in upstream pallet-revive-eth-rpc; see vendor/README.md).
//
// Licensed under the Apache License, Version 2.0, as the rest of this crate.

//! The Ethereum JSON-RPC methods that upstream does not serve and that tools still call:
//! answered as go-ethereum answers them on a chain without mining or uncles, or with an error
//! that says why the method cannot be served on AlstraNet (upstream answers all of them with
//! `Method not found`, which tools report as a broken node).
//!
//! | method | answer |
//! |---|---|
//! | `eth_mining`, `eth_hashrate` | `false`, `0x0`: nothing is mined (Aura slots, GRANDPA finality) |
//! | `eth_getUncleCountByBlockHash`/`…ByBlockNumber` | `0x0` for a known block, `null` otherwise |
//! | `eth_getUncleByBlockHashAndIndex`/`…ByBlockNumberAndIndex` | `null`: there are no uncles |
//! | `eth_coinbase` | error, as go-ethereum without an etherbase: nodes do not mine |
//! | `eth_protocolVersion` | error: removed from go-ethereum 1.14; no eth wire protocol here |
//! | `eth_blobBaseFee` | error: blob transactions (EIP-4844) are refused on this chain |
//! | `eth_getProof` | error: the state is a Substrate trie, not Ethereum's Merkle-Patricia trie (EIP-1186 proofs cannot be made) |
//! | `eth_simulateV1` | error: not implemented; `eth_call` with state overrides and `debug_traceCall` are |
//! | `eth_createAccessList` | served by [`crate::EthRpcServerImpl`]: an empty list and the estimate |
//!
//! [`intrinsic_gas`] is the floor of `eth_estimateGas` (see there).

use crate::{client::Client, *};
use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::{error::CALL_EXECUTION_FAILED_CODE, ErrorObjectOwned},
};

/// Ethereum's intrinsic gas of `tx`: 21,000, plus 4 per zero and 16 per non-zero byte of input
/// (EIP-2028), plus 32,000 and 2 per 32-byte word of init code for a creation (EIP-2, EIP-3860),
/// plus 2,400 per access-list address and 1,900 per storage key (EIP-2930).
///
/// AlstraNet patch: `eth_estimateGas` answers at least this. pallet-revive's gas (fee and
/// deposit over the gas price) is often below it, and wallets and libraries refuse to sign a
/// transaction whose gas limit is below the intrinsic gas they compute (web3.js: "gasLimit is too
/// low"; MetaMask: at least 21,000). A higher limit costs nothing: the fee is what the
/// transaction uses.
pub fn intrinsic_gas(tx: &GenericTransactionV1) -> U256 {
	let input = tx.input.input.as_ref().or(tx.input.data.as_ref()).map(|b| b.0.as_slice()).unwrap_or(&[]);
	let zeros = input.iter().filter(|b| **b == 0).count() as u64;
	let mut gas = 21_000 + 4 * zeros + 16 * (input.len() as u64 - zeros);
	if tx.to.is_none() {
		gas += 32_000 + 2 * (input.len() as u64).div_ceil(32);
	}
	if let Some(list) = tx.access_list.as_ref().and_then(|l| serde_json::to_value(l).ok()) {
		for entry in list.as_array().map(Vec::as_slice).unwrap_or(&[]) {
			let keys = entry.get("storageKeys").and_then(|k| k.as_array()).map_or(0, Vec::len);
			gas += 2_400 + 1_900 * keys as u64;
		}
	}
	gas.into()
}

/// See the module doc.
#[rpc(server, client)]
pub trait CompatRpc {
	/// `false`: AlstraNet's validators author blocks in Aura slots, nothing is mined.
	#[method(name = "eth_mining")]
	async fn mining(&self) -> RpcResult<bool>;

	/// `0x0`: nothing is mined.
	#[method(name = "eth_hashrate")]
	async fn hashrate(&self) -> RpcResult<U256>;

	/// `0x0` for a known block, `null` for an unknown one: blocks have no uncles.
	#[method(name = "eth_getUncleCountByBlockHash")]
	async fn uncle_count_by_hash(&self, block_hash: H256) -> RpcResult<Option<U256>>;

	/// `0x0` for a known block, `null` for an unknown one: blocks have no uncles.
	#[method(name = "eth_getUncleCountByBlockNumber")]
	async fn uncle_count_by_number(&self, block: BlockNumberOrTag) -> RpcResult<Option<U256>>;

	/// `null`: blocks have no uncles.
	#[method(name = "eth_getUncleByBlockHashAndIndex")]
	async fn uncle_by_hash(&self, block_hash: H256, index: U256) -> RpcResult<Option<()>>;

	/// `null`: blocks have no uncles.
	#[method(name = "eth_getUncleByBlockNumberAndIndex")]
	async fn uncle_by_number(&self, block: BlockNumberOrTag, index: U256) -> RpcResult<Option<()>>;

	/// An error: nodes do not mine, so there is no etherbase.
	#[method(name = "eth_coinbase")]
	async fn coinbase(&self) -> RpcResult<Address>;

	/// An error: the method left go-ethereum in 1.14.
	#[method(name = "eth_protocolVersion")]
	async fn protocol_version(&self) -> RpcResult<U256>;

	/// An error: blob transactions are refused.
	#[method(name = "eth_blobBaseFee")]
	async fn blob_base_fee(&self) -> RpcResult<U256>;

	/// An error: no Merkle-Patricia proofs (see the module doc).
	#[method(name = "eth_getProof")]
	async fn get_proof(
		&self,
		address: Address,
		keys: Vec<H256>,
		block: BlockId,
	) -> RpcResult<serde_json::Value>;

	/// An error: not implemented (see the module doc).
	#[method(name = "eth_simulateV1")]
	async fn simulate_v1(
		&self,
		payload: serde_json::Value,
		block: Option<BlockId>,
	) -> RpcResult<serde_json::Value>;
}

/// The server of [`CompatRpcServer`].
pub struct CompatRpcServerImpl {
	client: Client,
}

impl CompatRpcServerImpl {
	/// A server reading blocks through `client`.
	pub fn new(client: Client) -> Self {
		Self { client }
	}
}

fn unsupported<T>(message: &str) -> RpcResult<T> {
	Err(ErrorObjectOwned::owned::<()>(CALL_EXECUTION_FAILED_CODE, message.to_string(), None))
}

#[async_trait]
impl CompatRpcServer for CompatRpcServerImpl {
	async fn mining(&self) -> RpcResult<bool> {
		Ok(false)
	}

	async fn hashrate(&self) -> RpcResult<U256> {
		Ok(U256::zero())
	}

	async fn uncle_count_by_hash(&self, block_hash: H256) -> RpcResult<Option<U256>> {
		Ok(self.client.block_by_ethereum_hash(&block_hash).await?.map(|_| U256::zero()))
	}

	async fn uncle_count_by_number(&self, block: BlockNumberOrTag) -> RpcResult<Option<U256>> {
		Ok(self.client.block_by_number_or_tag(&block).await?.map(|_| U256::zero()))
	}

	async fn uncle_by_hash(&self, _: H256, _: U256) -> RpcResult<Option<()>> {
		Ok(None)
	}

	async fn uncle_by_number(&self, _: BlockNumberOrTag, _: U256) -> RpcResult<Option<()>> {
		Ok(None)
	}

	async fn coinbase(&self) -> RpcResult<Address> {
		unsupported(
			"etherbase must be explicitly specified: AlstraNet nodes do not mine \
			 (validators author blocks in Aura slots)",
		)
	}

	async fn protocol_version(&self) -> RpcResult<U256> {
		unsupported(
			"eth_protocolVersion is not supported: go-ethereum removed it in 1.14, and AlstraNet \
			 nodes speak no eth wire protocol",
		)
	}

	async fn blob_base_fee(&self) -> RpcResult<U256> {
		unsupported("blob transactions (EIP-4844) are not supported on AlstraNet: there is no blob base fee")
	}

	async fn get_proof(&self, _: Address, _: Vec<H256>, _: BlockId) -> RpcResult<serde_json::Value> {
		unsupported(
			"eth_getProof is not available on AlstraNet: its state is a Substrate trie, not \
			 Ethereum's Merkle-Patricia trie, so EIP-1186 account and storage proofs cannot be made",
		)
	}

	async fn simulate_v1(
		&self,
		_: serde_json::Value,
		_: Option<BlockId>,
	) -> RpcResult<serde_json::Value> {
		unsupported(
			"eth_simulateV1 is not implemented on AlstraNet: use eth_call (with state overrides) \
			 or debug_traceCall",
		)
	}
}

