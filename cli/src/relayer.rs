//! `alstra relayer`: carries AlstraNet's sealed rollup batches to Ethereum L1 and reports their
//! progress back on chain.
//!
//! Every round it derives what to do from the two chains alone (no local state decides), so a
//! relayer killed at any step and restarted, or several relayers at once, end with every batch
//! on L1 exactly once:
//!
//! 1. **Report back** (a `RelayerMembership` account, `--relayer-suri`): the lowest batch whose
//!    status on AlstraNet's finalized chain lags behind L1 moves one step: `Rollup.mark_proven`
//!    once L1 accepted it (a valid proof exists), `mark_submitted` with the L1 transaction that
//!    carried it (found in `BatchAccepted` logs), `mark_finalized` once that L1 block is final
//!    (the `finalized` block tag, or `--confirmations N` blocks on a dev L1); if the transaction
//!    on L1 is not the one reported (a reorg dropped it and the batch was sent again),
//!    `mark_submitted` reports the new one first.
//! 2. **Hand over** the validator set on L1 when the next batch was signed by a newer committee
//!    than L1's, or, when no sealed batch waits for L1, as soon as AlstraNet's finalized
//!    committee is newer than L1's (`changeValidators`, one committee at a time, with the
//!    handover's attestations from the chain).
//! 3. **Submit** the next batch (`lastBatch + 1` on L1) once it is sealed in a finalized block and
//!    a supermajority of its committee signed it: its witness is rebuilt from chain data, proven
//!    (Groth16 with fresh randomness) and verified locally, its digest recomputed and compared
//!    with the one the validators signed, then `RollupManager.submitBatch(header, proof,
//!    signatures, data)` is sent (data: the records, in rollup mode). Relayers take turns so that
//!    a batch is proven once, not by every relayer at once: batch `n` is the turn of
//!    `RelayerMembership`'s member `n % len` (in the pallet's order); the others leave it to
//!    that one for `--takeover-seconds` after they see it ready, then prove and send it
//!    themselves (a relayer down or slow delays its batches by that much, never stops them).
//!
//! A round does at most one write (an L1 transaction or an AlstraNet extrinsic, each awaited:
//! the receipt, or the extrinsic's finalization), then the next round reads both chains again.
//! A batch's L1 transaction is sent with its nonce and EIP-1559 fees fixed; if it is not mined
//! within `--l1-stuck-seconds` (fees risen since, a congested L1), the same transaction is sent
//! again with the same nonce and both fees raised by 1/8 (a replacement must pay at least 10%
//! more: geth's `txpool.pricebump`), up to `--l1-max-fee-gwei`; whichever of them is mined
//! carries the batch, and a batch accepted meanwhile by another relayer ends the wait.
//! An L1 transaction that a reorg drops is sent again, because L1's `lastBatch` says so; a report
//! or batch another relayer already made is refused by the chain or L1 and counted as done.
//!
//! Fault injection (tests): `ALSTRA_RELAYER_CRASH_AT=<point>` makes the relayer exit at once
//! with code 86 when it reaches `<point>`, as a relayer killed there would (see [`crash_point`]).
//!
//! Transition records of batches finalized on L1 are pruned on AlstraNet, and proving batch `n`
//! replays every earlier batch: the relayer keeps each batch's records in `--data-dir`
//! (`records/<n>.json`) as soon as it sees them, so that it can go on after a restart. It keeps
//! each proof there too (`proofs/<n>.bin`, once verified): a relayer killed after proving, or
//! whose transaction an L1 reorg dropped, sends the kept proof (verified again against the
//! batch's public inputs) instead of proving the batch again. Records that the chain pruned and
//! the data dir lacks are taken from L1 calldata (rollup mode; [`Relayer::recover_records`]).

use crate::l1::{L1Deployment, RollupManager};
use alloy::{
	network::EthereumWallet,
	primitives::{Address, Bytes, B256, U256},
	providers::{DynProvider, Provider, ProviderBuilder},
	signers::local::PrivateKeySigner,
};
use alstra_bpm_core::proof::l1::{BatchHeaderMessage, Domain};
use alstra_prover::chain::{self as chain_data, BatchHeader, BatchStatus, Node, RollupStatus};
use anyhow::{anyhow, bail, ensure, Context, Result};
use codec::{Decode, Encode};
use prometheus_endpoint::prometheus;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::{sr25519::Keypair, SecretUri};

/// Exit code of a relayer stopped by [`crash_point`].
pub const CRASH_EXIT_CODE: i32 = 86;

/// Where a relayer can be made to die, for the restart tests: `proved` (a batch proven and
/// verified, before its L1 transaction is sent), `sent` (the L1 transaction sent, before its
/// receipt: pending or mined), `finalizing` (a batch final on L1, before `mark_finalized` is sent
/// to AlstraNet). If `ALSTRA_RELAYER_CRASH_AT` names `point`, the process exits with
/// [`CRASH_EXIT_CODE`] without any clean-up, as `kill -9` would leave it.
fn crash_point(point: &str) {
	if std::env::var("ALSTRA_RELAYER_CRASH_AT").is_ok_and(|p| p == point) {
		eprintln!("ALSTRA_RELAYER_CRASH_AT={point}: exiting here as a killed relayer would");
		std::process::exit(CRASH_EXIT_CODE);
	}
}

