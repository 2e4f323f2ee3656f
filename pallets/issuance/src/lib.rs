//! # Issuance pallet
//!
//! AlstraNet's native unit is not a speculative cryptocurrency (Alastria requirement, see
//! `docs/governance.md`): it pays transaction fees and storage deposits, it does not move
//! between accounts (the runtime's `BaseCallFilter` refuses plain transfers), and new units are
//! **issued to members by governance**. This pallet is that issuance: the only way, on a chain
//! without a sudo key, to create units after genesis or to take them back.
//!
//! - [`Config`]
//! - [`Call`]
//! - [`Pallet`]
//!
//! ## Overview
//!
//! - [`Call::issue`] mints `amount` new units into a beneficiary's account (creating the account
//!   if needed); total issuance grows by `amount`.
//! - [`Call::burn`] burns `amount` units from an account (for instance a member leaving the
//!   consortium); total issuance shrinks by `amount`. Only the account's free, unfrozen balance
//!   can be burnt: units held for storage deposits (pallet-revive) or session keys stay. Burning
//!   the whole free balance of an account without holds removes the account; a burn that would
//!   leave a remainder below the existential deposit is refused, so no unit disappears without
//!   being reported as burnt.
//! - Both require [`Config::IssueOrigin`]; AlstraNet's runtime uses a 2/3 majority of the
//!   council (`pallet-collective`), or root on the `dev` chain.
//! - Both are exact: either the whole `amount` is minted or burnt, or the call fails with an
//!   error of this pallet and changes nothing.
//! - Every issue and burn emits an event ([`Event::Issued`], [`Event::Burned`]) that carries the
//!   resulting total issuance, so the history of the money supply can be audited from events
//!   alone. (The currency pallet emits its own `Minted`/`Burned` events as well.)
//!
//! Units are integers in the currency's smallest denomination (AlstraNet: plancks,
//! `1 UNIT = 10^12` plancks).
//!
//! ## Why a pallet of its own
//!
//! `pallet-balances` already mints (`force_set_balance`), but only for root. Giving the council
//! a path to root (pallet-whitelist, pallet-sudo keyed to the collective) would give it every root
//! call at once, including `set_code` and moving any account's units with `force_transfer`. This
//! pallet gives the council issuance and nothing else, and records each act with the resulting
//! supply. The minting itself is `pallet-balances`' `fungible::Mutate` (`mint_into`/`burn_from`).
//!
//! ## Runtime wiring
//!
//! - [`Config::Currency`] `= Balances` (`pallet-balances` implements
//!   [`fungible::Mutate`](frame_support::traits::fungible::Mutate)).
//! - [`Config::IssueOrigin`] `= EnsureRootOrTwoThirdsCouncil`.

#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use frame_support::traits::{
	fungible::{Inspect, Mutate},
	tokens::{DepositConsequence, Fortitude, Precision, Preservation, Provenance},
};
use polkadot_sdk::{frame_support, frame_system, sp_runtime::traits::StaticLookup};

