// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmCore} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {Marking} from "./Marking.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";
import {RuntimeImage} from "./RuntimeImage.sol";

/// @title InstanceStore
/// @notice The engine's instance state (records, markings, running children, variables, role
/// bindings), its events and errors, its read-only views, and the helpers that move an instance
/// between storage and its in-memory working copy. `ProcessExecution` adds the actions and the
/// firing rules (docs/bpm-engine.md).
/// @dev Storage is laid out for the hot path (docs/bpm-engine.md, "Runtime image and gas"): slot 0
/// of an instance record holds all that a task completion reads; lineage is written for
/// call-activity children only; pending messages are read only when a message is involved.
abstract contract InstanceStore {
    using Marking for uint256;

    /// @notice The consortium's participant registry.
    IParticipantRegistry public immutable participants;

    /// @dev An instance in storage; see the contract's @dev for the layout's reasons.
    struct InstanceRecord {
        // slot 0: what every call reads
        address image; // chunk 0 of the definition's runtime image
        BpmRuntime.InstanceStatus status;
        uint8 depth; // call depth: 0 for a root instance
        uint48 definitionId;
        uint16 markedScopes; // number of scopes whose marking is not empty
        uint16 busyScopes; // number of scopes with a running sub-process or call-activity child
        // slot 1: lineage, written for call-activity children only (a root instance is its own
        // root; the starter of a root instance is the holder of its start role, `_starterOf`)
        uint64 parentInstance;
        uint64 rootInstance;
        uint16 parentElement;
        uint8 parentScope;
        // slot 2, read when it changes or is tested
        uint256 messages; // pending message flows
    }

    /// @dev `Ctx.lazy` bits: which lazily read parts of the record are in memory.
    uint256 internal constant LAZY_LINEAGE = 1; // parent, parentElement (slot 1)
    uint256 internal constant LAZY_MESSAGES = 2; // messages

    /// @dev In-memory working copy of an instance during a transaction.
    struct Ctx {
        uint256 id;
        RuntimeImage.Image im;
        BpmRuntime.InstanceStatus status;
        uint256 root;
        uint8 depth;
        uint256 lazy;
        uint256 parent;
        uint16 parentElement;
        uint256 markedScopes; // a number of scopes, as in the record
        uint256 busyScopes;
        uint256 messages;
        uint256 loaded;
        uint256 dirty;
        uint256[] marking;
        RuntimeImage.Node[] cand;
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
        /// the instance whose decision gateways `decisions` decide (0: none)
        uint256 decided;
        /// a used decision's gateway is set to `USED_DECISION`
        BpmRuntime.Decision[] decisions;
    }

    /// @dev Marks a used decision in `Txn.decisions` (element indexes are below `MAX_ELEMENTS`, 65,535).
    uint16 internal constant USED_DECISION = type(uint16).max;

    uint256 internal _instanceCount;
    mapping(uint256 instanceId => InstanceRecord) internal _instances;
    mapping(uint256 instanceId => mapping(uint256 scope => uint256)) internal _marking;
    mapping(uint256 instanceId => mapping(uint256 scope => uint256)) internal _running;
    mapping(uint256 instanceId => mapping(uint256 index => int256)) internal _variables;
    /// @dev The first account bound to a role of a root instance (one slot for the usual one account per role).
    mapping(uint256 rootId => mapping(bytes32 role => address account)) internal _roleHolder;
    /// @dev Further accounts bound to the same role.
    mapping(uint256 rootId => mapping(bytes32 role => mapping(address account => bool))) internal _bound;
    mapping(uint256 instanceId => uint256[]) internal _children;
    /// @dev Submissions of verified tasks waiting for their verifier.
    mapping(uint256 instanceId => mapping(uint256 element => BpmRuntime.Submission)) internal _submissions;

    /// @notice An instance was started (by `startInstance`, or by a call activity of `parentInstance`).
    event InstanceStarted(
        uint256 indexed instanceId, uint256 indexed definitionId, address indexed starter, uint256 parentInstance
    );
    /// @notice `account` was bound to `role` in the root instance `instanceId`.
    event RoleBound(uint256 indexed instanceId, bytes32 indexed role, address indexed account);
    /// @notice An element fired (`actor`: the task's completer, else the transaction's caller;
    /// indexed, so that a trail can ask for what an account did, e.g. the tasks it completed:
    /// `kind` a task kind). A task completion is this event alone (no separate completion event).
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
        address indexed actor,
        uint256 consumed,
        uint256 produced
    );
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
    /// @notice `performer` submitted the work of verified task `element` (`evidence`: the hash of
    /// its evidence document, zero when none); no token moved.
    event TaskSubmitted(uint256 indexed instanceId, uint16 indexed element, address indexed performer, bytes32 evidence);
    /// @notice `verifier` approved the submission of `performer`; the task's completion (its
    /// `ElementFired`, with `performer` as actor) follows in the same transaction, then, when
    /// `reward` (the task's reward rule, units) is not 0, the mint on `RewardUnits`.
    event TaskApproved(
        uint256 indexed instanceId, uint16 indexed element, address indexed verifier, address performer, uint64 reward
    );
    /// @notice `verifier` rejected the submission of `performer`; the task waits for a new one.
    event TaskRejected(
        uint256 indexed instanceId, uint16 indexed element, address indexed verifier, address performer, string reason
    );

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
    /// @notice A decision gateway fired without a decision for it, no condition held and it has
    /// no default flow: complete the task before it with `completeTaskWithDecisions`.
    error DecisionRequired(uint256 instanceId, uint16 gateway);
    /// @notice A decision names a branch that the gateway does not have or that is conditional
    /// (only decision flows and the default flow may be chosen).
    error InvalidDecision(uint256 instanceId, uint16 gateway, uint8 branch);
    /// @notice A decision was not used: its gateway was not reached by this task's advance.
    error DecisionNotUsed(uint256 instanceId, uint16 gateway);
    /// @notice More than `MAX_AUTOMATIC_STEPS` automatic firings in one transaction.
    error AutomaticStepLimitExceeded(uint256 limit);
    /// @notice The task needs verification: its performer calls `submitTask`, a holder of
    /// `verifierRole` approves.
    error VerificationRequired(uint256 instanceId, uint16 element, bytes32 verifierRole);
    /// @notice `submitTask`, `approveTask` or `rejectTask` on a task without a verifier role.
    error TaskNotVerified(uint256 instanceId, uint16 element);
    /// @notice The task already has a submission waiting for its verifier (by `performer`).
    error SubmissionPending(uint256 instanceId, uint16 element, address performer);
    /// @notice The task has no submission to approve or reject.
    error NoSubmission(uint256 instanceId, uint16 element);
    /// @notice The task's submissions must carry an evidence hash.
    error EvidenceRequired(uint256 instanceId, uint16 element);
    /// @notice The performer of a submission may not approve or reject it (four eyes).
    error VerifierIsPerformer(uint256 instanceId, uint16 element, address account);

    /// @param participantRegistry the participant registry.
    constructor(IParticipantRegistry participantRegistry) {
        participants = participantRegistry;
    }

    // ------------------------------------------------------------------ views

    /// @notice The submission of verified task `element` waiting for its verifier (`performer`
    /// zero when there is none).
    function submission(uint256 instanceId, uint16 element) external view returns (BpmRuntime.Submission memory) {
        return _submissions[instanceId][element];
    }

    /// @notice Number of instances created (ids are 1..instanceCount()).
    function instanceCount() external view returns (uint256) {
        return _instanceCount;
    }

    /// @notice Summary of an instance (status None when it does not exist).
    function instance(uint256 instanceId) external view returns (BpmRuntime.InstanceInfo memory info) {
        InstanceRecord storage r = _instances[instanceId];
        info.definitionId = r.definitionId;
        info.status = r.status;
        if (r.status == BpmRuntime.InstanceStatus.None) return info;
        info.starter = _starterOf(_rootOf(instanceId, r));
        info.parentInstance = r.parentInstance;
        info.parentElement = r.parentElement;
        info.rootInstance = _rootOf(instanceId, r);
    }

    /// @notice Marking (bitmap of marked places) of a scope of an instance.
    function marking(uint256 instanceId, uint256 scope) external view returns (uint256) {
        return _marking[instanceId][scope];
    }

    /// @notice Bitmap of scopes that hold tokens or run a sub-process or call-activity child.
    function activeScopes(uint256 instanceId) external view returns (uint256 scopes) {
        InstanceRecord storage r = _instances[instanceId];
        if (r.markedScopes == 0 && r.busyScopes == 0) return 0;
        uint256 n = RuntimeImage.open(r.image).scopeCount;
        for (uint256 s; s < n; ++s) {
            if (_marking[instanceId][s] != 0 || _running[instanceId][s] != 0) scopes |= Marking.bit(s);
        }
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

    /// @notice True when `account` is bound to `role` in the instance's root instance.
    function hasRole(uint256 instanceId, bytes32 role, address account) external view returns (bool) {
        InstanceRecord storage r = _instances[instanceId];
        if (r.status == BpmRuntime.InstanceStatus.None) return false;
        uint256 root = _rootOf(instanceId, r);
        return account != address(0) && (_roleHolder[root][role] == account || _bound[root][role][account]);
    }

    /// @notice True when `role` has at least one bound account in the instance's root instance.
    function isRoleBound(uint256 instanceId, bytes32 role) external view returns (bool) {
        InstanceRecord storage r = _instances[instanceId];
        return r.status != BpmRuntime.InstanceStatus.None && _roleHolder[_rootOf(instanceId, r)][role] != address(0);
    }

    // ------------------------------------------------------------------ instance records

    /// @dev Loads the in-memory context of an instance: its first slot and its image's header
    /// (lineage, messages and markings are read lazily). With `active`, reverts
    /// `InstanceNotActive` unless the instance is active.
    function _load(uint256 id, bool active) internal view returns (Ctx memory c) {
        InstanceRecord storage r = _instances[id];
        uint256 w; // slot 0, read once; fields from the low bits in declaration order
        assembly ("memory-safe") {
            w := sload(r.slot)
        }
        BpmRuntime.InstanceStatus status = BpmRuntime.InstanceStatus(uint8(w >> 160));
        if (active && status != BpmRuntime.InstanceStatus.Active) revert InstanceNotActive(id, status);
        c.id = id;
        c.status = status;
        c.status0 = status;
        c.depth = uint8(w >> 168);
        c.markedScopes = c.markedScopes0 = uint16(w >> 224);
        c.busyScopes = c.busyScopes0 = uint16(w >> 240);
        c.root = c.depth == 0 ? id : r.rootInstance;
        RuntimeImage.load(c.im, address(uint160(w)));
        c.marking = new uint256[](c.im.scopeCount);
        c.cand = _nodeArray(8);
    }

    /// @dev Storage of an active instance; reverts `InstanceNotActive`.
    function _activeRecord(uint256 id) internal view returns (InstanceRecord storage r) {
        r = _instances[id];
        if (r.status != BpmRuntime.InstanceStatus.Active) revert InstanceNotActive(id, r.status);
    }

    /// @dev Root of the call chain of an existing instance (itself for a root instance).
    function _rootOf(uint256 id, InstanceRecord storage r) internal view returns (uint256) {
        return r.depth == 0 ? id : r.rootInstance;
    }

    /// @dev The account that started root instance `root`: the holder of its start role, bound
    /// first at `startInstance` and never replaced.
    function _starterOf(uint256 root) internal view returns (address) {
        return _roleHolder[root][RuntimeImage.open(_instances[root].image).startRole];
    }

    /// @dev Reads parent and parent element into `c` (once).
    function _lineage(Ctx memory c) internal view {
        if (c.lazy & LAZY_LINEAGE != 0) return;
        InstanceRecord storage r = _instances[c.id];
        c.parent = r.parentInstance;
        c.parentElement = r.parentElement;
        c.lazy |= LAZY_LINEAGE;
    }

    /// @dev The pending messages of `c`, read once.
    function _messagesOf(Ctx memory c) internal view returns (uint256) {
        if (c.lazy & LAZY_MESSAGES == 0) {
            c.messages = c.messages0 = _instances[c.id].messages;
            c.lazy |= LAZY_MESSAGES;
        }
        return c.messages;
    }

    /// @dev Writes back the changed markings, scope bitmaps, messages and status.
    function _save(Ctx memory c) internal {
        mapping(uint256 => uint256) storage mk = _marking[c.id];
        for (uint256 bits = c.dirty; bits != 0; bits &= bits - 1) {
            uint256 s = bits.lowest();
            mk[s] = c.marking[s];
        }
        c.dirty = 0;
        InstanceRecord storage r = _instances[c.id];
        // forge-lint: disable-next-line(unsafe-typecast)
        if (c.markedScopes != c.markedScopes0) r.markedScopes = uint16(c.markedScopes0 = c.markedScopes); // <= 256 scopes
        // forge-lint: disable-next-line(unsafe-typecast)
        if (c.busyScopes != c.busyScopes0) r.busyScopes = uint16(c.busyScopes0 = c.busyScopes); // <= 256 scopes
        if (c.messages != c.messages0) r.messages = c.messages0 = c.messages;
        if (c.status != c.status0) r.status = c.status0 = c.status;
    }

    // ------------------------------------------------------------------ markings, candidates, roles, variables


    /// @dev Marking of scope `s`, read from storage on first use.
    function _markingOf(Ctx memory c, uint256 s) internal view returns (uint256 m) {
        if (c.loaded.has(s)) return c.marking[s];
        m = _marking[c.id][s]; // 0 for a scope without tokens
        c.marking[s] = m;
        c.loaded |= Marking.bit(s);
    }

    /// @dev Sets the marking of scope `s` in memory (written back by `_save`); a scope that gains
    /// its first token or loses its last one counts in `markedScopes`.
    function _setMarking(Ctx memory c, uint256 s, uint256 m) internal view {
        bool wasMarked = _markingOf(c, s) != 0;
        c.marking[s] = m;
        c.dirty |= Marking.bit(s);
        if (wasMarked && m == 0) --c.markedScopes;
        else if (!wasMarked && m != 0) ++c.markedScopes;
    }

    /// @dev True when scope `s` holds a token or runs a sub-process or call-activity child.
    function _live(Ctx memory c, uint256 s) internal view returns (bool) {
        // no busy scope at all (the usual case without sub-processes): no need to read `_running`
        return _markingOf(c, s) != 0 || (c.busyScopes != 0 && _running[c.id][s] != 0);
    }

    /// @dev One more running sub-process or child instance started from scope `s`.
    function _incBusy(Ctx memory c, uint256 s) internal {
        if (_running[c.id][s]++ == 0) ++c.busyScopes;
    }

    /// @dev One running sub-process or child instance of scope `s` less.
    function _decBusy(Ctx memory c, uint256 s) internal {
        if (--_running[c.id][s] == 0) --c.busyScopes;
    }

    /// @dev Queues automatic elements for the next advancement steps.
    function _addCandidates(Ctx memory c, RuntimeImage.Node[] memory list) internal pure {
        for (uint256 i; i < list.length; ++i) {
            _addCandidate(c, list[i]);
        }
    }

    /// @dev A memory array of `n` node pointers, not initialised (entries are written before they are read).
    function _nodeArray(uint256 n) internal pure returns (RuntimeImage.Node[] memory a) {
        assembly ("memory-safe") {
            a := mload(0x40)
            mstore(a, n)
            mstore(0x40, add(a, mul(add(n, 1), 32)))
        }
    }

    /// @dev Queues one automatic element (once).
    function _addCandidate(Ctx memory c, RuntimeImage.Node memory rt) internal pure {
        uint256 n = c.candLen;
        for (uint256 i; i < n; ++i) {
            if (c.cand[i].index == rt.index) return;
        }
        if (n == c.cand.length) {
            RuntimeImage.Node[] memory grown = _nodeArray(n * 2);
            for (uint256 i; i < n; ++i) {
                grown[i] = c.cand[i];
            }
            c.cand = grown;
        }
        c.cand[n] = rt;
        c.candLen = n + 1;
    }

    /// @dev Reverts `MissingRole` unless the caller is bound to `role` in the root instance and still a participant.
    function _requireBound(Ctx memory c, bytes32 role) internal view {
        if (
            (_roleHolder[c.root][role] != msg.sender && !_bound[c.root][role][msg.sender])
                || !participants.isParticipant(msg.sender)
        ) {
            revert MissingRole(c.id, role, msg.sender);
        }
    }

    /// @dev Binds `account` to `role` in root instance `root` (idempotent).
    function _bind(uint256 root, bytes32 role, address account) internal {
        address holder = _roleHolder[root][role];
        if (holder == address(0)) {
            _roleHolder[root][role] = account;
        } else {
            if (holder == account || _bound[root][role][account]) return;
            _bound[root][role][account] = true;
        }
        emit RoleBound(root, role, account);
    }

    /// @dev Reverts `UnknownVariable` or `InvalidBoolValue` unless `value` may be written to variable `index`.
    function _checkAssignment(Ctx memory c, uint8 index, int256 value) internal view {
        if (index >= c.im.variableCount) revert UnknownVariable(c.id, index);
        if (value != 0 && value != 1 && RuntimeImage.variableType(c.im, index) == BpmCore.VariableType.Bool) {
            revert InvalidBoolValue(c.id, index, value);
        }
    }

    /// @dev Writes variables (index in range, Bool values 0 or 1), one VariableSet event each.
    function _assign(Ctx memory c, BpmRuntime.VariableAssignment[] memory list, address actor) internal {
        for (uint256 i; i < list.length; ++i) {
            uint8 index = list[i].index;
            int256 value = list[i].value;
            _checkAssignment(c, index, value);
            _variables[c.id][index] = value;
            emit VariableSet(c.id, index, value, actor);
        }
    }
}