/// Arguments of `alstra relayer`.
#[derive(Debug, clap::Args)]
pub struct RelayerArgs {
	/// AlstraNet node (Substrate JSON-RPC, `ws://` or `http://`; the same port serves both).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// Ethereum JSON-RPC endpoint of the L1.
	#[arg(long)]
	pub l1_rpc: String,
	/// Private key (0x + 32 bytes hex) of the L1 account that pays for the submissions; also
	/// read from ALSTRA_L1_KEY.
	#[arg(long, env = "ALSTRA_L1_KEY", hide_env_values = true)]
	pub l1_key: String,
	/// The addresses file of `alstra l1 deploy`.
	#[arg(long, default_value = "alstra-l1.json")]
	pub deployment: PathBuf,
	/// Keys directory of the batch circuit (`alstra prover setup`; the verifier on L1 holds its
	/// verifying key).
	#[arg(long)]
	pub keys: PathBuf,
	/// Secret URI (sr25519) of the relayer's AlstraNet account, a member of `RelayerMembership`
	/// (e.g. `//Ferdie` on a dev chain); also read from ALSTRA_RELAYER_SURI.
	#[arg(long, env = "ALSTRA_RELAYER_SURI", hide_env_values = true)]
	pub relayer_suri: String,
	/// L1 finality: 0 uses the `finalized` block tag (Ethereum's Casper FFG); N > 0 counts N
	/// blocks on top of the batch's block (a dev L1 such as anvil, which finalizes nothing).
	#[arg(long, default_value_t = 0)]
	pub confirmations: u64,
	/// Seconds between rounds that found nothing to do.
	#[arg(long, default_value_t = 6)]
	pub poll_seconds: u64,
	/// Where the relayer keeps the batches' transition records (needed to prove after pruning).
	#[arg(long, default_value = "alstra-relayer")]
	pub data_dir: PathBuf,
	/// Stop once batch N is finalized on AlstraNet (all of `1..=N` relayed); runs forever
	/// otherwise.
	#[arg(long)]
	pub until_batch: Option<u64>,
	/// Serve Prometheus metrics on this address (e.g. 127.0.0.1:9616), at `/metrics`.
	#[arg(long)]
	pub prometheus: Option<std::net::SocketAddr>,
	/// Seconds a batch's L1 transaction may stay unmined before it is sent again with higher
	/// fees (same nonce: it replaces the first).
	#[arg(long, default_value_t = 180)]
	pub l1_stuck_seconds: u64,
	/// Highest `maxFeePerGas` (gwei) a fee bump may reach; a transaction still unmined there
	/// is left to wait.
	#[arg(long, default_value_t = 500)]
	pub l1_max_fee_gwei: u64,
	/// Seconds this relayer leaves a batch ready for L1 to the relayer whose turn it is (see the
	/// module docs) before it proves and submits the batch itself; 0: never waits.
	#[arg(long, default_value_t = 300)]
	pub takeover_seconds: u64,
}

/// How many times (every 2 s) the relayer reads the L1 target at AlstraNet's finalized block
/// before it says the validators sign for another one (a target set a few blocks ago is not
/// finalized yet).
const TARGET_WAIT_ROUNDS: u32 = 15;

/// `pallet_attestation::Subject`.
#[derive(Clone, Copy, Debug, Encode)]
enum Subject {
	Batch(u64),
	Handover(u64),
}

/// `pallet_attestation::runtime_api::Attestation`.
#[derive(Clone, Debug, Decode)]
struct Attestation {
	digest: [u8; 32],
	committee: u64,
	threshold: u32,
	signatures: Vec<([u8; 20], [u8; 65])>,
}

/// `pallet_attestation::L1TargetInfo`.
#[derive(Clone, Copy, Debug, Decode, PartialEq, Eq)]
struct L1Target {
	chain_id: u64,
	rollup_manager: [u8; 20],
}

/// What a round did.
#[derive(Debug, PartialEq, Eq)]
enum Round {
	/// Wrote something: go on at once.
	Progress(String),
	/// Waiting for the chain, the validators or L1.
	Idle(String),
	/// `--until-batch` is finalized.
	Done,
}

/// The relayer's connections.
struct Relayer {
	api: OnlineClient<PolkadotConfig>,
	node: Node,
	signer: Keypair,
	l1: DynProvider,
	manager: RollupManager::RollupManagerInstance<DynProvider>,
	deployment: L1Deployment,
	keys: PathBuf,
	confirmations: u64,
	data_dir: PathBuf,
	until: Option<u64>,
	/// The relayer's L1 account.
	l1_from: Address,
	/// `--l1-stuck-seconds`.
	stuck_after: Duration,
	/// `--l1-max-fee-gwei`, in wei.
	max_fee_cap: u128,
	/// The lowest batch not known to be finalized on AlstraNet.
	low: AtomicU64,
	/// `--takeover-seconds`.
	takeover: Duration,
	/// The batch ready for L1 that is another relayer's turn, and since when this relayer sees
	/// it so.
	waiting_since: std::sync::Mutex<Option<(u64, std::time::Instant)>>,
	metrics: Metrics,
}

/// The relayer's Prometheus metrics (`--prometheus ADDR`, served at `/metrics`).
struct Metrics {
	batches_pending: prometheus::IntGauge,
	l1_last_batch: prometheus::IntGauge,
	last_finalized_batch: prometheus::IntGauge,
	proving_seconds: prometheus::Histogram,
	l1_gas_used: prometheus::IntCounter,
	submitted: prometheus::IntCounter,
	errors: prometheus::IntCounter,
	fee_bumps: prometheus::IntCounter,
}

