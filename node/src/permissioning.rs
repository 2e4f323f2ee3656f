//! Node permissioning from the first moment the node runs.
//!
//! `pallet-node-authorization`'s offchain worker sets the node's peers to the chain's well-known
//! nodes on every imported block (Alastria MEMB_001/MEMB_002). Until a node's first import after
//! a start it would accept any peer, so a node that is not authorised could connect to a
//! restarting validator and sync the chain. At start-up the node therefore applies the same rule
//! itself, from the state of its best block: reserved-only mode, and as peers the pallet's
//! `get_authorized_nodes(local PeerId)` — the other well-known nodes if this node is one of them,
//! plus its `AdditionalConnections`.

use alstranet_runtime::{opaque::Block, Runtime};
use polkadot_sdk::{
	pallet_node_authorization::{AdditionalConnections, WellKnownNodes},
	sc_client_api::StorageProvider,
	sc_network::{service::traits::NetworkService, PeerId},
	sp_blockchain::HeaderBackend,
	sp_core::{storage::StorageKey, OpaquePeerId},
	sp_runtime::codec::Decode,
};
use std::collections::{BTreeSet, HashSet};

/// Reads a SCALE-encoded `BTreeSet<OpaquePeerId>` at `key` in the state of block `at`
/// (empty when the key is absent, as with the pallet's `ValueQuery`).
fn read_set<C, B>(
	client: &C,
	at: <Block as polkadot_sdk::sp_runtime::traits::Block>::Hash,
	key: Vec<u8>,
) -> Result<BTreeSet<OpaquePeerId>, String>
where
	C: StorageProvider<Block, B>,
	B: polkadot_sdk::sc_client_api::Backend<Block>,
{
	match client.storage(at, &StorageKey(key)).map_err(|e| e.to_string())? {
		None => Ok(BTreeSet::new()),
		Some(data) => BTreeSet::<OpaquePeerId>::decode(&mut &data.0[..])
			.map_err(|e| format!("cannot decode the node-authorization storage: {e}")),
	}
}

/// The peers `local` may connect to at the best block, by the rule of
/// `pallet_node_authorization::Pallet::get_authorized_nodes` (private upstream, so restated
/// here): its `AdditionalConnections`, plus every other well-known node if `local` is one.
/// PeerIds that do not parse are skipped. Errors: the state cannot be read or decoded.
pub fn authorized_peers<C, B>(client: &C, local: &PeerId) -> Result<HashSet<PeerId>, String>
where
	C: StorageProvider<Block, B> + HeaderBackend<Block>,
	B: polkadot_sdk::sc_client_api::Backend<Block>,
{
	let best = client.info().best_hash;
	let me = OpaquePeerId(local.to_bytes());
	let mut nodes = read_set(client, best, AdditionalConnections::<Runtime>::hashed_key_for(&me))?;
	let mut well_known = read_set(client, best, WellKnownNodes::<Runtime>::hashed_key().to_vec())?;
	if well_known.remove(&me) {
		nodes.extend(well_known);
	}
	Ok(nodes.into_iter().filter_map(|p| PeerId::from_bytes(&p.0).ok()).collect())
}

/// Puts `network` in reserved-only mode with the authorised peers of the best block (see the
/// module docs). Logs, and leaves the network as it is, if the state cannot be read.
pub fn apply_at_startup<C, B>(client: &C, network: &dyn NetworkService)
where
	C: StorageProvider<Block, B> + HeaderBackend<Block>,
	B: polkadot_sdk::sc_client_api::Backend<Block>,
{
	let local = network.local_peer_id();
	match authorized_peers(client, &local) {
		Ok(peers) => {
			log::info!(
				target: "node-authorization",
				"🔐 Node permissioning: {local} may connect to {} authorised peer(s) of block #{}",
				peers.len(),
				client.info().best_number,
			);
			network.set_authorized_peers(peers);
			network.set_authorized_only(true);
		},
		Err(e) => log::error!(
			target: "node-authorization",
			"Node permissioning could not be applied at start-up ({e}); the offchain worker applies it at the next imported block",
		),
	}
}
