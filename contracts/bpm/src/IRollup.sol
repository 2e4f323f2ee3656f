// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IRollup
/// @notice AlstraNet's rollup precompile, at `BpmCore.ROLLUP_PRECOMPILE`
/// (`0x000000000000000000000000000000000b000000`): the EVM door of the runtime's rollup pallet
/// (`pallets/rollup`), which records every BPM firing in the Poseidon state tree the Groth16
/// circuit proves and seals the transitions into batches for the relayer.
///
/// The `ProcessDefinitionRegistry` registers each definition it publishes; the
/// `ProcessExecution` engine reports every instance start and every firing, in the order it
/// emits the matching events. The runtime fires the matching rule of the proven state machine
/// (the BPM core's `proof::replay`); when the core finds a firing invalid the call reverts with
/// `Error(string)` naming why, and with it the whole EVM transaction: the engine and the proven
/// state machine are checked against each other on every transaction.
///
/// Only contracts that governance authorized (`Rollup.authorize_contract`, a council motion;
/// `sudo` on a dev chain) may call the state-changing functions: a registry may only register,
/// an engine only report; anyone else reverts with "rollup: caller ... is not an authorized
/// registry/engine". Instance ids are the engine's (one engine per chain: the proven state
/// starts instances at sequential ids) and definition ids the registry's.
///
/// @dev The runtime reads this very file (`alloy_core::sol!`, `runtime/src/rollup_precompile.rs`),
/// so the ABI has one source. Self-contained on purpose (the macro resolves no imports): the
/// structs have the fields, order and ABI types of `BpmnModel`'s (an enum is a `uint8`), so the
/// registry passes its stored model by re-decoding its ABI encoding.
interface IRollup {
    /// @notice `BpmnModel.Pool`.
    struct Pool {
        string bpmnId;
        string name;
        bytes32 role;
        bool executable;
    }

    /// @notice `BpmnModel.Swimlane`.
    struct Swimlane {
        string bpmnId;
        string name;
        uint8 pool;
        bytes32 role;
    }

    /// @notice `BpmnModel.Subprocess` (a scope).
    struct Subprocess {
        string bpmnId;
        uint16 parentElement;
        uint8 pool;
    }

    /// @notice `BpmnModel.Element` (`kind`: the `BpmCore.ElementKind` ordinal).
    struct Element {
        string bpmnId;
        string name;
        uint8 kind;
        uint8 scope;
        uint16 lane;
        uint16 messageIn;
        uint256 messageOut;
        uint8 childScope;
        bytes32 calledProcess;
    }

    /// @notice `BpmnModel.ActivitySequenceFlow`.
    struct ActivitySequenceFlow {
        string bpmnId;
        uint16 source;
        uint16 target;
        uint8 place;
    }

    /// @notice `BpmnModel.GatewaySequenceFlow`.
    struct GatewaySequenceFlow {
        string bpmnId;
        uint16 gateway;
        uint16 target;
        uint8 place;
        bytes condition;
        bool isDefault;
    }

    /// @notice `BpmnModel.EventTrigger` (a message flow).
    struct EventTrigger {
        string bpmnId;
        string name;
        uint16 sourceElement;
        uint8 sourcePool;
        uint16 target;
    }

    /// @notice `BpmnModel.Variable` (`varType`: the `BpmCore.VariableType` ordinal).
    struct Variable {
        string name;
        uint8 varType;
    }

    /// @notice A published definition: `DefinitionStorage.Model`'s tables in that order.
    struct Model {
        Pool[] pools;
        Swimlane[] swimlanes;
        Subprocess[] subprocesses;
        Element[] elements;
        ActivitySequenceFlow[] activityFlows;
        GatewaySequenceFlow[] gatewayFlows;
        EventTrigger[] triggers;
        Variable[] variables;
    }

    /// @notice Registers definition `definitionId` (the registry's id), just published: the
    /// runtime compiles its firing rules into the definitions tree (no account chooses them).
    /// Registry only. Reverts when the id is 0 or already registered, or the model is beyond the
    /// circuit's limits (4 scopes, 64 places per scope, 64 message flows).
    /// @return rules the number of firing rules (leaves) it added.
    function registerDefinition(uint256 definitionId, Model calldata model) external returns (uint32 rules);

    /// @notice The engine's `InstanceStarted(instanceId, definitionId, starter, parentInstance)`.
    function instanceStarted(uint256 instanceId, uint256 definitionId, uint256 parentInstance) external;

    /// @notice The engine's `ElementFired(instanceId, element, kind, actor, consumed, produced)`.
    function elementFired(uint256 instanceId, uint16 element, uint8 kind, uint256 consumed, uint256 produced)
        external;

    /// @notice The engine's `SubProcessCompleted(instanceId, element, scope)`.
    function subProcessCompleted(uint256 instanceId, uint16 element) external;

    /// @notice The engine's `CallActivityCompleted(instanceId, element, childInstanceId)`.
    function callActivityCompleted(uint256 instanceId, uint16 element, uint256 childInstanceId) external;

    /// @notice The engine's `MessageCorrelated(instanceId, messageFlow, actor)`.
    function messageCorrelated(uint256 instanceId, uint16 messageFlow) external;

    /// @notice The current state root `Poseidon(tree_root, next_instance_id)`: a BN254 field
    /// element, the number `RollupManager` and the proof's public inputs use.
    function stateRoot() external view returns (uint256);

    /// @notice The current definitions root (a BN254 field element).
    function definitionsRoot() external view returns (uint256);
}