impl Metrics {
	fn new(registry: &prometheus::Registry) -> Result<Self> {
		use prometheus::{Histogram, HistogramOpts, IntCounter, IntGauge};
		let m = Metrics {
			batches_pending: IntGauge::new(
				"alstra_relayer_batches_pending",
				"Sealed batches in AlstraNet's finalized chain that are not finalized on L1 yet",
			)?,
			l1_last_batch: IntGauge::new("alstra_relayer_l1_last_batch", "RollupManager.lastBatch on L1")?,
			last_finalized_batch: IntGauge::new(
				"alstra_relayer_last_finalized_batch",
				"The last batch reported finalized on AlstraNet (all earlier ones are too)",
			)?,
			proving_seconds: Histogram::with_opts(
				HistogramOpts::new("alstra_relayer_proving_seconds", "Time to rebuild, prove and verify one batch")
					.buckets(vec![5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0]),
			)?,
			l1_gas_used: IntCounter::new(
				"alstra_relayer_l1_gas_used_total",
				"Gas used by this relayer's L1 transactions (submitBatch, changeValidators)",
			)?,
			submitted: IntCounter::new("alstra_relayer_batches_submitted_total", "Batches this relayer got accepted on L1")?,
			errors: IntCounter::new("alstra_relayer_errors_total", "Rounds that failed (and were retried)")?,
			fee_bumps: IntCounter::new(
				"alstra_relayer_l1_fee_bumps_total",
				"L1 transactions sent again with higher fees because they stayed unmined",
			)?,
		};
		registry.register(Box::new(m.batches_pending.clone()))?;
		registry.register(Box::new(m.l1_last_batch.clone()))?;
		registry.register(Box::new(m.last_finalized_batch.clone()))?;
		registry.register(Box::new(m.proving_seconds.clone()))?;
		registry.register(Box::new(m.l1_gas_used.clone()))?;
		registry.register(Box::new(m.submitted.clone()))?;
		registry.register(Box::new(m.errors.clone()))?;
		registry.register(Box::new(m.fee_bumps.clone()))?;
		Ok(m)
	}
}

/// Runs `alstra relayer`.
pub async fn run(args: &RelayerArgs) -> Result<()> {
	// logs: RUST_LOG (default: this command's at `info`, others' warnings), to stdout. Not
	// `info` for every crate: arkworks opens a tracing span per constraint namespace, and a
	// subscriber that records them slows proving down by orders of magnitude.
	let _ = tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,alstra=info")),
		)
		.with_target(false)
		.try_init();
	let registry = prometheus::Registry::new();
	let metrics = Metrics::new(&registry)?;
	if let Some(addr) = args.prometheus {
		let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("--prometheus {addr}: cannot listen"))?;
		drop(listener); // free the port for the endpoint: the bind above checks it early
		tokio::spawn(async move {
			if let Err(e) = prometheus_endpoint::init_prometheus(addr, registry).await {
				tracing::error!("the Prometheus endpoint on {addr} stopped: {e}");
			}
		});
		tracing::info!("Prometheus metrics on http://{addr}/metrics");
	}
	let relayer = Relayer::connect(args, metrics).await?;
	let mut last_wait = String::new();
	loop {
		match relayer.round().await {
			Ok(Round::Done) => {
				tracing::info!("batch {} is finalized on AlstraNet: done", args.until_batch.unwrap_or_default());
				return Ok(());
			},
			Ok(Round::Progress(what)) => tracing::info!("{what}"),
			Ok(Round::Idle(why)) => {
				// said once per reason, not every round
				if why != last_wait {
					tracing::info!("waiting: {why}");
					last_wait = why;
				}
				tokio::time::sleep(Duration::from_secs(args.poll_seconds)).await;
			},
			Err(e) => {
				relayer.metrics.errors.inc();
				tracing::warn!("round failed (retrying in {} s): {e:#}", args.poll_seconds);
				tokio::time::sleep(Duration::from_secs(args.poll_seconds)).await;
			},
		}
	}
}

/// Calls runtime API function `function` (`AttestationApi_committee`...) with SCALE `args` at
/// AlstraNet's last finalized block and decodes its answer.
pub async fn runtime_call<T: Decode>(api: &OnlineClient<PolkadotConfig>, function: &str, args: impl Encode) -> Result<T> {
	let at = api.at_current_block().await.context("cannot read AlstraNet's finalized block")?;
	let encoded = args.encode();
	let bytes = at
		.runtime_apis()
		.call_raw(function, Some(&encoded))
		.await
		.with_context(|| format!("{function} at AlstraNet's finalized block"))?;
	T::decode(&mut &bytes[..]).with_context(|| format!("{function}: cannot decode the answer"))
}

/// AlstraNet's current validator committee: its id and its members' attestation addresses.
pub async fn current_committee(node: &str) -> Result<(u64, Vec<Address>)> {
	let ws = node.replacen("http://", "ws://", 1).replacen("https://", "wss://", 1);
	let api = OnlineClient::<PolkadotConfig>::from_url(&ws)
		.await
		.with_context(|| format!("cannot reach the AlstraNet node at {ws}"))?;
	let id: u64 = runtime_call(&api, "AttestationApi_current_committee", ()).await?;
	let members: Option<Vec<[u8; 20]>> = runtime_call(&api, "AttestationApi_committee", id).await?;
	let members = members.ok_or_else(|| anyhow!("AlstraNet has no committee {id}"))?;
	ensure!(!members.is_empty(), "AlstraNet's committee {id} is empty (no validator has an attestation key)");
	Ok((id, members.into_iter().map(Address::from).collect()))
}

