//! The Solidity side of the core's shared constants: [`generated_solidity`] writes
//! `contracts/bpm/src/generated/BpmCore.sol` (the `ElementKind` and `VariableType` enums, the
//! limits, the condition opcodes), which the contracts import instead of declaring their own.
//! `cargo test -p alstra-bpm-core` fails when the committed file differs from this output;
//! `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen` rewrites it.

use crate::condition::{MAX_STACK, OPCODES};
use crate::limits::LIMITS;
use crate::model::{ElementKind, VariableType};
use alloc::format;
use alloc::string::String;

/// Path of the generated Solidity file, relative to the repository root.
pub const SOLIDITY_PATH: &str = "contracts/bpm/src/generated/BpmCore.sol";

/// The text of [`SOLIDITY_PATH`].
pub fn generated_solidity() -> String {
    let mut s = String::new();
    s.push_str(
        "// SPDX-License-Identifier: Apache-2.0\n\
         // GENERATED from the Rust BPM core (bpm-core/src: model.rs, limits.rs, condition.rs) by\n\
         // `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen`. Do not edit: change the core and\n\
         // regenerate; `cargo test -p alstra-bpm-core` fails when this file drifts from the core.\n\
         pragma solidity ^0.8.24;\n\n\
         /// @title BpmCore\n\
         /// @notice The element kinds and variable types of the BPM core (bpm-core/src/model.rs), in a\n\
         /// library so that ABI tools (alloy's `sol!`) see them as `BpmCore.ElementKind`.\n\
         library BpmCore {\n",
    );
    s.push_str("    /// @notice BPMN 2.0 flow-node types the engine executes (BPMN 2.0.2 sections 10.3 activities,\n");
    s.push_str("    /// 10.5 events, 10.6 gateways). The ordinal is the `kind` of `BpmnModel.Element`.\n");
    s.push_str("    enum ElementKind {\n");
    for (i, k) in ElementKind::ALL.iter().enumerate() {
        let sep = if i + 1 < ElementKind::ALL.len() { "," } else { "" };
        s.push_str(&format!("        {}{sep} // {}: {}\n", k.name(), *k as u8, k.describe()));
    }
    s.push_str("    }\n\n");
    s.push_str("    /// @notice Type of an instance variable, used by conditions; every value is held as an int256.\n");
    s.push_str("    enum VariableType {\n");
    for (i, t) in VariableType::ALL.iter().enumerate() {
        let sep = if i + 1 < VariableType::ALL.len() { "," } else { "" };
        s.push_str(&format!("        {}{sep} // {}: {}\n", t.name(), *t as u8, t.describe()));
    }
    s.push_str("    }\n\n");
    let index = crate::proof::ROLLUP_PRECOMPILE_INDEX as u32;
    s.push_str(&format!(
        "    /// @notice Address of AlstraNet's rollup precompile (`IRollup`; pallet-revive precompile index\n\
         \x20   /// 0x{index:04x}, bpm-core/src/proof/mod.rs): the registry and the engine report to it.\n\
         \x20   address internal constant ROLLUP_PRECOMPILE = address(uint160(0x{:08x}));\n",
        index << 16
    ));
    s.push_str(
        "}\n\n\
         /// @title BpmLimits\n\
         /// @notice Limits of a process definition and of the engine (bpm-core/src/limits.rs).\n\
         library BpmLimits {\n",
    );
    for (name, value, doc) in LIMITS {
        s.push_str(&format!("    /// @notice Maximum {doc}.\n    uint256 internal constant {name} = {value};\n"));
    }
    s.push_str(
        "}\n\n\
         /// @title ConditionOps\n\
         /// @notice Opcodes of the condition bytecode (bpm-core/src/condition.rs).\n\
         library ConditionOps {\n",
    );
    for (op, name, doc) in OPCODES {
        s.push_str(&format!("    /// @notice {doc}.\n    uint8 internal constant {name} = 0x{op:02x};\n"));
    }
    s.push_str(&format!(
        "}}\n\n\
         // Maximum number of values on the condition VM's stack (a file-level constant: Solidity\n\
         // takes no library constant as the length of a memory array).\n\
         uint256 constant CONDITION_MAX_STACK = {MAX_STACK};\n"
    ));
    s
}
