// AlstraNet patch (not in upstream pallet-revive-eth-rpc; see vendor/README.md).
//
// Licensed under the Apache License, Version 2.0, as the rest of this crate.

//! Installable filters, polled over HTTP: `eth_newFilter`, `eth_newBlockFilter`,
//! `eth_newPendingTransactionFilter`, `eth_getFilterChanges`, `eth_getFilterLogs`,
//! `eth_uninstallFilter` (Ethereum JSON-RPC specification, "eth_newFilter" and following).
//!
//! ethers' and viem's event watching over HTTP and web3.js' polling fall back to these methods;
//! upstream has only `eth_subscribe` (WebSocket). Semantics follow go-ethereum's
//! `eth/filters/api.go`:
//! - a filter sees what arrives after it was installed: `eth_getFilterChanges` of a log filter
//!   returns the matching logs of the blocks indexed since the previous poll (within the filter's
//!   `fromBlock`..`toBlock` when these are numbers); of a block filter, the hashes of the new
//!   blocks; of a pending-transaction filter, the hashes of the transactions submitted through
//!   this endpoint since (see [`crate::pending`]);
//! - `eth_getFilterLogs` returns every log matching a log filter's criteria, as `eth_getLogs`;
//! - a filter not polled for [`FILTER_TIMEOUT`] is removed; an unknown or removed id is answered
//!   with error -32000 `filter not found`, as go-ethereum does;
//! - ids are 16 random bytes in hex (go-ethereum's `rpc.NewID`).
//!
//! "New blocks" are the blocks this endpoint has indexed (its `latest`), one poll returning at
//! most [`MAX_BLOCKS_PER_POLL`] of them; a poller that falls further behind catches up over
//! several polls.

use crate::{client::{Client, SubstrateBlockNumber}, *};
use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::{error::CALL_EXECUTION_FAILED_CODE, ErrorObjectOwned},
};
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

/// A filter that nobody polls for this long is removed (go-ethereum's `filters.Config.Timeout`
/// default).
pub const FILTER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// At most this many filters are installed at once; beyond, installing fails with an error.
pub const MAX_FILTERS: usize = 10_000;

/// At most this many new blocks are read per poll of a block or log filter.
pub const MAX_BLOCKS_PER_POLL: u64 = 1_024;

/// The filter RPC methods (see the module doc).
#[rpc(server, client)]
pub trait FilterRpc {
	/// Installs a log filter (criteria as `eth_getLogs`); returns its id.
	#[method(name = "eth_newFilter")]
	async fn new_filter(&self, filter: Filter) -> RpcResult<String>;

	/// Installs a filter of new block hashes; returns its id.
	#[method(name = "eth_newBlockFilter")]
	async fn new_block_filter(&self) -> RpcResult<String>;

	/// Installs a filter of new pending transaction hashes; returns its id.
	#[method(name = "eth_newPendingTransactionFilter")]
	async fn new_pending_transaction_filter(&self) -> RpcResult<String>;

	/// What the filter `id` has seen since it was last polled (logs or hashes).
	#[method(name = "eth_getFilterChanges")]
	async fn get_filter_changes(&self, id: String) -> RpcResult<FilterResults>;

	/// Every log matching the log filter `id`'s criteria.
	#[method(name = "eth_getFilterLogs")]
	async fn get_filter_logs(&self, id: String) -> RpcResult<FilterResults>;

	/// Removes the filter `id`; `false` if there was none.
	#[method(name = "eth_uninstallFilter")]
	async fn uninstall_filter(&self, id: String) -> RpcResult<bool>;
}

#[derive(Clone)]
enum Kind {
	Logs(Filter),
	Blocks,
	PendingTransactions,
}

struct Installed {
	kind: Kind,
	/// Next block number to read (block and log filters).
	next_block: u64,
	/// Cursor into [`crate::pending::PendingTransactions`] (pending-transaction filters).
	next_pending: u64,
	last_poll: Instant,
}

/// The filter RPC server: the installed filters of this endpoint, in memory (a restarted
/// endpoint has none, and its clients get `filter not found` and install new ones, as they do
/// with go-ethereum).
pub struct FilterRpcServerImpl {
	client: Client,
	filters: Arc<Mutex<HashMap<String, Installed>>>,
}

impl FilterRpcServerImpl {
	/// A server with no filters installed.
	pub fn new(client: Client) -> Self {
		Self { client, filters: Default::default() }
	}

	async fn install(&self, kind: Kind) -> RpcResult<String> {
		let latest = self.client.block_number().await? as u64;
		let next_pending = self.client.pending_transactions().cursor();
		let mut filters = self.filters.lock().expect("filters lock");
		filters.retain(|_, f| f.last_poll.elapsed() < FILTER_TIMEOUT);
		if filters.len() >= MAX_FILTERS {
			return Err(error(format!(
				"too many filters installed ({MAX_FILTERS}): uninstall some or poll less"
			)));
		}
		let id = new_id();
		filters.insert(
			id.clone(),
			Installed { kind, next_block: latest + 1, next_pending, last_poll: Instant::now() },
		);
		Ok(id)
	}

