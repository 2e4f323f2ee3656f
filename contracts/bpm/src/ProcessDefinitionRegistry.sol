// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore, BpmLimits} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {DefinitionStorage} from "./DefinitionStorage.sol";
import {ModelCompiler} from "./ModelCompiler.sol";
import {Marking} from "./Marking.sol";
import {IProcessDefinitionRegistry} from "./IProcessDefinitionRegistry.sol";
import {IRollup} from "./IRollup.sol";

/// @title ProcessDefinitionRegistry
/// @notice Stores BPMN process definitions (spec 5.1-5.10) as versioned, immutable data (spec 5.20).
/// An account holding `DEPLOYER_ROLE` creates a Draft it owns, appends the compiler's records in
/// batches, then publishes it: the registry validates the model, computes the Petri-net runtime
/// tables (pre-/post-sets, join modes, automatic consumers of each place, start events, roles),
/// assigns `version = latestVersion(processKey) + 1` and freezes it.
/// @dev The engine reads compact per-element runtime records (one packed slot + role + pre-set +
/// post-set) through `IProcessDefinitionRegistry`; the original records stay readable as emitted.
/// On AlstraNet `publish` registers the definition with the rollup precompile (`IRollup`), which
/// computes its firing rules into the definitions tree the validity proofs use.
contract ProcessDefinitionRegistry is AccessControl, IProcessDefinitionRegistry {
    using Marking for uint256;

    /// @notice AccessControl role of the accounts that may create definitions.
    bytes32 public constant DEPLOYER_ROLE = keccak256("DEPLOYER_ROLE");

    /// @notice Limits of docs/bpm-engine.md ("Limits").
    uint256 public constant MAX_POOLS = BpmLimits.MAX_POOLS;
    uint256 public constant MAX_SWIMLANES = BpmLimits.MAX_SWIMLANES;
    uint256 public constant MAX_SCOPES = BpmLimits.MAX_SCOPES;
    uint256 public constant MAX_ELEMENTS = BpmLimits.MAX_ELEMENTS;
    uint256 public constant MAX_SEQUENCE_FLOWS = BpmLimits.MAX_SEQUENCE_FLOWS;
    uint256 public constant MAX_MESSAGE_FLOWS = BpmLimits.MAX_MESSAGE_FLOWS;
    uint256 public constant MAX_VARIABLES = BpmLimits.MAX_VARIABLES;

    /// @notice The publish-time compiler, run through DELEGATECALL (deployed by the constructor).
    address public immutable compiler;
    /// @notice The rollup precompile `publish` registers definitions with
    /// (`BpmCore.ROLLUP_PRECOMPILE` on AlstraNet; the zero address on a chain without it).
    IRollup public immutable rollup;

    /// @notice A Draft was created.
    event DefinitionCreated(
        uint256 indexed definitionId, bytes32 indexed processKey, address indexed owner, string name
    );
    /// @notice `count` records of type `recordType` were appended at indexes `from`...
    event RecordsAdded(
        uint256 indexed definitionId, BpmRuntime.RecordType indexed recordType, uint256 from, uint256 count
    );
    /// @notice A Draft was validated, versioned and frozen.
    event DefinitionPublished(
        uint256 indexed definitionId, bytes32 indexed processKey, uint32 version, bytes32 startRole
    );
    /// @notice Part `part` (0-based) of the definition's BPMN 2.0 XML source, as the modeler
    /// exported it (the exact bytes the compiler read). Concatenated in part order they are the
    /// file; `sourceHash` is the hash chain over them after this part (see `attachSource`).
    event DefinitionSourceAttached(uint256 indexed definitionId, uint32 part, bytes32 sourceHash, bytes data);
    /// @notice A published version was deprecated by `by`: it starts no new instance.
    event DefinitionDeprecated(uint256 indexed definitionId, address indexed by);
    /// @notice A deprecated version was reinstated by `by`: it starts instances again.
    event DefinitionReinstated(uint256 indexed definitionId, address indexed by);
    /// @notice The definition's completed root instances get an ERC-721 certificate
    /// (`InstanceCertificates`).
    event CertificatesRequested(uint256 indexed definitionId);
    /// @notice The engine mints rewards on `rewardUnits` from now on.
    event RewardUnitsSet(address indexed rewardUnits, address indexed by);

    /// @param admin receives `DEFAULT_ADMIN_ROLE` and `DEPLOYER_ROLE`.
    /// @param rollupPrecompile the rollup precompile, or the zero address for none.
    constructor(address admin, IRollup rollupPrecompile) {
        compiler = address(new ModelCompiler());
        rollup = rollupPrecompile;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(DEPLOYER_ROLE, admin);
    }

    // ------------------------------------------------------------------ drafting

    /// @notice Creates an empty Draft owned by the caller.
    /// @param processKey keccak256 of the BPMN process (or collaboration) id; versions are per key.
    /// @param name display name.
    /// @return definitionId the new definition's id (ids start at 1).
    function createDefinition(bytes32 processKey, string calldata name)
        external
        onlyRole(DEPLOYER_ROLE)
        returns (uint256 definitionId)
    {
        if (processKey == bytes32(0)) revert InvalidProcessKey();
        definitionId = ++_l().definitionCount;
        DefinitionStorage.DefinitionRecord storage d = _l().definitions[definitionId];
        d.processKey = processKey;
        d.owner = msg.sender;
        d.status = BpmRuntime.DefinitionStatus.Draft;
        d.name = name;
        emit DefinitionCreated(definitionId, processKey, msg.sender, name);
    }

    /// @notice Appends pools (BPMN participants).
    function addPools(uint256 definitionId, BpmnModel.Pool[] calldata records) external {
        BpmnModel.Pool[] storage list = _draft(definitionId).pools;
        uint256 from = _checkLimit(BpmRuntime.RecordType.Pool, list.length, records.length, MAX_POOLS);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.Pool, from, records.length);
    }

    /// @notice Appends swimlanes (BPMN lanes).
    function addSwimlanes(uint256 definitionId, BpmnModel.Swimlane[] calldata records) external {
        BpmnModel.Swimlane[] storage list = _draft(definitionId).swimlanes;
        uint256 from = _checkLimit(BpmRuntime.RecordType.Swimlane, list.length, records.length, MAX_SWIMLANES);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.Swimlane, from, records.length);
    }

    /// @notice Appends scopes (a pool's process or an embedded sub-process).
    function addSubprocesses(uint256 definitionId, BpmnModel.Subprocess[] calldata records) external {
        BpmnModel.Subprocess[] storage list = _draft(definitionId).subprocesses;
        uint256 from = _checkLimit(BpmRuntime.RecordType.Subprocess, list.length, records.length, MAX_SCOPES);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.Subprocess, from, records.length);
    }

    /// @notice Appends activities (kinds Task..CallActivity) to the element index space.
    function addActivities(uint256 definitionId, BpmnModel.Element[] calldata records) external {
        _addElements(definitionId, records, BpmCore.ElementKind.Task, BpmCore.ElementKind.CallActivity);
    }

    /// @notice Appends events (kinds StartEvent..MessageIntermediateCatchEvent) to the element index space.
    function addEvents(uint256 definitionId, BpmnModel.Element[] calldata records) external {
        _addElements(
            definitionId, records, BpmCore.ElementKind.StartEvent, BpmCore.ElementKind.MessageIntermediateCatchEvent
        );
    }

    /// @notice Appends gateways (kinds ExclusiveGateway..EventBasedGateway) to the element index space.
    function addGateways(uint256 definitionId, BpmnModel.Element[] calldata records) external {
        _addElements(
            definitionId, records, BpmCore.ElementKind.ExclusiveGateway, BpmCore.ElementKind.EventBasedGateway
        );
    }

    /// @notice Appends sequence flows whose source is an activity or an event.
    function addActivitySequenceFlows(uint256 definitionId, BpmnModel.ActivitySequenceFlow[] calldata records)
        external
    {
        BpmnModel.ActivitySequenceFlow[] storage list = _draft(definitionId).activityFlows;
        uint256 from =
            _checkLimit(BpmRuntime.RecordType.ActivitySequenceFlow, list.length, records.length, MAX_SEQUENCE_FLOWS);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.ActivitySequenceFlow, from, records.length);
    }

    /// @notice Appends sequence flows whose source is a gateway.
    function addGatewaySequenceFlows(uint256 definitionId, BpmnModel.GatewaySequenceFlow[] calldata records) external {
        BpmnModel.GatewaySequenceFlow[] storage list = _draft(definitionId).gatewayFlows;
        uint256 from =
            _checkLimit(BpmRuntime.RecordType.GatewaySequenceFlow, list.length, records.length, MAX_SEQUENCE_FLOWS);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.GatewaySequenceFlow, from, records.length);
    }

    /// @notice Appends message flows.
    function addEventTriggers(uint256 definitionId, BpmnModel.EventTrigger[] calldata records) external {
        BpmnModel.EventTrigger[] storage list = _draft(definitionId).triggers;
        uint256 from = _checkLimit(BpmRuntime.RecordType.EventTrigger, list.length, records.length, MAX_MESSAGE_FLOWS);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.EventTrigger, from, records.length);
    }

    /// @notice Appends instance variable declarations.
    function addVariables(uint256 definitionId, BpmnModel.Variable[] calldata records) external {
        BpmnModel.Variable[] storage list = _draft(definitionId).variables;
        uint256 from = _checkLimit(BpmRuntime.RecordType.Variable, list.length, records.length, MAX_VARIABLES);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.Variable, from, records.length);
    }

    /// @notice Appends verified tasks (`BpmnModel.TaskVerification`: a task whose completion a
    /// second role approves), checked at publish (`VerifiedElementNotAPersonTask`,
    /// `VerifierIsTheTaskRole`, `SecondVerification`). At most one per element.
    function addTaskVerifications(uint256 definitionId, BpmnModel.TaskVerification[] calldata records) external {
        _draft(definitionId);
        BpmnModel.TaskVerification[] storage list = _l().verifications[definitionId];
        uint256 from =
            _checkLimit(BpmRuntime.RecordType.TaskVerification, list.length, records.length, MAX_ELEMENTS);
        for (uint256 i; i < records.length; ++i) {
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.TaskVerification, from, records.length);
    }

    /// @notice Marks the Draft as asking for a certificate per completed root instance (the
    /// model's `alstra:certificate="true"`; specification 5.13 Token): `InstanceCertificates`
    /// issues one to the instance's starter once it completes. Owner of the Draft only;
    /// idempotent; frozen at publish.
    function requestCertificates(uint256 definitionId) external {
        _draft(definitionId);
        _l().certificates[definitionId] = true;
        emit CertificatesRequested(definitionId);
    }

    /// @notice Whether the definition asks for a certificate per completed root instance.
    function issuesCertificates(uint256 definitionId) external view returns (bool) {
        return _l().certificates[definitionId];
    }

    /// @notice Appends the next part of the Draft's BPMN 2.0 XML source (the file the records were
    /// compiled from), so that anyone can read the model as drawn (a web page shows the diagram)
    /// and check it against the chain. The bytes are only logged (`DefinitionSourceAttached`: a
    /// log costs 8 gas a byte, storage 20,000 a word); the registry keeps the hash chain
    /// `sourceHash = keccak256(abi.encodePacked(sourceHash, data))`, from 0, over the parts in
    /// order. Parts let a file pass the chain's limits on one transaction's call data and one
    /// event (pallet-revive: 128 KiB and 64 KiB). Owner of the Draft only; a published
    /// definition's source is frozen with it.
    /// @return sourceHash the hash chain after this part.
    function attachSource(uint256 definitionId, bytes calldata data) external returns (bytes32 sourceHash) {
        _draft(definitionId);
        DefinitionStorage.DefinitionRecord storage d = _l().definitions[definitionId];
        sourceHash = keccak256(abi.encodePacked(d.sourceHash, data));
        uint32 part = d.sourceParts;
        d.sourceHash = sourceHash;
        d.sourceParts = part + 1;
        emit DefinitionSourceAttached(definitionId, part, sourceHash, data);
    }

    // ------------------------------------------------------------------ rewards (spec 5.13, 5.15)

    /// @notice Sets the `RewardUnits` contract (its `engine` the one executing this registry's
    /// definitions) on which approvals of verified tasks with a reward rule mint units. Until it
    /// is set, a definition with a reward does not publish (`RewardUnitsNotSet`). Replacing it
    /// leaves the units minted so far where they are. `DEFAULT_ADMIN_ROLE` (the consortium's
    /// governance) only; reverts `NoRewardUnits` for the zero address.
    function setRewardUnits(address units) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (units == address(0)) revert NoRewardUnits();
        _l().rewardUnits = units;
        emit RewardUnitsSet(units, msg.sender);
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function rewardUnits() external view returns (address) {
        return _l().rewardUnits;
    }

    // ------------------------------------------------------------------ publishing

    /// @notice Validates the Draft, computes its runtime tables, gives it the next version of its
    /// process key and freezes it. Reverts `InvalidRecord`, `InvalidCondition` or `NoStartEvent`
    /// on a model that breaks a rule of docs/bpm-engine.md ("Validation at publish").
    /// @return version the assigned version (1 for the first of a key).
    function publish(uint256 definitionId) external returns (uint32 version) {
        _draft(definitionId);
        (bool ok, bytes memory ret) = compiler.delegatecall(abi.encodeCall(ModelCompiler.compile, (definitionId, rollup)));
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        bytes32 startRole = abi.decode(ret, (bytes32));
        DefinitionStorage.Layout storage l = DefinitionStorage.layout();
        DefinitionStorage.DefinitionRecord storage d = l.definitions[definitionId];
        bytes32 key = d.processKey;
        version = l.latestVersion[key] + 1;
        l.latestVersion[key] = version;
        l.byVersion[key][version] = definitionId;
        d.version = version;
        d.startRole = startRole;
        d.status = BpmRuntime.DefinitionStatus.Published;
        emit DefinitionPublished(definitionId, key, version, startRole);
    }

    // ------------------------------------------------------------------ versions (spec 5.20)

    /// @notice Deprecates a published version: it starts no new instance, directly or through
    /// a call activity (`runtimeImage` reverts `DefinitionIsDeprecated`), while its running
    /// instances go on to their end. By the definition's owner or a `DEFAULT_ADMIN_ROLE` holder
    /// (the consortium). Idempotent (no event when already deprecated).
    function deprecate(uint256 definitionId) external {
        _setDeprecated(definitionId, true);
    }

    /// @notice Undoes `deprecate`: the version starts instances again. Same callers.
    function reinstate(uint256 definitionId) external {
        _setDeprecated(definitionId, false);
    }

    /// @notice Whether a published version is deprecated.
    function isDeprecated(uint256 definitionId) external view returns (bool) {
        return _l().compiled[definitionId].deprecated;
    }

    function _setDeprecated(uint256 definitionId, bool deprecated) private {
        _published(definitionId);
        if (_l().definitions[definitionId].owner != msg.sender && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert NotDefinitionOwner(definitionId, msg.sender);
        }
        DefinitionStorage.Compiled storage c = _l().compiled[definitionId];
        if (c.deprecated == deprecated) return;
        c.deprecated = deprecated;
        if (deprecated) emit DefinitionDeprecated(definitionId, msg.sender);
        else emit DefinitionReinstated(definitionId, msg.sender);
    }

    // ------------------------------------------------------------------ read-back

    /// @notice Summary of a definition (counts are those of the records added so far).
    function definition(uint256 definitionId) external view returns (BpmRuntime.DefinitionInfo memory info) {
        DefinitionStorage.DefinitionRecord storage d = _existing(definitionId);
        DefinitionStorage.Model storage m = _l().models[definitionId];
        info.processKey = d.processKey;
        info.name = d.name;
        info.version = d.version;
        info.status = d.status;
        info.owner = d.owner;
        info.startRole = d.startRole;
        info.poolCount = m.pools.length;
        info.swimlaneCount = m.swimlanes.length;
        info.subprocessCount = m.subprocesses.length;
        info.elementCount = m.elements.length;
        info.activitySequenceFlowCount = m.activityFlows.length;
        info.gatewaySequenceFlowCount = m.gatewayFlows.length;
        info.eventTriggerCount = m.triggers.length;
        info.variableCount = m.variables.length;
        info.deprecated = _l().compiled[definitionId].deprecated;
        info.sourceHash = d.sourceHash;
        info.sourceParts = d.sourceParts;
    }

    /// @notice Number of definitions created (ids are 1..definitionCount()).
    function definitionCount() external view returns (uint256) {
        return _l().definitionCount;
    }

    /// @notice The `index`-th pool.
    function pool(uint256 definitionId, uint256 index) external view returns (BpmnModel.Pool memory) {
        BpmnModel.Pool[] storage list = _model(definitionId).pools;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.Pool, index);
        return list[index];
    }

    /// @notice The `index`-th swimlane.
    function swimlane(uint256 definitionId, uint256 index) external view returns (BpmnModel.Swimlane memory) {
        BpmnModel.Swimlane[] storage list = _model(definitionId).swimlanes;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.Swimlane, index);
        return list[index];
    }

    /// @notice The `index`-th scope.
    function subprocess(uint256 definitionId, uint256 index) external view returns (BpmnModel.Subprocess memory) {
        BpmnModel.Subprocess[] storage list = _model(definitionId).subprocesses;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.Subprocess, index);
        return list[index];
    }

    /// @notice The `index`-th element.
    function element(uint256 definitionId, uint256 index) external view returns (BpmnModel.Element memory) {
        BpmnModel.Element[] storage list = _model(definitionId).elements;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.Element, index);
        return list[index];
    }

    /// @notice The `index`-th activity sequence flow.
    function activitySequenceFlow(uint256 definitionId, uint256 index)
        external
        view
        returns (BpmnModel.ActivitySequenceFlow memory)
    {
        BpmnModel.ActivitySequenceFlow[] storage list = _model(definitionId).activityFlows;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.ActivitySequenceFlow, index);
        return list[index];
    }

    /// @notice The `index`-th gateway sequence flow.
    function gatewaySequenceFlow(uint256 definitionId, uint256 index)
        external
        view
        returns (BpmnModel.GatewaySequenceFlow memory)
    {
        BpmnModel.GatewaySequenceFlow[] storage list = _model(definitionId).gatewayFlows;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.GatewaySequenceFlow, index);
        return list[index];
    }

    /// @notice The `index`-th message flow.
    function eventTrigger(uint256 definitionId, uint256 index) external view returns (BpmnModel.EventTrigger memory) {
        BpmnModel.EventTrigger[] storage list = _model(definitionId).triggers;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.EventTrigger, index);
        return list[index];
    }

    /// @notice The `index`-th variable declaration.
    function variable(uint256 definitionId, uint256 index) external view returns (BpmnModel.Variable memory) {
        BpmnModel.Variable[] storage list = _model(definitionId).variables;
        if (index >= list.length) revert IndexOutOfRange(BpmRuntime.RecordType.Variable, index);
        return list[index];
    }

    /// @notice The verified tasks of a definition, in the order they were added.
    function taskVerifications(uint256 definitionId)
        external
        view
        returns (BpmnModel.TaskVerification[] memory)
    {
        _existing(definitionId);
        return _l().verifications[definitionId];
    }

    /// @notice Bitmap of the incoming places of an element (published definitions).
    function preset(uint256 definitionId, uint256 elementIndex) external view returns (uint256) {
        return _slot(definitionId, elementIndex).preset;
    }

    /// @notice Bitmap of the outgoing places of an element (published definitions).
    function postset(uint256 definitionId, uint256 elementIndex) external view returns (uint256) {
        return _slot(definitionId, elementIndex).postset;
    }

    /// @notice Role of an element: its lane's role, else its pool's (published definitions).
    function roleOf(uint256 definitionId, uint256 elementIndex) external view returns (bytes32) {
        return _slot(definitionId, elementIndex).role;
    }

    /// @notice Indexes of the outgoing gateway flows of a gateway, in document order.
    function gatewayFlowsOf(uint256 definitionId, uint256 gateway) external view returns (uint16[] memory) {
        _published(definitionId);
        return _l().compiled[definitionId].gatewayFlows[gateway];
    }

    /// @notice Element indexes of the none start events fired at instance start.
    function startElementIndexes(uint256 definitionId) external view returns (uint16[] memory) {
        _published(definitionId);
        return _l().compiled[definitionId].startElements;
    }

    /// @notice Element indexes of the none start events of a scope.
    function scopeStartEventIndexes(uint256 definitionId, uint256 scope) external view returns (uint16[] memory) {
        _published(definitionId);
        return _l().compiled[definitionId].scopeStarts[scope];
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function latestVersion(bytes32 processKey) external view returns (uint32) {
        return _l().latestVersion[processKey];
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function definitionOf(bytes32 processKey, uint256 version) external view returns (uint256) {
        return _l().byVersion[processKey][version];
    }

    // ------------------------------------------------------------------ engine views

    /// @inheritdoc IProcessDefinitionRegistry
    function runtimeHeader(uint256 definitionId) external view returns (BpmRuntime.RuntimeHeader memory h) {
        DefinitionStorage.DefinitionRecord storage d = _l().definitions[definitionId];
        h.status = d.status;
        if (h.status != BpmRuntime.DefinitionStatus.Published) return h;
        DefinitionStorage.Compiled storage c = _l().compiled[definitionId];
        h.elementCount = c.elementCount;
        h.scopeCount = c.scopeCount;
        h.triggerCount = c.triggerCount;
        h.variableCount = c.variableCount;
        h.startRole = d.startRole;
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function runtimeImage(uint256 definitionId) external view returns (address) {
        DefinitionStorage.Compiled storage c = _l().compiled[definitionId];
        if (c.deprecated) revert DefinitionIsDeprecated(definitionId); // one slot with `image`
        return c.image; // written by `publish` only
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function startElements(uint256 definitionId) external view returns (BpmRuntime.RuntimeElement[] memory) {
        _published(definitionId);
        return _runtimeList(definitionId, _l().compiled[definitionId].startElements);
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function runtimeElement(uint256 definitionId, uint256 elementIndex)
        external
        view
        returns (BpmRuntime.RuntimeElement memory)
    {
        if (elementIndex >= _l().compiled[definitionId].elementCount) {
            revert ElementOutOfRange(definitionId, elementIndex);
        }
        return _runtime(definitionId, elementIndex);
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function automaticConsumers(uint256 definitionId, uint256 scope, uint256 places)
        external
        view
        returns (BpmRuntime.RuntimeElement[] memory out)
    {
        DefinitionStorage.Compiled storage c = _l().compiled[definitionId];
        uint256 n;
        for (uint256 bits = places; bits != 0; bits &= bits - 1) {
            n += c.autoConsumers[(scope << 8) | bits.lowest()].length;
        }
        out = new BpmRuntime.RuntimeElement[](n);
        n = 0;
        for (uint256 bits = places; bits != 0; bits &= bits - 1) {
            uint16[] storage list = c.autoConsumers[(scope << 8) | bits.lowest()];
            for (uint256 i; i < list.length; ++i) {
                out[n++] = _runtime(definitionId, list[i]);
            }
        }
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function messageTargets(uint256 definitionId, uint256 messages)
        external
        view
        returns (BpmRuntime.RuntimeElement[] memory out)
    {
        BpmnModel.EventTrigger[] storage triggers = _l().models[definitionId].triggers;
        DefinitionStorage.Compiled storage c = _l().compiled[definitionId];
        out = new BpmRuntime.RuntimeElement[](_popcount(messages));
        uint256 n;
        for (uint256 bits = messages; bits != 0; bits &= bits - 1) {
            uint256 t = bits.lowest();
            if (t >= triggers.length) break;
            uint256 target = triggers[t].target;
            if (c.elements[target].messageIn == t + 1) out[n++] = _runtime(definitionId, target);
        }
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function gatewayBranches(uint256 definitionId, uint256 gateway)
        external
        view
        returns (BpmRuntime.Branch[] memory out)
    {
        uint16[] storage flows = _l().compiled[definitionId].gatewayFlows[gateway];
        BpmnModel.GatewaySequenceFlow[] storage all = _l().models[definitionId].gatewayFlows;
        out = new BpmRuntime.Branch[](flows.length);
        for (uint256 i; i < flows.length; ++i) {
            BpmnModel.GatewaySequenceFlow storage fl = all[flows[i]];
            out[i] = BpmRuntime.Branch({place: fl.place, isDefault: fl.isDefault, condition: fl.condition});
        }
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function scopeRuntime(uint256 definitionId, uint256 scope) external view returns (BpmRuntime.ScopeRuntime memory) {
        DefinitionStorage.ScopeSlot storage s = _l().compiled[definitionId].scopes[scope];
        return BpmRuntime.ScopeRuntime({parentElement: s.parentElement, pool: s.pool, descendants: s.descendants});
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function scopeStartEvents(uint256 definitionId, uint256 scope)
        external
        view
        returns (BpmRuntime.RuntimeElement[] memory)
    {
        return _runtimeList(definitionId, _l().compiled[definitionId].scopeStarts[scope]);
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function triggerRuntime(uint256 definitionId, uint256 messageFlow)
        external
        view
        returns (uint16 sourceElement, bytes32 sourceRole)
    {
        DefinitionStorage.Model storage m = _l().models[definitionId];
        if (messageFlow >= m.triggers.length) revert IndexOutOfRange(BpmRuntime.RecordType.EventTrigger, messageFlow);
        BpmnModel.EventTrigger storage t = m.triggers[messageFlow];
        return (t.sourceElement, m.pools[t.sourcePool].role);
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function variableType(uint256 definitionId, uint256 index)
        external
        view
        returns (bool exists, BpmCore.VariableType varType)
    {
        BpmnModel.Variable[] storage vars = _l().models[definitionId].variables;
        if (index >= vars.length) return (false, BpmCore.VariableType.Bool);
        return (true, vars[index].varType);
    }

    /// @inheritdoc IProcessDefinitionRegistry
    function personTasks(uint256 definitionId) external view returns (BpmRuntime.RuntimeElement[] memory) {
        return _runtimeList(definitionId, _l().compiled[definitionId].personTasks);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Appends elements whose kinds lie in [lo, hi] to the single element index space.
    function _addElements(
        uint256 definitionId,
        BpmnModel.Element[] calldata records,
        BpmCore.ElementKind lo,
        BpmCore.ElementKind hi
    ) private {
        BpmnModel.Element[] storage list = _draft(definitionId).elements;
        uint256 from = _checkLimit(BpmRuntime.RecordType.Element, list.length, records.length, MAX_ELEMENTS);
        for (uint256 i; i < records.length; ++i) {
            BpmCore.ElementKind kind = records[i].kind;
            if (kind < lo || kind > hi) revert WrongElementKind(from + i, kind);
            list.push(records[i]);
        }
        emit RecordsAdded(definitionId, BpmRuntime.RecordType.Element, from, records.length);
    }

    /// @dev The namespaced registry storage.
    function _l() private pure returns (DefinitionStorage.Layout storage) {
        return DefinitionStorage.layout();
    }

    /// @dev Reverts `LimitExceeded` when `have + adding > max`; returns `have` (the first new index).
    function _checkLimit(BpmRuntime.RecordType rt, uint256 have, uint256 adding, uint256 max)
        private
        pure
        returns (uint256)
    {
        if (have + adding > max) revert LimitExceeded(rt, have + adding, max);
        return have;
    }

    /// @dev Header of an existing definition; reverts `UnknownDefinition`.
    function _existing(uint256 definitionId) private view returns (DefinitionStorage.DefinitionRecord storage d) {
        d = _l().definitions[definitionId];
        if (d.status == BpmRuntime.DefinitionStatus.None) revert UnknownDefinition(definitionId);
    }

    /// @dev Records of an existing definition.
    function _model(uint256 definitionId) private view returns (DefinitionStorage.Model storage) {
        _existing(definitionId);
        return _l().models[definitionId];
    }

    /// @dev Records of a Draft owned by the caller; reverts `DefinitionNotDraft` / `NotDefinitionOwner`.
    function _draft(uint256 definitionId) private view returns (DefinitionStorage.Model storage) {
        DefinitionStorage.DefinitionRecord storage d = _existing(definitionId);
        if (d.status != BpmRuntime.DefinitionStatus.Draft) revert DefinitionNotDraft(definitionId);
        if (d.owner != msg.sender) revert NotDefinitionOwner(definitionId, msg.sender);
        return _l().models[definitionId];
    }

    /// @dev Reverts `DefinitionNotPublished` unless published.
    function _published(uint256 definitionId) private view {
        if (_existing(definitionId).status != BpmRuntime.DefinitionStatus.Published) {
            revert DefinitionNotPublished(definitionId);
        }
    }

    /// @dev Runtime slot of an element of a published definition.
    function _slot(uint256 definitionId, uint256 elementIndex)
        private
        view
        returns (DefinitionStorage.ElementSlot storage)
    {
        _published(definitionId);
        if (elementIndex >= _l().compiled[definitionId].elementCount) {
            revert ElementOutOfRange(definitionId, elementIndex);
        }
        return _l().compiled[definitionId].elements[elementIndex];
    }

    /// @dev Builds the runtime record of an element (role only for tasks; messageOut/calledProcess only when set).
    function _runtime(uint256 definitionId, uint256 e) private view returns (BpmRuntime.RuntimeElement memory r) {
        DefinitionStorage.ElementSlot storage s = _l().compiled[definitionId].elements[e];
        r.index = uint16(e);
        r.kind = s.kind;
        r.scope = s.scope;
        r.childScope = s.childScope;
        r.joinAll = s.joinAll;
        r.autoAfter = s.autoAfter;
        r.messageIn = s.messageIn;
        if (BpmRuntime.isPersonTask(r.kind)) r.role = s.role;
        r.preset = s.preset;
        r.postset = s.postset;
        if (s.sends) r.messageOut = _l().models[definitionId].elements[e].messageOut;
        if (r.kind == BpmCore.ElementKind.CallActivity) {
            r.calledProcess = _l().models[definitionId].elements[e].calledProcess;
        }
    }

    /// @dev Runtime records of a list of elements.
    function _runtimeList(uint256 definitionId, uint16[] storage list)
        private
        view
        returns (BpmRuntime.RuntimeElement[] memory out)
    {
        out = new BpmRuntime.RuntimeElement[](list.length);
        for (uint256 i; i < list.length; ++i) {
            out[i] = _runtime(definitionId, list[i]);
        }
    }

    /// @dev Number of set bits.
    function _popcount(uint256 x) private pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }
}
