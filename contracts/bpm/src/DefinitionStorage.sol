// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";

/// @title DefinitionStorage
/// @notice Storage layout of `ProcessDefinitionRegistry`, shared with `ModelCompiler`, which runs
/// in the registry's context (DELEGATECALL) at publish time. ERC-7201 namespaced, so it does not
/// collide with the AccessControl storage of the registry.
/// @custom:storage-location erc7201:alstranet.bpm.ProcessDefinitionRegistry
library DefinitionStorage {
    /// @dev keccak256(abi.encode(uint256(keccak256("alstranet.bpm.ProcessDefinitionRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant LOCATION = 0xbc903ac2288c1eab46c3b17fd1890d50e9285f91e7634d0fa810a3ceee5a6d00;

    /// @notice Header of a definition.
    struct DefinitionRecord {
        bytes32 processKey;
        address owner;
        uint32 version;
        BpmRuntime.DefinitionStatus status;
        bytes32 startRole;
        string name;
        /// @notice Hash chain over the BPMN source parts attached so far (`attachSource`):
        /// `h = keccak256(abi.encodePacked(h, part))` from `h = 0`; zero when none is attached.
        bytes32 sourceHash;
        /// @notice Number of source parts attached.
        uint32 sourceParts;
    }

    /// @notice The records as the compiler emitted them.
    struct Model {
        BpmnModel.Pool[] pools;
        BpmnModel.Swimlane[] swimlanes;
        BpmnModel.Subprocess[] subprocesses;
        BpmnModel.Element[] elements;
        BpmnModel.ActivitySequenceFlow[] activityFlows;
        BpmnModel.GatewaySequenceFlow[] gatewayFlows;
        BpmnModel.EventTrigger[] triggers;
        BpmnModel.Variable[] variables;
    }

    /// @notice Hot-path record of an element: the first slot packs everything but role and bitmaps.
    struct ElementSlot {
        BpmCore.ElementKind kind;
        uint8 scope;
        uint8 childScope;
        bool joinAll;
        bool autoAfter;
        bool sends;
        uint16 messageIn;
        bytes32 role;
        uint256 preset;
        uint256 postset;
    }

    /// @notice Runtime record of a scope.
    struct ScopeSlot {
        uint16 parentElement;
        uint8 pool;
        uint256 descendants;
    }

    /// @notice Tables computed at publish time.
    struct Compiled {
        uint16 elementCount;
        uint16 scopeCount;
        uint16 triggerCount;
        uint16 variableCount;
        mapping(uint256 element => ElementSlot) elements;
        mapping(uint256 scope => ScopeSlot) scopes;
        mapping(uint256 gateway => uint16[]) gatewayFlows;
        mapping(uint256 scopePlace => uint16[]) autoConsumers;
        mapping(uint256 scope => uint16[]) scopeStarts;
        uint16[] startElements;
        uint16[] personTasks;
        address image; // chunk 0 of the runtime image (`RuntimeImage`), written at publish
        bool deprecated; // no new instance (`deprecate`, `reinstate`); in `image`'s slot: read with it
    }

    /// @notice The whole registry state.
    struct Layout {
        uint256 definitionCount;
        mapping(uint256 id => DefinitionRecord) definitions;
        mapping(uint256 id => Model) models;
        mapping(uint256 id => Compiled) compiled;
        mapping(bytes32 processKey => uint32) latestVersion;
        mapping(bytes32 processKey => mapping(uint256 version => uint256 id)) byVersion;
        /// @dev Verified tasks of each definition (`addTaskVerifications`); not part of `Model`,
        /// whose ABI encoding the rollup precompile decodes (`IRollup.Model`).
        mapping(uint256 id => BpmnModel.TaskVerification[]) verifications;
        /// @dev The `RewardUnits` contract the engine mints rewards on (`setRewardUnits`).
        address rewardUnits;
        /// @dev Definitions that ask for a certificate per completed instance (`requestCertificates`).
        mapping(uint256 id => bool) certificates;
    }

    /// @notice The registry state at its namespaced location.
    function layout() internal pure returns (Layout storage l) {
        bytes32 slot = LOCATION;
        assembly ("memory-safe") {
            l.slot := slot
        }
    }
}
