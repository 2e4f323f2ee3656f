//! Mock runtime for the unit tests and the benchmark test suite: `frame_system`,
//! `pallet_balances` (pallet-session holds a key deposit), `pallet_session` (periodic sessions
//! of [`PERIOD`] blocks, `UintAuthorityId` keys, a session handler recording what it is told)
//! and this pallet, with [`COUNCIL`] as the only account allowed to add and remove validators.

use crate as pallet_validator_set;
use codec::Encode;
use frame_support::{derive_impl, ord_parameter_types, parameter_types, traits::ConstU32};
use frame_system::EnsureSignedBy;
use polkadot_sdk::{
	frame_support, frame_system, pallet_balances, pallet_session, sp_io,
	sp_runtime::{
		impl_opaque_keys,
		testing::UintAuthorityId,
		traits::{ConvertInto, OpaqueKeys},
		BuildStorage, KeyTypeId, RuntimeAppPublic,
	},
};

type Block = frame_system::mocking::MockBlock<Test>;

// `ValidatorSet` comes before `Session`: genesis configs are built in this order, and
// pallet-session's genesis asks `ValidatorSet` for the initial validators.
frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ValidatorSet: pallet_validator_set,
		Session: pallet_session,
	}
);

/// Session length in blocks. Sessions rotate in the `on_initialize` of blocks 5, 10, 15, ...:
/// session `k ≥ 1` starts at block `5·k` (`PeriodicSessions<5, 0>`).
pub const PERIOD: u64 = 5;

/// The only account allowed to add and remove validators (stands for the council's 2/3
/// majority origin of the real runtime).
pub const COUNCIL: u64 = 100;

/// Runtime-wide floor of the minimum number of validators (`Config::MinAuthorities`).
pub const MIN_AUTHORITIES: u32 = 2;

/// Maximum number of validators (`Config::MaxAuthorities`).
pub const MAX_AUTHORITIES: u32 = 6;

