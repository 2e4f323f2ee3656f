// SPDX-License-Identifier: Apache-2.0
// GENERATED from the Rust BPM core (bpm-core/src: model.rs, limits.rs, condition.rs) by
// `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen`. Do not edit: change the core and
// regenerate; `cargo test -p alstra-bpm-core` fails when this file drifts from the core.
pragma solidity ^0.8.24;

/// @title BpmCore
/// @notice The element kinds and variable types of the BPM core (bpm-core/src/model.rs), in a
/// library so that ABI tools (alloy's `sol!`) see them as `BpmCore.ElementKind`.
library BpmCore {
    /// @notice BPMN 2.0 flow-node types the engine executes (BPMN 2.0.2 sections 10.3 activities,
    /// 10.5 events, 10.6 gateways). The ordinal is the `kind` of `BpmnModel.Element`.
    enum ElementKind {
        Task, // 0: bpmn:task, completed by a holder of its role
        UserTask, // 1: bpmn:userTask, completed by a holder of its role
        ManualTask, // 2: bpmn:manualTask, completed by a holder of its role
        ServiceTask, // 3: bpmn:serviceTask, completed by its role holder (an integration account)
        SendTask, // 4: bpmn:sendTask, completed by its role holder; sends its message flows
        ReceiveTask, // 5: bpmn:receiveTask, automatic when its message arrives
        ScriptTask, // 6: bpmn:scriptTask, completed by its role holder (the script runs off-chain)
        BusinessRuleTask, // 7: bpmn:businessRuleTask, completed by its role holder (the decision runs off-chain)
        SubProcess, // 8: embedded bpmn:subProcess: opens a child scope
        CallActivity, // 9: bpmn:callActivity: starts an instance of another deployed definition
        StartEvent, // 10: none start event
        MessageStartEvent, // 11: message start event
        EndEvent, // 12: none end event
        MessageEndEvent, // 13: message end event: sends its message flows
        TerminateEndEvent, // 14: terminate end event: clears its scope and the scopes nested in it
        IntermediateThrowEvent, // 15: none intermediate throw event
        MessageIntermediateThrowEvent, // 16: message intermediate throw event
        MessageIntermediateCatchEvent, // 17: message intermediate catch event
        ExclusiveGateway, // 18: exclusive (XOR) gateway: the first flow whose condition holds, else the default
        ParallelGateway, // 19: parallel (AND) gateway: joins all incoming, splits to all outgoing
        EventBasedGateway // 20: event-based gateway (deferred choice): its outgoing flows share one place
    }

    /// @notice Type of an instance variable, used by conditions; every value is held as an int256.
    enum VariableType {
        Bool, // 0: stored as 0 or 1
        Int, // 1: int256
        String // 2: stored as int256(keccak256(bytes(value))): equality only
    }

    /// @notice Address of AlstraNet's rollup precompile (`IRollup`; pallet-revive precompile index
    /// 0x0b00, bpm-core/src/proof/mod.rs): the registry and the engine report to it.
    address internal constant ROLLUP_PRECOMPILE = address(uint160(0x0b000000));
}

/// @title BpmLimits
/// @notice Limits of a process definition and of the engine (bpm-core/src/limits.rs).
library BpmLimits {
    /// @notice Maximum places (bits of a scope's marking) per scope.
    uint256 internal constant MAX_PLACES = 256;
    /// @notice Maximum message flows per definition.
    uint256 internal constant MAX_MESSAGE_FLOWS = 256;
    /// @notice Maximum scopes (pool processes and embedded sub-processes) per definition.
    uint256 internal constant MAX_SCOPES = 256;
    /// @notice Maximum variables per definition.
    uint256 internal constant MAX_VARIABLES = 256;
    /// @notice Maximum elements (flow nodes) per definition.
    uint256 internal constant MAX_ELEMENTS = 65535;
    /// @notice Maximum sequence flows per record table of a definition.
    uint256 internal constant MAX_SEQUENCE_FLOWS = 65535;
    /// @notice Maximum pools per definition.
    uint256 internal constant MAX_POOLS = 256;
    /// @notice Maximum swimlanes per definition.
    uint256 internal constant MAX_SWIMLANES = 65535;
    /// @notice Maximum automatic firings in one transaction, across every instance it touches.
    uint256 internal constant MAX_AUTOMATIC_STEPS = 512;
    /// @notice Maximum nesting of call activities (a root instance has depth 0).
    uint256 internal constant MAX_CALL_DEPTH = 8;
    /// @notice Maximum recognition units one approval of a verified task grants (alstra:reward).
    uint256 internal constant MAX_REWARD_UNITS = 1000000000;
}

/// @title ConditionOps
/// @notice Opcodes of the condition bytecode (bpm-core/src/condition.rs).
library ConditionOps {
    /// @notice push the 32-byte big-endian two's-complement int256 operand.
    uint8 internal constant OP_PUSH = 0x01;
    /// @notice push 1.
    uint8 internal constant OP_TRUE = 0x02;
    /// @notice push 0.
    uint8 internal constant OP_FALSE = 0x03;
    /// @notice push the variable of the 1-byte index operand (0 if never set).
    uint8 internal constant OP_LOAD = 0x04;
    /// @notice pop b, pop a, push a == b.
    uint8 internal constant OP_EQ = 0x10;
    /// @notice pop b, pop a, push a != b.
    uint8 internal constant OP_NE = 0x11;
    /// @notice pop b, pop a, push a < b (signed).
    uint8 internal constant OP_LT = 0x12;
    /// @notice pop b, pop a, push a <= b (signed).
    uint8 internal constant OP_LE = 0x13;
    /// @notice pop b, pop a, push a > b (signed).
    uint8 internal constant OP_GT = 0x14;
    /// @notice pop b, pop a, push a >= b (signed).
    uint8 internal constant OP_GE = 0x15;
    /// @notice pop b, pop a, push (a != 0) && (b != 0).
    uint8 internal constant OP_AND = 0x20;
    /// @notice pop b, pop a, push (a != 0) || (b != 0).
    uint8 internal constant OP_OR = 0x21;
    /// @notice pop a, push a == 0.
    uint8 internal constant OP_NOT = 0x22;
}

// Maximum number of values on the condition VM's stack (a file-level constant: Solidity
// takes no library constant as the length of a memory array).
uint256 constant CONDITION_MAX_STACK = 16;
