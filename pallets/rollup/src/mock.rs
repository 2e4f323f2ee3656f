//! Mock runtime for the unit tests: `frame_system` and this pallet, with batches of
//! [`BATCH_SIZE`] transitions sealed at the latest [`SEAL_PERIOD`] blocks after their first
//! one, trees of depth 8, and [`RELAYER`] as the relayer.

use crate as pallet_rollup;
use frame_support::{derive_impl, ord_parameter_types, parameter_types};
use frame_system::EnsureSignedBy;
use polkadot_sdk::{frame_support, frame_system, sp_io, sp_runtime::BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Rollup: pallet_rollup,
	}
);

/// Transitions per batch.
pub const BATCH_SIZE: u32 = 4;
/// Blocks after which a non-empty open batch is sealed.
pub const SEAL_PERIOD: u64 = 3;
/// The relayer's account.
pub const RELAYER: u64 = 7;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const BatchSize: u32 = BATCH_SIZE;
	pub const SealPeriod: u64 = SEAL_PERIOD;
	pub const Depth: u32 = 8;
}

ord_parameter_types! {
	pub const Relayer: u64 = RELAYER;
}

impl pallet_rollup::Config for Test {
	type BatchSize = BatchSize;
	type SealPeriod = SealPeriod;
	type StateDepth = Depth;
	type DefinitionsDepth = Depth;
	type RelayerOrigin = EnsureSignedBy<Relayer, u64>;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type WeightInfo = ();
}

/// The externalities of a test, at block 1 (events are not recorded in block 0).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Goes to block `n`, running `on_initialize` of this pallet.
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Rollup::on_initialize(next);
	}
}
