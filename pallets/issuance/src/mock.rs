//! Mock runtime for the unit tests and the benchmark test suite: `frame_system`,
//! `pallet_balances` (existential deposit [`ED`]) and this pallet, with [`COUNCIL`] as the only
//! account allowed to issue and burn.

use crate as pallet_issuance;
use frame_support::{derive_impl, ord_parameter_types, parameter_types};
use frame_system::EnsureSignedBy;
use polkadot_sdk::{
	frame_support, frame_system, pallet_balances, sp_io,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Issuance: pallet_issuance,
	}
);

/// The only account allowed to issue and burn (stands for the council's 2/3 majority origin of
/// the real runtime).
pub const COUNCIL: u64 = 100;

/// Existential deposit of the mock's currency.
pub const ED: u64 = 10;

/// Accounts with a balance at genesis: account 1 has 1_000, account 2 has 500.
pub const GENESIS_BALANCES: [(u64, u64); 2] = [(1, 1_000), (2, 500)];

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

parameter_types! {
	pub const ExistentialDeposit: u64 = ED;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig as pallet_balances::DefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ExistentialDeposit;
}

ord_parameter_types! {
	pub const Council: u64 = COUNCIL;
}

impl pallet_issuance::Config for Test {
	type Currency = Balances;
	type IssueOrigin = EnsureSignedBy<Council, u64>;
	type WeightInfo = ();
}

/// The externalities of a test, at block 1 (events are not recorded in block 0), with
/// [`GENESIS_BALANCES`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: GENESIS_BALANCES.to_vec(),
			dev_accounts: None,
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