fn u256_le(bytes: &[u8; 32]) -> U256 {
	U256::from_le_bytes(*bytes)
}

impl Relayer {
	/// Connects to both chains and checks that they and the arguments fit together, with an
	/// error that names what is wrong.
	async fn connect(args: &RelayerArgs, metrics: Metrics) -> Result<Self> {
		let deployment: L1Deployment = serde_json::from_slice(
			&std::fs::read(&args.deployment).with_context(|| format!("cannot read {}", args.deployment.display()))?,
		)
		.with_context(|| format!("{} is not an `alstra l1 deploy` addresses file", args.deployment.display()))?;
		let key: B256 = args.l1_key.parse().map_err(|_| anyhow!("--l1-key is not a 0x-prefixed 32-byte private key"))?;
		let l1_signer = PrivateKeySigner::from_bytes(&key).context("--l1-key is not a valid secp256k1 key")?;
		let l1_from = l1_signer.address();
		let wallet = EthereumWallet::from(l1_signer);
		let url = args.l1_rpc.parse().with_context(|| format!("--l1-rpc {} is not a URL", args.l1_rpc))?;
		let l1 = ProviderBuilder::new().wallet(wallet).connect_http(url).erased();
		let chain_id = l1
			.get_chain_id()
			.await
			.with_context(|| format!("cannot reach the L1 Ethereum JSON-RPC endpoint {}", args.l1_rpc))?;
		ensure!(
			chain_id == deployment.l1_chain_id,
			"the L1 at {} has chain id {chain_id}, {} was deployed on chain {}",
			args.l1_rpc,
			args.deployment.display(),
			deployment.l1_chain_id
		);
		ensure!(
			!l1.get_code_at(deployment.rollup_manager).await?.is_empty(),
			"no contract at RollupManager {} on L1 chain {chain_id}",
			deployment.rollup_manager
		);
		let manager = RollupManager::new(deployment.rollup_manager, l1.clone());
		let ws = args.node.replacen("http://", "ws://", 1).replacen("https://", "wss://", 1);
		let api = OnlineClient::<PolkadotConfig>::from_url(&ws)
			.await
			.with_context(|| format!("cannot reach the AlstraNet node at {ws}"))?;
		let uri = SecretUri::from_str(&args.relayer_suri).map_err(|_| anyhow!("--relayer-suri is not a secret URI"))?;
		let signer = Keypair::from_uri(&uri).map_err(|e| anyhow!("--relayer-suri: {e}"))?;
		std::fs::create_dir_all(args.data_dir.join("proofs"))
			.with_context(|| format!("cannot create {}", args.data_dir.join("proofs").display()))?;
		std::fs::create_dir_all(args.data_dir.join("records"))
			.with_context(|| format!("cannot create {}", args.data_dir.display()))?;
		let relayer = Relayer {
			api,
			node: Node::new(&args.node),
			signer,
			l1,
			manager,
			deployment,
			keys: args.keys.clone(),
			confirmations: args.confirmations,
			data_dir: args.data_dir.clone(),
			until: args.until_batch,
			l1_from,
			stuck_after: Duration::from_secs(args.l1_stuck_seconds.max(1)),
			max_fee_cap: args.l1_max_fee_gwei as u128 * 1_000_000_000,
			low: AtomicU64::new(1),
			takeover: Duration::from_secs(args.takeover_seconds),
			waiting_since: std::sync::Mutex::new(None),
			metrics,
		};
		let expected = L1Target { chain_id, rollup_manager: relayer.deployment.rollup_manager.into_array() };
		// a target just set may not be finalized yet: wait a little before calling it wrong
		let mut target: Option<L1Target> = None;
		for attempt in 0..TARGET_WAIT_ROUNDS {
			target = relayer.call("AttestationApi_l1_target", ()).await?;
			if target == Some(expected) {
				break;
			}
			if attempt + 1 < TARGET_WAIT_ROUNDS {
				tokio::time::sleep(Duration::from_secs(2)).await;
			}
		}
		ensure!(
			target == Some(expected),
			"AlstraNet's validators sign for L1 target {target:?}, not for RollupManager {} on chain {chain_id}: \
			 governance sets it with attestation.setL1Target",
			relayer.deployment.rollup_manager
		);
		Ok(relayer)
	}

	/// Calls a runtime API function at the last finalized block and decodes its answer.
	async fn call<T: Decode>(&self, function: &str, args: impl Encode) -> Result<T> {
		runtime_call(&self.api, function, args).await
	}

	/// Sends `Rollup.<call>(args)` as the relayer account and waits for it in a finalized block.
	async fn report<A: subxt::ext::scale_encode::EncodeAsFields>(&self, call: &str, args: A) -> Result<()> {
		let tx = subxt::dynamic::transaction("Rollup", call, args);
		let at = self.api.at_current_block().await?;
		at.transactions()
			.sign_and_submit_then_watch_default(&tx, &self.signer)
			.await
			.with_context(|| format!("Rollup.{call}: cannot submit"))?
			.wait_for_finalized_success()
			.await
			.with_context(|| format!("Rollup.{call} failed (is the relayer account a member of RelayerMembership?)"))?;
		Ok(())
	}

	/// Whether L1 block `block` is final.
	async fn l1_final(&self, block: u64) -> Result<bool> {
		if self.confirmations == 0 {
			let finalized = self
				.l1
				.get_block_by_number(alloy::eips::BlockNumberOrTag::Finalized)
				.await?
				.map(|b| b.header.number)
				.unwrap_or_default();
			Ok(finalized >= block)
		} else {
			Ok(self.l1.get_block_number().await? >= block + self.confirmations)
		}
	}

