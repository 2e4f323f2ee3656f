//! # Council account pallet
//!
//! The consortium's own account: an ordinary signed account of the chain that **only a 2/3
//! majority of the council** can act for. Its purpose is to own what the consortium owns beside
//! the runtime, first of all the admin roles of the BPM contracts on the chain's EVM
//! (`pallet-revive`): which definitions administrator, participant registrar, oracle
//! administrator and reward units the engine trusts (spec 5.18, "Governance"). The same 2/3 rule
//! that adds a validator or issues units then governs the contracts, and no single member's key
//! can change them.
//!
//! - [`Config`]
//! - [`Call`]
//! - [`Pallet`]
//!
//! ## Overview
//!
//! - [`Call::dispatch`] dispatches a call with the council account as its signed origin. The
//!   origin must be [`Config::CouncilOrigin`] (AlstraNet: a 2/3 council motion, or root on
//!   `dev`). The call is typically `revive.call(dest, 0, weight_limit, storage_deposit_limit,
//!   data)`: an EVM call whose `msg.sender` is the council account's EVM address.
//! - The account is [`Pallet::account_id`], derived from [`Config::PalletId`] (`"alstr/cl"`:
//!   `modl` ++ pallet id, zero-padded, as every `PalletId` account). Its EVM address is
//!   pallet-revive's mapping of that account (`keccak256(account)[12..]` once mapped; the
//!   runtime maps it and gives it units for storage deposits at genesis). It is shown to
//!   polkadot.js as the constants `councilAccount.accountId` and `councilAccount.evmAddress`.
//! - The inner call's result is the motion's result: a failing inner call (for instance a
//!   contract that reverts, `revive.ContractReverted`) fails [`Call::dispatch`], so the council's
//!   `Executed` event reports the inner error and nothing of the inner call is kept. A successful
//!   one emits [`Event::Dispatched`].
//! - The inner call passes the runtime's `BaseCallFilter` like any signed call (no plain
//!   transfers of the native unit).
//!
//! ## Why a pallet of its own
//!
//! A signed origin is what the EVM needs: `pallet-revive` runs a contract call only for a signed
//! account (an EVM `msg.sender`) or root. Root is not an option: no council motion reaches root
//! on AlstraNet (see `pallet-issuance` for why), and root in revive calls as revive's own pallet
//! account anyway. `pallet_utility::dispatch_as` needs root; `pallet-proxy` needs a signed
//! delegate, i.e. one member's key. This pallet is `dispatch_as` for one fixed account and one
//! origin, as the treasury's or a parachain's sovereign account.
//!
//! ## Weights
//!
//! [`Call::dispatch`] is charged its own overhead ([`WeightInfo::dispatch`]) plus the inner
//! call's declared weight, and refunds to the inner call's actual weight. The inner call's
//! storage deposits and fees are paid by the council account, which the council funds with
//! `issuance.issue`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::boxed::Box;
use polkadot_sdk::{
	frame_support::{
		self,
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		traits::IsSubType,
		PalletId,
	},
	frame_system,
	sp_core::H160,
	sp_runtime::traits::{AccountIdConversion, Convert, Dispatchable},
};

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use polkadot_sdk::sp_runtime::traits::Hash;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// The council account pallet. It has no storage of its own.
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The runtime's call type: what the council account can dispatch.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>
			+ IsSubType<Call<Self>>
			+ IsType<<Self as frame_system::Config>::RuntimeCall>;

		/// Origin allowed to act for the council account. AlstraNet's runtime uses root (the
		/// `dev` sudo key) or a 2/3 majority of the council
		/// (`pallet_collective::EnsureProportionAtLeast<AccountId, _, 2, 3>`).
		type CouncilOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The id the council account is derived from (`PalletId::into_account_truncating`).
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The EVM address of an account (AlstraNet: pallet-revive's `AddressMapper::to_address`,
		/// i.e. `keccak256(account)[12..]` for an account not derived from an Ethereum key).
		type EvmAddressOf: Convert<Self::AccountId, H160>;

		/// Weights of this pallet's calls, see [`weights`](crate::weights).
		type WeightInfo: WeightInfo;
	}

	/// Events of this pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The council account dispatched a call, which succeeded.
		Dispatched {
			/// blake2-256 hash of the SCALE-encoded inner call (what the council motion voted on,
			/// inside the motion's own hash).
			call_hash: T::Hash,
		},
	}

	/// Errors of this pallet. The inner call's own errors are passed through unchanged.
	#[pallet::error]
	pub enum Error<T> {
		/// The inner call is `councilAccount.dispatch` itself: nesting adds nothing and would
		/// only hide the real call from the motion's reviewers.
		NestedDispatch,
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// The council account (derived from [`Config::PalletId`]).
		#[pallet::constant_name(AccountId)]
		fn account_id_constant() -> T::AccountId {
			Self::account_id()
		}

		/// The council account's EVM address: `msg.sender` of the contract calls it dispatches,
		/// the address the BPM contracts' admin roles are granted to.
		#[pallet::constant_name(EvmAddress)]
		fn evm_address_constant() -> H160 {
			Self::evm_address()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Dispatch `call` with the council account ([`Pallet::account_id`]) as its signed
		/// origin.
		///
		/// The origin must be [`Config::CouncilOrigin`] (AlstraNet: a 2/3 council motion, or root
		/// on `dev`). Weight: this pallet's overhead plus the inner call's declared weight;
		/// refunded to the actual weight of the inner call.
		///
		/// Emits [`Event::Dispatched`] when the inner call succeeds.
		///
		/// Errors: `BadOrigin` for any other origin; [`Error::NestedDispatch`] if `call` is this
		/// call again; otherwise the inner call's error (e.g. `revive.ContractReverted` when the
		/// contract reverts, `system.CallFiltered` for a call the runtime's filter refuses), and
		/// then nothing of the inner call is kept.
		#[pallet::call_index(0)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(T::WeightInfo::dispatch().saturating_add(info.call_weight), info.class)
		})]
		pub fn dispatch(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResultWithPostInfo {
			T::CouncilOrigin::ensure_origin(origin)?;
			ensure!(call.is_sub_type().is_none(), Error::<T>::NestedDispatch);
			let call_hash = T::Hashing::hash_of(&call);
			let declared = call.get_dispatch_info().call_weight;
			let overhead = T::WeightInfo::dispatch();
			// `RawOrigin::Signed(..).into()` carries the runtime's `BaseCallFilter`.
			let account = frame_system::RawOrigin::Signed(Self::account_id());
			let post = call.dispatch(account.into()).map_err(|mut e| {
				// Keep the inner error, charged what the inner call used plus the overhead.
				e.post_info.actual_weight =
					Some(overhead.saturating_add(e.post_info.actual_weight.unwrap_or(declared)));
				e
			})?;
			Self::deposit_event(Event::Dispatched { call_hash });
			Ok(Some(overhead.saturating_add(post.actual_weight.unwrap_or(declared))).into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The council account: `PalletId::into_account_truncating` of [`Config::PalletId`].
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The council account's EVM address ([`Config::EvmAddressOf`] of [`Pallet::account_id`]).
		pub fn evm_address() -> H160 {
			T::EvmAddressOf::convert(Self::account_id())
		}
	}
}
