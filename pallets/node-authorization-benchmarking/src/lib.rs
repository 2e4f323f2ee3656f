//! # Benchmarks of `pallet-node-authorization` for AlstraNet's runtime
//!
//! `pallet-node-authorization` (node permissioning, Alastria MEMB_001/MEMB_002) ships neither
//! benchmarks nor measured weights: its `WeightInfo for ()` charges every call a flat 50 µs and
//! no storage access. This crate measures the nine calls in the runtime
//! (`scripts/benchmark-weights.sh pallet_node_authorization`) and hands the result to the pallet
//! as [`NodeAuthorizationWeight`]. It is a crate of its own, as upstream's
//! `pallet-session-benchmarking` is, because benchmarks live beside their pallet and the pallet
//! is not ours.
//!
//! ## Worst cases, and the bounds that make them worst
//!
//! The pallet's weight functions take no arguments, so each benchmark runs the largest input the
//! runtime admits (see `benchmarking.rs` for each call):
//! - `WellKnownNodes` holds at most `MaxWellKnownNodes` PeerIds (the pallet checks it);
//! - every PeerId is shorter than `MaxPeerIdLength` bytes (the pallet checks the `node` argument;
//!   the runtime's call filter, `call_filter::OnlyWellKnownConnections`, checks the
//!   `connections` of `add_connections` and `remove_connections`);
//! - `add_connections` and `remove_connections` take at most `MaxWellKnownNodes` PeerIds (the
//!   same filter: the pallet itself takes any `Vec`, which a weight without an argument could
//!   not price), and `add_connections` only well-known nodes, so a node's
//!   `AdditionalConnections` holds at most the nodes that were ever well known; the benchmarks
//!   start from `MaxWellKnownNodes` of them and add `MaxWellKnownNodes` more.
//!
//! The filter's own read of `WellKnownNodes` for `add_connections` happens before dispatch and is
//! not part of the call's weight (as for every `BaseCallFilter`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(all(test, feature = "runtime-benchmarks"))]
mod mock;
pub mod weights;

use core::marker::PhantomData;
use polkadot_sdk::{frame_support::weights::Weight, frame_system, pallet_node_authorization};

/// The benchmarked pallet, wrapped so that its benchmarks can be defined outside it
/// (`define_benchmarks!` lists it as `[pallet_node_authorization, NodeAuthorizationBench]`).
pub struct Pallet<T: Config>(pallet_node_authorization::Pallet<T>);

/// Configuration of the benchmarks: the pallet's own, nothing more.
pub trait Config: pallet_node_authorization::Config {}
impl<T: pallet_node_authorization::Config> Config for T {}

/// The measured weights ([`weights::SubstrateWeight`]) as `pallet_node_authorization::WeightInfo`,
/// for the runtime's `pallet_node_authorization::Config::WeightInfo`. Reads and writes are
/// charged with the runtime's `DbWeight`.
pub struct NodeAuthorizationWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> pallet_node_authorization::WeightInfo for NodeAuthorizationWeight<T> {
	fn add_well_known_node() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::add_well_known_node()
	}
	fn remove_well_known_node() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::remove_well_known_node()
	}
	fn swap_well_known_node() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::swap_well_known_node()
	}
	fn reset_well_known_nodes() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::reset_well_known_nodes()
	}
	fn claim_node() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::claim_node()
	}
	fn remove_claim() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::remove_claim()
	}
	fn transfer_node() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::transfer_node()
	}
	fn add_connections() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::add_connections()
	}
	fn remove_connections() -> Weight {
		<weights::SubstrateWeight<T> as weights::WeightInfo>::remove_connections()
	}
}