	/// One round (see the module docs).
	async fn round(&self) -> Result<Round> {
		let status: RollupStatus = self.call("RollupApi_status", ()).await?;
		let l1_last: u64 = self.manager.lastBatch().call().await?.try_into()?;
		// the batches from the lowest one not finalized on AlstraNet (those below never change)
		let low = self.low.load(Ordering::Relaxed);
		let mut headers: Vec<BatchHeader> = Vec::new();
		for n in low..status.next_batch {
			let h: BatchHeader = self.call::<Option<BatchHeader>>("RollupApi_batch", n).await?.ok_or_else(|| anyhow!("batch {n} has no header"))?;
			if headers.is_empty() && h.status == BatchStatus::Finalized {
				self.low.store(n + 1, Ordering::Relaxed);
				continue;
			}
			headers.push(h);
		}
		let low = self.low.load(Ordering::Relaxed);
		self.metrics.last_finalized_batch.set(low as i64 - 1);
		self.metrics.batches_pending.set(headers.len() as i64);
		self.metrics.l1_last_batch.set(l1_last as i64);
		if self.until.is_some_and(|until| until < low) {
			return Ok(Round::Done);
		}
		let status_of = |n: u64| if n < low { Some(BatchStatus::Finalized) } else { headers.get((n - low) as usize).map(|h| h.status) };
		// 1. report back, in order
		for h in headers.iter().filter(|h| h.number <= l1_last) {
			let n = h.number;
			let previous = if n > 1 { status_of(n - 1) } else { None };
			let at_least = |s: BatchStatus| previous.is_none_or(|p| p as u8 >= s as u8);
			match h.status {
				BatchStatus::Sealed if at_least(BatchStatus::Proven) => {
					self.report("mark_proven", (n,)).await?;
					return Ok(Round::Progress(format!("batch {n}: reported proven on AlstraNet")));
				},
				BatchStatus::Proven if at_least(BatchStatus::Submitted) => {
					let (tx, _) = self.l1_transaction(n).await?;
					self.report("mark_submitted", (n, tx.0)).await?;
					return Ok(Round::Progress(format!("batch {n}: reported submitted on AlstraNet (L1 transaction {tx})")));
				},
				BatchStatus::Submitted if at_least(BatchStatus::Finalized) => {
					let (tx, l1_block) = self.l1_transaction(n).await?;
					if self.l1_final(l1_block).await? {
						// an L1 reorg dropped the reported transaction and the batch was sent
						// again: AlstraNet records the transaction that L1 holds before finality
						if h.l1_transaction != Some(tx.0) {
							self.report("mark_submitted", (n, tx.0)).await?;
							return Ok(Round::Progress(format!(
								"batch {n}: L1 transaction {tx} reported on AlstraNet (the one reported before left L1 in a reorg)"
							)));
						}
						crash_point("finalizing");
						self.report("mark_finalized", (n,)).await?;
						return Ok(Round::Progress(format!("batch {n}: reported finalized on AlstraNet")));
					}
				},
				_ => {},
			}
		}
		// 2. and 3. the next batch to L1
		let next = l1_last + 1;
		let Some(header) = headers.iter().find(|h| h.number == next) else {
			// Nothing sealed waits for L1: keep L1's validator set current, so that a validator
			// the council removed can no longer sign for L1 even while no batch is sealed. Safe:
			// every batch sealed after AlstraNet's finalized block is signed by its current
			// committee or a later one, never by the one L1 would leave.
			let current: u64 = self.call("AttestationApi_current_committee", ()).await?;
			let l1_set = self.manager.validatorSetId().call().await?;
			if l1_set < current {
				return self.hand_over(l1_set + 1).await;
			}
			return Ok(Round::Idle(format!("batch {next} is not sealed in a finalized block yet")));
		};
		let Some(attestation) = self.call::<Option<Attestation>>("AttestationApi_attestation", Subject::Batch(next)).await?
		else {
			return Ok(Round::Idle(format!("batch {next}: nothing to sign yet (seal hash not recorded)")));
		};
		if (attestation.signatures.len() as u32) < attestation.threshold {
			return Ok(Round::Idle(format!(
				"batch {next}: {} of the {} signatures needed from committee {}",
				attestation.signatures.len(),
				attestation.threshold,
				attestation.committee
			)));
		}
		let l1_set = self.manager.validatorSetId().call().await?;
		if l1_set < attestation.committee {
			return self.hand_over(l1_set + 1).await;
		}
		ensure!(
			l1_set == attestation.committee,
			"batch {next} was signed by committee {}, L1 already has committee {l1_set}: it cannot be submitted",
			attestation.committee
		);
		if let Some(wait) = self.turn_of_another(next).await? {
			return Ok(Round::Idle(wait));
		}
		self.submit(header.clone(), attestation).await
	}

