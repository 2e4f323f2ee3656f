// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore, BpmLimits} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {ConditionVM} from "./ConditionVM.sol";
import {Marking} from "./Marking.sol";
import {IProcessDefinitionRegistry} from "./IProcessDefinitionRegistry.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";
import {IRollup} from "./IRollup.sol";

/// @title ProcessExecution
/// @notice The BPM engine (spec 5.11 instances, 5.12 tasks, 5.14 messages, 5.16 audit): one
/// contract executes the instances of every published definition of the registry as Petri nets
/// (docs/bpm-engine.md). Persons complete tasks (`completeTask`), black-box partners deliver
/// messages (`correlateMessage`), everything else fires automatically, in element order, until
/// nothing is enabled. Every change is an event, so the timeline can be rebuilt from logs alone.
/// @dev Per transaction the engine keeps the touched markings of an instance in memory (`Ctx`)
/// and writes them back once; it reads the definition through the registry's compact runtime
/// views, only for the elements it touches.
/// On AlstraNet the engine reports every instance start and firing to the rollup precompile
/// (`IRollup`, `rollup`), right after the matching event and with its fields: the runtime fires
/// the same rule of the proven state machine, and a firing it refuses reverts the transaction.
contract ProcessExecution {
    using Marking for uint256;

    /// @notice Maximum number of automatic firings in one transaction (across all instances it touches).
    uint256 public constant MAX_AUTOMATIC_STEPS = BpmLimits.MAX_AUTOMATIC_STEPS;
    /// @notice Maximum nesting of call activities (a root instance has depth 0).
    uint256 public constant MAX_CALL_DEPTH = BpmLimits.MAX_CALL_DEPTH;

    /// @notice The definition registry whose published definitions this engine executes.
    IProcessDefinitionRegistry public immutable registry;
    /// @notice The consortium's participant registry.
    IParticipantRegistry public immutable participants;
    /// @notice The rollup precompile the engine reports to (`BpmCore.ROLLUP_PRECOMPILE` on
    /// AlstraNet; the zero address on a chain without it, where nothing is reported).
    IRollup public immutable rollup;

    struct InstanceRecord {
        // slot 0
        uint64 definitionId;
        BpmRuntime.InstanceStatus status;
        address starter;
        // slot 1
        uint64 parentInstance;
        uint64 rootInstance;
        uint16 parentElement;
        uint8 parentScope;
        uint8 depth;
        uint16 scopeCount;
        uint16 elementCount;
        uint16 triggerCount;
        // slots 2-4
        uint256 markedScopes; // scopes whose marking is not empty
        uint256 busyScopes; // scopes with a running sub-process or call-activity child
        uint256 messages; // pending message flows
    }

    /// @dev In-memory working copy of an instance during a transaction.
    struct Ctx {
        uint256 id;
        uint256 definitionId;
        BpmRuntime.InstanceStatus status;
        address starter;
        uint256 parent;
        uint256 root;
        uint16 parentElement;
        uint8 depth;
        uint16 elementCount;
        uint16 triggerCount;
        uint256 markedScopes;
        uint256 busyScopes;
        uint256 messages;
        uint256 loaded;
        uint256 dirty;
        uint256[] marking;
        BpmRuntime.RuntimeElement[] cand;
        uint256 candLen;
        bool stop;
        // values as loaded, to skip unchanged writes
        BpmRuntime.InstanceStatus status0;
        uint256 markedScopes0;
        uint256 busyScopes0;
        uint256 messages0;
    }

    /// @dev Per-transaction state shared by all instances the transaction touches.
    struct Txn {
        address actor;
        uint256 steps;
    }

    uint256 private _instanceCount;
    mapping(uint256 instanceId => InstanceRecord) private _instances;
    mapping(uint256 instanceId => mapping(uint256 scope => uint256)) private _marking;
    mapping(uint256 instanceId => mapping(uint256 scope => uint256)) private _running;
    mapping(uint256 instanceId => mapping(uint256 index => int256)) private _variables;
    mapping(uint256 rootId => mapping(bytes32 role => mapping(address account => bool))) private _bound;
    mapping(uint256 rootId => mapping(bytes32 role => bool)) private _roleBound;
    mapping(uint256 instanceId => uint256[]) private _children;

    /// @notice An instance was started (by `startInstance`, or by a call activity of `parentInstance`).
    event InstanceStarted(
        uint256 indexed instanceId, uint256 indexed definitionId, address indexed starter, uint256 parentInstance
    );
    /// @notice `account` was bound to `role` in the root instance `instanceId`.
    event RoleBound(uint256 indexed instanceId, bytes32 indexed role, address indexed account);
    /// @notice An element fired (`actor`: the task's completer, else the transaction's caller).
    /// Enough to apply the same rule elsewhere (the BPM core, the prover): `consumed` is the bitmap
    /// of the places it took from its scope's marking (one place, or the whole pre-set of a join;
    /// 0 for start events), `produced` the places it put there (its post-set; an exclusive
    /// gateway's chosen flow; 0 for a terminate end event, a sub-process, whose child scope's start
    /// events fire next, and a call activity, whose child instance starts next). A consumed
    /// message is the element's `messageIn`; sent messages follow as `MessageSent`.
    event ElementFired(
        uint256 indexed instanceId,
        uint16 indexed element,
        BpmCore.ElementKind kind,
        address actor,
        uint256 consumed,
        uint256 produced
    );
    /// @notice A task was completed by `actor`.
    event TaskCompleted(uint256 indexed instanceId, uint16 indexed element, address indexed actor);
    /// @notice An element of the instance sent message flow `messageFlow`.
    event MessageSent(uint256 indexed instanceId, uint16 indexed messageFlow);
    /// @notice A black-box partner (`actor`) delivered message flow `messageFlow`.
    event MessageCorrelated(uint256 indexed instanceId, uint16 indexed messageFlow, address indexed actor);
    /// @notice A variable was written.
    event VariableSet(uint256 indexed instanceId, uint8 indexed index, int256 value, address actor);
    /// @notice The child scope `scope` of the sub-process `element` became empty; its post-set was produced.
    event SubProcessCompleted(uint256 indexed instanceId, uint16 indexed element, uint8 scope);
    /// @notice The child instance of call activity `element` completed; its post-set was produced.
    event CallActivityCompleted(uint256 indexed instanceId, uint16 indexed element, uint256 indexed childInstanceId);
    /// @notice The instance completed (every scope empty).
    event InstanceCompleted(uint256 indexed instanceId);
    /// @notice A call-activity child instance was killed by a terminate end event of `byInstance`.
    event InstanceTerminated(uint256 indexed instanceId, uint256 indexed byInstance);

    /// @notice A constructor argument is the zero address.
    error ZeroAddress();
    /// @notice The definition is not published.
    error DefinitionNotPublished(uint256 definitionId);
    /// @notice `account` is not a registered participant holding the global role `role`.
    error ParticipantLacksRole(address account, bytes32 role);
    /// @notice The instance does not exist or is not active.
    error InstanceNotActive(uint256 instanceId, BpmRuntime.InstanceStatus status);
    /// @notice `element` is not a task completed by a person.
    error NotATask(uint256 instanceId, uint16 element);
    /// @notice The task has no token (not reached yet, or already completed).
    error TaskNotEnabled(uint256 instanceId, uint16 element);
    /// @notice `account` is not bound to `role` in the instance's root instance (or is no longer a participant).
    error MissingRole(uint256 instanceId, bytes32 role, address account);
    /// @notice No variable has this index.
    error UnknownVariable(uint256 instanceId, uint8 index);
    /// @notice A Bool variable takes 0 or 1.
    error InvalidBoolValue(uint256 instanceId, uint8 index, int256 value);
    /// @notice No message flow has this index.
    error UnknownMessageFlow(uint256 instanceId, uint16 messageFlow);
    /// @notice The message flow is sent by an element of the model, not by a black-box pool.
    error NotExternalMessage(uint256 instanceId, uint16 messageFlow);
    /// @notice The message is already pending (delivered and not consumed yet).
    error MessageAlreadyPending(uint256 instanceId, uint16 messageFlow);
    /// @notice Only the root instance's starter may bind roles.
    error NotInstanceStarter(uint256 instanceId, address account);
    /// @notice The role already has an account in this instance.
    error RoleAlreadyBound(uint256 instanceId, bytes32 role);
    /// @notice A call activity names a process key with no published definition.
    error CalledProcessNotDeployed(bytes32 processKey);
    /// @notice Call activities are nested deeper than `MAX_CALL_DEPTH`.
    error CallDepthExceeded(uint256 instanceId, uint256 depth);
    /// @notice No outgoing flow of an exclusive gateway holds and it has no default flow.
    error NoOutgoingFlowEnabled(uint256 instanceId, uint16 gateway);
    /// @notice More than `MAX_AUTOMATIC_STEPS` automatic firings in one transaction.
    error AutomaticStepLimitExceeded(uint256 limit);

    /// @param definitionRegistry the definition registry.
    /// @param participantRegistry the participant registry.
    /// @param rollupPrecompile the rollup precompile, or the zero address for none.
    constructor(
        IProcessDefinitionRegistry definitionRegistry,
        IParticipantRegistry participantRegistry,
        IRollup rollupPrecompile
    ) {
        if (address(definitionRegistry) == address(0) || address(participantRegistry) == address(0)) {
            revert ZeroAddress();
        }
        registry = definitionRegistry;
        participants = participantRegistry;
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
        BpmRuntime.RuntimeHeader memory h = registry.runtimeHeader(definitionId);
        if (h.status != BpmRuntime.DefinitionStatus.Published) revert DefinitionNotPublished(definitionId);
        if (!participants.hasParticipantRole(msg.sender, h.startRole)) {
            revert ParticipantLacksRole(msg.sender, h.startRole);
        }
        Txn memory t = Txn({actor: msg.sender, steps: 0});
        Ctx memory c = _create(definitionId, h, msg.sender, 0, 0, 0, 0, 0);
        instanceId = c.id;
        _bind(instanceId, h.startRole, msg.sender);
        for (uint256 i; i < bindings.length; ++i) {
            BpmRuntime.RoleBinding calldata b = bindings[i];
            if (!participants.hasParticipantRole(b.account, b.role)) revert ParticipantLacksRole(b.account, b.role);
            _bind(instanceId, b.role, b.account);
        }
        _assign(c, variables, msg.sender);
        _fireStarts(c, t, registry.startElements(definitionId));
        _advance(c, t);
        _save(c);
    }

    /// @notice Binds `account` to a role of the instance that has no account yet. Only the root
    /// instance's starter, while the instance is active; bindings live in the root instance and
    /// are shared by its call-activity children.
    function bindRole(uint256 instanceId, bytes32 role, address account) external {
        InstanceRecord storage r = _activeRecord(instanceId);
        uint256 root = r.rootInstance;
        address starter = _instances[root].starter;
        if (msg.sender != starter) revert NotInstanceStarter(instanceId, msg.sender);
        if (_roleBound[root][role]) revert RoleAlreadyBound(root, role);
        if (!participants.hasParticipantRole(account, role)) revert ParticipantLacksRole(account, role);
        _bind(root, role, account);
    }

    /// @notice Completes an enabled task (Task, UserTask, ManualTask, ServiceTask, SendTask,
    /// ScriptTask, BusinessRuleTask): writes `outputs`, consumes the token of its lowest marked
    /// incoming place, produces its post-set, sends its message flows, then advances automatically.
    /// The caller must be bound to the task's role in the root instance.
    function completeTask(uint256 instanceId, uint16 element, BpmRuntime.VariableAssignment[] calldata outputs)
        external
    {
        Ctx memory c = _loadActive(instanceId);
        if (element >= c.elementCount) revert NotATask(instanceId, element);
        BpmRuntime.RuntimeElement memory rt = registry.runtimeElement(c.definitionId, element);
        if (!BpmRuntime.isPersonTask(rt.kind)) revert NotATask(instanceId, element);
        _requireBound(c, rt.role);
        uint256 s = rt.scope;
        uint256 m = _markingOf(c, s);
        if (m & rt.preset == 0) revert TaskNotEnabled(instanceId, element);
        Txn memory t = Txn({actor: msg.sender, steps: 0});
        _assign(c, outputs, msg.sender);
        uint256 take = Marking.bit((m & rt.preset).lowest());
        _setMarking(c, s, m & ~take);
        _fired(instanceId, element, rt.kind, msg.sender, take, rt.postset);
        emit TaskCompleted(instanceId, element, msg.sender);
        if (rt.messageOut != 0) _send(c, rt.messageOut);
        _produce(c, s, rt.postset, rt.autoAfter);
        _afterConsume(c, s);
        _advance(c, t);
        _save(c);
        _propagate(c, t);
    }

    /// @notice Delivers a message of a black-box pool (a message flow whose `sourceElement` is 0),
    /// with an optional payload of variable writes, then advances automatically. The caller must
    /// be bound to the sending pool's role in the root instance.
    function correlateMessage(uint256 instanceId, uint16 messageFlow, BpmRuntime.VariableAssignment[] calldata payload)
        external
    {
        Ctx memory c = _loadActive(instanceId);
        if (messageFlow >= c.triggerCount) revert UnknownMessageFlow(instanceId, messageFlow);
        (uint16 sourceElement, bytes32 role) = registry.triggerRuntime(c.definitionId, messageFlow);
        if (sourceElement != 0) revert NotExternalMessage(instanceId, messageFlow);
        _requireBound(c, role);
        if (c.messages.has(messageFlow)) revert MessageAlreadyPending(instanceId, messageFlow);
        Txn memory t = Txn({actor: msg.sender, steps: 0});
        _assign(c, payload, msg.sender);
        emit MessageCorrelated(instanceId, messageFlow, msg.sender);
        if (address(rollup) != address(0)) rollup.messageCorrelated(instanceId, messageFlow);
        _deliver(c, Marking.bit(messageFlow));
        _advance(c, t);
        _save(c);
        _propagate(c, t);
    }

    // ------------------------------------------------------------------ views

    /// @notice Number of instances created (ids are 1..instanceCount()).
    function instanceCount() external view returns (uint256) {
        return _instanceCount;
    }

    /// @notice Summary of an instance (status None when it does not exist).
    function instance(uint256 instanceId) external view returns (BpmRuntime.InstanceInfo memory info) {
        InstanceRecord storage r = _instances[instanceId];
        info.definitionId = r.definitionId;
        info.status = r.status;
        info.starter = r.starter;
        info.parentInstance = r.parentInstance;
        info.parentElement = r.parentElement;
        info.rootInstance = r.rootInstance;
    }

    /// @notice Marking (bitmap of marked places) of a scope of an instance.
    function marking(uint256 instanceId, uint256 scope) external view returns (uint256) {
        return _marking[instanceId][scope];
    }

    /// @notice Bitmap of scopes that hold tokens or run a sub-process or call-activity child.
    function activeScopes(uint256 instanceId) external view returns (uint256) {
        InstanceRecord storage r = _instances[instanceId];
        return r.markedScopes | r.busyScopes;
    }

    /// @notice Bitmap of pending (delivered, not yet consumed) message flows.
    function messages(uint256 instanceId) external view returns (uint256) {
        return _instances[instanceId].messages;
    }

    /// @notice Value of a variable (0 when never set).
    function variable(uint256 instanceId, uint256 index) external view returns (int256) {
        return _variables[instanceId][index];
    }

    /// @notice Child instances started by call activities of an instance.
    function childInstances(uint256 instanceId) external view returns (uint256[] memory) {
        return _children[instanceId];
    }

    /// @notice True when `element` is enabled in the instance (for tasks: `completeTask` would be accepted
    /// from an account bound to its role).
    function isEnabled(uint256 instanceId, uint16 element) external view returns (bool) {
        InstanceRecord storage r = _instances[instanceId];
        if (r.status != BpmRuntime.InstanceStatus.Active || element >= r.elementCount) return false;
        Ctx memory c = _load(instanceId);
        return _enabled(c, registry.runtimeElement(c.definitionId, element));
    }

    /// @notice The enabled tasks of an instance, in element order.
    function enabledTasks(uint256 instanceId) external view returns (uint16[] memory out) {
        InstanceRecord storage r = _instances[instanceId];
        if (r.status != BpmRuntime.InstanceStatus.Active) return out;
        Ctx memory c = _load(instanceId);
        BpmRuntime.RuntimeElement[] memory tasks = registry.personTasks(c.definitionId);
        out = new uint16[](tasks.length);
        uint256 n;
        for (uint256 i; i < tasks.length; ++i) {
            if (_enabled(c, tasks[i])) out[n++] = tasks[i].index;
        }
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    /// @notice True when `account` is bound to `role` in the instance's root instance.
    function hasRole(uint256 instanceId, bytes32 role, address account) external view returns (bool) {
        return _bound[_instances[instanceId].rootInstance][role][account];
    }

    /// @notice True when `role` has at least one bound account in the instance's root instance.
    function isRoleBound(uint256 instanceId, bytes32 role) external view returns (bool) {
        return _roleBound[_instances[instanceId].rootInstance][role];
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
        BpmRuntime.RuntimeHeader memory h,
        address starter,
        uint256 parent,
        uint256 root,
        uint16 parentElement,
        uint8 parentScope,
        uint8 depth
    ) private returns (Ctx memory c) {
        uint256 id = ++_instanceCount;
        InstanceRecord storage r = _instances[id];
        r.definitionId = uint64(definitionId);
        r.status = BpmRuntime.InstanceStatus.Active;
        r.starter = starter;
        r.parentInstance = uint64(parent);
        r.rootInstance = uint64(root == 0 ? id : root);
        r.parentElement = parentElement;
        r.parentScope = parentScope;
        r.depth = depth;
        r.scopeCount = h.scopeCount;
        r.elementCount = h.elementCount;
        r.triggerCount = h.triggerCount;
        emit InstanceStarted(id, definitionId, starter, parent);
        if (address(rollup) != address(0)) rollup.instanceStarted(id, definitionId, parent);
        c.id = id;
        c.definitionId = definitionId;
        c.status = BpmRuntime.InstanceStatus.Active;
        c.status0 = BpmRuntime.InstanceStatus.Active;
        c.starter = starter;
        c.parent = parent;
        c.root = root == 0 ? id : root;
        c.parentElement = parentElement;
        c.depth = depth;
        c.elementCount = h.elementCount;
        c.triggerCount = h.triggerCount;
        c.marking = new uint256[](h.scopeCount);
        c.cand = new BpmRuntime.RuntimeElement[](8);
    }

    /// @dev Loads the in-memory context of an instance (markings are read lazily).
    function _load(uint256 id) private view returns (Ctx memory c) {
        InstanceRecord storage r = _instances[id];
        c.id = id;
        c.definitionId = r.definitionId;
        c.status = r.status;
        c.status0 = c.status;
        c.starter = r.starter;
        c.parent = r.parentInstance;
        c.root = r.rootInstance;
        c.parentElement = r.parentElement;
        c.depth = r.depth;
        c.elementCount = r.elementCount;
        c.triggerCount = r.triggerCount;
        c.markedScopes = r.markedScopes;
        c.markedScopes0 = c.markedScopes;
        c.busyScopes = r.busyScopes;
        c.busyScopes0 = c.busyScopes;
        c.messages = r.messages;
        c.messages0 = c.messages;
        c.marking = new uint256[](r.scopeCount);
        c.cand = new BpmRuntime.RuntimeElement[](8);
    }

    /// @dev Loads an active instance; reverts `InstanceNotActive`.
    function _loadActive(uint256 id) private view returns (Ctx memory c) {
        BpmRuntime.InstanceStatus status = _instances[id].status;
        if (status != BpmRuntime.InstanceStatus.Active) revert InstanceNotActive(id, status);
        return _load(id);
    }

    /// @dev Storage of an active instance; reverts `InstanceNotActive`.
    function _activeRecord(uint256 id) private view returns (InstanceRecord storage r) {
        r = _instances[id];
        if (r.status != BpmRuntime.InstanceStatus.Active) revert InstanceNotActive(id, r.status);
    }

    /// @dev Writes back the changed markings, scope bitmaps, messages and status.
    function _save(Ctx memory c) private {
        mapping(uint256 => uint256) storage mk = _marking[c.id];
        for (uint256 bits = c.dirty; bits != 0; bits &= bits - 1) {
            uint256 s = bits.lowest();
            mk[s] = c.marking[s];
        }
        c.dirty = 0;
        InstanceRecord storage r = _instances[c.id];
        if (c.markedScopes != c.markedScopes0) r.markedScopes = c.markedScopes0 = c.markedScopes;
        if (c.busyScopes != c.busyScopes0) r.busyScopes = c.busyScopes0 = c.busyScopes;
        if (c.messages != c.messages0) r.messages = c.messages0 = c.messages;
        if (c.status != c.status0) r.status = c.status0 = c.status;
    }

    /// @dev After `c` was saved: while it completed and has a parent, resume the parent's call activity.
    function _propagate(Ctx memory c, Txn memory t) private {
        while (c.status == BpmRuntime.InstanceStatus.Completed && c.parent != 0) {
            Ctx memory p = _load(c.parent);
            _resumeCall(p, registry.runtimeElement(p.definitionId, c.parentElement), c.id);
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
                BpmRuntime.RuntimeElement memory rt = c.cand[i];
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
    function _enabled(Ctx memory c, BpmRuntime.RuntimeElement memory rt) private view returns (bool) {
        BpmCore.ElementKind k = rt.kind;
        if (k == BpmCore.ElementKind.MessageStartEvent) return c.messages.has(rt.messageIn - 1);
        if (k == BpmCore.ElementKind.StartEvent) return false;
        uint256 m = _markingOf(c, rt.scope) & rt.preset;
        if (rt.joinAll) return m == rt.preset;
        if (m == 0) return false;
        if (rt.messageIn != 0) return c.messages.has(rt.messageIn - 1);
        if (k == BpmCore.ElementKind.SubProcess) return !_live(c, rt.childScope);
        return true;
    }

    /// @dev Fires an automatic element.
    function _fire(Ctx memory c, Txn memory t, BpmRuntime.RuntimeElement memory rt) private {
        if (++t.steps > MAX_AUTOMATIC_STEPS) revert AutomaticStepLimitExceeded(MAX_AUTOMATIC_STEPS);
        uint256 s = rt.scope;
        BpmCore.ElementKind k = rt.kind;
        uint256 take;
        if (k != BpmCore.ElementKind.MessageStartEvent) {
            uint256 m = _markingOf(c, s);
            take = rt.joinAll ? rt.preset : Marking.bit((m & rt.preset).lowest());
            _setMarking(c, s, m & ~take);
        }
        if (rt.messageIn != 0) c.messages &= ~Marking.bit(rt.messageIn - 1);
        uint256 produced;
        if (k == BpmCore.ElementKind.ExclusiveGateway) {
            produced = _choose(c, rt);
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
            _produce(c, s, produced, rt.autoAfter);
        }
        _afterConsume(c, s);
    }

    /// @dev Fires none start events: each produces its post-set (and sends its messages).
    function _fireStarts(Ctx memory c, Txn memory t, BpmRuntime.RuntimeElement[] memory starts) private {
        for (uint256 i; i < starts.length; ++i) {
            BpmRuntime.RuntimeElement memory rt = starts[i];
            if (++t.steps > MAX_AUTOMATIC_STEPS) revert AutomaticStepLimitExceeded(MAX_AUTOMATIC_STEPS);
            _fired(c.id, rt.index, rt.kind, t.actor, 0, rt.postset);
            if (rt.messageOut != 0) _send(c, rt.messageOut);
            _produce(c, rt.scope, rt.postset, rt.autoAfter);
        }
    }

    /// @dev Exclusive gateway: the place of the first outgoing flow whose condition holds, else of the default flow.
    function _choose(Ctx memory c, BpmRuntime.RuntimeElement memory rt) private view returns (uint256) {
        BpmRuntime.Branch[] memory branches = registry.gatewayBranches(c.definitionId, rt.index);
        uint256 defaultPlace;
        bool hasDefault;
        for (uint256 i; i < branches.length; ++i) {
            BpmRuntime.Branch memory b = branches[i];
            if (b.isDefault) {
                hasDefault = true;
                defaultPlace = b.place;
            } else if (b.condition.length == 0 || ConditionVM.evaluate(b.condition, _variables[c.id])) {
                return Marking.bit(b.place);
            }
        }
        if (!hasDefault) revert NoOutgoingFlowEnabled(c.id, rt.index);
        return Marking.bit(defaultPlace);
    }

    /// @dev Marks `places` in scope `s` and queues their automatic consumers.
    function _produce(Ctx memory c, uint256 s, uint256 places, bool automatic) private view {
        if (places == 0) return;
        _setMarking(c, s, _markingOf(c, s) | places);
        if (automatic) _addCandidates(c, registry.automaticConsumers(c.definitionId, s, places));
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
        BpmRuntime.RuntimeElement[] memory targets = registry.messageTargets(c.definitionId, flows);
        for (uint256 i; i < targets.length; ++i) {
            c.messages |= Marking.bit(targets[i].messageIn - 1);
            _addCandidate(c, targets[i]);
        }
    }

    /// @dev A sub-process scope that holds nothing any more (no token, no running child) completes.
    function _afterConsume(Ctx memory c, uint256 s) private {
        if (c.stop || _live(c, s)) return;
        uint256 parentElement = registry.scopeRuntime(c.definitionId, s).parentElement;
        if (parentElement == 0) return;
        _completeSubprocess(c, registry.runtimeElement(c.definitionId, parentElement - 1));
    }

    /// @dev Fires the none start events of the child scope; a child scope that ends at once completes at once.
    function _enterSubprocess(Ctx memory c, Txn memory t, BpmRuntime.RuntimeElement memory sub) private {
        _incBusy(c, sub.scope);
        _fireStarts(c, t, registry.scopeStartEvents(c.definitionId, sub.childScope));
        if (!_live(c, sub.childScope)) _completeSubprocess(c, sub);
    }

    /// @dev Produces the post-set of a sub-process whose child scope holds nothing any more.
    function _completeSubprocess(Ctx memory c, BpmRuntime.RuntimeElement memory sub) private {
        _decBusy(c, sub.scope);
        emit SubProcessCompleted(c.id, sub.index, sub.childScope);
        if (address(rollup) != address(0)) rollup.subProcessCompleted(c.id, sub.index);
        _produce(c, sub.scope, sub.postset, sub.autoAfter);
        _addCandidate(c, sub); // its next token may be waiting to enter again
    }

    /// @dev Starts and runs a child instance of the latest version of `calledProcess`; resumes at once if it completes.
    function _callActivity(Ctx memory c, Txn memory t, BpmRuntime.RuntimeElement memory call) private {
        if (c.depth >= MAX_CALL_DEPTH) revert CallDepthExceeded(c.id, c.depth + 1);
        bytes32 key = call.calledProcess;
        uint32 version = registry.latestVersion(key);
        if (version == 0) revert CalledProcessNotDeployed(key);
        uint256 definitionId = registry.definitionOf(key, version);
        BpmRuntime.RuntimeHeader memory h = registry.runtimeHeader(definitionId);
        _incBusy(c, call.scope);
        Ctx memory child = _create(definitionId, h, c.starter, c.id, c.root, call.index, call.scope, c.depth + 1);
        _children[c.id].push(child.id);
        _fireStarts(child, t, registry.startElements(definitionId));
        _advance(child, t);
        _save(child);
        if (child.status == BpmRuntime.InstanceStatus.Completed) _resumeCall(c, call, child.id);
    }

    /// @dev Produces the post-set of a call activity whose child instance completed.
    function _resumeCall(Ctx memory c, BpmRuntime.RuntimeElement memory call, uint256 childId) private {
        _decBusy(c, call.scope);
        emit CallActivityCompleted(c.id, call.index, childId);
        if (address(rollup) != address(0)) rollup.callActivityCompleted(c.id, call.index, childId);
        _produce(c, call.scope, call.postset, call.autoAfter);
    }

    /// @dev Terminate end event: clears its scope and the scopes nested in it (a top-level scope:
    /// every scope of the instance) and kills the call-activity children started there.
    function _terminate(Ctx memory c, uint256 s) private {
        uint256 parentElement;
        uint256 set;
        {
            BpmRuntime.ScopeRuntime memory sr = registry.scopeRuntime(c.definitionId, s);
            parentElement = sr.parentElement;
            set = parentElement == 0 ? type(uint256).max : sr.descendants;
        }
        for (uint256 bits = c.markedScopes & set; bits != 0; bits &= bits - 1) {
            _setMarking(c, bits.lowest(), 0);
        }
        for (uint256 bits = c.busyScopes & set; bits != 0; bits &= bits - 1) {
            delete _running[c.id][bits.lowest()];
        }
        c.busyScopes &= ~set;
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
            for (uint256 bits = r.markedScopes; bits != 0; bits &= bits - 1) {
                delete _marking[kid][bits.lowest()];
            }
            for (uint256 bits = r.busyScopes; bits != 0; bits &= bits - 1) {
                delete _running[kid][bits.lowest()];
            }
            r.markedScopes = 0;
            r.busyScopes = 0;
            r.status = BpmRuntime.InstanceStatus.Terminated;
            emit InstanceTerminated(kid, id);
            _killChildren(kid, type(uint256).max);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Marking of scope `s`, read from storage on first use.
    function _markingOf(Ctx memory c, uint256 s) private view returns (uint256 m) {
        if (c.loaded.has(s)) return c.marking[s];
        if (c.markedScopes.has(s)) m = _marking[c.id][s];
        c.marking[s] = m;
        c.loaded |= Marking.bit(s);
    }

    /// @dev Sets the marking of scope `s` in memory (written back by `_save`).
    function _setMarking(Ctx memory c, uint256 s, uint256 m) private pure {
        c.marking[s] = m;
        c.loaded |= Marking.bit(s);
        c.dirty |= Marking.bit(s);
        if (m == 0) c.markedScopes &= ~Marking.bit(s);
        else c.markedScopes |= Marking.bit(s);
    }

    /// @dev True when scope `s` holds a token or runs a sub-process or call-activity child.
    function _live(Ctx memory c, uint256 s) private pure returns (bool) {
        return (c.markedScopes | c.busyScopes).has(s);
    }

    /// @dev One more running sub-process or child instance started from scope `s`.
    function _incBusy(Ctx memory c, uint256 s) private {
        ++_running[c.id][s];
        c.busyScopes |= Marking.bit(s);
    }

    /// @dev One running sub-process or child instance of scope `s` less.
    function _decBusy(Ctx memory c, uint256 s) private {
        uint256 n = _running[c.id][s] - 1;
        _running[c.id][s] = n;
        if (n == 0) c.busyScopes &= ~Marking.bit(s);
    }

    /// @dev Queues automatic elements for the next advancement steps.
    function _addCandidates(Ctx memory c, BpmRuntime.RuntimeElement[] memory list) private pure {
        for (uint256 i; i < list.length; ++i) {
            _addCandidate(c, list[i]);
        }
    }

    /// @dev Queues one automatic element (once).
    function _addCandidate(Ctx memory c, BpmRuntime.RuntimeElement memory rt) private pure {
        uint256 n = c.candLen;
        for (uint256 i; i < n; ++i) {
            if (c.cand[i].index == rt.index) return;
        }
        if (n == c.cand.length) {
            BpmRuntime.RuntimeElement[] memory grown = new BpmRuntime.RuntimeElement[](n * 2);
            for (uint256 i; i < n; ++i) {
                grown[i] = c.cand[i];
            }
            c.cand = grown;
        }
        c.cand[n] = rt;
        c.candLen = n + 1;
    }

    /// @dev Reverts `MissingRole` unless the caller is bound to `role` in the root instance and still a participant.
    function _requireBound(Ctx memory c, bytes32 role) private view {
        if (!_bound[c.root][role][msg.sender] || !participants.isParticipant(msg.sender)) {
            revert MissingRole(c.id, role, msg.sender);
        }
    }

    /// @dev Binds `account` to `role` in root instance `root` (idempotent).
    function _bind(uint256 root, bytes32 role, address account) private {
        if (_bound[root][role][account]) return;
        _bound[root][role][account] = true;
        _roleBound[root][role] = true;
        emit RoleBound(root, role, account);
    }

    /// @dev Writes variables (index in range, Bool values 0 or 1), one VariableSet event each.
    function _assign(Ctx memory c, BpmRuntime.VariableAssignment[] calldata list, address actor) private {
        for (uint256 i; i < list.length; ++i) {
            uint8 index = list[i].index;
            int256 value = list[i].value;
            (bool exists, BpmCore.VariableType varType) = registry.variableType(c.definitionId, index);
            if (!exists) revert UnknownVariable(c.id, index);
            if (varType == BpmCore.VariableType.Bool && value != 0 && value != 1) {
                revert InvalidBoolValue(c.id, index, value);
            }
            _variables[c.id][index] = value;
            emit VariableSet(c.id, index, value, actor);
        }
    }
}
