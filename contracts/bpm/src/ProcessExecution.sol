// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmCore, BpmLimits} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {ConditionVM} from "./ConditionVM.sol";
import {Marking} from "./Marking.sol";
import {IProcessDefinitionRegistry} from "./IProcessDefinitionRegistry.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";
import {IRollup} from "./IRollup.sol";
import {IRewardUnits} from "./IRewardUnits.sol";
import {RuntimeImage} from "./RuntimeImage.sol";
import {InstanceStore} from "./InstanceStore.sol";

/// @title ProcessExecution
/// @notice The BPM engine (spec 5.12 ProcessExecution, 5.10 event triggers, 5.16 Audit): one
/// contract executes the instances of every published definition of the registry as Petri nets
/// (docs/bpm-engine.md). Persons complete tasks (`completeTask`), black-box partners deliver
/// messages (`correlateMessage`), everything else fires automatically, in element order, until
/// nothing is enabled. Every change is an event, so the timeline can be rebuilt from logs alone.
/// @dev Per transaction the engine keeps the touched markings of an instance in memory (`Ctx`)
/// and writes them back once. It reads a definition from its runtime image (`RuntimeImage`: data
/// contracts written at publish, read with EXTCODECOPY), only for the elements it touches; the
/// registry is called only to start an instance. The instance state, its events, errors and views
/// are in `InstanceStore`; this contract adds the actions and the firing rules.
/// On AlstraNet the engine reports every instance start and firing to the rollup precompile
/// (`IRollup`, `rollup`), right after the matching event and with its fields: the runtime fires
/// the same rule of the proven state machine, and a firing it refuses reverts the transaction.
contract ProcessExecution is InstanceStore {
    using Marking for uint256;

    /// @notice Maximum number of automatic firings in one transaction (across all instances it touches).
    uint256 public constant MAX_AUTOMATIC_STEPS = BpmLimits.MAX_AUTOMATIC_STEPS;
    /// @notice Maximum nesting of call activities (a root instance has depth 0).
    uint256 public constant MAX_CALL_DEPTH = BpmLimits.MAX_CALL_DEPTH;

    /// @notice The definition registry whose published definitions this engine executes.
    IProcessDefinitionRegistry public immutable registry;
    /// @notice The rollup precompile the engine reports to (`BpmCore.ROLLUP_PRECOMPILE` on
    /// AlstraNet; the zero address on a chain without it, where nothing is reported).
    IRollup public immutable rollup;

    /// @param definitionRegistry the definition registry.
    /// @param participantRegistry the participant registry.
    /// @param rollupPrecompile the rollup precompile, or the zero address for none.
    constructor(
        IProcessDefinitionRegistry definitionRegistry,
        IParticipantRegistry participantRegistry,
        IRollup rollupPrecompile
    ) InstanceStore(participantRegistry) {
        if (address(definitionRegistry) == address(0) || address(participantRegistry) == address(0)) {
            revert ZeroAddress();
        }
        registry = definitionRegistry;
        rollup = rollupPrecompile;
    }

    // ------------------------------------------------------------------ external actions

    /// @notice Starts an instance of a published definition. The caller must be a registered
    /// participant holding the definition's start role; it is bound to that role, `bindings` bind
    /// further accounts (each must hold its role), `variables` are set, then the none start events
    /// of all top-level scopes fire and the instance advances automatically.
    /// @return instanceId the new instance (ids start at 1).
    function startInstance(
        uint256 definitionId,
        BpmRuntime.RoleBinding[] calldata bindings,
        BpmRuntime.VariableAssignment[] calldata variables
    ) external returns (uint256 instanceId) {
        address image = registry.runtimeImage(definitionId);
        if (image == address(0)) revert DefinitionNotPublished(definitionId);
        RuntimeImage.Image memory im = RuntimeImage.open(image);
        if (!participants.hasParticipantRole(msg.sender, im.startRole)) {
            revert ParticipantLacksRole(msg.sender, im.startRole);
        }
        Txn memory t = Txn({actor: msg.sender, steps: 0, decided: 0, decisions: new BpmRuntime.Decision[](0)});
        Ctx memory c = _create(definitionId, im, msg.sender, 0, 0, 0, 0, 0);
        instanceId = c.id;
        _bind(instanceId, im.startRole, msg.sender);
        for (uint256 i; i < bindings.length; ++i) {
            BpmRuntime.RoleBinding calldata b = bindings[i];
            if (!participants.hasParticipantRole(b.account, b.role)) revert ParticipantLacksRole(b.account, b.role);
            _bind(instanceId, b.role, b.account);
        }
        _assign(c, variables, msg.sender);
        _fireStarts(c, t, RuntimeImage.nodes(im, im.startsOff, im.startsLen));
        _advance(c, t);
        _save(c);
    }

    /// @notice Binds `account` to a role of the instance that has no account yet. Only the root
    /// instance's starter, while the instance is active; bindings live in the root instance and
    /// are shared by its call-activity children.
    function bindRole(uint256 instanceId, bytes32 role, address account) external {
        InstanceRecord storage r = _activeRecord(instanceId);
        uint256 root = _rootOf(instanceId, r);
        if (msg.sender != _starterOf(root)) revert NotInstanceStarter(instanceId, msg.sender);
        if (_roleHolder[root][role] != address(0)) revert RoleAlreadyBound(root, role);
        if (!participants.hasParticipantRole(account, role)) revert ParticipantLacksRole(account, role);
        _bind(root, role, account);
    }

    /// @notice Completes an enabled task (Task, UserTask, ManualTask, ServiceTask, SendTask,
    /// ScriptTask, BusinessRuleTask): writes `outputs`, consumes the token of its lowest marked
    /// incoming place, produces its post-set, sends its message flows, then advances automatically.
    /// The caller must be bound to the task's role in the root instance. A decision gateway that
    /// the advance reaches takes its default flow (or reverts `DecisionRequired`): decide it with
    /// `completeTaskWithDecisions`.
    function completeTask(uint256 instanceId, uint16 element, BpmRuntime.VariableAssignment[] calldata outputs)
        external
    {
        _completeTask(instanceId, element, outputs, new BpmRuntime.Decision[](0));
    }

    /// @notice `completeTask`, the caller also deciding the decision gateways (exclusive gateways
    /// whose outgoing flows carry no condition, e.g. labelled "yes"/"no" in a modelling tool) that
    /// the task's advance reaches in this instance: each decision names a gateway and its chosen
    /// branch (a decision flow or the default flow) and is used by the first firing of that
    /// gateway (in list order for a gateway fired again). The firing's `ElementFired` records the
    /// choice (`actor` the caller, `produced` the chosen flow's place).
    /// Reverts `InvalidDecision` for a conditional or missing branch, `DecisionNotUsed` for a
    /// decision whose gateway the advance did not reach, besides `completeTask`'s errors.
    function completeTaskWithDecisions(
        uint256 instanceId,
        uint16 element,
        BpmRuntime.VariableAssignment[] calldata outputs,
        BpmRuntime.Decision[] calldata decisions
    ) external {
        _completeTask(instanceId, element, outputs, decisions);
    }

    function _completeTask(
        uint256 instanceId,
        uint16 element,
        BpmRuntime.VariableAssignment[] calldata outputs,
        BpmRuntime.Decision[] memory decisions
    ) private {
        Ctx memory c = _load(instanceId, true);
        RuntimeImage.Node memory rt = _personTask(c, element);
        if (rt.verifierRole != 0) revert VerificationRequired(instanceId, element, rt.verifierRole);
        _requireBound(c, rt.role);
        _complete(c, Txn({actor: msg.sender, steps: 0, decided: instanceId, decisions: decisions}), rt, outputs);
    }

    /// @dev Completes enabled task `rt` for `t.actor` (whose right the caller checked): writes
    /// `outputs`, consumes the lowest marked place of its pre-set, produces, advances with
    /// `t.decisions`, saves and propagates. Reverts `TaskNotEnabled`, `DecisionNotUsed`, or an
    /// advance's error.
    function _complete(Ctx memory c, Txn memory t, RuntimeImage.Node memory rt, BpmRuntime.VariableAssignment[] memory outputs)
        private
    {
        uint256 s = rt.scope;
        uint256 m = _markingOf(c, s);
        if (m & rt.preset == 0) revert TaskNotEnabled(c.id, rt.index);
        _assign(c, outputs, t.actor);
        uint256 take = Marking.bit((m & rt.preset).lowest());
        _setMarking(c, s, m & ~take);
        _fired(c.id, rt.index, rt.kind, t.actor, take, rt.postset);
        if (rt.messageOut != 0) _send(c, rt.messageOut);
        _produce(c, rt, rt.postset);
        _afterConsume(c, s);
        _advance(c, t);
        for (uint256 i; i < t.decisions.length; ++i) {
            if (t.decisions[i].gateway != USED_DECISION) revert DecisionNotUsed(c.id, t.decisions[i].gateway);
        }
        _save(c);
        _propagate(c, t);
    }

    /// @dev Person task `element` of the instance; reverts `NotATask`.
    function _personTask(Ctx memory c, uint16 element) private view returns (RuntimeImage.Node memory rt) {
        if (element >= c.im.elementCount) revert NotATask(c.id, element);
        rt = RuntimeImage.node(c.im, element);
        if (!BpmRuntime.isPersonTask(rt.kind)) revert NotATask(c.id, element);
    }

    // ------------------------------------------------------------------ task verification (spec 5.22)

    /// @notice Submits the work of a verified task (a task with a verifier role,
    /// `BpmnModel.TaskVerification`) for verification: `outputs` and `decisions` are what its
    /// completion will write and decide (as `completeTaskWithDecisions`), `evidence` the hash of
    /// an evidence document (SHA-256; zero for none, refused when the model requires evidence).
    /// The caller must be bound to the task's role and the task enabled; outputs are type-checked
    /// now, nothing is written and no token moves until a verifier approves. One submission per
    /// task at a time. Reverts `TaskNotVerified`, `MissingRole`, `TaskNotEnabled`,
    /// `SubmissionPending`, `EvidenceRequired`, `UnknownVariable`, `InvalidBoolValue`.
    function submitTask(
        uint256 instanceId,
        uint16 element,
        BpmRuntime.VariableAssignment[] calldata outputs,
        BpmRuntime.Decision[] calldata decisions,
        bytes32 evidence
    ) external {
        Ctx memory c = _load(instanceId, true);
        RuntimeImage.Node memory rt = _verifiedTask(c, element);
        _requireBound(c, rt.role);
        if (_markingOf(c, rt.scope) & rt.preset == 0) revert TaskNotEnabled(instanceId, element);
        BpmRuntime.Submission storage s = _submissions[instanceId][element];
        if (s.performer != address(0)) revert SubmissionPending(instanceId, element, s.performer);
        if (rt.evidenceRequired && evidence == 0) revert EvidenceRequired(instanceId, element);
        s.performer = msg.sender;
        s.evidence = evidence;
        for (uint256 i; i < outputs.length; ++i) {
            _checkAssignment(c, outputs[i].index, outputs[i].value);
            s.outputs.push(outputs[i]);
        }
        for (uint256 i; i < decisions.length; ++i) {
            s.decisions.push(decisions[i]);
        }
        emit TaskSubmitted(instanceId, element, msg.sender, evidence);
    }

    /// @notice Approves the submission of a verified task: the task completes as its performer's
    /// `completeTaskWithDecisions` with the submitted outputs and decisions would (the performer
    /// is the actor of the firing, the writes and the decisions). The caller must be bound to the
    /// task's verifier role and must not be the performer (four eyes). Reverts `TaskNotVerified`,
    /// `MissingRole`, `NoSubmission`, `VerifierIsPerformer`, `TaskNotEnabled` (the token left the
    /// task since: reject the submission), or the completion's errors. A task with a reward rule
    /// then mints its units to the performer on the registry's `RewardUnits`.
    function approveTask(uint256 instanceId, uint16 element) external {
        Ctx memory c = _load(instanceId, true);
        RuntimeImage.Node memory rt = _verifiedTask(c, element);
        BpmRuntime.Submission memory s = _takeSubmission(c, rt);
        emit TaskApproved(instanceId, element, msg.sender, s.performer, rt.reward);
        _complete(c, Txn({actor: s.performer, steps: 0, decided: instanceId, decisions: s.decisions}), rt, s.outputs);
        if (rt.reward != 0) IRewardUnits(registry.rewardUnits()).mint(s.performer, rt.reward, instanceId, element);
    }

    /// @notice Rejects the submission of a verified task with a `reason` (logged): the
    /// submission is dropped and the task waits for a new one. Same caller rule as `approveTask`.
    /// Reverts `TaskNotVerified`, `MissingRole`, `NoSubmission`, `VerifierIsPerformer`.
    function rejectTask(uint256 instanceId, uint16 element, string calldata reason) external {
        Ctx memory c = _load(instanceId, true);
        RuntimeImage.Node memory rt = _verifiedTask(c, element);
        BpmRuntime.Submission memory s = _takeSubmission(c, rt);
        emit TaskRejected(instanceId, element, msg.sender, s.performer, reason);
    }

    /// @dev Person task `element` with a verifier role; reverts `NotATask`, `TaskNotVerified`.
    function _verifiedTask(Ctx memory c, uint16 element) private view returns (RuntimeImage.Node memory rt) {
        rt = _personTask(c, element);
        if (rt.verifierRole == 0) revert TaskNotVerified(c.id, element);
    }

    /// @dev Checks that the caller may verify task `rt` and removes its submission; reverts
    /// `MissingRole`, `NoSubmission`, `VerifierIsPerformer`.
    function _takeSubmission(Ctx memory c, RuntimeImage.Node memory rt)
        private
        returns (BpmRuntime.Submission memory s)
    {
        _requireBound(c, rt.verifierRole);
        s = _submissions[c.id][rt.index];
        if (s.performer == address(0)) revert NoSubmission(c.id, rt.index);
        if (s.performer == msg.sender) revert VerifierIsPerformer(c.id, rt.index, msg.sender);
        delete _submissions[c.id][rt.index];
    }

    /// @notice Delivers a message of a black-box pool (a message flow whose `sourceElement` is 0),
    /// with an optional payload of variable writes, then advances automatically. The caller must
    /// be bound to the sending pool's role in the root instance.
    function correlateMessage(uint256 instanceId, uint16 messageFlow, BpmRuntime.VariableAssignment[] calldata payload)
        external
    {
        Ctx memory c = _load(instanceId, true);
        if (messageFlow >= c.im.triggerCount) revert UnknownMessageFlow(instanceId, messageFlow);
        (uint16 sourceElement,,, bytes32 role) = RuntimeImage.trigger(c.im, messageFlow);
        if (sourceElement != 0) revert NotExternalMessage(instanceId, messageFlow);
        _requireBound(c, role);
        if (_messagesOf(c).has(messageFlow)) revert MessageAlreadyPending(instanceId, messageFlow);
        Txn memory t = Txn({actor: msg.sender, steps: 0, decided: 0, decisions: new BpmRuntime.Decision[](0)});
        _assign(c, payload, msg.sender);
        emit MessageCorrelated(instanceId, messageFlow, msg.sender);
        if (address(rollup) != address(0)) rollup.messageCorrelated(instanceId, messageFlow);
        _deliver(c, Marking.bit(messageFlow));
        _advance(c, t);
        _save(c);
        _propagate(c, t);
    }

    // ------------------------------------------------------------------ views

    /// @notice True when `element` is enabled in the instance (for tasks: `completeTask` would be accepted
    /// from an account bound to its role).
    function isEnabled(uint256 instanceId, uint16 element) external view returns (bool) {
        if (_instances[instanceId].status != BpmRuntime.InstanceStatus.Active) return false;
        Ctx memory c = _load(instanceId, false);
        if (element >= c.im.elementCount) return false;
        return _enabled(c, RuntimeImage.node(c.im, element));
    }

    /// @notice The enabled tasks of an instance, in element order.
    function enabledTasks(uint256 instanceId) external view returns (uint16[] memory out) {
        InstanceRecord storage r = _instances[instanceId];
        if (r.status != BpmRuntime.InstanceStatus.Active) return out;
        Ctx memory c = _load(instanceId, false);
        RuntimeImage.Node[] memory tasks = RuntimeImage.nodes(c.im, c.im.tasksOff, c.im.tasksLen);
        out = new uint16[](tasks.length);
        uint256 n;
        for (uint256 i; i < tasks.length; ++i) {
            if (_enabled(c, tasks[i])) out[n++] = tasks[i].index;
        }
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    // ------------------------------------------------------------------ instance lifecycle

    /// @dev Emits `ElementFired` and reports it to the rollup.
    function _fired(
        uint256 id,
        uint16 element,
        BpmCore.ElementKind kind,
        address actor,
        uint256 consumed,
        uint256 produced
    ) private {
        emit ElementFired(id, element, kind, actor, consumed, produced);
        if (address(rollup) != address(0)) rollup.elementFired(id, element, uint8(kind), consumed, produced);
    }

    /// @dev Creates an instance record and its in-memory context (emits InstanceStarted).
    function _create(
        uint256 definitionId,
        RuntimeImage.Image memory im,
        address starter,
        uint256 parent,
        uint256 root,
        uint16 parentElement,
        uint8 parentScope,
        uint8 depth
    ) private returns (Ctx memory c) {
        uint256 id = ++_instanceCount;
        InstanceRecord storage r = _instances[id];
        r.image = im.base;
        r.status = BpmRuntime.InstanceStatus.Active;
        r.depth = depth;
        r.definitionId = uint48(definitionId); // the registry's count: far below 2^48
        if (depth != 0) {
            r.parentInstance = uint64(parent);
            r.rootInstance = uint64(root);
            r.parentElement = parentElement;
            r.parentScope = parentScope;
        }
        emit InstanceStarted(id, definitionId, starter, parent);
        if (address(rollup) != address(0)) rollup.instanceStarted(id, definitionId, parent);
        c.id = id;
        c.im = im;
        c.status = BpmRuntime.InstanceStatus.Active;
        c.status0 = BpmRuntime.InstanceStatus.Active;
        c.root = depth == 0 ? id : root;
        c.depth = depth;
        c.lazy = LAZY_LINEAGE | LAZY_MESSAGES; // all known: a new record is empty
        c.parent = parent;
        c.parentElement = parentElement;
        c.marking = new uint256[](im.scopeCount);
        c.cand = _nodeArray(8);
    }

    /// @dev After `c` was saved: while it completed and has a parent, resume the parent's call activity.
    function _propagate(Ctx memory c, Txn memory t) private {
        while (c.status == BpmRuntime.InstanceStatus.Completed && c.depth != 0) {
            _lineage(c);
            Ctx memory p = _load(c.parent, false);
            _resumeCall(p, RuntimeImage.node(p.im, c.parentElement), c.id);
            _advance(p, t);
            _save(p);
            c = p;
        }
    }

    // ------------------------------------------------------------------ advancement

    /// @dev Fires the lowest-index enabled candidate until none is enabled, then checks completion.
    function _advance(Ctx memory c, Txn memory t) private {
        while (!c.stop) {
            uint256 best = type(uint256).max;
            uint256 bestPos;
            uint256 i;
            while (i < c.candLen) {
                RuntimeImage.Node memory rt = c.cand[i];
                if (!_enabled(c, rt)) {
                    c.cand[i] = c.cand[--c.candLen];
                    continue;
                }
                if (rt.index < best) {
                    best = rt.index;
                    bestPos = i;
                }
                ++i;
            }
            if (best == type(uint256).max) break;
            _fire(c, t, c.cand[bestPos]);
        }
        c.candLen = 0;
        if (c.status == BpmRuntime.InstanceStatus.Active && c.markedScopes == 0 && c.busyScopes == 0) {
            c.status = BpmRuntime.InstanceStatus.Completed;
            emit InstanceCompleted(c.id);
        }
    }

    /// @dev Enabling rule of docs/bpm-engine.md for one element in the current context.
    function _enabled(Ctx memory c, RuntimeImage.Node memory rt) private view returns (bool) {
        BpmCore.ElementKind k = rt.kind;
        if (k == BpmCore.ElementKind.MessageStartEvent) return _messagesOf(c).has(rt.messageIn - 1);
        if (k == BpmCore.ElementKind.StartEvent) return false;
        uint256 m = _markingOf(c, rt.scope) & rt.preset;
        if (rt.joinAll) return m == rt.preset;
        if (m == 0) return false;
        if (rt.messageIn != 0) return _messagesOf(c).has(rt.messageIn - 1);
        if (k == BpmCore.ElementKind.SubProcess) return !_live(c, rt.childScope);
        return true;
    }

    /// @dev Fires an automatic element.
    function _fire(Ctx memory c, Txn memory t, RuntimeImage.Node memory rt) private {
        if (++t.steps > MAX_AUTOMATIC_STEPS) revert AutomaticStepLimitExceeded(MAX_AUTOMATIC_STEPS);
        uint256 s = rt.scope;
        BpmCore.ElementKind k = rt.kind;
        uint256 take;
        if (k != BpmCore.ElementKind.MessageStartEvent) {
            uint256 m = _markingOf(c, s);
            take = rt.joinAll ? rt.preset : Marking.bit((m & rt.preset).lowest());
            _setMarking(c, s, m & ~take);
        }
        if (rt.messageIn != 0) c.messages = _messagesOf(c) & ~Marking.bit(rt.messageIn - 1);
        uint256 produced;
        if (k == BpmCore.ElementKind.ExclusiveGateway) {
            produced = _choose(c, t, rt);
        } else if (
            k != BpmCore.ElementKind.TerminateEndEvent && k != BpmCore.ElementKind.SubProcess
                && k != BpmCore.ElementKind.CallActivity
        ) {
            produced = rt.postset;
        }
        _fired(c.id, rt.index, k, t.actor, take, produced);
        if (rt.messageOut != 0) _send(c, rt.messageOut);
        if (k == BpmCore.ElementKind.TerminateEndEvent) {
            _terminate(c, s);
        } else if (k == BpmCore.ElementKind.SubProcess) {
            _enterSubprocess(c, t, rt);
        } else if (k == BpmCore.ElementKind.CallActivity) {
            _callActivity(c, t, rt);
        } else {
            _produce(c, rt, produced);
        }
        _afterConsume(c, s);
    }

    /// @dev Fires none start events: each produces its post-set (and sends its messages).
    function _fireStarts(Ctx memory c, Txn memory t, RuntimeImage.Node[] memory starts) private {
        for (uint256 i; i < starts.length; ++i) {
            RuntimeImage.Node memory rt = starts[i];
            if (++t.steps > MAX_AUTOMATIC_STEPS) revert AutomaticStepLimitExceeded(MAX_AUTOMATIC_STEPS);
            _fired(c.id, rt.index, rt.kind, t.actor, 0, rt.postset);
            if (rt.messageOut != 0) _send(c, rt.messageOut);
            _produce(c, rt, rt.postset);
        }
    }

    /// @dev Exclusive gateway: the place of the branch the transaction's decision for it names
    /// (a decision gateway: one with a flow that is neither conditional nor the default, and more
    /// than one flow), else of the first conditional flow whose condition holds, else of the
    /// default flow; a gateway with one unconditional flow takes it (bpm-core, `Engine::choose`).
    function _choose(Ctx memory c, Txn memory t, RuntimeImage.Node memory rt) private view returns (uint256) {
        RuntimeImage.Branch[] memory branches = RuntimeImage.branches(c.im, rt);
        bool decidable;
        if (branches.length > 1) {
            for (uint256 i; i < branches.length; ++i) {
                if (!branches[i].isDefault && branches[i].conditionLen == 0) decidable = true;
            }
        }
        if (decidable && t.decided == c.id) {
            BpmRuntime.Decision[] memory ds = t.decisions;
            for (uint256 i; i < ds.length; ++i) {
                if (ds[i].gateway != rt.index) continue;
                ds[i].gateway = USED_DECISION;
                uint8 k = ds[i].branch;
                if (k >= branches.length || (!branches[k].isDefault && branches[k].conditionLen != 0)) {
                    revert InvalidDecision(c.id, rt.index, k);
                }
                return Marking.bit(branches[k].place);
            }
        }
        uint256 defaultPlace;
        bool hasDefault;
        for (uint256 i; i < branches.length; ++i) {
            RuntimeImage.Branch memory b = branches[i];
            if (b.isDefault) {
                hasDefault = true;
                defaultPlace = b.place;
            } else if (b.conditionLen == 0) {
                if (!decidable) return Marking.bit(b.place); // the one outgoing flow
            } else if (ConditionVM.evaluate(RuntimeImage.condition(c.im, b), _variables[c.id])) {
                return Marking.bit(b.place);
            }
        }
        if (hasDefault) return Marking.bit(defaultPlace);
        if (decidable) revert DecisionRequired(c.id, rt.index);
        revert NoOutgoingFlowEnabled(c.id, rt.index);
    }

    /// @dev Marks `places` (a subset of `producer`'s post-set) in its scope and queues their automatic consumers.
    function _produce(Ctx memory c, RuntimeImage.Node memory producer, uint256 places) private view {
        if (places == 0) return;
        uint256 s = producer.scope;
        _setMarking(c, s, _markingOf(c, s) | places);
        if (producer.autoAfter) _addCandidates(c, RuntimeImage.consumers(c.im, producer, places));
    }

    /// @dev Emits MessageSent for each flow of `flows` and delivers them.
    function _send(Ctx memory c, uint256 flows) private {
        for (uint256 bits = flows; bits != 0; bits &= bits - 1) {
            emit MessageSent(c.id, uint16(bits.lowest()));
        }
        _deliver(c, flows);
    }

    /// @dev A message is kept pending only when its target waits for it (ReceiveTask, message
    /// catch or start event); a message to a black-box pool or an informative message flow into
    /// a task is only logged.
    function _deliver(Ctx memory c, uint256 flows) private view {
        for (uint256 bits = flows; bits != 0; bits &= bits - 1) {
            uint256 flow = bits.lowest();
            if (flow >= c.im.triggerCount) break;
            (, uint16 target, bool waits,) = RuntimeImage.trigger(c.im, flow);
            if (!waits) continue;
            c.messages = _messagesOf(c) | Marking.bit(flow);
            _addCandidate(c, RuntimeImage.node(c.im, target));
        }
    }

    /// @dev A sub-process scope that holds nothing any more (no token, no running child) completes.
    function _afterConsume(Ctx memory c, uint256 s) private {
        if (c.stop || _live(c, s)) return;
        uint256 parentElement = RuntimeImage.scope(c.im, s).parentElement;
        if (parentElement == 0) return;
        _completeSubprocess(c, RuntimeImage.node(c.im, parentElement - 1));
    }

    /// @dev Fires the none start events of the child scope; a child scope that ends at once completes at once.
    function _enterSubprocess(Ctx memory c, Txn memory t, RuntimeImage.Node memory sub) private {
        _incBusy(c, sub.scope);
        RuntimeImage.Scope memory child = RuntimeImage.scope(c.im, sub.childScope);
        _fireStarts(c, t, RuntimeImage.nodes(c.im, child.startsOff, child.startsLen));
        if (!_live(c, sub.childScope)) _completeSubprocess(c, sub);
    }

    /// @dev Produces the post-set of a sub-process whose child scope holds nothing any more.
    function _completeSubprocess(Ctx memory c, RuntimeImage.Node memory sub) private {
        _decBusy(c, sub.scope);
        emit SubProcessCompleted(c.id, sub.index, sub.childScope);
        if (address(rollup) != address(0)) rollup.subProcessCompleted(c.id, sub.index);
        _produce(c, sub, sub.postset);
        _addCandidate(c, sub); // its next token may be waiting to enter again
    }

    /// @dev Starts and runs a child instance of the latest version of `calledProcess`; resumes at once if it completes.
    function _callActivity(Ctx memory c, Txn memory t, RuntimeImage.Node memory call) private {
        if (c.depth >= MAX_CALL_DEPTH) revert CallDepthExceeded(c.id, c.depth + 1);
        bytes32 key = call.calledProcess;
        uint32 version = registry.latestVersion(key);
        if (version == 0) revert CalledProcessNotDeployed(key);
        uint256 definitionId = registry.definitionOf(key, version);
        RuntimeImage.Image memory im = RuntimeImage.open(registry.runtimeImage(definitionId));
        _incBusy(c, call.scope);
        Ctx memory child =
            _create(definitionId, im, _starterOf(c.root), c.id, c.root, call.index, call.scope, c.depth + 1);
        _children[c.id].push(child.id);
        _fireStarts(child, t, RuntimeImage.nodes(im, im.startsOff, im.startsLen));
        _advance(child, t);
        _save(child);
        if (child.status == BpmRuntime.InstanceStatus.Completed) _resumeCall(c, call, child.id);
    }

    /// @dev Produces the post-set of a call activity whose child instance completed.
    function _resumeCall(Ctx memory c, RuntimeImage.Node memory call, uint256 childId) private {
        _decBusy(c, call.scope);
        emit CallActivityCompleted(c.id, call.index, childId);
        if (address(rollup) != address(0)) rollup.callActivityCompleted(c.id, call.index, childId);
        _produce(c, call, call.postset);
    }

    /// @dev Terminate end event: clears its scope and the scopes nested in it (a top-level scope:
    /// every scope of the instance) and kills the call-activity children started there.
    function _terminate(Ctx memory c, uint256 s) private {
        uint256 parentElement;
        uint256 set;
        {
            RuntimeImage.Scope memory sr = RuntimeImage.scope(c.im, s);
            parentElement = sr.parentElement;
            set = parentElement == 0 ? type(uint256).max : sr.descendants;
        }
        mapping(uint256 => uint256) storage running = _running[c.id];
        for (uint256 x; x < c.im.scopeCount; ++x) {
            if (!set.has(x)) continue;
            if (_markingOf(c, x) != 0) _setMarking(c, x, 0);
            if (running[x] != 0) {
                delete running[x];
                --c.busyScopes;
            }
        }
        _killChildren(c.id, set);
        if (parentElement == 0) c.stop = true;
    }

    /// @dev Terminates the active call-activity children started in `scopes` (and their descendants).
    function _killChildren(uint256 id, uint256 scopes) private {
        uint256[] storage kids = _children[id];
        for (uint256 i; i < kids.length; ++i) {
            uint256 kid = kids[i];
            InstanceRecord storage r = _instances[kid];
            if (r.status != BpmRuntime.InstanceStatus.Active || !scopes.has(r.parentScope)) continue;
            uint256 n = RuntimeImage.open(r.image).scopeCount;
            for (uint256 x; x < n; ++x) {
                delete _marking[kid][x];
                delete _running[kid][x];
            }
            r.markedScopes = 0;
            r.busyScopes = 0;
            r.status = BpmRuntime.InstanceStatus.Terminated;
            emit InstanceTerminated(kid, id);
            _killChildren(kid, type(uint256).max);
        }
    }

}