	/// Whether batch `n`, ready for L1, is left to another relayer for now: `Some(why)` while
	/// it is the turn of another member of `RelayerMembership` (the members in the pallet's
	/// order, `members[n % len]`) and this relayer has seen it ready for less than
	/// `--takeover-seconds`. A relayer that holds a proof of `n` already, or is not a member,
	/// never waits.
	async fn turn_of_another(&self, n: u64) -> Result<Option<String>> {
		if self.takeover.is_zero() || self.data_dir.join("proofs").join(format!("{n}.bin")).exists() {
			return Ok(None);
		}
		let at = self.api.at_current_block().await.context("cannot read AlstraNet's finalized block")?;
		let members: Vec<[u8; 32]> = at
			.storage()
			.fetch(subxt::storage::dynamic::<(), Vec<[u8; 32]>>("RelayerMembership", "Members"), ())
			.await
			.context("RelayerMembership.Members")?
			.decode_as()
			.context("RelayerMembership.Members: cannot decode")?;
		let me = self.signer.public_key().0;
		let Some(turn) = members.get((n % members.len().max(1) as u64) as usize) else { return Ok(None) };
		if *turn == me || !members.contains(&me) {
			return Ok(None);
		}
		let mut waiting = self.waiting_since.lock().expect("not poisoned");
		if !matches!(*waiting, Some((batch, _)) if batch == n) {
			*waiting = Some((n, std::time::Instant::now()));
		}
		let since = waiting.expect("set above").1;
		drop(waiting);
		let owner = subxt::utils::AccountId32(*turn);
		if since.elapsed() >= self.takeover {
			tracing::warn!(
				"batch {n}: the turn of relayer {owner}, still not on L1 after {} s: taking it over",
				self.takeover.as_secs()
			);
			return Ok(None);
		}
		Ok(Some(format!("batch {n} is the turn of relayer {owner} (taken over after {} s)", self.takeover.as_secs())))
	}

	/// Sends batch `n`'s `submitBatch` transaction and waits for its receipt, replacing it with
	/// higher fees while it stays unmined (module doc). `None`: L1 accepted the batch through
	/// another relayer's transaction.
	async fn send_batch(
		&self,
		n: u64,
		request: alloy::rpc::types::TransactionRequest,
	) -> Result<Option<alloy::rpc::types::TransactionReceipt>> {
		let accepted_elsewhere = || async {
			let last: u64 = self.manager.lastBatch().call().await?.try_into()?;
			anyhow::Ok(last >= n)
		};
		// nonce, gas and fees fixed once: a replacement is the same transaction with higher fees (and
		// `eth_estimateGas` would refuse it, its nonce being taken by the pending one)
		let gas = match self.l1.estimate_gas(request.clone()).await {
			Ok(gas) => gas,
			Err(e) => {
				if accepted_elsewhere().await? {
					return Ok(None);
				}
				return Err(anyhow!(e).context(format!("submitBatch({n}) was refused by L1")));
			},
		};
		let request = request.gas_limit(gas);
		let nonce = self.l1.get_transaction_count(self.l1_from).pending().await.context("eth_getTransactionCount")?;
		let fees = self.l1.estimate_eip1559_fees().await.context("estimating L1 fees")?;
		let (mut max_fee, mut tip) = (fees.max_fee_per_gas, fees.max_priority_fee_per_gas);
		let mut sent: Vec<B256> = Vec::new();
		let mut send = true;
		loop {
			if send {
				let tx = request.clone().nonce(nonce).max_fee_per_gas(max_fee).max_priority_fee_per_gas(tip);
				match self.l1.send_transaction(tx).await {
					Ok(pending) => {
						if let Some(stuck) = sent.last() {
							tracing::warn!(
								"batch {n}: L1 transaction {stuck} unmined after {} s: replaced by {} (nonce {nonce}, fees +12.5%: maxFeePerGas {max_fee} wei, tip {tip} wei)",
								self.stuck_after.as_secs(),
								pending.tx_hash()
							);
						}
						sent.push(*pending.tx_hash());
					},
					Err(e) => {
						if accepted_elsewhere().await? {
							return Ok(None);
						}
						if sent.is_empty() {
							return Err(anyhow!(e).context(format!("submitBatch({n}) was refused by L1")));
						}
						// e.g. the one before was mined meanwhile: its receipt is read below
						tracing::warn!("batch {n}: the replacement transaction was refused ({e}); waiting for the ones sent");
					},
				}
				if sent.len() == 1 {
					crash_point("sent");
				}
				send = false;
			}
			let deadline = tokio::time::Instant::now() + self.stuck_after;
			while tokio::time::Instant::now() < deadline {
				for hash in &sent {
					if let Some(receipt) = self.l1.get_transaction_receipt(*hash).await.context("eth_getTransactionReceipt")? {
						return Ok(Some(receipt));
					}
				}
				tokio::time::sleep(Duration::from_secs(1)).await;
			}
			if accepted_elsewhere().await? {
				return Ok(None);
			}
			let (bumped_fee, bumped_tip) = (max_fee + max_fee / 8 + 1, tip + tip / 8 + 1);
			let last = *sent.last().expect("one sent");
			if bumped_fee > self.max_fee_cap {
				tracing::warn!(
					"batch {n}: L1 transaction {last} unmined after {} s at maxFeePerGas {max_fee} wei; a bump would pass --l1-max-fee-gwei: waiting",
					self.stuck_after.as_secs()
				);
				continue;
			}
			send = true;
			self.metrics.fee_bumps.inc();
			(max_fee, tip) = (bumped_fee, bumped_tip);
		}
	}

	/// The L1 transaction that carried batch `n` and its L1 block (its `BatchAccepted` log; L1
	/// stores only the hash of a batch's record, the record is in that log).
	async fn l1_transaction(&self, n: u64) -> Result<(B256, u64)> {
		let logs = self
			.manager
			.BatchAccepted_filter()
			.topic1(U256::from(n))
			.from_block(self.deployment.deployed_at_block)
			.query()
			.await?;
		logs.first()
			.and_then(|(_, log)| Some((log.transaction_hash?, log.block_number?)))
			.ok_or_else(|| anyhow!("no BatchAccepted log of batch {n} on L1"))
	}

