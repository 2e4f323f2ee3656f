//! Read-only auditor nodes (Alastria MONIT_001; specification section 6.3, auditor access).
//!
//! An auditor (a supervisor, an external auditor, a member's compliance team) runs a node of its
//! own to read the whole chain without being able to change it. `alstranet-node --auditor`:
//!
//! * **syncs and follows finality** like any permissioned node: its node key must be one of the
//!   chain's well-known nodes (a council motion, `nodeAuthorization.addWellKnownNode`), or it
//!   gets no peers at all;
//! * **cannot author or vote**: `--validator`, `--dev` and the `--alice`... shortcuts are
//!   refused at start-up, so the node has the `Full` role: it never starts Aura or the GRANDPA
//!   voter with keys, and never signs rollup batches;
//! * **serves only safe RPC methods**: `--rpc-methods safe` is forced (`--rpc-methods unsafe` is
//!   refused), so `author_insertKey`, `author_rotateKeys`, `system_addReservedPeer` and the other
//!   unsafe methods answer "RPC call is unsafe to be called externally";
//! * **accepts no transaction through its RPC**: `author_submitExtrinsic`,
//!   `author_submitAndWatchExtrinsic` and the RPC-v2 `transaction_v1_broadcast` /
//!   `transactionWatch_v1_submitAndWatch` reach a [`ReadOnlyPool`] that refuses them with
//!   [`READ_ONLY_MESSAGE`] (and so does `eth_sendRawTransaction` of an `--eth-rpc` endpoint run by
//!   the auditor node, which submits through the same RPC). Reads (state, blocks, events,
//!   `eth_call`, `eth_getLogs`, the `rollup_*` methods) are served as on any node.
//!
//! The auditor still imports the transactions its peers gossip (its pool is the node's own one,
//! only the RPC path is closed), so nothing about the network changes when an auditor joins.

use polkadot_sdk::{
	sc_cli::{self, RunCmd},
	sc_transaction_pool_api::{
		error::{Error as PoolError, IntoPoolError},
		ChainEvent, ImportNotificationStream, MaintainedTransactionPool, PoolStatus,
		ReadyTransactions, TransactionFor, TransactionPool, TransactionSource,
		TransactionStatusStreamFor, TxHash, TxInvalidityReportMap,
	},
	sp_runtime::traits::Block as BlockT,
};
use std::{collections::HashMap, pin::Pin, sync::Arc};

/// The option that makes a node a read-only auditor node.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditorParams {
	/// Run a read-only auditor node: it syncs and serves the chain over RPC (safe methods only),
	/// never authors blocks or votes, and refuses every transaction submitted through its RPC.
	///
	/// Refused together with `--validator`, `--dev`, `--alice` (and the other test accounts) or
	/// `--rpc-methods unsafe`. The node key must still be a well-known node of the chain to get
	/// peers. See README, "Auditor nodes".
	#[arg(long)]
	pub auditor: bool,
}

/// What an RPC client that submits a transaction to an auditor node is told.
pub const READ_ONLY_MESSAGE: &str = "this is a read-only auditor node (--auditor): it accepts no \
	transactions; submit them to a member's node";

/// Checks `--auditor` against the rest of the command line and, when given, forces
/// `--rpc-methods safe`.
///
/// Errors (the node does not start): `--auditor` with an option that makes the node an authority
/// (`--validator`, `--dev`, `--alice`, `--bob`, ...), or with `--rpc-methods unsafe`. Without
/// `--auditor` the command is left untouched.
pub fn apply(params: &AuditorParams, run: &mut RunCmd) -> Result<(), String> {
	if !params.auditor {
		return Ok(());
	}
	let authority_flag = if run.validator {
		Some("--validator")
	} else if run.shared_params.dev {
		Some("--dev (which makes the node Alice's validator)")
	} else if run.get_keyring().is_some() {
		Some("a test-account flag such as --alice (which makes the node a validator)")
	} else {
		None
	};
	if let Some(flag) = authority_flag {
		return Err(format!(
			"--auditor cannot be combined with {flag}: an auditor node never authors blocks or \
			 votes on finality. Start it without that option (and with `--chain <spec>`)."
		));
	}
	match run.rpc_params.rpc_methods {
		sc_cli::RpcMethods::Unsafe => Err("--auditor cannot be combined with --rpc-methods unsafe: \
		                                   an auditor node serves only safe RPC methods."
			.into()),
		_ => {
			run.rpc_params.rpc_methods = sc_cli::RpcMethods::Safe;
			Ok(())
		},
	}
}

/// The error of a [`ReadOnlyPool`]: the refusal of an auditor node, or the wrapped pool's own.
#[derive(Debug)]
pub enum GateError<E> {
	/// The node is an auditor node: no transaction is accepted through the RPC.
	ReadOnly,
	/// An error of the wrapped pool.
	Pool(E),
}

