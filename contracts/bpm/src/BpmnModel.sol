// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmCore} from "./generated/BpmCore.sol";

/// @title BpmnModel
/// @notice The on-chain encoding of a BPMN 2.0 process model (a "process definition"), shared by
/// the `alstra` compiler (which emits it) and the BPM contracts (which store and execute it).
/// See docs/bpm-engine.md for the full semantics.
/// @dev Petri-net view: every sequence flow is a *place* (a bit of the marking of its scope);
/// every flow node is a *transition* with a pre-set (places it consumes) and a post-set
/// (places it produces). The outgoing flows of an event-based gateway share one place
/// (a deferred choice). Message flows are places of a separate per-instance `messages` bitmap.
/// The element kinds, variable types and limits come from the Rust BPM core (bpm-core), generated
/// into `generated/BpmCore.sol`.
library BpmnModel {
    /// @notice A participant of a collaboration (a BPMN pool).
    /// @param bpmnId the `bpmn:participant` id (or the process id for a plain process).
    /// @param name display name.
    /// @param role role id (keccak256 of the role name) of the pool: who acts in it when no lane says otherwise.
    /// @param executable true when the pool has a process executed by the engine; false for a
    ///        black box, whose messages are delivered with `correlateMessage`.
    struct Pool {
        string bpmnId;
        string name;
        bytes32 role;
        bool executable;
    }

    /// @notice A lane of a pool (a BPMN swimlane): its role decides who completes its tasks.
    /// @param pool index of its pool.
    /// @param role role id (keccak256 of the lane's name).
    struct Swimlane {
        string bpmnId;
        string name;
        uint8 pool;
        bytes32 role;
    }

    /// @notice A scope: the top-level process of a pool, or an embedded sub-process.
    /// @param parentElement index + 1 of the SubProcess element that opens it; 0 for a pool's process.
    /// @param pool index of the pool it belongs to.
    struct Subprocess {
        string bpmnId;
        uint16 parentElement;
        uint8 pool;
    }

    /// @notice A flow node. Created through `addActivities`, `addEvents` and `addGateways`, which
    /// check that `kind` belongs to the record type.
    /// @param scope index of the scope it lives in.
    /// @param lane index + 1 of its swimlane, 0 when its pool has no lane for it.
    /// @param messageIn index + 1 of the message flow it waits for (ReceiveTask, message catch
    ///        and message start events), 0 otherwise.
    /// @param messageOut bitmap of the message flows it sends when it completes.
    /// @param childScope SubProcess: index of the scope it opens; 0 otherwise.
    /// @param calledProcess CallActivity: process key (keccak256 of `calledElement`) of the
    ///        definition it instantiates (latest published version at call time).
    struct Element {
        string bpmnId;
        string name;
        BpmCore.ElementKind kind;
        uint8 scope;
        uint16 lane;
        uint16 messageIn;
        uint256 messageOut;
        uint8 childScope;
        bytes32 calledProcess;
    }

    /// @notice A sequence flow whose source is an activity or an event (spec 5.8).
    /// @param place bit index of the flow in its scope's marking.
    struct ActivitySequenceFlow {
        string bpmnId;
        uint16 source;
        uint16 target;
        uint8 place;
    }

    /// @notice A sequence flow whose source is a gateway (spec 5.9).
    /// @param condition condition bytecode (see `ConditionVM`); empty = unconditional.
    /// @param isDefault the gateway's default flow, taken when no condition holds.
    struct GatewaySequenceFlow {
        string bpmnId;
        uint16 gateway;
        uint16 target;
        uint8 place;
        bytes condition;
        bool isDefault;
    }

    /// @notice A message flow: a trigger that links a sender (an element of an executable pool,
    /// or a black-box pool) to the event or task that waits for it (spec 5.10).
    /// @param sourceElement index + 1 of the sending element, 0 when the sender is a black-box pool.
    /// @param sourcePool index of the sending pool (whose role may correlate the message).
    /// @param target index of the receiving element.
    struct EventTrigger {
        string bpmnId;
        string name;
        uint16 sourceElement;
        uint8 sourcePool;
        uint16 target;
    }

    /// @notice A task whose completion counts only once an account of a second role approves it
    /// (the four-eyes principle; AlstraNet specification 5.22, TaskVerification): its performer
    /// submits the work (`ProcessExecution.submitTask`), a verifier approves or rejects it.
    /// Declared in the BPMN model with `alstra:verifier` / `alstra:evidence` (docs/bpm-engine.md,
    /// "Task verification").
    /// @param element index of the verified task (a task completed by a person).
    /// @param verifierName display name of the verifier role.
    /// @param verifierRole role id (keccak256 of `verifierName`) of who approves or rejects; never
    ///        the task's own role.
    /// @param evidenceRequired a submission must carry a non-zero evidence hash (SHA-256 of a document).
    /// @param reward the task's reward rule (`alstra:reward`; specification 5.13 Token, 5.15
    ///        Reward): recognition units (`RewardUnits`) minted to the performer by each approval,
    ///        0 for none, at most `BpmLimits.MAX_REWARD_UNITS`.
    struct TaskVerification {
        uint16 element;
        string verifierName;
        bytes32 verifierRole;
        bool evidenceRequired;
        uint64 reward;
    }

    /// @notice An instance variable read by conditions and written by task completions.
    struct Variable {
        string name;
        BpmCore.VariableType varType;
    }
}