	/// Hands L1 over to committee `k` with its predecessor's signatures.
	async fn hand_over(&self, k: u64) -> Result<Round> {
		let Some(a) = self.call::<Option<Attestation>>("AttestationApi_attestation", Subject::Handover(k)).await? else {
			bail!("the handover to committee {k} is unknown to AlstraNet");
		};
		if (a.signatures.len() as u32) < a.threshold {
			return Ok(Round::Idle(format!(
				"handover to committee {k}: {} of the {} signatures of committee {}",
				a.signatures.len(),
				a.threshold,
				a.committee
			)));
		}
		let members: Vec<[u8; 20]> =
			self.call::<Option<Vec<[u8; 20]>>>("AttestationApi_committee", k).await?.ok_or_else(|| anyhow!("no committee {k}"))?;
		let members: Vec<Address> = members.into_iter().map(Address::from).collect();
		let digest = alstra_bpm_core::proof::l1::validator_set_change_digest(&self.domain(), k, &members.iter().map(|m| m.into_array()).collect::<Vec<_>>());
		ensure!(digest == a.digest, "handover to committee {k}: the signed digest is not the one computed here");
		let signatures: Vec<Bytes> = a.signatures.iter().map(|(_, s)| Bytes::copy_from_slice(s)).collect();
		let receipt = self
			.manager
			.changeValidators(k, members, signatures)
			.send()
			.await
			.with_context(|| format!("changeValidators({k}) was refused by L1"))?
			.get_receipt()
			.await?;
		ensure!(receipt.status(), "changeValidators({k}) reverted in {}", receipt.transaction_hash);
		self.metrics.l1_gas_used.inc_by(receipt.gas_used);
		Ok(Round::Progress(format!("L1 handed over to committee {k} ({})", receipt.transaction_hash)))
	}

	fn domain(&self) -> Domain {
		Domain { chain_id: self.deployment.l1_chain_id, verifying_contract: self.deployment.rollup_manager.into_array() }
	}

	/// The proof of batch `n` that this relayer made before (`proofs/<n>.bin` in `--data-dir`,
	/// written as soon as a proof verified), if it still verifies against the batch's public
	/// inputs as rebuilt from the chain (`check`). A relayer killed after proving, or whose L1
	/// transaction a reorg dropped, so sends the same proof again instead of spending a minute of
	/// CPU on a new one; a file that is unreadable, corrupt or for other inputs (other keys) is
	/// ignored and the batch is proven again.
	fn kept_proof(
		dir: &Path,
		n: u64,
		check: impl Fn(&alstra_prover::groth::BatchProof) -> Result<bool>,
	) -> Option<alstra_prover::groth::BatchProof> {
		let file = dir.join("proofs").join(format!("{n}.bin"));
		let bytes = std::fs::read(&file).ok()?;
		match alstra_prover::groth::from_bytes(&bytes) {
			Ok(proof) if check(&proof).unwrap_or(false) => Some(proof),
			_ => {
				tracing::warn!("{}: not a proof of batch {n} with these keys; proving again", file.display());
				None
			},
		}
	}

	/// Makes sure the records of every batch before `n` are in `--data-dir` or on the chain:
	/// those that AlstraNet pruned (batches finalized on L1) and that this relayer never saw (it
	/// joined later, or lost its data dir) are taken from the calldata of the `submitBatch`
	/// transaction that carried them to L1 (rollup mode: 12 bytes per record) and cached. They
	/// need no trust in L1 or in whoever sent them: proving replays them and checks each batch's
	/// roots against the headers on chain. In validium mode they are not on L1: the error says
	/// to copy `records/` from another relayer.
	async fn recover_records(&self, n: u64) -> Result<()> {
		for k in 1..n {
			let file = self.data_dir.join("records").join(format!("{k}.json"));
			if file.exists() || self.node.batch_records(k)?.is_some() {
				continue;
			}
			ensure!(
				self.deployment.mode == crate::l1::DaMode::Rollup,
				"the records of batch {k} were pruned on AlstraNet, are not in {} and a validium L1 does not hold them: \
				 copy records/ from another relayer's --data-dir",
				file.display()
			);
			let (tx, _) = self.l1_transaction(k).await?;
			let t: serde_json::Value = self
				.l1
				.raw_request("eth_getTransactionByHash".into(), (tx,))
				.await
				.with_context(|| format!("batch {k}: eth_getTransactionByHash({tx})"))?;
			let input = t["input"].as_str().ok_or_else(|| anyhow!("batch {k}: L1 transaction {tx} not found"))?;
			let input: Bytes = input.parse().with_context(|| format!("batch {k}: the input of {tx} is not hex"))?;
			use alloy::sol_types::SolCall;
			let call = RollupManager::submitBatchCall::abi_decode(&input)
				.with_context(|| format!("batch {k}: L1 transaction {tx} is not a submitBatch call"))?;
			ensure!(call.data.len() % 12 == 0, "batch {k}: {} bytes of records in {tx}, not a multiple of 12", call.data.len());
			let hex: Vec<String> = call
				.data
				.chunks(12)
				.map(|c| {
					let mut b = [0u8; 16];
					b[4..].copy_from_slice(c);
					format!("{:x}", u128::from_be_bytes(b))
				})
				.collect();
			std::fs::write(&file, serde_json::to_string(&hex)?).with_context(|| format!("cannot write {}", file.display()))?;
			tracing::info!("batch {k}: {} records recovered from L1 transaction {tx} (pruned on AlstraNet)", hex.len());
		}
		Ok(())
	}

