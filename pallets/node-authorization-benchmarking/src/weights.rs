//! PLACEHOLDER until `scripts/benchmark-weights.sh pallet_node_authorization` writes it.
#![allow(missing_docs)]
use polkadot_sdk::frame_support::weights::Weight;
use polkadot_sdk::frame_system;
use core::marker::PhantomData;
pub trait WeightInfo {
	fn add_well_known_node() -> Weight;
	fn remove_well_known_node() -> Weight;
	fn swap_well_known_node() -> Weight;
	fn reset_well_known_nodes() -> Weight;
	fn claim_node() -> Weight;
	fn remove_claim() -> Weight;
	fn transfer_node() -> Weight;
	fn add_connections() -> Weight;
	fn remove_connections() -> Weight;
}
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn add_well_known_node() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn remove_well_known_node() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn swap_well_known_node() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn reset_well_known_nodes() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn claim_node() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn remove_claim() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn transfer_node() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn add_connections() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn remove_connections() -> Weight { Weight::from_parts(50_000_000, 0) }
}
