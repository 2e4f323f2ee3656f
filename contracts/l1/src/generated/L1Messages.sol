// SPDX-License-Identifier: Apache-2.0
// GENERATED from the Rust BPM core (bpm-core/src/proof/l1.rs) by
// `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen`. Do not edit: change the core and
// regenerate; `cargo test -p alstra-bpm-core` fails when this file drifts from the core.
pragma solidity ^0.8.24;

/// @title L1Messages
/// @notice The EIP-712 domain and message types that AlstraNet's validators sign and the L1
/// contracts verify; the runtime, the node and the relayer hash the same strings
/// (bpm-core/src/proof/l1.rs).
library L1Messages {
    /// @notice EIP-712 domain name of `RollupManager`.
    string internal constant DOMAIN_NAME = "AlstraNet Rollup";
    /// @notice EIP-712 domain version of `RollupManager`.
    string internal constant DOMAIN_VERSION = "1";
    /// @notice EIP-712 type of a sealed batch header.
    bytes32 internal constant BATCH_HEADER_TYPEHASH = keccak256(
        "BatchHeader(uint64 number,uint256 oldRoot,uint256 newRoot,uint256 definitionsRoot,uint256 commitment,uint32 sealedAt,bytes32 sealedAtHash)"
    );
    /// @notice EIP-712 type of a validator-set handover.
    bytes32 internal constant VALIDATOR_SET_CHANGE_TYPEHASH = keccak256("ValidatorSetChange(uint64 setId,address[] validators)");
}
