//! `alstranet-node consortium-spec`: the chain spec of a consortium's production chain, built from
//! a description of its organisations (who validates, with which session keys, who sits on the
//! council, which nodes each runs) instead of a hand-edited JSON file. The genesis is the runtime's
//! own [`genesis`](alstranet_runtime::genesis_config_presets::genesis) (the one behind the `dev`
//! and `local` presets): at least four validators (VALID_001), no sudo key, the council as the only
//! governance, the organisations' nodes as the well-known nodes, each organisation's account
//! endowed, the canonical contracts predeployed and the council account mapped and funded.
//! See README.md, "A consortium chain spec".
//!
//! Input (JSON, `--config FILE`):
//!
//! ```json
//! {
//!   "name": "Acme BPM Consortium",
//!   "id": "acme_bpm",
//!   "protocolId": "acme-bpm",
//!   "evmChainId": 424242,
//!   "organisations": [
//!     { "name": "Acme Ltd", "account": "5Grw…",
//!       "validator": { "aura": "5Grw…", "grandpa": "5FA9…", "attestation": "0x02…" },
//!       "council": true,
//!       "nodes": ["12D3KooW…"] }
//!   ]
//! }
//! ```
//!
//! Accounts and the aura (sr25519) and grandpa (ed25519) keys are SS58 or 0x-hex of 32 bytes; the
//! attestation key is the 33-byte compressed secp256k1 public key (SS58 or 0x-hex); nodes are
//! libp2p PeerIds in base58 (`alstranet-node key inspect-node-key`). `protocolId` defaults to `id`.

use alstranet_runtime::{
	genesis_config_presets::{genesis, GenesisValidator, DEV_EVM_CHAIN_ID, LOCAL_EVM_CHAIN_ID},
	AccountId,
};
use polkadot_sdk::{
	sc_network::PeerId,
	sc_service::ChainType,
	sp_core::{crypto::Ss58Codec, ecdsa, ed25519, sr25519},
};
use serde::Deserialize;
use std::{collections::BTreeMap, path::PathBuf, str::FromStr};

/// The BFT minimum of validators on a consortium chain (Alastria VALID_001: `3f + 1`, f = 1).
pub const MIN_VALIDATORS: u32 = 4;

/// `alstranet-node consortium-spec`.
#[derive(Debug, clap::Args)]
pub struct ConsortiumSpecCmd {
	/// The consortium's description (JSON; see README.md, "A consortium chain spec").
	#[arg(long, value_name = "FILE")]
	pub config: PathBuf,

	/// Print the raw chain spec (the genesis storage itself, what every node of the network must
	/// be started with) instead of the readable one (the runtime's genesis patch).
	#[arg(long)]
	pub raw: bool,
}

/// The consortium's description.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Consortium {
	name: String,
	id: String,
	protocol_id: Option<String>,
	evm_chain_id: u64,
	organisations: Vec<Organisation>,
}

/// One member organisation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Organisation {
	name: String,
	account: String,
	validator: Option<ValidatorKeys>,
	#[serde(default)]
	council: bool,
	#[serde(default)]
	nodes: Vec<String>,
}

/// A validator's session keys (public parts).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidatorKeys {
	aura: String,
	grandpa: String,
	attestation: String,
}

/// 32 bytes from SS58 or 0x-hex.
fn key32(s: &str) -> Result<[u8; 32], String> {
	if let Some(hex) = s.strip_prefix("0x") {
		let bytes = decode_hex(hex)?;
		return bytes.try_into().map_err(|b: Vec<u8>| format!("{} bytes, expected 32", b.len()));
	}
	sr25519::Public::from_ss58check(s)
		.map(|p| p.0)
		.map_err(|e| format!("neither SS58 nor 0x-hex ({e:?})"))
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
	if hex.len() % 2 != 0 {
		return Err("odd number of hex digits".into());
	}
	(0..hex.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| format!("not hex: {hex}")))
		.collect()
}

impl ConsortiumSpecCmd {
	/// Prints the chain spec, or an error that names the file, the organisation and the field.
	pub fn run(&self) -> Result<(), String> {
		let file = self.config.display();
		let text = std::fs::read_to_string(&self.config).map_err(|e| format!("cannot read {file}: {e}"))?;
		let c: Consortium = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
		let spec = build(&c).map_err(|e| format!("{file}: {e}"))?;
		let json = spec.as_json(self.raw)?;
		println!("{json}");
		Ok(())
	}
}

