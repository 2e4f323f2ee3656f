//! # EVM chain id pallet
//!
//! Holds the [EIP-155](https://eips.ethereum.org/EIPS/eip-155) chain id that AlstraNet's EVM
//! (`pallet-revive`) reports through `eth_chainId` and checks in every signed Ethereum
//! transaction. The value is part of the chain spec (genesis config `evmChainId.chainId`), so
//! each AlstraNet network (`dev`, `local`, a consortium's production chain) has its own id and
//! a transaction signed for one network can never be replayed on another.
//!
//! The chain id is fixed at genesis: there is no call to change it, because changing it would
//! invalidate every wallet configuration and every pending signed transaction.
//!
//! The pallet implements [`Get<u64>`](frame_support::traits::Get) through [`ChainIdOf`], which
//! the runtime plugs into `pallet_revive::Config::ChainId`. The pattern follows Frontier's
//! `pallet-evm-chain-id`.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

/// Chain id of a genesis config that does not set one, and the value read before genesis:
/// 42, as in Frontier's `pallet-evm-chain-id`. Networks set their own id in the chain spec.
pub const DEFAULT_CHAIN_ID: u64 = 42;

use polkadot_sdk::frame_support;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {}

	/// The chain id read before genesis has set one: [`DEFAULT_CHAIN_ID`]. Only pre-genesis
	/// code sees it (e.g. `pallet-revive`'s `integrity_test`, which requires a non-zero id);
	/// every chain spec sets its own id at genesis.
	#[pallet::type_value]
	pub fn DefaultChainId() -> u64 {
		DEFAULT_CHAIN_ID
	}

	/// The EIP-155 chain id of this network's EVM (a `u64`, as in EIP-155 and `eth_chainId`).
	#[pallet::storage]
	pub type ChainId<T> = StorageValue<_, u64, ValueQuery, DefaultChainId>;

	/// Genesis configuration: the chain id written into the chain spec.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// EIP-155 chain id. Must be non-zero (0 is reserved: EIP-155 signatures with chain
		/// id 0 are indistinguishable from unprotected pre-EIP-155 ones).
		pub chain_id: u64,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { chain_id: DEFAULT_CHAIN_ID, _config: Default::default() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(self.chain_id != 0, "evmChainId.chainId must be non-zero (EIP-155)");
			ChainId::<T>::put(self.chain_id);
		}
	}
}

/// The chain id stored by this pallet, as a `Get<u64>` for `pallet_revive::Config::ChainId`.
pub struct ChainIdOf<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<u64> for ChainIdOf<T> {
	fn get() -> u64 {
		ChainId::<T>::get()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::{derive_impl, traits::Get};
	use polkadot_sdk::{frame_system, sp_io, sp_runtime::BuildStorage};

	type Block = frame_system::mocking::MockBlock<Test>;

	frame_support::construct_runtime!(
		pub enum Test {
			System: frame_system,
			EvmChainId: pallet,
		}
	);

	#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
	impl frame_system::Config for Test {
		type Block = Block;
	}

	impl Config for Test {}

	fn ext(chain_id: u64) -> sp_io::TestExternalities {
		RuntimeGenesisConfig {
			system: Default::default(),
			evm_chain_id: GenesisConfig { chain_id, _config: Default::default() },
		}
		.build_storage()
		.unwrap()
		.into()
	}

	#[test]
	fn genesis_sets_the_chain_id() {
		ext(16716).execute_with(|| {
			assert_eq!(ChainIdOf::<Test>::get(), 16716);
		});
	}

	#[test]
	fn default_genesis_uses_the_default_chain_id() {
		let storage = RuntimeGenesisConfig::default().build_storage().unwrap();
		sp_io::TestExternalities::from(storage).execute_with(|| {
			assert_eq!(ChainIdOf::<Test>::get(), DEFAULT_CHAIN_ID);
		});
	}

	#[test]
	#[should_panic(expected = "evmChainId.chainId must be non-zero")]
	fn zero_chain_id_is_refused_at_genesis() {
		let _ = ext(0);
	}
}
