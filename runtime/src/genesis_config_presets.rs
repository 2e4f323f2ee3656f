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
	NodeAuthorizationConfig, ReviveConfig, Runtime, RuntimeGenesisConfig, SessionConfig, SessionKeys,
	SudoConfig, ValidatorSetConfig,
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
use polkadot_sdk::sp_core::OpaquePeerId;
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

/// Balance of the council account at genesis: ten thousand units, for the fees and storage
/// deposits of the council's contract calls.
pub const COUNCIL_ACCOUNT_ENDOWMENT: Balance = 10_000 * UNIT;

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

/// The development nodes' libp2p identities, by node name: `(name, PeerId bytes)`.
///
/// The node key (ed25519 secret) of the development node `name` is `sha256(name)`, the same
/// derivation zombienet uses for the `--node-key` of a node of that name, so a zombienet network
/// with nodes `alice`..`eve` is authorised by the presets. A PeerId's bytes are the identity
/// multihash of the protobuf-encoded public key: `0x00 0x24 0x08 0x01 0x12 0x20 ++ public`
/// (libp2p peer-ids spec); base58 of these bytes is the usual `12D3KooW…` form. The runtime
/// tests recompute them from the node keys. Public keys: never use them outside test networks.
pub const DEV_NODES: [(&str, [u8; 38]); 6] = [
	// 12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm
	("alice", hex!("002408011220d5bf4a3fcce717b0388bcc2749ebc148ad9969b23f45ee1b605fd58778576ac4")),
	// 12D3KooWRkZhiRhsqmrQ28rt73K7V3aCBpqKrLGSXmZ99PTcTZby
	("bob", hex!("002408011220ecc1b58727f3f12b3194881a9ecb9de0b28ce7b207230d8e930fe1bce75e256c")),
	// 12D3KooWPKzmmE2uYgF3z13xjpbFTp63g9dZFag8pG6MgnpSLF4S
	("charlie", hex!("002408011220c8bf2959a96bd99ffde4e7277b41e57331dba7f7918186c359cf7dce149bb567")),
	// 12D3KooWKM1HeSv61ryZwAiBTZnqmass5pYM48k9Z7obzhTbnphm
	("dave", hex!("0024080112208d9293c327662be3c0faeb579b2aedd3b2cec33d74dadedceea76b7a94dc90c0")),
	// 12D3KooWFdSt4JnBmxWXwD5yp7wq2WzPaMA1nscSf6qt8pfge8Tk
	("eve", hex!("002408011220565a0f9555cb4f4d4e06b8111257865dccd75cc75135a9b10c9a44eca5041343")),
	// 12D3KooWHmTccx3iQVudoetE7K4ANiproMfppKrXgYd2Gfd1UcTQ
	("ferdie", hex!("002408011220761ee93456a1ba02bc1c7aac6baf5670fe8f09698e1314ae39cbd04f4c8da69f")),
];

/// The well-known node entry `(PeerId, owner)` of development node `k` (`DEV_NODES`), owned by
/// the keyring account of the same name.
fn dev_node(k: Sr25519Keyring) -> (Vec<u8>, AccountId) {
	let name = alloc::format!("{k:?}").to_lowercase();
	let (_, peer) = DEV_NODES.iter().find(|(n, _)| *n == name).expect("a development node");
	(peer.to_vec(), k.to_account_id())
}

/// The development attestation keys (secp256k1, compressed) of `//Alice`..`//Ferdie`: what a
/// node started with `--alice` etc. generates for the `attn` session key (the runtime presets
/// run without std, where keys cannot be derived from a seed; the runtime tests derive them and
/// compare). Public seeds: never use them outside test networks.
pub const DEV_ATTESTATION_KEYS: [(&str, [u8; 33]); 6] = [
	("Alice", hex!("020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1")),
	("Bob", hex!("0390084fdbf27d2b79d26a4f13f0ccd982cb755a661969143c37cbc49ef5b91f27")),
	("Charlie", hex!("0389411795514af1627765eceffcbd002719f031604fadd7d188e2dc585b4e1afb")),
	("Dave", hex!("03bc9d0ca094bd5b8b3225d7651eac5d18c1c04bf8ae8f8b263eebca4e1410ed0c")),
	("Eve", hex!("031d10105e323c4afce225208f71a6441ee327a65b9e646e772500c74d31f669aa")),
	("Ferdie", hex!("0291f1217d5a04cb83312ee3d88a6e6b33284e053e6ccfc3a90339a0299d12967c")),
];

/// A genesis validator: its account (the validator id) and its session keys.
pub struct GenesisValidator {
	/// The validator's account (`pallet_session::Config::ValidatorId`).
	pub account: AccountId,
	/// Aura (sr25519) authoring key.
	pub aura: AuraId,
	/// GRANDPA (ed25519) finality key.
	pub grandpa: GrandpaId,
	/// Attestation (secp256k1) key for L1.
	pub attestation: pallet_attestation::AttestationId,
}