/// Checks the description and builds the chain spec.
fn build(c: &Consortium) -> Result<crate::chain_spec::ChainSpec, String> {
	if c.id.is_empty() || !c.id.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-') {
		return Err(format!("id {:?}: use letters, digits, '_' or '-' (it names the chain's database folder)", c.id));
	}
	if c.evm_chain_id == 0 || c.evm_chain_id == DEV_EVM_CHAIN_ID || c.evm_chain_id == LOCAL_EVM_CHAIN_ID {
		return Err(format!(
			"evmChainId {}: choose a chain id of your own (not 0, not {DEV_EVM_CHAIN_ID}/{LOCAL_EVM_CHAIN_ID} of dev/local): wallets tell chains apart by it (EIP-155)",
			c.evm_chain_id
		));
	}
	let mut validators = Vec::new();
	let mut council = Vec::new();
	let mut nodes = Vec::new();
	let mut endowed = Vec::new();
	// every account, key and node once among its kind (an organisation may use its account's key
	// for aura, as the dev keys do): (field, value) -> the organisation that has it
	let mut seen: BTreeMap<(String, Vec<u8>), &str> = BTreeMap::new();
	for o in &c.organisations {
		let at = |field: &str, e: String| format!("organisation {:?}, {field}: {e}", o.name);
		let mut unique = |field: &str, bytes: Vec<u8>| -> Result<(), String> {
			match seen.insert((field.to_string(), bytes), &o.name) {
				Some(other) => Err(at(field, format!("already given for organisation {other:?}"))),
				None => Ok(()),
			}
		};
		let raw = key32(&o.account).map_err(|e| at("account", e))?;
		unique("account", raw.to_vec())?;
		let account = AccountId::new(raw);
		endowed.push(account.clone());
		if o.council {
			council.push(account.clone());
		}
		if let Some(v) = &o.validator {
			let aura = sr25519::Public::from_raw(key32(&v.aura).map_err(|e| at("validator.aura", e))?);
			let grandpa = ed25519::Public::from_raw(key32(&v.grandpa).map_err(|e| at("validator.grandpa", e))?);
			let attestation: [u8; 33] = match v.attestation.strip_prefix("0x") {
				Some(h) => decode_hex(h)
					.map_err(|e| at("validator.attestation", e))?
					.try_into()
					.map_err(|b: Vec<u8>| at("validator.attestation", format!("{} bytes, expected 33 (compressed)", b.len())))?,
				None => ecdsa::Public::from_ss58check(&v.attestation)
					.map_err(|e| at("validator.attestation", format!("neither SS58 nor 0x-hex ({e:?})")))?
					.0,
			};
			if attestation[0] != 2 && attestation[0] != 3 {
				return Err(at("validator.attestation", "not a compressed secp256k1 key (first byte 02 or 03)".into()));
			}
			unique("validator.aura", aura.0.to_vec())?;
			unique("validator.grandpa", grandpa.0.to_vec())?;
			unique("validator.attestation", attestation.to_vec())?;
			validators.push(GenesisValidator {
				account: account.clone(),
				aura: aura.into(),
				grandpa: grandpa.into(),
				attestation: ecdsa::Public::from_raw(attestation).into(),
			});
		}
		for n in &o.nodes {
			let peer = PeerId::from_str(n).map_err(|e| at("nodes", format!("{n:?} is not a PeerId: {e}")))?;
			unique("nodes", peer.to_bytes())?;
			nodes.push((peer.to_bytes(), account.clone()));
		}
	}
	if validators.len() < MIN_VALIDATORS as usize {
		return Err(format!(
			"{} organisation(s) with validator keys: a consortium chain needs at least {MIN_VALIDATORS} validators (BFT: 3f+1, Alastria VALID_001)",
			validators.len()
		));
	}
	if council.is_empty() {
		return Err("no organisation has \"council\": true: the council is the chain's only governance".into());
	}
	if let Some(o) = c.organisations.iter().find(|o| o.validator.is_some() && o.nodes.is_empty()) {
		return Err(format!(
			"organisation {:?} validates but lists no node: its validator's node must be a well-known node to get peers",
			o.name
		));
	}
	let patch = genesis(validators, MIN_VALIDATORS, council, nodes, endowed, None, c.evm_chain_id);
	Ok(crate::chain_spec::ChainSpec::builder(crate::chain_spec::wasm()?, None)
		.with_name(&c.name)
		.with_id(&c.id)
		.with_chain_type(ChainType::Live)
		.with_protocol_id(c.protocol_id.as_deref().unwrap_or(&c.id))
		.with_genesis_config_patch(patch)
		.with_properties(crate::chain_spec::properties(c.evm_chain_id))
		.build())
}
