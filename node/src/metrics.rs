//! AlstraNet's own Prometheus metrics (Alastria MONIT_001), next to Substrate's on the node's
//! Prometheus endpoint (`--prometheus-port`, 9615 by default; `/metrics`).
//!
//! Every value is read from the node's own database: the chain state and events of its
//! **finalized** blocks (what the consortium agreed on), its best block, and its sync peers.
//! Nothing is sent anywhere; a node without Prometheus (`--no-prometheus`) does not run this.
//!
//! | metric | type | meaning |
//! |---|---|---|
//! | `alstranet_finality_lag_blocks` | gauge | best block number minus finalized block number |
//! | `alstranet_validators` | gauge | validators in the council's set (`validatorSet.validators`) |
//! | `alstranet_validator_silent_sessions{validator}` | gauge | consecutive judged sessions the validator authored no block in (`validatorSet.silentSessions`; 0 = live) |
//! | `alstranet_validator_silent_total` | counter | `validatorSet.ValidatorSilent` events finalized |
//! | `alstranet_well_known_nodes` | gauge | nodes the council authorised (`nodeAuthorization.wellKnownNodes`) |
//! | `alstranet_node_authorized` | gauge | 1 if this node's PeerId is a well-known node, else 0 (it gets no peers) |
//! | `alstranet_authorized_peers` | gauge | peers the chain allows this node (other well-known nodes + its additional connections) |
//! | `alstranet_unauthorized_peers_connected` | gauge | sync peers that are **not** allowed (must stay 0: an outsider syncing) |
//! | `alstranet_bpm_actions_total` | counter | BPM engine actions recorded by the rollup (`rollup.ActionRecorded`) |
//! | `alstranet_bpm_transitions_total` | counter | proven BPM transitions (firings) in those actions |
//! | `alstranet_rollup_open_batch_transitions` | gauge | transitions waiting in the open batch |
//! | `alstranet_rollup_batches_total{event}` | counter | rollup batch events finalized: `sealed`, `proven`, `submitted`, `finalized` (L1) |
//! | `alstranet_rollup_last_batch{status}` | gauge | number of the last batch `sealed` (from the state) / `finalized` on L1 (from the events since the node started) |
//! | `alstranet_metrics_errors_total` | counter | blocks whose state or events could not be read or decoded |
//!
//! Counters start at 0 when the node starts and count what it finalizes from then on
//! (Prometheus' `rate()`/`increase()` handle the restart). Refused connection attempts by nodes
//! that are not authorised are not exposed by sc-network (its protocol controller rejects them
//! without a metric or a hook); `substrate_sub_libp2p_incoming_connections_total` counts every
//! inbound connection and `alstranet_unauthorized_peers_connected` checks that none of them
//! becomes a peer. The dashboard and the alert rules built on these are in `monitoring/`.

use crate::service::FullClient;
use alstranet_runtime::{opaque::Block, AccountId, Runtime, RuntimeEvent};
use futures::{FutureExt, StreamExt};
use polkadot_sdk::{
	frame_system,
	pallet_node_authorization::WellKnownNodes,
	sc_client_api::{BlockchainEvents, StorageProvider},
	sc_network::{service::traits::NetworkService, PeerId},
	sc_network_sync::SyncingService,
	sp_blockchain::HeaderBackend,
	sp_core::{crypto::Ss58Codec, storage::StorageKey, OpaquePeerId, H256},
	sp_io::hashing::twox_128,
	sp_runtime::codec::{Compact, Decode},
	substrate_prometheus_endpoint::{
		register, Counter, CounterVec, Gauge, GaugeVec, Opts, PrometheusError, Registry, U64,
	},
};
use std::{collections::BTreeSet, sync::Arc, time::Duration};

/// How often the sync peers are compared with the authorised ones.
const PEER_CHECK_PERIOD: Duration = Duration::from_secs(6);

/// The metrics, registered in the node's Prometheus registry.
struct Metrics {
	finality_lag: Gauge<U64>,
	validators: Gauge<U64>,
	silent_sessions: GaugeVec<U64>,
	silent_total: Counter<U64>,
	well_known_nodes: Gauge<U64>,
	node_authorized: Gauge<U64>,
	authorized_peers: Gauge<U64>,
	unauthorized_peers: Gauge<U64>,
	bpm_actions: Counter<U64>,
	bpm_transitions: Counter<U64>,
	open_batch: Gauge<U64>,
	batches: CounterVec<U64>,
	last_batch: GaugeVec<U64>,
	errors: Counter<U64>,
}

