//! Genesis config presets: `development` (the `dev` chain: one validator, Alice) and
//! `local_testnet` (the `local` chain: four validators Alice, Bob, Charlie and Dave — the
//! minimum for BFT finality, which tolerates `f` faulty validators out of `3f + 1`).
//!
//! Both presets endow the well-known development accounts: the sr25519 keyring accounts
//! (Alice..Ferdie, `//Alice` etc.) and the five Ethereum dev accounts of
//! `subxt_signer::eth::dev` (Alith, Baltathar, Charleth, Dorothy, Ethan), whose private keys are
//! public: never use these presets for a consortium's production chain.

use crate::{
	currency::UNIT, AccountId, AuraConfig, Balance, BalancesConfig, EvmChainIdConfig,
	GrandpaConfig, ReviveConfig, Runtime, RuntimeGenesisConfig, SudoConfig,
};
use alloc::{vec, vec::Vec};
use pallet_revive::AddressMapper;
use polkadot_sdk::{
	polkadot_sdk_frame::{deps::sp_genesis_builder, runtime::prelude::*},
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
	*,
};
use hex_literal::hex;
use serde_json::Value;

/// Preset id of the `local` chain (four validators).
pub const LOCAL_TESTNET_RUNTIME_PRESET: &str = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;
/// Preset id of the `dev` chain (one validator).
pub const DEV_RUNTIME_PRESET: &str = sp_genesis_builder::DEV_RUNTIME_PRESET;

/// EIP-155 chain id of the `dev` chain (`0x414c`, "AL").
pub const DEV_EVM_CHAIN_ID: u64 = 16716;
/// EIP-155 chain id of the `local` chain (`0x414d`).
pub const LOCAL_EVM_CHAIN_ID: u64 = 16717;

/// Balance given to each endowed development account: one million units.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// Ethereum dev account Alith: address `0xf24FF3a9CF04c71Dbc94D0b566f7A27B94566cac`,
/// private key `0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133`
/// (public, from Moonbeam's and `subxt_signer::eth::dev`'s dev accounts).
pub const ALITH: [u8; 20] = hex!("f24ff3a9cf04c71dbc94d0b566f7a27b94566cac");

/// The Ethereum dev accounts (20-byte addresses) endowed in the presets.
pub fn eth_dev_accounts() -> Vec<[u8; 20]> {
	vec![
		ALITH,
		// Baltathar
		hex!("3cd0a705a2dc65e5b1e1205896baa2be8a07c6e0"),
		// Charleth
		hex!("798d4ba9baf0064ec19eb4f0a1a45785ae9d6dfc"),
		// Dorothy
		hex!("773539d4ac0e786233d90a233654ccee26a613d9"),
		// Ethan
		hex!("ff64d3f6efe2317ee2807d223a0bdc4c0c49dfdb"),
	]
}

/// The Substrate account that holds the funds of an Ethereum address: `pallet-revive`'s
/// `AccountId32Mapper` maps an unmapped H160 to `address ++ [0xEE; 12]`.
pub fn eth_fallback_account(address: [u8; 20]) -> AccountId {
	<Runtime as pallet_revive::Config>::AddressMapper::to_fallback_account_id(&address.into())
}

fn endowed_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known()
		.map(|k| k.to_account_id())
		.chain(eth_dev_accounts().into_iter().map(eth_fallback_account))
		.collect()
}

/// Builds the genesis config patch for a chain with the given validators.
///
/// - `validators`: `(aura sr25519 key, grandpa ed25519 key)` per validator; GRANDPA weights are 1.
/// - `sudo`: the sudo key (dev/local chains only).
/// - `evm_chain_id`: EIP-155 chain id of the chain.
pub fn genesis(
	validators: Vec<(AuraId, GrandpaId)>,
	endowed: Vec<AccountId>,
	sudo: AccountId,
	evm_chain_id: u64,
) -> Value {
	frame_support::build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.iter().cloned().map(|id| (id, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: AuraConfig { authorities: validators.iter().map(|v| v.0.clone()).collect::<Vec<_>>() },
		grandpa: GrandpaConfig {
			authorities: validators.iter().map(|v| (v.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(sudo) },
		evm_chain_id: EvmChainIdConfig { chain_id: evm_chain_id },
		revive: ReviveConfig {
			// Substrate accounts get an Ethereum address mapping; Ethereum fallback accounts
			// are already addressable and must not be mapped.
			mapped_accounts: endowed
				.iter()
				.filter(|x| !<Runtime as pallet_revive::Config>::AddressMapper::is_mapped(x))
				.cloned()
				.collect::<Vec<_>>(),
		},
	})
}

fn validator(k: Sr25519Keyring) -> (AuraId, GrandpaId) {
	let ed = match k {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		_ => Ed25519Keyring::Ferdie,
	};
	(k.public().into(), ed.public().into())
}

/// The `dev` chain: Alice is the only validator and the sudo key.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice)],
		endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		DEV_EVM_CHAIN_ID,
	)
}

/// The `local` chain: Alice, Bob, Charlie and Dave validate; Alice is the sudo key.
pub fn local_testnet_genesis() -> Value {
	genesis(
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(validator)
			.collect(),
		endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		LOCAL_EVM_CHAIN_ID,
	)
}

/// Returns the JSON patch of the preset `id`, or `None` for an unknown preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// List of supported presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
