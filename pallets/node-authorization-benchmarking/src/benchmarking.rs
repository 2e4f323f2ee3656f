//! Benchmarks of `pallet_node_authorization` (frame-benchmarking v2), one per call, each at the
//! largest input the runtime admits (see the crate documentation for the bounds):
//! - every PeerId is `MaxPeerIdLength - 1` bytes long ([`peer`]);
//! - `WellKnownNodes` is full (`MaxWellKnownNodes` nodes, one fewer where the call adds one);
//! - a node's `AdditionalConnections` holds `MaxWellKnownNodes` PeerIds before the call, and
//!   `add_connections`/`remove_connections` take `MaxWellKnownNodes` PeerIds.
//!
//! Each benchmark writes its own state over the genesis' (the runtime's `development` preset has
//! well-known nodes of its own, which [`fill_well_known`] replaces), and checks afterwards that
//! the call did what the worst case needs (e.g. that all connections were added).

use super::*;
use alloc::{collections::btree_set::BTreeSet, vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::RawOrigin;
use pallet_node_authorization::{AdditionalConnections, Call, Owners, WellKnownNodes};
use polkadot_sdk::{
	frame_benchmarking, frame_support, sp_core::OpaquePeerId as PeerId,
	sp_runtime::traits::StaticLookup,
};

const SEED: u32 = 0;

/// The `index`-th PeerId of a family `tag`: `[tag, index (4 bytes, big-endian), 0xAA...]`,
/// `MaxPeerIdLength - 1` bytes (the longest the pallet admits), and never shorter than 5 bytes.
fn peer<T: Config>(tag: u8, index: u32) -> PeerId {
	let mut bytes = vec![tag];
	bytes.extend_from_slice(&index.to_be_bytes());
	let len = (T::MaxPeerIdLength::get() as usize).saturating_sub(1).max(bytes.len());
	bytes.resize(len, 0xAA);
	PeerId(bytes)
}

fn max_nodes<T: Config>() -> u32 {
	T::MaxWellKnownNodes::get()
}

/// Replaces the well-known nodes by `count` PeerIds of family `b'w'`, each owned by account
/// `("member", i)`; returns them in index order.
fn fill_well_known<T: Config>(count: u32) -> Vec<PeerId> {
	let nodes: Vec<PeerId> = (0..count).map(|i| peer::<T>(b'w', i)).collect();
	WellKnownNodes::<T>::put(nodes.iter().cloned().collect::<BTreeSet<_>>());
	for (i, node) in nodes.iter().enumerate() {
		Owners::<T>::insert(node, account::<T::AccountId>("member", i as u32, SEED));
	}
	nodes
}

/// Gives `node` `MaxWellKnownNodes` additional connections (family `b'c'`).
fn fill_connections<T: Config>(node: &PeerId) {
	let connections = (0..max_nodes::<T>()).map(|i| peer::<T>(b'c', i)).collect::<BTreeSet<_>>();
	AdditionalConnections::<T>::insert(node, connections);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Adds the last node that fits (the set read and written is the largest).
	#[benchmark]
	fn add_well_known_node() -> Result<(), BenchmarkError> {
		let origin = T::AddOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_well_known::<T>(max_nodes::<T>() - 1);
		let node = peer::<T>(b'n', 0);
		let owner: T::AccountId = account("owner", 0, SEED);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, node.clone(), T::Lookup::unlookup(owner.clone()));

		assert_eq!(WellKnownNodes::<T>::get().len() as u32, max_nodes::<T>());
		assert_eq!(Owners::<T>::get(&node), Some(owner));
		Ok(())
	}

	/// Removes a node from a full set; its owner and its connections are removed with it.
	#[benchmark]
	fn remove_well_known_node() -> Result<(), BenchmarkError> {
		let origin =
			T::RemoveOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let node = fill_well_known::<T>(max_nodes::<T>())[0].clone();
		fill_connections::<T>(&node);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, node.clone());

		assert!(!WellKnownNodes::<T>::get().contains(&node));
		assert!(Owners::<T>::get(&node).is_none());
		assert!(AdditionalConnections::<T>::get(&node).is_empty());
		Ok(())
	}

	/// Swaps a node of a full set, with its owner and connections, for a new one.
	#[benchmark]
	fn swap_well_known_node() -> Result<(), BenchmarkError> {
		let origin = T::SwapOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let remove = fill_well_known::<T>(max_nodes::<T>())[0].clone();
		fill_connections::<T>(&remove);
		let add = peer::<T>(b'n', 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, remove.clone(), add.clone());

		let nodes = WellKnownNodes::<T>::get();
		assert!(nodes.contains(&add) && !nodes.contains(&remove));
		assert_eq!(AdditionalConnections::<T>::get(&add).len() as u32, max_nodes::<T>());
		Ok(())
	}

	/// Replaces a full set by the largest new one the pallet admits (`MaxWellKnownNodes - 1`
	/// nodes, each with an owner written).
	#[benchmark]
	fn reset_well_known_nodes() -> Result<(), BenchmarkError> {
		let origin =
			T::ResetOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_well_known::<T>(max_nodes::<T>());
		let nodes: Vec<(PeerId, T::AccountId)> = (0..max_nodes::<T>() - 1)
			.map(|i| (peer::<T>(b'n', i), account("new member", i, SEED)))
			.collect();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, nodes.clone());

		let set = WellKnownNodes::<T>::get();
		assert_eq!(set.len(), nodes.len());
		assert!(nodes.iter().all(|(node, owner)| set.contains(node) &&
			Owners::<T>::get(node).as_ref() == Some(owner)));
		Ok(())
	}

	/// Claims an unclaimed PeerId.
	#[benchmark]
	fn claim_node() {
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(b'n', 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), node.clone());

		assert_eq!(Owners::<T>::get(&node), Some(caller));
	}

	/// Drops the claim of a node that is not well known, with a full set of connections, while
	/// the well-known set (read to refuse well-known nodes) is full.
	#[benchmark]
	fn remove_claim() {
		fill_well_known::<T>(max_nodes::<T>());
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(b'n', 0);
		Owners::<T>::insert(&node, &caller);
		fill_connections::<T>(&node);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), node.clone());

		assert!(Owners::<T>::get(&node).is_none());
		assert!(AdditionalConnections::<T>::get(&node).is_empty());
	}

	/// Transfers a claimed node to another account.
	#[benchmark]
	fn transfer_node() {
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(b'n', 0);
		Owners::<T>::insert(&node, &caller);
		let owner: T::AccountId = account("owner", 0, SEED);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), node.clone(), T::Lookup::unlookup(owner.clone()));

		assert_eq!(Owners::<T>::get(&node), Some(owner));
	}

	/// Adds `MaxWellKnownNodes` well-known nodes to a node that already has `MaxWellKnownNodes`
	/// connections.
	#[benchmark]
	fn add_connections() {
		let caller: T::AccountId = whitelisted_caller();
		let connections = fill_well_known::<T>(max_nodes::<T>());
		let node = peer::<T>(b'n', 0);
		Owners::<T>::insert(&node, &caller);
		fill_connections::<T>(&node);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), node.clone(), connections);

		assert_eq!(AdditionalConnections::<T>::get(&node).len() as u32, 2 * max_nodes::<T>());
	}

	/// Removes all `MaxWellKnownNodes` connections of a node.
	#[benchmark]
	fn remove_connections() {
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(b'n', 0);
		Owners::<T>::insert(&node, &caller);
		fill_connections::<T>(&node);
		let connections: Vec<PeerId> = (0..max_nodes::<T>()).map(|i| peer::<T>(b'c', i)).collect();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), node.clone(), connections);

		assert!(AdditionalConnections::<T>::get(&node).is_empty());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
