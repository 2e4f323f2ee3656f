//! Mock runtime for the unit tests and the benchmark test suite: `frame_system`,
//! `pallet_balances` and this pallet, with [`COUNCIL`] standing for the council's 2/3 origin.
//! The `BaseCallFilter` refuses `balances.transfer_keep_alive` (as AlstraNet's runtime refuses
//! plain transfers), so the tests can check that the inner call is filtered.

use crate as pallet_council_account;
use frame_support::{derive_impl, ord_parameter_types, parameter_types, traits::Contains, PalletId};
use frame_system::EnsureSignedBy;
use polkadot_sdk::{
	frame_support, frame_system, pallet_balances, sp_core::H160, sp_io,
	sp_runtime::{traits::Convert, BuildStorage},
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		CouncilAccount: pallet_council_account,
	}
);

/// The account standing for the council's 2/3 majority origin of the real runtime.
pub const COUNCIL: u64 = 100;

/// Refuses `balances.transfer_keep_alive`, lets everything else through.
pub struct NoKeepAliveTransfers;
impl Contains<RuntimeCall> for NoKeepAliveTransfers {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(call, RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { .. }))
	}
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	type BaseCallFilter = NoKeepAliveTransfers;
}

parameter_types! {
	pub const ExistentialDeposit: u64 = 1;
	pub const CouncilPalletId: PalletId = PalletId(*b"alstr/cl");
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig as pallet_balances::DefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ExistentialDeposit;
}

ord_parameter_types! {
	pub const Council: u64 = COUNCIL;
}

impl pallet_council_account::Config for Test {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = EnsureSignedBy<Council, u64>;
	type PalletId = CouncilPalletId;
	type EvmAddressOf = LowBytes;
	type WeightInfo = ();
}

/// The mock's EVM address of an account: its eight bytes, big-endian, at the end of the address.
pub struct LowBytes;
impl Convert<u64, H160> for LowBytes {
	fn convert(who: u64) -> H160 {
		let mut a = [0u8; 20];
		a[12..].copy_from_slice(&who.to_be_bytes());
		H160(a)
	}
}

/// The council account's balance at genesis.
pub const COUNCIL_ACCOUNT_BALANCE: u64 = 1_000;

/// The externalities of a test, at block 1 (events are not recorded in block 0); the council
/// account holds [`COUNCIL_ACCOUNT_BALANCE`], account 1 holds 10.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: vec![(CouncilAccount::account_id(), COUNCIL_ACCOUNT_BALANCE), (1, 10)],
			dev_accounts: None,
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
