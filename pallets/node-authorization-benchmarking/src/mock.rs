//! Mock runtime for the benchmark test suite: `frame_system` and `pallet_node_authorization`
//! with root as every governance origin, and the runtime's bounds (64 nodes, PeerIds shorter
//! than 128 bytes).

use polkadot_sdk::{
	frame_support::{self, derive_impl, parameter_types},
	frame_system::{self, EnsureRoot},
	pallet_node_authorization, sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		NodeAuthorization: pallet_node_authorization,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const MaxWellKnownNodes: u32 = 64;
	pub const MaxPeerIdLength: u32 = 128;
}

impl pallet_node_authorization::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = MaxWellKnownNodes;
	type MaxPeerIdLength = MaxPeerIdLength;
	type AddOrigin = EnsureRoot<u64>;
	type RemoveOrigin = EnsureRoot<u64>;
	type SwapOrigin = EnsureRoot<u64>;
	type ResetOrigin = EnsureRoot<u64>;
	type WeightInfo = crate::NodeAuthorizationWeight<Test>;
}

/// Externalities with an empty genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	frame_system::GenesisConfig::<Test>::default().build_storage().unwrap().into()
}