/// The balance type of [`Config::Currency`].
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The account-lookup source of the runtime (a `MultiAddress` in AlstraNet).
pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use polkadot_sdk::sp_runtime::traits::{Saturating, Zero};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// The issuance pallet. It has no storage of its own: balances and the total issuance are
	/// kept by [`Config::Currency`].
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet. Events use the runtime's `RuntimeEvent` through the
	/// `frame_system::Config` bound (the runtime needs no `type RuntimeEvent` line).
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency whose units are issued and burnt (`pallet-balances`).
		type Currency: Mutate<Self::AccountId>;

		/// Origin allowed to issue and burn units. AlstraNet's runtime uses root (the `dev`
		/// sudo key) or a 2/3 majority of the council
		/// (`pallet_collective::EnsureProportionAtLeast<AccountId, _, 2, 3>`).
		type IssueOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of this pallet's calls, see [`weights`](crate::weights).
		type WeightInfo: WeightInfo;
	}

	/// Events of this pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance issued `amount` new units to `beneficiary`.
		Issued {
			/// The account credited.
			beneficiary: T::AccountId,
			/// Units minted, in the currency's smallest denomination.
			amount: BalanceOf<T>,
			/// Total issuance of the currency after the mint.
			total_issuance: BalanceOf<T>,
		},
		/// Governance burnt `amount` units from `who`.
		Burned {
			/// The account debited.
			who: T::AccountId,
			/// Units burnt, in the currency's smallest denomination.
			amount: BalanceOf<T>,
			/// Total issuance of the currency after the burn.
			total_issuance: BalanceOf<T>,
		},
	}

	/// Errors of this pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// `amount` is zero: there is nothing to issue or burn.
		ZeroAmount,
		/// The beneficiary's account does not exist and `amount` is below the existential
		/// deposit, so the account could not be created.
		BelowExistentialDeposit,
		/// Issuing `amount` would overflow the beneficiary's balance or the total issuance.
		IssuanceOverflow,
		/// The currency refused the deposit for another reason (`DepositConsequence::CannotCreate`:
		/// the account cannot be created; `Blocked`; `UnknownAsset`). Not expected with
		/// `pallet-balances`, which only reports `BelowMinimum` and `Overflow` for a mint.
		CannotReceive,
		/// The account's free, unfrozen balance is less than `amount` (held deposits and
		/// frozen units cannot be burnt).
		InsufficientBalance,
		/// Burning `amount` would leave the account with a balance above zero but below the
		/// existential deposit: the account would be removed and that remainder destroyed
		/// without being accounted as burnt. Burn the whole balance, or leave at least the
		/// existential deposit.
		WouldLeaveDust,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Issue `amount` new units to `beneficiary`.
		///
		/// The origin must be [`Config::IssueOrigin`] (AlstraNet: a 2/3 council motion, or root
		/// on `dev`). `amount` is in the currency's smallest denomination (plancks); the
		/// beneficiary's account is created if it does not exist.
		///
		/// Emits [`Event::Issued`].
		///
		/// Errors: `BadOrigin` for any other origin; [`Error::ZeroAmount`];
		/// [`Error::BelowExistentialDeposit`] if the account does not exist and `amount` is
		/// below the existential deposit; [`Error::IssuanceOverflow`];
		/// [`Error::CannotReceive`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::issue())]
		pub fn issue(
			origin: OriginFor<T>,
			beneficiary: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::IssueOrigin::ensure_origin(origin)?;
			let beneficiary = T::Lookup::lookup(beneficiary)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			match T::Currency::can_deposit(&beneficiary, amount, Provenance::Minted) {
				DepositConsequence::Success => {},
				DepositConsequence::BelowMinimum => Err(Error::<T>::BelowExistentialDeposit)?,
				DepositConsequence::Overflow => Err(Error::<T>::IssuanceOverflow)?,
				_ => Err(Error::<T>::CannotReceive)?,
			}
			T::Currency::mint_into(&beneficiary, amount)?;
			Self::deposit_event(Event::Issued {
				beneficiary,
				amount,
				total_issuance: T::Currency::total_issuance(),
			});
			Ok(())
		}

		/// Burn `amount` units from `who`.
		///
		/// The origin must be [`Config::IssueOrigin`]. `amount` is in the currency's smallest
		/// denomination. Only the free, unfrozen part of the balance can be burnt; burning all
		/// of it may remove the account.
		///
		/// Emits [`Event::Burned`].
		///
		/// Errors: `BadOrigin` for any other origin; [`Error::ZeroAmount`];
		/// [`Error::InsufficientBalance`] if `who` has less than `amount` that can be burnt;
		/// [`Error::WouldLeaveDust`] if less than the existential deposit (but not nothing)
		/// would remain.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::burn())]
		pub fn burn(
			origin: OriginFor<T>,
			who: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::IssueOrigin::ensure_origin(origin)?;
			let who = T::Lookup::lookup(who)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let burnable =
				T::Currency::reducible_balance(&who, Preservation::Expendable, Fortitude::Polite);
			ensure!(burnable >= amount, Error::<T>::InsufficientBalance);
			let remaining = T::Currency::balance(&who).saturating_sub(amount);
			ensure!(
				remaining.is_zero() || remaining >= T::Currency::minimum_balance(),
				Error::<T>::WouldLeaveDust
			);
			T::Currency::burn_from(
				&who,
				amount,
				Preservation::Expendable,
				Precision::Exact,
				Fortitude::Polite,
			)?;
			Self::deposit_event(Event::Burned {
				who,
				amount,
				total_issuance: T::Currency::total_issuance(),
			});
			Ok(())
		}
	}
}