impl Metrics {
	fn register(r: &Registry) -> Result<Self, PrometheusError> {
		let gauge = |name: &str, help: &str| register(Gauge::new(name, help)?, r);
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, r);
		Ok(Self {
			finality_lag: gauge(
				"alstranet_finality_lag_blocks",
				"Best block number minus finalized block number",
			)?,
			validators: gauge("alstranet_validators", "Validators in the council's validator set")?,
			silent_sessions: register(
				GaugeVec::new(
					Opts::new(
						"alstranet_validator_silent_sessions",
						"Consecutive judged sessions in which the validator authored no block (0: live)",
					),
					&["validator"],
				)?,
				r,
			)?,
			silent_total: counter(
				"alstranet_validator_silent_total",
				"validatorSet.ValidatorSilent events in finalized blocks",
			)?,
			well_known_nodes: gauge(
				"alstranet_well_known_nodes",
				"Nodes authorised by the council (nodeAuthorization.wellKnownNodes)",
			)?,
			node_authorized: gauge(
				"alstranet_node_authorized",
				"1 if this node's PeerId is a well-known node of the chain, else 0",
			)?,
			authorized_peers: gauge(
				"alstranet_authorized_peers",
				"Peers the chain allows this node to connect to",
			)?,
			unauthorized_peers: gauge(
				"alstranet_unauthorized_peers_connected",
				"Sync peers of this node that the chain does not authorise (should be 0)",
			)?,
			bpm_actions: counter(
				"alstranet_bpm_actions_total",
				"BPM engine actions recorded by the rollup in finalized blocks",
			)?,
			bpm_transitions: counter(
				"alstranet_bpm_transitions_total",
				"Proven BPM transitions (firings) recorded in finalized blocks",
			)?,
			open_batch: gauge(
				"alstranet_rollup_open_batch_transitions",
				"Transitions in the rollup's open batch at the finalized block",
			)?,
			batches: register(
				CounterVec::new(
					Opts::new(
						"alstranet_rollup_batches_total",
						"Rollup batch events in finalized blocks (sealed, proven, submitted, finalized)",
					),
					&["event"],
				)?,
				r,
			)?,
			last_batch: register(
				GaugeVec::new(
					Opts::new(
						"alstranet_rollup_last_batch",
						"Number of the last rollup batch sealed / finalized on L1",
					),
					&["status"],
				)?,
				r,
			)?,
			errors: counter(
				"alstranet_metrics_errors_total",
				"Blocks whose state or events the metrics could not read or decode",
			)?,
		})
	}
}

/// Reads and decodes the value at `key` in the state of block `at`; `Ok(None)` if absent.
fn read<T: Decode>(client: &FullClient, at: H256, key: &[u8]) -> Result<Option<T>, String> {
	match client.storage(at, &StorageKey(key.to_vec())).map_err(|e| e.to_string())? {
		None => Ok(None),
		Some(data) => T::decode(&mut &data.0[..]).map(Some).map_err(|e| e.to_string()),
	}
}

/// The metrics' own view of the chain between two updates.
struct State {
	local: OpaquePeerId,
	/// Validators labelled in `alstranet_validator_silent_sessions` (removed ones are unlabelled).
	labelled: BTreeSet<String>,
}

impl State {
	/// Counts the events of one finalized block.
	fn count_events(&self, m: &Metrics, client: &FullClient, at: H256) -> Result<(), String> {
		type Events = Vec<frame_system::EventRecord<RuntimeEvent, H256>>;
		// `frame_system::Events` is private to FRAME: its key is `twox128("System") ++
		// twox128("Events")`, as for any storage value.
		let key = [twox_128(b"System"), twox_128(b"Events")].concat();
		let events: Events = read(client, at, &key)?.unwrap_or_default();
		for record in events {
			match record.event {
				RuntimeEvent::Rollup(pallet_rollup::Event::ActionRecorded { transitions, .. }) => {
					m.bpm_actions.inc();
					m.bpm_transitions.inc_by(transitions.into());
				},
				RuntimeEvent::Rollup(pallet_rollup::Event::BatchSealed { batch, .. }) => {
					m.batches.with_label_values(&["sealed"]).inc();
					m.last_batch.with_label_values(&["sealed"]).set(batch);
				},
				RuntimeEvent::Rollup(pallet_rollup::Event::BatchProven { .. }) =>
					m.batches.with_label_values(&["proven"]).inc(),
				RuntimeEvent::Rollup(pallet_rollup::Event::BatchSubmitted { .. }) =>
					m.batches.with_label_values(&["submitted"]).inc(),
				RuntimeEvent::Rollup(pallet_rollup::Event::BatchFinalized { batch }) => {
					m.batches.with_label_values(&["finalized"]).inc();
					m.last_batch.with_label_values(&["finalized"]).set(batch);
				},
				RuntimeEvent::ValidatorSet(pallet_validator_set::Event::ValidatorSilent {
					..
				}) => m.silent_total.inc(),
				_ => {},
			}
		}
		Ok(())
	}

