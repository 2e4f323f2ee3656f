//! Chain specifications of the built-in networks: `dev` and `local` (a consortium's own chain:
//! `consortium-spec`, [`crate::consortium`]).
//!
//! The committed files `chain-specs/dev.json` and `chain-specs/local.json` are exactly what
//! `alstranet-node export-chain-spec --chain <dev|local>` prints (see
//! `scripts/regenerate-chain-specs.sh`); a test fails when they drift from the runtime.

use alstranet_runtime::{
	genesis_config_presets::{
		DEV_EVM_CHAIN_ID, DEV_RUNTIME_PRESET, LOCAL_EVM_CHAIN_ID, LOCAL_TESTNET_RUNTIME_PRESET,
	},
	WASM_BINARY,
};
use polkadot_sdk::{sc_service::ChainType, *};
use serde_json::json;

/// Chain spec type of AlstraNet (no chain-spec extensions).
pub type ChainSpec = sc_service::GenericChainSpec;

/// Chain properties shown by wallets (polkadot.js) and read by tools: token symbol and
/// decimals of the native unit, SS58 prefix, and the EIP-155 chain id of the EVM
/// (`evmChainId`, the value `eth_chainId` returns).
pub(crate) fn properties(evm_chain_id: u64) -> sc_chain_spec::Properties {
	json!({
		"tokenSymbol": "ALSTRA",
		"tokenDecimals": 12,
		"ss58Format": 42,
		"evmChainId": evm_chain_id,
	})
	.as_object()
	.expect("a JSON object literal")
	.clone()
}

pub(crate) fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime's wasm blob is not in this build (built with SKIP_WASM_BUILD?)".to_string()
	})
}

/// The `dev` chain: one validator (Alice), instant start, sudo.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("AlstraNet Development")
		.with_id("alstranet_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
		.with_properties(properties(DEV_EVM_CHAIN_ID))
		.build())
}

/// The `local` chain: four validators (Alice, Bob, Charlie, Dave), the BFT minimum.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("AlstraNet Local Testnet")
		.with_id("alstranet_local")
		.with_chain_type(ChainType::Local)
		.with_protocol_id("alstranet")
		.with_genesis_config_preset_name(LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties(LOCAL_EVM_CHAIN_ID))
		.build())
}