	/// The records of batch `k`: from the cache, else from the chain (and cached).
	fn records(node: &Node, dir: &Path, k: u64) -> Result<Option<Vec<u128>>> {
		let file = dir.join("records").join(format!("{k}.json"));
		if let Ok(text) = std::fs::read_to_string(&file) {
			let hex: Vec<String> = serde_json::from_str(&text).with_context(|| format!("{} is corrupt", file.display()))?;
			return hex
				.iter()
				.map(|h| u128::from_str_radix(h, 16).map_err(|_| anyhow!("{} is corrupt", file.display())))
				.collect::<Result<Vec<_>>>()
				.map(Some);
		}
		let Some(records) = node.batch_records(k)? else { return Ok(None) };
		let hex: Vec<String> = records.iter().map(|r| format!("{r:x}")).collect();
		std::fs::write(&file, serde_json::to_string(&hex)?).with_context(|| format!("cannot write {}", file.display()))?;
		Ok(Some(records))
	}

	/// Proves batch `header.number` and submits it with `attestation`'s signatures.
	async fn submit(&self, header: BatchHeader, attestation: Attestation) -> Result<Round> {
		let n = header.number;
		let sealed_at_hash: String = self.node.rpc("chain_getBlockHash", serde_json::json!([header.sealed_at]))?;
		let sealed_at_hash: B256 = sealed_at_hash.parse().context("chain_getBlockHash")?;
		let message = BatchHeaderMessage {
			number: n,
			old_root: header.old_root,
			new_root: header.new_root,
			definitions_root: header.defs_root,
			commitment: header.commitment,
			sealed_at: header.sealed_at,
			sealed_at_hash: sealed_at_hash.0,
		};
		ensure!(
			message.digest(&self.domain()) == attestation.digest,
			"batch {n}: the digest the validators signed is not the header's (another sealing block hash?)"
		);
		self.recover_records(n).await?;
		// prove (CPU-bound: off the async runtime)
		let (node_url, keys, dir) = (self.node.url().to_string(), self.keys.clone(), self.data_dir.clone());
		let t0 = std::time::Instant::now();
		let (proof, batch, kept) = tokio::task::spawn_blocking(move || -> Result<_> {
			let node = Node::new(&node_url);
			let (params, pk, vk) = alstra_prover::cli::load_keys(&keys)?;
			let (batch, _) = chain_data::batch_from_chain_with(&node, params, n, &mut |k| Relayer::records(&node, &dir, k))?;
			let public = batch.public_inputs();
			if let Some(proof) = Relayer::kept_proof(&dir, n, |p| alstra_prover::groth::verify(&vk, &public, p)) {
				return Ok((proof, batch, true));
			}
			let proof = alstra_prover::groth::prove(&pk, &batch, alstra_prover::groth::ProofRandomness::Os)?;
			ensure!(alstra_prover::groth::verify(&vk, &public, &proof)?, "batch {n}: the proof does not verify");
			let file = dir.join("proofs").join(format!("{n}.bin"));
			std::fs::write(&file, alstra_prover::groth::to_bytes(&proof))
				.with_context(|| format!("cannot write {}", file.display()))?;
			Ok((proof, batch, false))
		})
		.await??;
		let proving = t0.elapsed();
		if kept {
			tracing::info!("batch {n}: the proof kept in {} verifies: not proven again", self.data_dir.join("proofs").display());
		} else {
			self.metrics.proving_seconds.observe(proving.as_secs_f64());
		}
		crash_point("proved");
		let (a, b, c) = alstra_prover::export::solidity_calldata(&proof);
		let num = |s: &String| s.parse::<U256>().expect("decimal coordinates");
		let proof = RollupManager::Proof {
			a: [num(&a[0]), num(&a[1])],
			b: [[num(&b[0][0]), num(&b[0][1])], [num(&b[1][0]), num(&b[1][1])]],
			c: [num(&c[0]), num(&c[1])],
		};
		let data: Bytes = match self.deployment.mode {
			crate::l1::DaMode::Rollup => batch.records().iter().flat_map(|r| r.to_be_bytes()[4..].to_vec()).collect::<Vec<u8>>().into(),
			crate::l1::DaMode::Validium => Bytes::new(),
		};
		let l1_header = RollupManager::BatchHeader {
			number: n,
			oldRoot: u256_le(&header.old_root),
			newRoot: u256_le(&header.new_root),
			definitionsRoot: u256_le(&header.defs_root),
			commitment: u256_le(&header.commitment),
			sealedAt: header.sealed_at,
			sealedAtHash: sealed_at_hash,
		};
		let signatures: Vec<Bytes> = attestation.signatures.iter().map(|(_, s)| Bytes::copy_from_slice(s)).collect();
		let request = self.manager.submitBatch(l1_header, proof, signatures, data).into_transaction_request();
		let Some(receipt) = self.send_batch(n, request).await? else {
			return Ok(Round::Progress(format!("batch {n} was submitted by another relayer")));
		};
		ensure!(receipt.status(), "submitBatch({n}) reverted in {}", receipt.transaction_hash);
		self.metrics.l1_gas_used.inc_by(receipt.gas_used);
		self.metrics.submitted.inc();
		Ok(Round::Progress(format!(
			"batch {n} ({} transitions) proven in {:.1} s and accepted on L1 in {} (gas {})",
			header.transitions,
			proving.as_secs_f64(),
			receipt.transaction_hash,
			receipt.gas_used
		)))
	}
}