	/// The filter `id` (its kind and cursors), marked as polled now.
	fn poll(&self, id: &str) -> RpcResult<(Kind, u64, u64)> {
		let mut filters = self.filters.lock().expect("filters lock");
		filters.retain(|_, f| f.last_poll.elapsed() < FILTER_TIMEOUT);
		let f = filters.get_mut(id).ok_or_else(|| error("filter not found".into()))?;
		f.last_poll = Instant::now();
		Ok((f.kind.clone(), f.next_block, f.next_pending))
	}

	fn advance(&self, id: &str, next_block: u64, next_pending: u64) {
		if let Some(f) = self.filters.lock().expect("filters lock").get_mut(id) {
			f.next_block = f.next_block.max(next_block);
			f.next_pending = f.next_pending.max(next_pending);
		}
	}
}

/// 16 bytes from the process's randomly keyed SipHash (std's `RandomState`, seeded by the OS):
/// unpredictable enough for an id that only names a filter, without a `rand` dependency.
fn new_id() -> String {
	use std::hash::BuildHasher;
	let state = std::collections::hash_map::RandomState::new();
	let nanos = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |d| d.as_nanos());
	let (a, b) = (state.hash_one((nanos, 0u8)), state.hash_one((nanos, 1u8)));
	format!("0x{a:016x}{b:016x}")
}

fn error(message: String) -> ErrorObjectOwned {
	ErrorObjectOwned::owned::<()>(CALL_EXECUTION_FAILED_CODE, message, None)
}

/// The numbered bound of a filter's `fromBlock`/`toBlock`, if it is a number.
fn number(tag: Option<BlockNumberOrTag>) -> Option<u64> {
	match tag {
		Some(BlockNumberOrTag::Number(n)) => Some(n),
		_ => None,
	}
}

#[async_trait]
impl FilterRpcServer for FilterRpcServerImpl {
	async fn new_filter(&self, filter: Filter) -> RpcResult<String> {
		if let FilterBlockOption::Range { from_block: Some(from), to_block: Some(to) } =
			filter.block_option
		{
			if let (Some(from), Some(to)) = (from.as_number(), to.as_number()) {
				if from > to {
					return Err(error(format!("invalid block range: fromBlock {from} > toBlock {to}")));
				}
			}
		}
		self.install(Kind::Logs(filter)).await
	}

	async fn new_block_filter(&self) -> RpcResult<String> {
		self.install(Kind::Blocks).await
	}

	async fn new_pending_transaction_filter(&self) -> RpcResult<String> {
		self.install(Kind::PendingTransactions).await
	}

	async fn get_filter_changes(&self, id: String) -> RpcResult<FilterResults> {
		let (kind, next_block, next_pending) = self.poll(&id)?;
		let latest = self.client.block_number().await? as u64;
		let last = latest.min(next_block.saturating_add(MAX_BLOCKS_PER_POLL - 1));
		match kind {
			Kind::PendingTransactions => {
				let (hashes, cursor) = self.client.pending_transactions().since(next_pending);
				self.advance(&id, next_block, cursor);
				Ok(FilterResults::Hashes(hashes))
			},
			// logs of one block: all of them on the first poll, then none
			Kind::Logs(filter) if matches!(filter.block_option, FilterBlockOption::AtBlockHash(_)) => {
				if next_block == u64::MAX {
					return Ok(FilterResults::Logs(vec![]));
				}
				let logs = self.client.logs(Some(filter)).await?;
				self.advance(&id, u64::MAX, next_pending);
				Ok(FilterResults::Logs(logs))
			},
			_ if next_block > last => Ok(match kind {
				Kind::Logs(_) => FilterResults::Logs(vec![]),
				_ => FilterResults::Hashes(vec![]),
			}),
			Kind::Blocks => {
				let mut hashes = Vec::new();
				for n in next_block..=last {
					let Some(block) = self.client.block_by_number(n as SubstrateBlockNumber).await?
					else {
						break;
					};
					let substrate_hash = block.block_hash();
					hashes.push(
						self.client.resolve_ethereum_hash(&substrate_hash).await.unwrap_or(substrate_hash),
					);
				}
				self.advance(&id, next_block + hashes.len() as u64, next_pending);
				Ok(FilterResults::Hashes(hashes))
			},
			Kind::Logs(filter) => {
				let logs = match filter.block_option {
					FilterBlockOption::AtBlockHash(_) => vec![], // handled above
					FilterBlockOption::Range { from_block, to_block } => {
						let from = number(from_block).map_or(next_block, |f| f.max(next_block));
						let to = number(to_block).map_or(last, |t| t.min(last));
						if from > to {
							vec![]
						} else {
							self.client
								.logs(Some(filter.clone().from_block(from).to_block(to)))
								.await?
						}
					},
				};
				self.advance(&id, last + 1, next_pending);
				Ok(FilterResults::Logs(logs))
			},
		}
	}

	async fn get_filter_logs(&self, id: String) -> RpcResult<FilterResults> {
		match self.poll(&id)?.0 {
			Kind::Logs(filter) => Ok(FilterResults::Logs(self.client.logs(Some(filter)).await?)),
			_ => Err(error("filter not found: eth_getFilterLogs takes a log filter (eth_newFilter)".into())),
		}
	}

	async fn uninstall_filter(&self, id: String) -> RpcResult<bool> {
		Ok(self.filters.lock().expect("filters lock").remove(&id).is_some())
	}
}