/// The canonical contracts that Ethereum tools expect at fixed addresses, predeployed on every
/// chain: the deterministic-deployment proxy (CREATE2 deployer of `forge script`, EIP-2470's
/// predecessor), the Safe singleton factory, Multicall3 and the ERC-4337 EntryPoint v0.7 with its
/// SenderCreator. `predeploys.json` is generated, not written: `tests/e2e/bin/generate-predeploys.mjs`
/// deploys each published init code on anvil as on Ethereum and records the resulting accounts
/// (address, nonce, runtime code, storage); `scripts/test.sh` checks that it is up to date.
pub const PREDEPLOYS_JSON: &str = include_str!("predeploys.json");

/// `PREDEPLOYS_JSON` as pallet-revive's genesis `accounts` (`address`, `nonce`, `code`,
/// `storage`; no balance). Panics if the generated file is malformed (a build of a broken
/// generator's output must not start a chain).
pub fn predeploy_accounts() -> Value {
	let list: Vec<Value> = serde_json::from_str(PREDEPLOYS_JSON).expect("predeploys.json is a JSON array");
	Value::Array(
		list.into_iter()
			.map(|a| {
				serde_json::json!({
					"address": a["address"], "nonce": a["nonce"], "code": a["code"], "storage": a["storage"],
				})
			})
			.collect(),
	)
}

/// Builds the genesis config patch of a chain.
///
/// - `validators`: the initial validator set; Aura and GRANDPA authorities come from their
///   session keys (`session.keys`), GRANDPA weights are 1.
/// - `min_validators`: the chain's minimum validator count (`validatorSet.minValidators`): 1 on
///   `dev`, 4 (BFT, VALID_001) on `local` and production chains.
/// - `council`: the council members (one per consortium organisation).
/// - `well_known_nodes`: the permissioned nodes (pallet-node-authorization) as
///   `(PeerId bytes, owner)`; every node of the network must be among them to get peers.
/// - `sudo`: the sudo key, `dev` only (`None` elsewhere: governance is the council).
/// - `evm_chain_id`: EIP-155 chain id of the chain.
///
/// Every chain also gets the canonical contracts of `predeploy_accounts`, and the council
/// account (`pallet_council_account`) is mapped in pallet-revive (its EVM address is
/// `keccak256(account)[12..]`) and given [`COUNCIL_ACCOUNT_ENDOWMENT`] for the fees and storage
/// deposits of the contract calls the council makes (more by `issuance.issue`).
pub fn genesis(
	validators: Vec<GenesisValidator>,
	min_validators: u32,
	council: Vec<AccountId>,
	well_known_nodes: Vec<(Vec<u8>, AccountId)>,
	endowed: Vec<AccountId>,
	sudo: Option<AccountId>,
	evm_chain_id: u64,
) -> Value {
	let council_account = pallet_council_account::Pallet::<Runtime>::account_id();
	let mut patch = frame_support::build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|id| (id, ENDOWMENT))
				.chain([(council_account.clone(), COUNCIL_ACCOUNT_ENDOWMENT)])
				.collect::<Vec<_>>(),
		},
		revive: ReviveConfig { mapped_accounts: vec![council_account] },
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
						SessionKeys {
							aura: v.aura.clone(),
							grandpa: v.grandpa.clone(),
							attestation: v.attestation.clone(),
						},
					)
				})
				.collect::<Vec<_>>(),
		},
		council_membership: CouncilMembershipConfig {
			members: council.try_into().expect("at most CouncilMaxMembers council members"),
		},
		node_authorization: NodeAuthorizationConfig {
			nodes: well_known_nodes
				.into_iter()
				.map(|(peer, owner)| (OpaquePeerId(peer), owner))
				.collect::<Vec<_>>(),
		},
		evm_chain_id: EvmChainIdConfig { chain_id: evm_chain_id },
	});
	if let Value::Object(p) = &mut patch {
		if let Some(Value::Object(revive)) = p.get_mut("revive") {
			revive.insert("accounts".into(), predeploy_accounts());
		}
	}
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
	let name = alloc::format!("{k:?}");
	let (_, attestation) = DEV_ATTESTATION_KEYS.iter().find(|(n, _)| *n == name).expect("a development key");
	GenesisValidator {
		account: k.to_account_id(),
		aura: k.public().into(),
		grandpa: ed.public().into(),
		attestation: sp_core::ecdsa::Public::from_raw(*attestation).into(),
	}
}

/// The `dev` chain: Alice is the only validator, the only council member, the owner of the
/// only well-known node and the sudo key.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice)],
		1,
		vec![Sr25519Keyring::Alice.to_account_id()],
		vec![dev_node(Sr25519Keyring::Alice)],
		endowed_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_EVM_CHAIN_ID,
	)
}

/// The `local` chain: Alice, Bob, Charlie and Dave validate (minimum 4) and form the council;
/// their nodes and the nodes of Eve (a standby validator, see `zombienet/`) and Ferdie (a
/// regular node) are the well-known nodes; no sudo key.
pub fn local_testnet_genesis() -> Value {
	let members = [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave];
	genesis(
		members.into_iter().map(validator).collect(),
		4,
		members.iter().map(|k| k.to_account_id()).collect(),
		members
			.into_iter()
			.chain([Sr25519Keyring::Eve, Sr25519Keyring::Ferdie])
			.map(dev_node)
			.collect(),
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
