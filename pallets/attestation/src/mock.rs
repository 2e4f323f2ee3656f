//! Mock runtime for the unit tests: `frame_system`, `pallet_rollup` (batches of 4 transitions)
//! and this pallet, with committees of at most [`MAX_COMMITTEE`] members and the `//Alice` ..
//! `//Ferdie` secp256k1 keys as attestation keys.

use crate as pallet_attestation;
use frame_support::{derive_impl, parameter_types};
use polkadot_sdk::{
	frame_support, frame_system,
	sp_core::{ecdsa, Pair, H256},
	sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Rollup: pallet_rollup,
		Attestation: pallet_attestation,
	}
);

/// Largest committee.
pub const MAX_COMMITTEE: u32 = 8;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

parameter_types! {
	pub const BatchSize: u32 = 4;
	pub const SealPeriod: u64 = 3;
	pub const Depth: u32 = 8;
	pub const MaxCommittee: u32 = MAX_COMMITTEE;
	pub const Priority: u64 = 1 << 20;
}

impl pallet_rollup::Config for Test {
	type BatchSize = BatchSize;
	type SealPeriod = SealPeriod;
	type StateDepth = Depth;
	type DefinitionsDepth = Depth;
	type RelayerOrigin = frame_system::EnsureRoot<u64>;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type WeightInfo = ();
}

impl pallet_attestation::Config for Test {
	type MaxCommittee = MaxCommittee;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type UnsignedPriority = Priority;
	type WeightInfo = ();
}

/// The secp256k1 key pair of a dev seed (`"Alice"` for `//Alice`).
pub fn pair(name: &str) -> ecdsa::Pair {
	ecdsa::Pair::from_string(&format!("//{name}"), None).expect("a dev seed")
}

/// The hash `run_to_block` gives block `n`.
pub fn block_hash(n: u64) -> H256 {
	H256::repeat_byte(n as u8 + 1)
}

/// The externalities of a test, at block 1 (events are not recorded in block 0), with a
/// keystore (the benchmarks generate keys in it).
pub fn new_test_ext() -> sp_io::TestExternalities {
	use polkadot_sdk::sp_keystore::{testing::MemoryKeystore, KeystoreExt};
	let t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Goes to block `n`: each block gets [`block_hash`] and runs `on_initialize` of the rollup,
/// then of this pallet (the runtime's order).
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let current = System::block_number();
		frame_system::BlockHash::<Test>::insert(current, block_hash(current));
		let next = current + 1;
		System::initialize(&next, &block_hash(current), &Default::default());
		Rollup::on_initialize(next);
		Attestation::on_initialize(next);
	}
}