/// Accounts with a balance (for the session key deposit) in the default genesis.
pub const ENDOWED: [u64; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

/// Session key deposit held by pallet-session.
pub const KEY_DEPOSIT: u64 = 10;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig as pallet_balances::DefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

impl_opaque_keys! {
	/// Session keys of the mock: one `UintAuthorityId` (key type `DUMMY`).
	pub struct MockSessionKeys {
		/// The only key.
		pub dummy: UintAuthorityId,
	}
}

impl From<UintAuthorityId> for MockSessionKeys {
	fn from(dummy: UintAuthorityId) -> Self {
		Self { dummy }
	}
}

/// Session keys of account `who` in the tests: `UintAuthorityId(who)`.
pub fn keys_of(who: u64) -> MockSessionKeys {
	UintAuthorityId(who).into()
}

/// Proof for `pallet_session::Call::set_keys` of [`keys_of`]`(who)`, signed by `who`.
pub fn set_keys_proof(who: u64) -> Vec<u8> {
	UintAuthorityId(who).sign(&who.encode()).unwrap().encode()
}

parameter_types! {
	/// Validators (account ids) passed by pallet-session to the session handler as active,
	/// at genesis and at each rotation.
	pub static ActiveValidators: Vec<u64> = Vec::new();
	/// Validators passed by pallet-session to the session handler as queued.
	pub static QueuedValidators: Vec<u64> = Vec::new();
	/// The `changed` flag of the last `SessionHandler::on_new_session`.
	pub static LastChanged: bool = false;
	/// Number of `SessionHandler::on_new_session` calls (i.e. rotations).
	pub static Rotations: u32 = 0;
	pub const Period: u64 = PERIOD;
	pub const Offset: u64 = 0;
	pub const KeyDeposit: u64 = KEY_DEPOSIT;
}

/// Records what pallet-session hands to the consensus pallets (Aura/GRANDPA in the runtime).
pub struct RecordingSessionHandler;
impl pallet_session::SessionHandler<u64> for RecordingSessionHandler {
	const KEY_TYPE_IDS: &'static [KeyTypeId] = &[UintAuthorityId::ID];

	fn on_genesis_session<Ks: OpaqueKeys>(validators: &[(u64, Ks)]) {
		ActiveValidators::set(validators.iter().map(|(who, _)| *who).collect());
		QueuedValidators::set(validators.iter().map(|(who, _)| *who).collect());
	}

	fn on_new_session<Ks: OpaqueKeys>(
		changed: bool,
		validators: &[(u64, Ks)],
		queued_validators: &[(u64, Ks)],
	) {
		ActiveValidators::set(validators.iter().map(|(who, _)| *who).collect());
		QueuedValidators::set(queued_validators.iter().map(|(who, _)| *who).collect());
		LastChanged::set(changed);
		Rotations::mutate(|r| *r += 1);
	}

	fn on_disabled(_validator_index: u32) {}
}

impl pallet_session::Config for Test {
	type ValidatorId = u64;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<Period, Offset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<Period, Offset>;
	type SessionManager = ValidatorSet;
	type SessionHandler = RecordingSessionHandler;
	type Keys = MockSessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = KeyDeposit;
	#[allow(deprecated)]
	type RuntimeEvent = RuntimeEvent;
}

ord_parameter_types! {
	pub const Council: u64 = COUNCIL;
}

impl pallet_validator_set::Config for Test {
	type AddRemoveOrigin = EnsureSignedBy<Council, u64>;
	type MinAuthorities = ConstU32<MIN_AUTHORITIES>;
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type ValidatorRegistration = Session;
	type Sessions = Session;
	type WeightInfo = ();
}

/// Builds the genesis state of a test.
pub struct ExtBuilder {
	/// Genesis validators of this pallet (`validatorSet.validators`), in the given order.
	validators: Vec<u64>,
	/// `validatorSet.minValidators`.
	min_validators: u32,
	/// Accounts with session keys at genesis ([`keys_of`]).
	keyed: Vec<u64>,
}

impl Default for ExtBuilder {
	/// Validators 1-4 (given out of order), minimum 4; accounts 1-5 have session keys (5 is a
	/// keyed non-validator), 6-8 have a balance but no keys.
	fn default() -> Self {
		Self { validators: vec![3, 1, 4, 2], min_validators: 4, keyed: vec![1, 2, 3, 4, 5] }
	}
}

impl ExtBuilder {
	/// Sets the genesis validators.
	pub fn validators(mut self, validators: Vec<u64>) -> Self {
		self.validators = validators;
		self
	}

	/// Sets the chain's minimum number of validators.
	pub fn min_validators(mut self, min_validators: u32) -> Self {
		self.min_validators = min_validators;
		self
	}

	/// Sets the accounts with session keys at genesis.
	pub fn keyed(mut self, keyed: Vec<u64>) -> Self {
		self.keyed = keyed;
		self
	}

	/// The genesis storage (panics like a chain spec build would on a bad config).
	pub fn build_storage(self) -> polkadot_sdk::sp_runtime::Storage {
		// The recorders are thread-local: reset them in case tests share a thread.
		ActiveValidators::set(Vec::new());
		QueuedValidators::set(Vec::new());
		LastChanged::set(false);
		Rotations::set(0);
		let (keys, non_authority_keys) = self
			.keyed
			.iter()
			.map(|&who| (who, who, keys_of(who)))
			.partition(|(who, _, _)| self.validators.contains(who));
		RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig {
				balances: ENDOWED.iter().map(|&who| (who, 100 * KEY_DEPOSIT)).collect(),
				dev_accounts: None,
			},
			validator_set: pallet_validator_set::GenesisConfig {
				validators: self.validators,
				min_validators: self.min_validators,
			},
			session: pallet_session::GenesisConfig { keys, non_authority_keys },
		}
		.build_storage()
		.unwrap()
	}

	/// The externalities of a test, at block 1 (events are not recorded in block 0).
	pub fn build(self) -> sp_io::TestExternalities {
		let mut ext = sp_io::TestExternalities::new(self.build_storage());
		ext.execute_with(|| System::set_block_number(1));
		ext
	}
}

/// Runs `on_finalize`/`on_initialize` of all pallets up to block `n` (pallet-session rotates in
/// the `on_initialize` of the session's first block).
pub fn run_to_block(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}

/// Runs to the first block of session `index`.
pub fn run_to_session(index: u32) {
	run_to_block(index as u64 * PERIOD);
	assert_eq!(pallet_session::CurrentIndex::<Test>::get(), index);
}

/// Runs blocks up to `n`; `author(block)` names each block's author (`None`: the slot's
/// validator is down and the slot stays empty), noted *before* the block's rotation as in the
/// runtime, where `Authorship` comes before `Session`: the block that starts a session was
/// authored in a slot of the ending one.
pub fn run_authoring_to_block(n: u64, author: impl Fn(u64) -> Option<u64>) {
	use polkadot_sdk::pallet_authorship::EventHandler;
	let from = System::block_number();
	for block in (from + 1)..=n {
		if let Some(who) = author(block) {
			<ValidatorSet as EventHandler<u64, u64>>::note_author(who);
		}
		run_to_block(block);
	}
}

/// Aura's round robin over `validators` (slot = block number), except that the validators in
/// `down` author nothing.
pub fn round_robin(validators: &'static [u64], down: &'static [u64]) -> impl Fn(u64) -> Option<u64> {
	move |block| {
		let who = validators[(block % validators.len() as u64) as usize];
		(!down.contains(&who)).then_some(who)
	}
}
