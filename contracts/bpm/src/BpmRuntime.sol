// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore} from "./generated/BpmCore.sol";

/// @title BpmRuntime
/// @notice Types shared by the BPM contracts (registry, engine, clients) that are not part of the
/// compiler's model encoding (`BpmnModel`): lifecycle states, call arguments and the compact
/// runtime records the registry computes at publish time and the engine reads on its hot path.
library BpmRuntime {
    /// @notice Lifecycle of a process definition.
    enum DefinitionStatus {
        None, //      0: no such definition
        Draft, //     1: records may still be added by the owner
        Published //  2: validated, versioned and frozen
    }

    /// @notice Kinds of model records, named by registry events and errors.
    enum RecordType {
        Pool,
        Swimlane,
        Subprocess,
        Element,
        ActivitySequenceFlow,
        GatewaySequenceFlow,
        EventTrigger,
        Variable,
        TaskVerification
    }

    /// @notice Why `publish` rejects a record (docs/bpm-engine.md, "Validation at publish").
    enum Violation {
        PoolOutOfRange, //                   0: a pool index >= number of pools
        PoolNotExecutable, //                1: a scope of a black-box pool
        SecondProcessOfPool, //              2: two top-level scopes for one pool
        ParentOutOfRange, //                 3: Subprocess.parentElement > number of elements
        ParentIsNotItsSubProcess, //         4: parent element is not a SubProcess opening this scope
        PoolDiffersFromParents, //           5: a nested scope's pool differs from its parent's
        ScopeCycle, //                       6: nested scopes never reach a top-level scope
        ScopeOutOfRange, //                  7: a scope index >= number of scopes
        LaneOutOfRange, //                   8: Element.lane > number of swimlanes
        LaneOfAnotherPool, //                9: the lane belongs to another pool than the element's scope
        BadMessageIn, //                    10: a receiving element without a message flow targeting it
        MessageInOnNonReceivingKind, //     11: messageIn on a kind that does not wait for messages
        MessageOutOnNonSendingKind, //      12: messageOut on a gateway, SubProcess or CallActivity
        MessageOutOutOfRange, //            13: a messageOut bit >= number of message flows
        MessageOutOfAnotherSender, //       14: messageOut names a flow whose sourceElement is another element
        BadChildScope, //                   15: SubProcess.childScope is not a scope opened by it
        ChildScopeOnNonSubProcess, //       16: childScope != 0 on another kind
        NoCalledProcess, //                 17: CallActivity without calledProcess
        MessageStartInSubProcess, //        18: MessageStartEvent outside a top-level scope
        ElementOutOfRange, //               19: a flow names an element >= number of elements
        SourceIsAGatewayOrEndEvent, //      20: activity flow leaving a gateway or an end event
        PlaceUsedTwice, //                  21: two flows of a scope share a place (event-based gateways excepted)
        SourceNotAGateway, //               22: gateway flow leaving a non-gateway
        SecondDefault, //                   23: two default flows on one exclusive gateway
        DefaultWithCondition, //            24: a default flow carries a condition
        ConditionOrDefaultOffExclusiveGateway, // 25: condition/default on a flow of a parallel or event-based gateway
        EventBasedTargetNotAMessageCatch, // 26: event-based gateway flow to something else than a message catch or ReceiveTask
        EventBasedFlowsNotSharingAPlace, // 27: outgoing flows of one event-based gateway with different places
        EndpointsInDifferentScopes, //      28: flow source and target in different scopes
        TargetIsAStartEvent, //             29: a flow into a start event
        TargetOutOfRange, //                30: EventTrigger.target >= number of elements
        SourceDoesNotSendIt, //             31: EventTrigger.sourceElement does not have the flow in its messageOut
        SourceNotInSourcePool, //           32: EventTrigger.sourcePool is not the pool of its source element
        NoIncomingFlow, //                  33: an element other than a start event without incoming flow
        GatewayWithoutOutgoingFlow, //      34: a gateway without outgoing flow
        SubProcessWithoutNoneStartEvent, // 35: an embedded sub-process scope without none start event
        VerifiedElementNotAPersonTask, //   36: TaskVerification.element is not a task completed by a person
        VerifierIsTheTaskRole, //           37: TaskVerification.verifierRole is zero or the task's own role
        SecondVerification, //              38: two TaskVerification records for one element
        RewardTooLarge, //                  39: TaskVerification.reward above BpmLimits.MAX_REWARD_UNITS
        RewardUnitsNotSet //                40: a TaskVerification reward while the registry has no RewardUnits
    }

    /// @notice Lifecycle of a process instance.
    enum InstanceStatus {
        None, //       0: no such instance
        Active, //     1: running
        Completed, //  2: every scope's marking is empty (also after a top-level terminate end event)
        Terminated //  3: a call-activity child instance killed by a terminate end event of an ancestor scope
    }

    /// @notice Binds an account to a role for one instance (and the call-activity children of it).
    struct RoleBinding {
        bytes32 role;
        address account;
    }

    /// @notice Writes an instance variable. Bool variables take 0 or 1; String variables take
    /// `int256(keccak256(bytes(value)))`.
    struct VariableAssignment {
        uint8 index;
        int256 value;
    }

    /// @notice A participant's choice at a decision gateway (an exclusive gateway with an outgoing
    /// flow that is neither conditional nor the default; docs/bpm-engine.md, "Decisions at
    /// exclusive gateways"). `branch` is the index of the chosen flow among the gateway's outgoing
    /// flows in model order (the registry's `gatewayFlowsOf(definitionId, gateway)`): a decision
    /// flow or the default.
    struct Decision {
        uint16 gateway;
        uint8 branch;
    }

    /// @notice Work submitted for verification (`ProcessExecution.submitTask`), waiting for an
    /// account of the task's verifier role to approve or reject it.
    /// @param performer who submitted it (bound to the task's role); zero: no submission.
    /// @param evidence hash of the evidence document (SHA-256), zero when none.
    /// @param outputs the variable writes of the completion.
    /// @param decisions the decisions of the completion's advance.
    struct Submission {
        address performer;
        bytes32 evidence;
        VariableAssignment[] outputs;
        Decision[] decisions;
    }

    /// @notice Runtime view of one flow node, computed at publish time.
    /// @param index element index.
    /// @param kind the element's kind.
    /// @param scope the scope it lives in.
    /// @param childScope SubProcess: the scope it opens.
    /// @param joinAll true for a ParallelGateway (AND join: all pre-set places must be marked).
    /// @param autoAfter true when some place of its post-set is consumed by an automatic element
    ///        (the engine then asks the registry for those consumers).
    /// @param messageIn index + 1 of the message flow it waits for, 0 if none.
    /// @param role tasks: role id of its lane, else of its pool; 0 for other kinds.
    /// @param preset bitmap of its incoming places (in `scope`).
    /// @param postset bitmap of its outgoing places (in `scope`).
    /// @param messageOut bitmap of the message flows it sends when it fires.
    /// @param calledProcess CallActivity: process key of the definition it instantiates.
    struct RuntimeElement {
        uint16 index;
        BpmCore.ElementKind kind;
        uint8 scope;
        uint8 childScope;
        bool joinAll;
        bool autoAfter;
        uint16 messageIn;
        bytes32 role;
        uint256 preset;
        uint256 postset;
        uint256 messageOut;
        bytes32 calledProcess;
    }

    /// @notice What the engine needs to know about a definition to instantiate it.
    struct RuntimeHeader {
        DefinitionStatus status;
        uint16 elementCount;
        uint16 scopeCount;
        uint16 triggerCount;
        uint16 variableCount;
        bytes32 startRole;
    }

    /// @notice One outgoing flow of an exclusive gateway, in document order.
    struct Branch {
        uint8 place;
        bool isDefault;
        bytes condition;
    }

    /// @notice Runtime view of a scope.
    /// @param parentElement index + 1 of the SubProcess opening it, 0 for a pool's process.
    /// @param pool the pool it belongs to.
    /// @param descendants bitmap of this scope and all scopes nested in it.
    struct ScopeRuntime {
        uint16 parentElement;
        uint8 pool;
        uint256 descendants;
    }

    /// @notice Summary of a process definition.
    struct DefinitionInfo {
        bytes32 processKey;
        string name;
        uint32 version;
        DefinitionStatus status;
        address owner;
        bytes32 startRole;
        uint256 poolCount;
        uint256 swimlaneCount;
        uint256 subprocessCount;
        uint256 elementCount;
        uint256 activitySequenceFlowCount;
        uint256 gatewaySequenceFlowCount;
        uint256 eventTriggerCount;
        uint256 variableCount;
        /// deprecated: starts no new instance (`deprecate`)
        bool deprecated;
        /// hash chain over the BPMN source parts (`ProcessDefinitionRegistry.attachSource`), 0 when none
        bytes32 sourceHash;
        /// number of BPMN source parts attached (each in a `DefinitionSourceAttached` event)
        uint32 sourceParts;
    }

    /// @notice Summary of a process instance.
    /// @param parentInstance the instance whose call activity started it, 0 for a root instance.
    /// @param parentElement the call activity of `parentInstance` that started it.
    /// @param rootInstance the root of its call chain (itself for a root instance): role bindings live there.
    struct InstanceInfo {
        uint256 definitionId;
        InstanceStatus status;
        address starter;
        uint256 parentInstance;
        uint16 parentElement;
        uint256 rootInstance;
    }

    /// @notice True for the task kinds completed by a person (or integration account) with `completeTask`.
    function isPersonTask(BpmCore.ElementKind kind) internal pure returns (bool) {
        return kind <= BpmCore.ElementKind.BusinessRuleTask && kind != BpmCore.ElementKind.ReceiveTask;
    }

    /// @notice True for the kinds the engine fires by itself (everything but person tasks and none start events).
    function isAutomatic(BpmCore.ElementKind kind) internal pure returns (bool) {
        return !isPersonTask(kind) && kind != BpmCore.ElementKind.StartEvent;
    }

    /// @notice True for the kinds that wait for a message (`messageIn` required).
    function isReceiving(BpmCore.ElementKind kind) internal pure returns (bool) {
        return kind == BpmCore.ElementKind.ReceiveTask || kind == BpmCore.ElementKind.MessageStartEvent
            || kind == BpmCore.ElementKind.MessageIntermediateCatchEvent;
    }

    /// @notice True for the gateway kinds.
    function isGateway(BpmCore.ElementKind kind) internal pure returns (bool) {
        return kind >= BpmCore.ElementKind.ExclusiveGateway;
    }

    /// @notice True for start events (none or message): they have no incoming flow.
    function isStart(BpmCore.ElementKind kind) internal pure returns (bool) {
        return kind == BpmCore.ElementKind.StartEvent || kind == BpmCore.ElementKind.MessageStartEvent;
    }

    /// @notice True for end events: they have no outgoing flow.
    function isEnd(BpmCore.ElementKind kind) internal pure returns (bool) {
        return kind == BpmCore.ElementKind.EndEvent || kind == BpmCore.ElementKind.MessageEndEvent
            || kind == BpmCore.ElementKind.TerminateEndEvent;
    }
}
