//! Genesis config presets: `development` (the `dev` chain: one validator, Alice) and
//! `local_testnet` (the `local` chain: four validators Alice, Bob, Charlie and Dave — the
//! minimum for BFT finality, which tolerates `f` faulty validators out of `3f + 1`).
//!
//! Both presets endow the well-known development accounts: the sr25519 keyring accounts
//! (Alice..Ferdie, `//Alice` etc.) and the five Ethereum dev accounts of
//! `subxt_signer::eth::dev` (Alith, Baltathar, Charleth, Dorothy, Ethan), whose private keys are
//! public: never use these presets for a consortium's production chain.

use crate::{
	currency::UNIT, AccountId, Balance, BalancesConfig, CouncilMembershipConfig, EvmChainIdConfig,
	ReviveConfig, Runtime, RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig,
	ValidatorSetConfig,
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

/// A genesis validator: its account (the validator id) and its session keys.
pub struct GenesisValidator {
	/// The validator's account (`pallet_session::Config::ValidatorId`).
	pub account: AccountId,
	/// Aura (sr25519) authoring key.
	pub aura: AuraId,
	/// GRANDPA (ed25519) finality key.
	pub grandpa: GrandpaId,
}

/// Builds the genesis config patch of a chain.
///
/// - `validators`: the initial validator set; Aura and GRANDPA authorities come from their
///   session keys (`session.keys`), GRANDPA weights are 1.
/// - `min_validators`: the chain's minimum validator count (`validatorSet.minValidators`): 1 on
///   `dev`, 4 (BFT, VALID_001) on `local` and production chains.
/// - `council`: the council members (one per consortium organisation).
/// - `sudo`: the sudo key, `dev` only (`None` elsewhere: governance is the council).
/// - `evm_chain_id`: EIP-155 chain id of the chain.
pub fn genesis(
	validators: Vec<GenesisValidator>,
	min_validators: u32,
	council: Vec<AccountId>,
	endowed: Vec<AccountId>,
	sudo: Option<AccountId>,
	evm_chain_id: u64,
) -> Value {
	let mut patch = frame_support::build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.iter().cloned().map(|id| (id, ENDOWMENT)).collect::<Vec<_>>(),
		},
		validator_set: ValidatorSetConfig {
			validators: validators.iter().map(|v| v.account.clone()).collect::<Vec<_>>(),
			min_validators,
		},
		session: SessionConfig {
			keys: validators
				.iter()
				.map(|v| {
					(
						v.account.clone(),
						v.account.clone(),
						SessionKeys { aura: v.aura.clone(), grandpa: v.grandpa.clone() },
					)
				})
				.collect::<Vec<_>>(),
		},
		council_membership: CouncilMembershipConfig {
			members: council.try_into().expect("at most CouncilMaxMembers council members"),
		},
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
	});
	if let Some(key) = sudo {
		let sudo = frame_support::build_struct_json_patch!(RuntimeGenesisConfig {
			sudo: SudoConfig { key: Some(key) },
		});
		if let (Value::Object(p), Value::Object(s)) = (&mut patch, sudo) {
			p.extend(s);
		}
	}
	patch
}

fn validator(k: Sr25519Keyring) -> GenesisValidator {
	let ed = match k {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		_ => Ed25519Keyring::Ferdie,
	};
	GenesisValidator { account: k.to_account_id(), aura: k.public().into(), grandpa: ed.public().into() }
}

/// The `dev` chain: Alice is the only validator, the only council member and the sudo key.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice)],
		1,
		vec![Sr25519Keyring::Alice.to_account_id()],
		endowed_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_EVM_CHAIN_ID,
	)
}

/// The `local` chain: Alice, Bob, Charlie and Dave validate (minimum 4) and form the council;
/// no sudo key.
pub fn local_testnet_genesis() -> Value {
	let members = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave];
	genesis(
		members.into_iter().map(validator).collect(),
		4,
		members.iter().map(|k| k.to_account_id()).collect(),
		endowed_accounts(),
		None,
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