	/// Sets the gauges read from the state of the finalized block `at`.
	fn read_state(&mut self, m: &Metrics, client: &FullClient, at: H256) -> Result<(), String> {
		let validators: Vec<AccountId> =
			read(client, at, &pallet_validator_set::Validators::<Runtime>::hashed_key())?
				.unwrap_or_default();
		m.validators.set(validators.len() as u64);
		let mut labelled = BTreeSet::new();
		for validator in &validators {
			let silent: u32 = read(
				client,
				at,
				&pallet_validator_set::SilentSessions::<Runtime>::hashed_key_for(validator),
			)?
			.unwrap_or_default();
			let label = validator.to_ss58check();
			m.silent_sessions.with_label_values(&[&label]).set(silent.into());
			labelled.insert(label);
		}
		for gone in self.labelled.difference(&labelled) {
			let _ = m.silent_sessions.remove_label_values(&[gone]);
		}
		self.labelled = labelled;

		let well_known: BTreeSet<OpaquePeerId> =
			read(client, at, &WellKnownNodes::<Runtime>::hashed_key())?.unwrap_or_default();
		m.well_known_nodes.set(well_known.len() as u64);
		m.node_authorized.set(well_known.contains(&self.local).into());

		// Only the length of the open batch's BoundedVec<u128> (its SCALE compact prefix).
		let open = client
			.storage(at, &StorageKey(pallet_rollup::OpenBatch::<Runtime>::hashed_key().to_vec()))
			.map_err(|e| e.to_string())?
			.map(|data| Compact::<u32>::decode(&mut &data.0[..]).map(|c| c.0))
			.transpose()
			.map_err(|e| e.to_string())?
			.unwrap_or(0);
		m.open_batch.set(open.into());
		let next_batch: u64 = read(client, at, &pallet_rollup::NextBatch::<Runtime>::hashed_key())?
			.unwrap_or(1);
		m.last_batch.with_label_values(&["sealed"]).set(next_batch.saturating_sub(1));
		Ok(())
	}
}

/// Keeps the metrics up to date until the node stops: on every imported block (finality lag),
/// every finalized block (events and state of it and of the blocks it finalized implicitly) and
/// every [`PEER_CHECK_PERIOD`] (sync peers against the authorised ones). Errors reading a block
/// are logged at debug level and counted in `alstranet_metrics_errors_total` (e.g. events of a
/// runtime newer than the node cannot be decoded: upgrade the node).
pub async fn run(
	client: Arc<FullClient>,
	network: Arc<dyn NetworkService>,
	sync: Arc<SyncingService<Block>>,
	registry: Registry,
) {
	let m = match Metrics::register(&registry) {
		Ok(m) => m,
		Err(e) => {
			log::error!(target: "alstranet-metrics", "cannot register AlstraNet's metrics: {e}");
			return;
		},
	};
	// Every batch event is exported from the start (at 0), so that rate() and alerts see it.
	for event in ["sealed", "proven", "submitted", "finalized"] {
		m.batches.with_label_values(&[event]);
	}
	let local = network.local_peer_id();
	let mut state = State { local: OpaquePeerId(local.to_bytes()), labelled: BTreeSet::new() };
	let mut imports = client.import_notification_stream().fuse();
	let mut finality = client.finality_notification_stream().fuse();
	let mut peer_check = tokio::time::interval(PEER_CHECK_PERIOD);

	let lag = |client: &FullClient| {
		let info = client.info();
		info.best_number.saturating_sub(info.finalized_number)
	};
	let finalized = client.info().finalized_hash;
	if let Err(e) = state.read_state(&m, &client, finalized) {
		m.errors.inc();
		log::debug!(target: "alstranet-metrics", "state of #{finalized}: {e}");
	}
	m.finality_lag.set(lag(&client).into());

	loop {
		futures::select! {
			n = imports.next() => {
				if n.is_none() { return }
				m.finality_lag.set(lag(&client).into());
			},
			n = finality.next() => {
				let Some(n) = n else { return };
				for hash in n.tree_route.iter().copied().chain(std::iter::once(n.hash)) {
					if let Err(e) = state.count_events(&m, &client, hash) {
						m.errors.inc();
						log::debug!(target: "alstranet-metrics", "events of {hash}: {e}");
					}
				}
				if let Err(e) = state.read_state(&m, &client, n.hash) {
					m.errors.inc();
					log::debug!(target: "alstranet-metrics", "state of {}: {e}", n.hash);
				}
				m.finality_lag.set(lag(&client).into());
			},
			_ = peer_check.tick().fuse() => {
				let allowed = match crate::permissioning::authorized_peers(&*client, &local) {
					Ok(allowed) => allowed,
					Err(e) => {
						m.errors.inc();
						log::debug!(target: "alstranet-metrics", "authorised peers: {e}");
						continue;
					},
				};
				m.authorized_peers.set(allowed.len() as u64);
				if let Ok(peers) = sync.peers_info().await {
					let outsiders: Vec<PeerId> =
						peers.into_iter().map(|(p, _)| p).filter(|p| !allowed.contains(p)).collect();
					if !outsiders.is_empty() {
						log::warn!(
							target: "alstranet-metrics",
							"⚠️ sync peers not authorised by the chain: {outsiders:?}",
						);
					}
					m.unauthorized_peers.set(outsiders.len() as u64);
				}
			},
		}
	}
}
