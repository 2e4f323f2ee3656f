// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";

/// @title IProcessDefinitionRegistry
/// @notice The runtime views of the definition registry: the engine (`ProcessExecution`) reads a
/// published definition from its runtime image (`runtimeImage`, `RuntimeImage`); the other views
/// say the same from storage, for clients and tests. All of them describe published (immutable)
/// definitions.
interface IProcessDefinitionRegistry {
    /// @notice No definition has this id.
    error UnknownDefinition(uint256 definitionId);
    /// @notice Only the definition's owner may change it.
    error NotDefinitionOwner(uint256 definitionId, address account);
    /// @notice The definition is published: it cannot change any more.
    error DefinitionNotDraft(uint256 definitionId);
    /// @notice The definition is not published yet.
    error DefinitionNotPublished(uint256 definitionId);
    /// @notice The process key is zero.
    error InvalidProcessKey();
    /// @notice Adding records would exceed a limit of docs/bpm-engine.md.
    error LimitExceeded(BpmRuntime.RecordType recordType, uint256 count, uint256 max);
    /// @notice An element of the wrong kind was given to `addActivities`/`addEvents`/`addGateways`.
    error WrongElementKind(uint256 element, BpmCore.ElementKind kind);
    /// @notice `publish` rejects record `index` of type `recordType` because of `violation`.
    error InvalidRecord(BpmRuntime.RecordType recordType, uint256 index, BpmRuntime.Violation violation);
    /// @notice The condition of gateway flow `gatewayFlow` is malformed at byte `pc`.
    error InvalidCondition(uint256 gatewayFlow, uint256 pc);
    /// @notice No none start event in a top-level scope of an executable pool.
    error NoStartEvent();
    /// @notice A read-back index is out of range.
    error IndexOutOfRange(BpmRuntime.RecordType recordType, uint256 index);
    /// @notice An element index is out of range.
    error ElementOutOfRange(uint256 definitionId, uint256 element);
    /// @notice The runtime image (`RuntimeImage`) of the model would be `size` bytes, over `max`.
    error RuntimeImageTooLarge(uint256 size, uint256 max);
    /// @notice Creating chunk `chunk` of the runtime image failed (out of gas, or refused by the chain).
    error RuntimeImageCreationFailed(uint256 chunk);
    /// @notice The version is deprecated: it starts no new instance (its running instances go on).
    error DefinitionIsDeprecated(uint256 definitionId);
    /// @notice `setRewardUnits` with the zero address.
    error NoRewardUnits();

    /// @notice Status, counts and start role of a definition.
    function runtimeHeader(uint256 definitionId) external view returns (BpmRuntime.RuntimeHeader memory);

    /// @notice Chunk 0 of the runtime image of a published definition (`RuntimeImage`: the
    /// engine's hot-path tables as contract code, written at publish); the zero address when the
    /// definition is not published. The engine asks for it to start an instance (directly or by a
    /// call activity) and only then: it reverts `DefinitionIsDeprecated` for a deprecated version.
    function runtimeImage(uint256 definitionId) external view returns (address);

    /// @notice The `RewardUnits` contract the engine mints the reward rules' units on
    /// (`BpmnModel.TaskVerification.reward`); the zero address before governance sets one, when
    /// no definition with a reward can be published.
    function rewardUnits() external view returns (address);

    /// @notice The none start events of the top-level scopes of executable pools, in element order.
    function startElements(uint256 definitionId) external view returns (BpmRuntime.RuntimeElement[] memory);

    /// @notice Runtime record of one element (reverts `ElementOutOfRange` when out of range).
    function runtimeElement(uint256 definitionId, uint256 element)
        external
        view
        returns (BpmRuntime.RuntimeElement memory);

    /// @notice Automatic elements (not person tasks, not none start events) that consume a place of
    /// `places` in `scope`, in ascending place order (an element consuming several of them is listed
    /// once per place).
    function automaticConsumers(uint256 definitionId, uint256 scope, uint256 places)
        external
        view
        returns (BpmRuntime.RuntimeElement[] memory);

    /// @notice The receiving elements (ReceiveTask, message catch/start events) waiting for the
    /// message flows of the bitmap `messages`.
    function messageTargets(uint256 definitionId, uint256 messages)
        external
        view
        returns (BpmRuntime.RuntimeElement[] memory);

    /// @notice Outgoing flows of an exclusive gateway, in document order.
    function gatewayBranches(uint256 definitionId, uint256 gateway) external view returns (BpmRuntime.Branch[] memory);

    /// @notice Parent element, pool and nested scopes of a scope.
    function scopeRuntime(uint256 definitionId, uint256 scope) external view returns (BpmRuntime.ScopeRuntime memory);

    /// @notice The none start events of a scope, in element order.
    function scopeStartEvents(uint256 definitionId, uint256 scope)
        external
        view
        returns (BpmRuntime.RuntimeElement[] memory);

    /// @notice Sender of a message flow: `sourceElement` (index + 1, 0 for a black-box pool) and
    /// the role of the sending pool.
    function triggerRuntime(uint256 definitionId, uint256 messageFlow)
        external
        view
        returns (uint16 sourceElement, bytes32 sourceRole);

    /// @notice Type of a variable; `exists` is false when `index` is out of range.
    function variableType(uint256 definitionId, uint256 index)
        external
        view
        returns (bool exists, BpmCore.VariableType varType);

    /// @notice All tasks completed by a person (`completeTask`), in element order.
    function personTasks(uint256 definitionId) external view returns (BpmRuntime.RuntimeElement[] memory);

    /// @notice Highest published version of `processKey` (0 if none).
    function latestVersion(bytes32 processKey) external view returns (uint32);

    /// @notice Definition id of `processKey` at `version` (0 if none).
    function definitionOf(bytes32 processKey, uint256 version) external view returns (uint256);
}
