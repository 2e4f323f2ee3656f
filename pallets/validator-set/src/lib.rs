//! # Validator set pallet
//!
//! AlstraNet is a permissioned chain: the accounts allowed to author (Aura) and finalise
//! (GRANDPA) blocks are chosen by the network's governance, not by stake. This pallet keeps that
//! list and hands it to `pallet-session` through the
//! [`SessionManager`](pallet_session::SessionManager) trait, so that changes are enacted at a
//! session boundary on the running chain, without restarting any node (Alastria requirements
//! CONS_001–CONS_003 and VALID_001).
//!
//! - [`Config`]
//! - [`Call`]
//! - [`Pallet`]
//!
//! ## Overview
//!
//! - [`Call::add_validator`] and [`Call::remove_validator`] change the set. Both require
//!   [`Config::AddRemoveOrigin`]; AlstraNet's runtime uses a 2/3 majority of the council
//!   (`pallet-collective`).
//! - The set ([`Validators`]) is kept **sorted by account id**, without duplicates. The order is
//!   therefore independent of the order in which validators were added, and it is the order in
//!   which `pallet-session` (and hence Aura's round robin) sees the validators.
//! - The set never shrinks below the chain's minimum ([`Pallet::min_validators`]) and never
//!   grows beyond [`Config::MaxAuthorities`].
//! - Every change emits an event ([`Event::ValidatorAdded`], [`Event::ValidatorRemoved`]), and so
//!   does every hand-over of a new set to `pallet-session` ([`Event::NewValidatorSetPlanned`]).
//!
//! ## Minimum number of validators
//!
//! The minimum is per chain, because the same runtime runs every AlstraNet network: a `dev`
//! chain has a single validator, while `local` and production chains need at least 4 (the
//! smallest set with Byzantine fault tolerance, `3f + 1` with `f = 1`; VALID_001). Two values
//! are involved:
//!
//! - [`Config::MinAuthorities`], a runtime constant: the absolute floor that no chain spec can
//!   go below (AlstraNet: 1).
//! - [`MinValidators`], a storage value set from the chain spec (genesis config
//!   `validatorSet.minValidators`; AlstraNet: 1 on `dev`, 4 on `local` and production).
//!
//! The effective minimum is the larger of the two ([`Pallet::min_validators`]). Genesis refuses a
//! chain spec whose `minValidators` is below the floor or above [`Config::MaxAuthorities`], or
//! whose initial validator set is smaller than `minValidators`. There is deliberately no call to
//! change the minimum: lowering the BFT threshold of a production network is a runtime upgrade.
//!
//! ## When does a change take effect?
//!
//! Verified against `pallet-session` 50.0.0 (`Pallet::rotate_session`). `pallet-session` rotates
//! the session in the `on_initialize` of every block for which `ShouldEndSession` returns
//! `true`. Rotating from session `s` to `s + 1`:
//!
//! 1. makes active the validators *queued* at the previous rotation (`pallet_session::Validators`
//!    becomes the set planned for `s + 1`), and starts session `s + 1`;
//! 2. calls [`SessionManager::new_session(s + 2)`](pallet_session::SessionManager::new_session)
//!    and queues its result for session `s + 2`. A `None` re-queues the currently active set.
//!
//! So a set returned by `new_session(n)` becomes active at the start of session `n`, one whole
//! session after it was planned, and **a change made during session `s` becomes active at the
//! start of session `s + 2`**: it is planned at the `s → s + 1` rotation (with
//! [`Event::NewValidatorSetPlanned`] `{ session: s + 2, .. }`), and enacted at the `s + 1 → s + 2`
//! rotation. Dispatchables run after `on_initialize`, so a change made in the very block that
//! starts session `s` still counts as made during session `s`.
//!
//! In blocks, with `ShouldEndSession = PeriodicSessions<Period, Offset>` (`P = Period`,
//! `O = Offset`, `O < P`): rotations happen in the blocks `b ≥ max(O, 1)` with
//! `(b − O) mod P = 0`. If `r(k)` is the block that starts session `k`, a change in a block `b`
//! of session `s` (`r(s) ≤ b < r(s + 1)`) is active from block `r(s + 2)` on, which is between
//! `P + 1` and `2·P` blocks after `b`. With the test mock's `P = 5`, `O = 0`: session `k ≥ 1`
//! starts at block `5·k`; a validator added at block 7 (session 1) is planned at block 10 and
//! active from block 15 on.
//!
//! At genesis `pallet-session` calls `new_session_genesis(0)` (the set of session 0) and
//! `new_session_genesis(1)` (the set queued for session 1); this pallet returns the genesis set
//! for both, so the first change can take effect at session 2.
//!
//! Once active in `pallet-session`, the set reaches the consensus pallets through
//! `SessionHandler::on_new_session`, in the same `on_initialize`: `pallet-aura` replaces its
//! authorities immediately, `pallet-grandpa` schedules an authority-set change (new set id) that
//! is enacted when that block is finalised.
//!
//! ## Session keys
//!
//! `pallet-session` only uses validators that have registered session keys
//! (`pallet_session::Call::set_keys`, signed by the validator account, which must exist on chain
//! and be able to pay `pallet-session`'s `KeyDeposit` hold). A validator without keys is
//! **silently skipped** (a `warn` log) when the set is queued, so it is not in
//! `pallet_session::Validators` and does not author or vote. Adding a validator does not require
//! its keys to be registered already, so a council can approve an operator first and the
//! operator can register keys afterwards, in either order. To make that work, this pallet
//! re-plans the set not only when it changed but also when the list of validators lacking keys
//! changed since the last plan ([`PlannedWithoutKeys`], checked through
//! [`Config::ValidatorRegistration`]): a validator that registers its keys during session `s` is
//! active from session `s + 2`, exactly as if it had been added then. [`Event::NewValidatorSetPlanned`]
//! lists the validators that `pallet-session` will skip (`missing_keys`).
//!
//! The genesis set is an exception: every genesis validator must have session keys in the
//! session genesis config (`session.keys`), otherwise genesis panics.
//!
//! ## Genesis
//!
//! A chain spec sets `validatorSet.validators` (any order, no duplicates, between
//! `minValidators` and [`Config::MaxAuthorities`] accounts, each with session keys in
//! `session.keys`) and `validatorSet.minValidators`; genesis panics with a message naming the
//! field otherwise. The one exception is an **empty** `validators` list, which is what the
//! `Default` genesis config has (it is built by `construct_runtime!`'s generated
//! `test_genesis_config_builds` test and is the base that chain-spec presets patch): it leaves
//! the pallet unconfigured. `pallet-session` then uses its own `session.keys` as the genesis
//! set, and this pallet hands nothing to `pallet-session` until governance has added
//! `minValidators` validators, from which point on it manages the set as usual. Every real
//! chain spec must list the validators (AlstraNet's presets do).
//!
//! ## Liveness
//!
//! The pallet counts the blocks each validator authors in the current session
//! ([`AuthoredBlocks`], fed by `pallet-authorship`, whose `EventHandler` this pallet is) and
//! judges them when the session ends (`SessionManager::end_session`, called by
//! `pallet-session` *before* it replaces the active set, so the set judged is the one that was
//! active during the session, read through [`Config::Sessions`]):
//!
//! - an active validator that authored **no block in the whole session** gets
//!   [`Event::ValidatorSilent`] `{ validator, session, consecutive }` and its count of
//!   consecutive silent sessions ([`SilentSessions`]) goes up; one block resets it (the entry
//!   is removed). The council is told by the event and can remove the validator
//!   ([`Call::remove_validator`]); nothing is disabled automatically.
//! - A session is judged only if it had at least as many blocks as active validators: Aura
//!   gives slots round robin, so `B` blocks in consecutive slots mean every one of `V <= B`
//!   validators had a slot. With AlstraNet's 10-block sessions and up to 10 validators, one
//!   validator down leaves enough blocks; if more than a third are down the chain does not
//!   finalize anyway and the session is not judged (a `warn` log says so).
//! - Sessions before [`LivenessFrom`] are not judged: 0 on a chain built with this pallet's
//!   storage version 1; on a chain upgraded from version 0, [`migrations::v1::MigrateV0ToV1`]
//!   sets it to the session after the upgrade, whose blocks are the first ones counted in full
//!   (judging the session of the upgrade would flag validators whose blocks came before it).
//!
//! Cost: one read and one write per block (weighed in `on_initialize`), and at a session end
//! one read and write per active validator (inside `pallet-session`'s rotation, which weighs a
//! whole block).
//!
//! ## Runtime wiring
//!
//! - `pallet_session::Config`: `ValidatorId = AccountId`, `ValidatorIdOf = ConvertInto`,
//!   `SessionManager = ValidatorSet` (this pallet).
//! - [`Config::ValidatorRegistration`] `= Session` (`pallet_session::Pallet` implements
//!   `ValidatorRegistration<ValidatorId>`), and [`Config::Sessions`] `= Session` (FRAME's
//!   `ValidatorSet` trait: the session index and the active validators).
//! - `pallet_authorship::Config::EventHandler = ValidatorSet` (block authors, for liveness),
//!   with `FindAuthor` from Aura. Declare `Authorship` **before** `Session`: the block that
//!   starts a session was authored in a slot of the ending one (Aura checks it against the
//!   parent state's authorities), so its author must be found, and counted for the ending
//!   session, before the rotation replaces the authorities.
//! - Place this pallet **before** `Session` in `construct_runtime!`: genesis configs are built in
//!   that order, and `pallet-session`'s genesis asks this pallet for the initial set (genesis
//!   panics if the order is wrong).
//! - [`Config::MaxAuthorities`] must not exceed Aura's and GRANDPA's `MaxAuthorities` (Aura
//!   truncates a longer list).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod migrations;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_liveness;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::traits::{Get, ValidatorRegistration, ValidatorSet as SessionValidators};
use polkadot_sdk::{
	frame_support, frame_system, pallet_authorship, pallet_session, sp_staking::SessionIndex,
};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::validator-set";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	///
	/// 1: liveness ([`AuthoredBlocks`], [`SilentSessions`], [`LivenessFrom`]); a chain at 0
	/// upgrades with [`migrations::v1::MigrateV0ToV1`](crate::migrations::v1::MigrateV0ToV1).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	/// The validator-set pallet.
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet. Events use the runtime's `RuntimeEvent` through the
	/// `frame_system::Config` bound (the runtime needs no `type RuntimeEvent` line).
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Origin allowed to add and remove validators. AlstraNet's runtime uses a 2/3 majority
		/// of the council (`pallet_collective::EnsureProportionAtLeast<AccountId, _, 2, 3>`).
		type AddRemoveOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Runtime-wide lower bound of the minimum number of validators: no chain spec can set
		/// [`MinValidators`] below it, and it is the minimum used if a chain spec sets none.
		/// AlstraNet uses 1 so that a single-validator `dev` chain is possible; the BFT minimum
		/// of 4 of `local` and production chains comes from their chain specs.
		#[pallet::constant]
		type MinAuthorities: Get<u32>;

		/// Maximum number of validators. Bounds [`Validators`]; must not exceed the
		/// `MaxAuthorities` of Aura and GRANDPA.
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// Tells whether a validator has registered its session keys: `pallet_session::Pallet`
		/// (`Session`) in the runtime. Used to re-plan the set once a validator that was
		/// skipped for lack of keys registers them, and to refuse genesis validators without
		/// keys.
		type ValidatorRegistration: ValidatorRegistration<Self::AccountId>;

		/// The sessions: the current session index and the validators active in it
		/// (`pallet_session::Pallet`, through FRAME's `ValidatorSet` trait). Used to judge
		/// liveness at each session end and by the v1 migration.
		type Sessions: SessionValidators<Self::AccountId, ValidatorId = Self::AccountId>;

		/// Weights of this pallet's calls, see [`weights`](crate::weights).
		type WeightInfo: WeightInfo;
	}

	/// The current validator set of this pallet, sorted by account id and without duplicates.
	///
	/// This is the set *as decided by governance*; the set currently producing blocks is
	/// `pallet_session::Validators`, which follows this one with a delay of one to two sessions
	/// (see the [crate documentation](crate#when-does-a-change-take-effect)) and omits
	/// validators without session keys.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxAuthorities>, ValueQuery>;

	/// Default of [`MinValidators`] before genesis has set it: [`Config::MinAuthorities`].
	#[pallet::type_value]
	pub fn DefaultMinValidators<T: Config>() -> u32 {
		T::MinAuthorities::get()
	}

	/// This chain's minimum number of validators, from the chain spec (genesis config
	/// `minValidators`). The effective minimum is [`Pallet::min_validators`], which never goes
	/// below [`Config::MinAuthorities`].
	#[pallet::storage]
	pub type MinValidators<T: Config> = StorageValue<_, u32, ValueQuery, DefaultMinValidators<T>>;

	/// `true` if [`Validators`] changed since the last set handed to `pallet-session`, i.e. the
	/// next call of `SessionManager::new_session` must plan a new set. Set by
	/// [`Call::add_validator`] and [`Call::remove_validator`], cleared by `new_session`.
	#[pallet::storage]
	pub type SetChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// The validators of the last set handed to `pallet-session` that had no session keys at
	/// that moment (so `pallet-session` skipped them), sorted. When this list differs from the
	/// current one, `new_session` plans the set again even if [`Validators`] did not change, so
	/// that a validator registering its keys late becomes active.
	#[pallet::storage]
	pub type PlannedWithoutKeys<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxAuthorities>, ValueQuery>;

	/// Blocks authored by each validator in the current session (liveness), counted by
	/// `pallet-authorship`'s `note_author`; emptied at each session end. At most one entry per
	/// validator that authored in the session (Aura lets only the active set author).
	#[pallet::storage]
	pub type AuthoredBlocks<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// Consecutive judged sessions in which an active validator authored no block (see the
	/// [crate documentation](crate#liveness)). No entry: it authored in the last judged session
	/// (or was not active). Entries of validators no longer active are dropped at the next
	/// judged session end.
	#[pallet::storage]
	pub type SilentSessions<T: Config> =
		StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// The first session whose liveness is judged: 0 from genesis, the session after the
	/// upgrade on a chain migrated from storage version 0.
	#[pallet::storage]
	pub type LivenessFrom<T: Config> = StorageValue<_, SessionIndex, ValueQuery>;

	/// Genesis configuration: the initial validators and this chain's minimum.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Initial validators, in any order (they are stored sorted). Each needs session keys in
		/// the session genesis config (`session.keys`). Count within
		/// `[minValidators, MaxAuthorities]`, no duplicates. Empty only in the `Default` config,
		/// which leaves the pallet unconfigured (see the
		/// [crate documentation](crate#genesis)).
		pub validators: Vec<T::AccountId>,
		/// This chain's minimum number of validators ([`MinValidators`]): AlstraNet uses 1 for
		/// `dev` and 4 for `local` and production chains. Within
		/// `[MinAuthorities, MaxAuthorities]`; defaults to [`Config::MinAuthorities`].
		pub min_validators: u32,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { validators: Vec::new(), min_validators: T::MinAuthorities::get() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let floor = T::MinAuthorities::get();
			let max = T::MaxAuthorities::get();
			assert!(
				self.min_validators >= floor && self.min_validators <= max,
				"validatorSet.minValidators is {}, but must be within [{}, {}] \
				 ([MinAuthorities, MaxAuthorities] of the runtime)",
				self.min_validators,
				floor,
				max,
			);
			MinValidators::<T>::put(self.min_validators);

			let count = self.validators.len();
			if count == 0 {
				// The `Default` genesis config (no chain spec): leave the pallet unconfigured.
				log::warn!(
					target: LOG_TARGET,
					"validatorSet.validators is empty: pallet-session keeps its own genesis set \
					 (session.keys) until this pallet has minValidators validators",
				);
				return;
			}
			assert!(
				count >= self.min_validators as usize && count <= max as usize,
				"validatorSet.validators has {} validators, but must have between \
				 minValidators = {} and MaxAuthorities = {}",
				count,
				self.min_validators,
				max,
			);

			let mut validators = self.validators.clone();
			validators.sort();
			validators.dedup();
			assert!(
				validators.len() == count,
				"validatorSet.validators contains duplicate accounts",
			);
			let validators: BoundedVec<_, T::MaxAuthorities> =
				validators.try_into().expect("count <= MaxAuthorities checked above; qed");

			Validators::<T>::put(validators);
		}
	}

	/// Events of this pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` was added to the validator set. It will be handed to `pallet-session` at the
		/// next session rotation and be active one session later.
		ValidatorAdded {
			/// The new validator.
			who: T::AccountId,
		},
		/// `who` was removed from the validator set. It stays active until the new set is
		/// enacted, one to two sessions later.
		ValidatorRemoved {
			/// The removed validator.
			who: T::AccountId,
		},
		/// A new validator set was handed to `pallet-session`: it becomes active at the start
		/// of session `session`.
		NewValidatorSetPlanned {
			/// The session in which `validators` becomes active (the session after the current
			/// one).
			session: SessionIndex,
			/// The whole planned set, sorted.
			validators: Vec<T::AccountId>,
			/// The validators of `validators` without session keys, which `pallet-session`
			/// skips: they will not be active until they register keys.
			missing_keys: Vec<T::AccountId>,
		},
		/// `validator`, active during session `session`, authored no block in it although the
		/// session had a slot for every active validator (see the
		/// [crate documentation](crate#liveness)). The council may remove it
		/// ([`Call::remove_validator`]).
		ValidatorSilent {
			/// The silent validator.
			validator: T::AccountId,
			/// The session that just ended.
			session: SessionIndex,
			/// How many judged sessions in a row it has been silent (1 the first time).
			consecutive: u32,
		},
	}

	/// Errors of this pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The account is already in the validator set.
		AlreadyValidator,
		/// The account is not in the validator set.
		NotValidator,
		/// Removing the validator would leave fewer than [`Pallet::min_validators`] validators.
		TooFewValidators,
		/// The validator set already has [`Config::MaxAuthorities`] validators.
		TooManyValidators,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Weighs this block's `note_author` (one read and one write of [`AuthoredBlocks`]),
		/// which `pallet-authorship` calls without weighing it.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads_writes(1, 1)
		}

		fn integrity_test() {
			assert!(T::MaxAuthorities::get() > 0, "MaxAuthorities must be at least 1");
			assert!(
				T::MinAuthorities::get() <= T::MaxAuthorities::get(),
				"MinAuthorities must not exceed MaxAuthorities",
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add `who` to the validator set.
		///
		/// The origin must be [`Config::AddRemoveOrigin`] (AlstraNet: 2/3 of the council). The
		/// new set is handed to `pallet-session` at the next session rotation and is active one
		/// session after that; `who` must have registered session keys by then
		/// (`session.setKeys`), otherwise `pallet-session` skips it until it does.
		///
		/// Emits [`Event::ValidatorAdded`]. Fails with [`Error::AlreadyValidator`] if `who` is
		/// already a validator and with [`Error::TooManyValidators`] if the set is full.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator(T::MaxAuthorities::get().saturating_sub(1)))]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AddRemoveOrigin::ensure_origin(origin)?;

			Validators::<T>::try_mutate(|validators| -> DispatchResult {
				let index = match validators.binary_search(&who) {
					Ok(_) => return Err(Error::<T>::AlreadyValidator.into()),
					Err(index) => index,
				};
				validators
					.try_insert(index, who.clone())
					.map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			SetChanged::<T>::put(true);

			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Remove `who` from the validator set.
		///
		/// The origin must be [`Config::AddRemoveOrigin`] (AlstraNet: 2/3 of the council). `who`
		/// keeps validating until the new set is enacted (the start of the session after the
		/// next one); its session keys are left registered.
		///
		/// Emits [`Event::ValidatorRemoved`]. Fails with [`Error::NotValidator`] if `who` is not
		/// a validator and with [`Error::TooFewValidators`] if the set would fall below
		/// [`Pallet::min_validators`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_validator(T::MaxAuthorities::get()))]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AddRemoveOrigin::ensure_origin(origin)?;

			Validators::<T>::try_mutate(|validators| -> DispatchResult {
				let index = validators.binary_search(&who).map_err(|_| Error::<T>::NotValidator)?;
				ensure!(
					validators.len() > Self::min_validators() as usize,
					Error::<T>::TooFewValidators
				);
				validators.remove(index);
				Ok(())
			})?;
			SetChanged::<T>::put(true);

			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The effective minimum number of validators of this chain: the larger of the chain spec's
	/// [`MinValidators`] and the runtime's [`Config::MinAuthorities`].
	pub fn min_validators() -> u32 {
		MinValidators::<T>::get().max(T::MinAuthorities::get())
	}

	/// The current validator set (see [`Validators`]), sorted by account id.
	pub fn validators() -> Vec<T::AccountId> {
		Validators::<T>::get().into_inner()
	}

	/// The validators of `validators` that have not registered session keys, in the same order.
	fn without_keys(validators: &[T::AccountId]) -> Vec<T::AccountId> {
		validators.iter().filter(|v| !T::ValidatorRegistration::is_registered(v)).cloned().collect()
	}

	/// Records `missing_keys` as the validators without keys at this plan.
	fn note_planned_without_keys(missing_keys: &[T::AccountId]) {
		// `missing_keys` is a subset of `Validators`, which is bounded by `MaxAuthorities`.
		let bounded = frame_support::BoundedVec::truncate_from(missing_keys.to_vec());
		PlannedWithoutKeys::<T>::put(bounded);
	}

	/// Judges the liveness of the validators active during `session`, which is ending (see the
	/// [crate documentation](crate#liveness)), and empties [`AuthoredBlocks`] for the next one.
	fn judge_liveness(session: SessionIndex) {
		let authored: BTreeMap<T::AccountId, u32> = AuthoredBlocks::<T>::drain().collect();
		if session < LivenessFrom::<T>::get() {
			return;
		}
		let active = T::Sessions::validators();
		let blocks = authored.values().fold(0u32, |sum, n| sum.saturating_add(*n));
		if (blocks as usize) < active.len() {
			log::warn!(
				target: LOG_TARGET,
				"session {} not judged for liveness: {} blocks for {} active validators",
				session,
				blocks,
				active.len(),
			);
			return;
		}
		let gone: Vec<T::AccountId> =
			SilentSessions::<T>::iter_keys().filter(|v| !active.contains(v)).collect();
		for validator in gone {
			SilentSessions::<T>::remove(validator);
		}
		for validator in active {
			if authored.contains_key(&validator) {
				SilentSessions::<T>::remove(&validator);
				continue;
			}
			let consecutive = SilentSessions::<T>::mutate(&validator, |n| {
				*n = n.saturating_add(1);
				*n
			});
			log::warn!(
				target: LOG_TARGET,
				"validator {:?} authored no block in session {} ({} in a row)",
				validator,
				session,
				consecutive,
			);
			Self::deposit_event(Event::ValidatorSilent { validator, session, consecutive });
		}
	}

	/// Checks the pallet's invariants (used by the unit tests): the set is sorted, without
	/// duplicates and not below the minimum, the minimum is not above `MaxAuthorities`, and
	/// [`PlannedWithoutKeys`] is sorted.
	#[cfg(test)]
	pub fn do_try_state() -> Result<(), &'static str> {
		use frame_support::ensure;
		let validators = Validators::<T>::get();
		ensure!(
			validators.windows(2).all(|pair| pair[0] < pair[1]),
			"Validators must be sorted and without duplicates"
		);
		ensure!(
			validators.is_empty() || validators.len() >= Self::min_validators() as usize,
			"fewer validators than the minimum (and not an unconfigured, empty set)"
		);
		ensure!(
			Self::min_validators() <= T::MaxAuthorities::get(),
			"minimum number of validators above MaxAuthorities"
		);
		let without_keys = PlannedWithoutKeys::<T>::get();
		ensure!(
			without_keys.windows(2).all(|pair| pair[0] < pair[1]),
			"PlannedWithoutKeys must be sorted and without duplicates"
		);
		Ok(())
	}
}

/// Hands the validator set to `pallet-session`. See the
/// [crate documentation](crate#when-does-a-change-take-effect) for the timing.
impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	/// Plans the set of session `new_index` (the session after the one starting now).
	///
	/// Returns `Some(set)` if [`Validators`] changed since the last plan, or if the list of
	/// validators without session keys changed (see [`PlannedWithoutKeys`]); `None` otherwise,
	/// in which case `pallet-session` keeps the current set (and GRANDPA keeps its set id).
	/// Also `None` while the set is smaller than [`Pallet::min_validators`], which only happens
	/// after an unconfigured (empty) genesis set. Emits [`Event::NewValidatorSetPlanned`] when
	/// it returns `Some`.
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let validators = Validators::<T>::get().into_inner();
		if validators.len() < Self::min_validators() as usize {
			// Only possible after an empty (unconfigured) genesis set: keep pallet-session's
			// set until this pallet has enough validators to take over.
			return None;
		}
		let changed = SetChanged::<T>::take();
		let missing_keys = Self::without_keys(&validators);
		let keys_changed = PlannedWithoutKeys::<T>::get().as_slice() != missing_keys.as_slice();
		if !changed && !keys_changed {
			return None;
		}

		Self::note_planned_without_keys(&missing_keys);
		if !missing_keys.is_empty() {
			log::warn!(
				target: LOG_TARGET,
				"validators without session keys, skipped by pallet-session in session {}: {:?}",
				new_index,
				missing_keys,
			);
		}
		log::info!(
			target: LOG_TARGET,
			"planning {} validators for session {}",
			validators.len() - missing_keys.len(),
			new_index,
		);
		Self::deposit_event(Event::NewValidatorSetPlanned {
			session: new_index,
			validators: validators.clone(),
			missing_keys,
		});
		Some(validators)
	}

	/// The genesis set, for sessions 0 and 1.
	///
	/// Returns `None` (so that `pallet-session` uses its own `session.keys`) if the genesis set
	/// of this pallet is empty, i.e. unconfigured. Panics if a genesis validator has no session
	/// keys in the session genesis config, or if this pallet's genesis has not been built yet
	/// (this pallet listed after `Session` in `construct_runtime!`).
	fn new_session_genesis(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		assert!(
			MinValidators::<T>::exists(),
			"pallet-session's genesis ran before validatorSet's: ValidatorSet must come before \
			 Session in construct_runtime!",
		);
		let validators = Validators::<T>::get().into_inner();
		if validators.is_empty() {
			log::warn!(
				target: LOG_TARGET,
				"no genesis validators for session {}: pallet-session uses session.keys",
				new_index,
			);
			return None;
		}
		let missing_keys = Self::without_keys(&validators);
		assert!(
			missing_keys.is_empty(),
			"validatorSet.validators without session keys in session.keys: {:?}",
			missing_keys,
		);
		SetChanged::<T>::kill();
		PlannedWithoutKeys::<T>::kill();
		Some(validators)
	}

	/// Judges the liveness of the validators of the session that ends (see the
	/// [crate documentation](crate#liveness)).
	fn end_session(ending: SessionIndex) {
		Self::judge_liveness(ending);
	}

	fn start_session(_: SessionIndex) {}
}

/// Counts the blocks each validator authors, for liveness (see the
/// [crate documentation](crate#liveness)).
impl<T: Config> pallet_authorship::EventHandler<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>
	for Pallet<T>
{
	fn note_author(author: T::AccountId) {
		AuthoredBlocks::<T>::mutate(author, |n| *n = n.saturating_add(1));
	}
}
