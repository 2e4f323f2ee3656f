//! Benchmarks of `pallet-node-authorization` (frame-benchmarking v2), which upstream ships without
//! benchmarks (its `WeightInfo for ()` charges a flat 50 ms per call). Its calls take no weight
//! parameter, so each benchmark measures the worst case this runtime allows:
//!
//! * `MaxWellKnownNodes` (64) nodes, `MaxWellKnownNodes - 1` when the call adds one (the pallet
//!   refuses a set that would reach the bound), each PeerId `MaxPeerIdLength - 1` (127) bytes long,
//!   the longest the pallet accepts;
//! * `add_connections` / `remove_connections` with `MaxWellKnownNodes` PeerIds, the most
//!   `call_filter::OnlyWellKnownConnections` lets through, on a node that already has as many
//!   additional connections.
//!
//! `pallet_node_authorization::Pallet` is not ours, so the benchmarks hang off a local `Pallet`
//! (the pattern of `pallet-session-benchmarking`); `benchmarks.rs` lists them under the name
//! `pallet_node_authorization`, and `scripts/benchmark-weights.sh` writes
//! `runtime/src/weights/pallet_node_authorization.rs` from them.

use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::RawOrigin;
use pallet_node_authorization::{AdditionalConnections, Owners, WellKnownNodes};
use polkadot_sdk::{
	frame_benchmarking, frame_support, frame_system, pallet_node_authorization,
	sp_core::OpaquePeerId as PeerId, sp_runtime::traits::StaticLookup,
};

/// The benchmarked runtime's configuration of `pallet-node-authorization`.
pub trait Config: pallet_node_authorization::Config {}
impl<T: pallet_node_authorization::Config> Config for T {}

/// The benchmarks' pallet (see the module docs).
pub struct Pallet<T: Config>(core::marker::PhantomData<T>);

/// A PeerId of the longest length the pallet accepts, distinct for each `i`.
fn peer<T: Config>(i: u32) -> PeerId {
	let mut bytes = vec![0xa5u8; T::MaxPeerIdLength::get() as usize - 1];
	bytes[..4].copy_from_slice(&i.to_le_bytes());
	PeerId(bytes)
}

/// Makes `n` well-known nodes (PeerIds `peer::<T>(0..n)`), node `i` owned by `owner(i)`.
fn well_known<T: Config>(n: u32) -> Vec<(PeerId, T::AccountId)> {
	let nodes: Vec<_> = (0..n).map(|i| (peer::<T>(i), account::<T::AccountId>("owner", i, 0))).collect();
	WellKnownNodes::<T>::put(nodes.iter().map(|(p, _)| p.clone()).collect::<alloc::collections::BTreeSet<_>>());
	for (p, owner) in &nodes {
		Owners::<T>::insert(p, owner);
	}
	nodes
}

