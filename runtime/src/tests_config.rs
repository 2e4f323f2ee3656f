//! Production configuration checks of the runtime on every genesis preset.

use super::*;
use crate::{genesis_config_presets::preset_names, tests::ext_from_preset};
use pallet_revive::DebugSettings;

/// `pallet_revive::Config::DebugEnabled` is true on every chain (one runtime serves them all),
/// and what it allows is read from `revive.debugSettings` in the chain's genesis: no preset sets
/// it, so no chain relaxes the EVM's rules (unlimited contract size, transactions from contract
/// accounts despite EIP-3607, PolkaVM logs); only execution tracing (`debug_trace*`, read-only,
/// for process developers and auditors) is on. `alstranet-node consortium-spec` builds its
/// chain specs with the same `genesis_config_presets::genesis` as the presets.
#[test]
fn no_chain_relaxes_the_evm_rules_for_debugging() {
	for preset in preset_names() {
		let id = String::from_utf8_lossy(preset.as_ref()).into_owned();
		ext_from_preset(&id).execute_with(|| {
			assert!(!DebugSettings::is_unlimited_contract_size_allowed::<Runtime>(), "{id}: unlimited contract size");
			assert!(!DebugSettings::bypass_eip_3607::<Runtime>(), "{id}: EIP-3607 bypassed");
			assert!(!DebugSettings::is_pvm_logs_enabled::<Runtime>(), "{id}: PolkaVM logs");
			assert!(DebugSettings::is_execution_tracing_enabled::<Runtime>(), "{id}: execution tracing is off");
		});
	}
}