impl<E: std::fmt::Display> std::fmt::Display for GateError<E> {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			GateError::ReadOnly => f.write_str(READ_ONLY_MESSAGE),
			GateError::Pool(e) => e.fmt(f),
		}
	}
}

impl<E: std::error::Error> std::error::Error for GateError<E> {}

impl<E: From<PoolError>> From<PoolError> for GateError<E> {
	fn from(e: PoolError) -> Self {
		GateError::Pool(E::from(e))
	}
}

impl<E: IntoPoolError> IntoPoolError for GateError<E> {
	/// The wrapped pool's errors keep their RPC codes; the auditor's refusal is reported by its
	/// message (`author_*`: "Verification Error: <READ_ONLY_MESSAGE>").
	fn into_pool_error(self) -> Result<PoolError, Self> {
		match self {
			GateError::Pool(e) => e.into_pool_error().map_err(GateError::Pool),
			GateError::ReadOnly => Err(GateError::ReadOnly),
		}
	}
}

/// The transaction pool as the node's RPC sees it: the node's own pool, with submissions refused
/// when `read_only` (an auditor node). Every other operation is the wrapped pool's.
pub struct ReadOnlyPool<P> {
	inner: Arc<P>,
	read_only: bool,
}

impl<P> ReadOnlyPool<P> {
	/// Wraps `inner`; `read_only` refuses every submission.
	pub fn new(inner: Arc<P>, read_only: bool) -> Self {
		Self { inner, read_only }
	}
}

#[async_trait::async_trait]
impl<P: TransactionPool> TransactionPool for ReadOnlyPool<P> {
	type Block = P::Block;
	type Hash = P::Hash;
	type InPoolTransaction = P::InPoolTransaction;
	type Error = GateError<P::Error>;

	async fn submit_at(
		&self,
		at: <Self::Block as BlockT>::Hash,
		source: TransactionSource,
		xts: Vec<TransactionFor<Self>>,
	) -> Result<Vec<Result<TxHash<Self>, Self::Error>>, Self::Error> {
		if self.read_only {
			return Err(GateError::ReadOnly);
		}
		let results = self.inner.submit_at(at, source, xts).await.map_err(GateError::Pool)?;
		Ok(results.into_iter().map(|r| r.map_err(GateError::Pool)).collect())
	}

	async fn submit_one(
		&self,
		at: <Self::Block as BlockT>::Hash,
		source: TransactionSource,
		xt: TransactionFor<Self>,
	) -> Result<TxHash<Self>, Self::Error> {
		if self.read_only {
			return Err(GateError::ReadOnly);
		}
		self.inner.submit_one(at, source, xt).await.map_err(GateError::Pool)
	}

	async fn submit_and_watch(
		&self,
		at: <Self::Block as BlockT>::Hash,
		source: TransactionSource,
		xt: TransactionFor<Self>,
	) -> Result<Pin<Box<TransactionStatusStreamFor<Self>>>, Self::Error> {
		if self.read_only {
			return Err(GateError::ReadOnly);
		}
		self.inner.submit_and_watch(at, source, xt).await.map_err(GateError::Pool)
	}

	async fn ready_at(
		&self,
		at: <Self::Block as BlockT>::Hash,
	) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
		self.inner.ready_at(at).await
	}

	fn ready(&self) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
		self.inner.ready()
	}

	async fn report_invalid(
		&self,
		at: Option<<Self::Block as BlockT>::Hash>,
		invalid_tx_errors: TxInvalidityReportMap<TxHash<Self>>,
	) -> Vec<Arc<Self::InPoolTransaction>> {
		self.inner.report_invalid(at, invalid_tx_errors).await
	}

	fn futures(&self) -> Vec<Self::InPoolTransaction> {
		self.inner.futures()
	}

	fn status(&self) -> PoolStatus {
		self.inner.status()
	}

	fn import_notification_stream(&self) -> ImportNotificationStream<TxHash<Self>> {
		self.inner.import_notification_stream()
	}

	fn on_broadcasted(&self, propagations: HashMap<TxHash<Self>, Vec<String>>) {
		self.inner.on_broadcasted(propagations)
	}

	fn hash_of(&self, xt: &TransactionFor<Self>) -> TxHash<Self> {
		self.inner.hash_of(xt)
	}

	fn ready_transaction(&self, hash: &TxHash<Self>) -> Option<Arc<Self::InPoolTransaction>> {
		self.inner.ready_transaction(hash)
	}

	async fn ready_at_with_timeout(
		&self,
		at: <Self::Block as BlockT>::Hash,
		timeout: std::time::Duration,
	) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
		self.inner.ready_at_with_timeout(at, timeout).await
	}
}

#[async_trait::async_trait]
impl<P: MaintainedTransactionPool> MaintainedTransactionPool for ReadOnlyPool<P> {
	async fn maintain(&self, event: ChainEvent<Self::Block>) {
		self.inner.maintain(event).await
	}
}