/// The most well-known nodes, and PeerIds one call may carry (`OnlyWellKnownConnections`).
fn max_nodes<T: Config>() -> u32 {
	T::MaxWellKnownNodes::get()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_well_known_node() -> Result<(), BenchmarkError> {
		let origin = T::AddOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		well_known::<T>(max_nodes::<T>() - 1);
		let node = peer::<T>(u32::MAX);
		let owner: T::AccountId = account("new owner", 0, 0);
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::add_well_known_node(
				origin,
				node.clone(),
				T::Lookup::unlookup(owner.clone()),
			)?;
		}
		assert_eq!(WellKnownNodes::<T>::get().len() as u32, max_nodes::<T>());
		assert_eq!(Owners::<T>::get(&node), Some(owner));
		Ok(())
	}

	#[benchmark]
	fn remove_well_known_node() -> Result<(), BenchmarkError> {
		let origin = T::RemoveOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let nodes = well_known::<T>(max_nodes::<T>());
		let node = nodes[0].0.clone();
		AdditionalConnections::<T>::insert(&node, nodes.iter().map(|(p, _)| p.clone()).collect::<alloc::collections::BTreeSet<_>>());
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::remove_well_known_node(origin, node.clone())?;
		}
		assert!(!WellKnownNodes::<T>::get().contains(&node));
		assert!(AdditionalConnections::<T>::get(&node).is_empty());
		Ok(())
	}

	#[benchmark]
	fn swap_well_known_node() -> Result<(), BenchmarkError> {
		let origin = T::SwapOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let nodes = well_known::<T>(max_nodes::<T>());
		let remove = nodes[0].0.clone();
		AdditionalConnections::<T>::insert(&remove, nodes.iter().map(|(p, _)| p.clone()).collect::<alloc::collections::BTreeSet<_>>());
		let add = peer::<T>(u32::MAX);
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::swap_well_known_node(origin, remove.clone(), add.clone())?;
		}
		assert!(WellKnownNodes::<T>::get().contains(&add));
		assert_eq!(AdditionalConnections::<T>::get(&add).len() as u32, max_nodes::<T>());
		Ok(())
	}

	#[benchmark]
	fn reset_well_known_nodes() -> Result<(), BenchmarkError> {
		let origin = T::ResetOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		well_known::<T>(max_nodes::<T>() - 1);
		let new: Vec<(PeerId, T::AccountId)> = (0..max_nodes::<T>() - 1)
			.map(|i| (peer::<T>(u32::MAX - i), account("new owner", i, 0)))
			.collect();
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::reset_well_known_nodes(origin, new.clone())?;
		}
		assert!(WellKnownNodes::<T>::get().contains(&new[0].0));
		Ok(())
	}

	#[benchmark]
	fn claim_node() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(u32::MAX);
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::claim_node(RawOrigin::Signed(caller.clone()).into(), node.clone())?;
		}
		assert_eq!(Owners::<T>::get(&node), Some(caller));
		Ok(())
	}

	#[benchmark]
	fn remove_claim() -> Result<(), BenchmarkError> {
		// the claimed node is not well known (the pallet refuses that), among a full set
		let nodes = well_known::<T>(max_nodes::<T>());
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(u32::MAX);
		Owners::<T>::insert(&node, &caller);
		AdditionalConnections::<T>::insert(&node, nodes.iter().map(|(p, _)| p.clone()).collect::<alloc::collections::BTreeSet<_>>());
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::remove_claim(RawOrigin::Signed(caller).into(), node.clone())?;
		}
		assert_eq!(Owners::<T>::get(&node), None);
		Ok(())
	}

	#[benchmark]
	fn transfer_node() -> Result<(), BenchmarkError> {
		let nodes = well_known::<T>(max_nodes::<T>());
		let (node, owner) = nodes[0].clone();
		let to: T::AccountId = account("new owner", 0, 0);
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::transfer_node(
				RawOrigin::Signed(owner).into(),
				node.clone(),
				T::Lookup::unlookup(to.clone()),
			)?;
		}
		assert_eq!(Owners::<T>::get(&node), Some(to));
		Ok(())
	}

	#[benchmark]
	fn add_connections() -> Result<(), BenchmarkError> {
		let nodes = well_known::<T>(max_nodes::<T>());
		let (node, owner) = nodes[0].clone();
		// half already connected, the call names every well-known node (itself skipped)
		let half: alloc::collections::BTreeSet<_> =
			nodes.iter().take(nodes.len() / 2).map(|(p, _)| p.clone()).collect();
		AdditionalConnections::<T>::insert(&node, half);
		let connections: Vec<PeerId> = nodes.iter().map(|(p, _)| p.clone()).collect();
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::add_connections(
				RawOrigin::Signed(owner).into(),
				node.clone(),
				connections,
			)?;
		}
		assert_eq!(AdditionalConnections::<T>::get(&node).len() as u32, max_nodes::<T>());
		Ok(())
	}

	#[benchmark]
	fn remove_connections() -> Result<(), BenchmarkError> {
		let nodes = well_known::<T>(max_nodes::<T>());
		let (node, owner) = nodes[0].clone();
		let all: alloc::collections::BTreeSet<_> = nodes.iter().map(|(p, _)| p.clone()).collect();
		AdditionalConnections::<T>::insert(&node, all.clone());
		#[block]
		{
			pallet_node_authorization::Pallet::<T>::remove_connections(
				RawOrigin::Signed(owner).into(),
				node.clone(),
				all.into_iter().collect(),
			)?;
		}
		assert!(AdditionalConnections::<T>::get(&node).is_empty());
		Ok(())
	}
}
