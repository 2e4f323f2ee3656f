// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {BpmnModel} from "../../src/BpmnModel.sol";
import {BpmCore} from "../../src/generated/BpmCore.sol";
import {BpmRuntime} from "../../src/BpmRuntime.sol";
import {ParticipantRegistry} from "../../src/ParticipantRegistry.sol";
import {ProcessDefinitionRegistry} from "../../src/ProcessDefinitionRegistry.sol";
import {ProcessExecution} from "../../src/ProcessExecution.sol";
import {RewardUnits} from "../../src/RewardUnits.sol";
import {IProcessDefinitionRegistry} from "../../src/IProcessDefinitionRegistry.sol";
import {IParticipantRegistry} from "../../src/IParticipantRegistry.sol";
import {IRollup} from "../../src/IRollup.sol";

/// @notice Deploys the three contracts, registers a cast of participants, loads the test models
/// as the `alstra` compiler compiled them (`test/models/*.bpmn` -> `test/vectors/models/*.json`,
/// written by `ALSTRA_WRITE_VECTORS=1 cargo test -p alstra-cli conformance`) and offers a small
/// builder for the records the compiler never emits: malformed models the registry must refuse.
abstract contract BpmFixture is TestBase {
    ParticipantRegistry internal participants;
    ProcessDefinitionRegistry internal registry;
    ProcessExecution internal engine;
    /// @notice The recognition units the engine mints for approved tasks with a reward rule.
    RewardUnits internal rewards;

    // role names (lanes / pools)
    bytes32 internal constant CLERK = keccak256("Clerk");
    bytes32 internal constant MANAGER = keccak256("Manager");
    bytes32 internal constant CUSTOMER = keccak256("Customer");
    bytes32 internal constant SUPPLIER = keccak256("Supplier");
    bytes32 internal constant ORG = keccak256("Org");

    address internal alice = address(0xA11CE); // Clerk (and Org)
    address internal bob = address(0xB0B); // Manager
    address internal carol = address(0xCA201); // Customer
    address internal dave = address(0xDA7E); // Supplier
    address internal erin = address(0xE217); // Clerk, second one
    address internal mallory = address(0x6A11); // not registered

    BpmCore.ElementKind internal constant TASK = BpmCore.ElementKind.Task;
    BpmCore.ElementKind internal constant USER_TASK = BpmCore.ElementKind.UserTask;
    BpmCore.ElementKind internal constant SEND_TASK = BpmCore.ElementKind.SendTask;
    BpmCore.ElementKind internal constant RECEIVE_TASK = BpmCore.ElementKind.ReceiveTask;
    BpmCore.ElementKind internal constant SUB_PROCESS = BpmCore.ElementKind.SubProcess;
    BpmCore.ElementKind internal constant CALL_ACTIVITY = BpmCore.ElementKind.CallActivity;
    BpmCore.ElementKind internal constant START = BpmCore.ElementKind.StartEvent;
    BpmCore.ElementKind internal constant MSG_START = BpmCore.ElementKind.MessageStartEvent;
    BpmCore.ElementKind internal constant END = BpmCore.ElementKind.EndEvent;
    BpmCore.ElementKind internal constant MSG_END = BpmCore.ElementKind.MessageEndEvent;
    BpmCore.ElementKind internal constant TERMINATE = BpmCore.ElementKind.TerminateEndEvent;
    BpmCore.ElementKind internal constant THROW = BpmCore.ElementKind.IntermediateThrowEvent;
    BpmCore.ElementKind internal constant MSG_THROW = BpmCore.ElementKind.MessageIntermediateThrowEvent;
    BpmCore.ElementKind internal constant MSG_CATCH = BpmCore.ElementKind.MessageIntermediateCatchEvent;
    BpmCore.ElementKind internal constant XOR = BpmCore.ElementKind.ExclusiveGateway;
    BpmCore.ElementKind internal constant AND = BpmCore.ElementKind.ParallelGateway;
    BpmCore.ElementKind internal constant EVENT_GW = BpmCore.ElementKind.EventBasedGateway;

    // ------------------------------------------------------------ model under construction
    BpmnModel.Pool[] internal bPools;
    BpmnModel.Swimlane[] internal bLanes;
    BpmnModel.Subprocess[] internal bScopes;
    BpmnModel.Element[] internal bElements;
    BpmnModel.ActivitySequenceFlow[] internal bAFlows;
    BpmnModel.GatewaySequenceFlow[] internal bGFlows;
    BpmnModel.EventTrigger[] internal bTriggers;
    BpmnModel.Variable[] internal bVars;
    BpmnModel.TaskVerification[] internal bVerifications;
    mapping(uint256 scope => uint256) internal bNextPlace;
    mapping(uint256 gateway => uint256) internal bEventPlace; // place + 1

    function setUp() public virtual {
        participants = new ParticipantRegistry(address(this));
        registry = new ProcessDefinitionRegistry(address(this), IRollup(address(0)));
        engine = new ProcessExecution(
            IProcessDefinitionRegistry(address(registry)), IParticipantRegistry(address(participants)), IRollup(address(0))
        );
        rewards = new RewardUnits(address(engine));
        registry.setRewardUnits(address(rewards));
        participants.registerParticipant(alice, "Alice", roles2(CLERK, ORG));
        participants.registerParticipant(bob, "Bob", roles1(MANAGER));
        participants.registerParticipant(carol, "Carol", roles1(CUSTOMER));
        participants.registerParticipant(dave, "Dave", roles1(SUPPLIER));
        participants.registerParticipant(erin, "Erin", roles1(CLERK));
    }

    function roles1(bytes32 a) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](1);
        r[0] = a;
    }

    function roles2(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](2);
        r[0] = a;
        r[1] = b;
    }

    // ------------------------------------------------------------ compiled models

    /// @notice The JSON of the model loaded last (for the lookups below).
    string internal loaded;
    string internal loadedName;

    /// @notice Replaces the model under construction with the compiler's records of
    /// `test/models/<name>.bpmn`; the builder below can then tamper with them.
    function loadModel(string memory name) internal {
        newModel();
        loadedName = name;
        loaded = vm.readFile(string.concat(vm.projectRoot(), "/test/vectors/models/", name, ".json"));
        BpmnModel.Pool[] memory pools = abi.decode(_records("pools"), (BpmnModel.Pool[]));
        for (uint256 i; i < pools.length; ++i) bPools.push(pools[i]);
        BpmnModel.Swimlane[] memory lanes = abi.decode(_records("swimlanes"), (BpmnModel.Swimlane[]));
        for (uint256 i; i < lanes.length; ++i) bLanes.push(lanes[i]);
        BpmnModel.Subprocess[] memory scopes = abi.decode(_records("subprocesses"), (BpmnModel.Subprocess[]));
        for (uint256 i; i < scopes.length; ++i) bScopes.push(scopes[i]);
        // element indices: activities, then events, then gateways (the compiler's order)
        string[3] memory categories = ["activities", "events", "gateways"];
        for (uint256 c; c < 3; ++c) {
            BpmnModel.Element[] memory els = abi.decode(_records(categories[c]), (BpmnModel.Element[]));
            for (uint256 i; i < els.length; ++i) bElements.push(els[i]);
        }
        BpmnModel.ActivitySequenceFlow[] memory af =
            abi.decode(_records("activityFlows"), (BpmnModel.ActivitySequenceFlow[]));
        for (uint256 i; i < af.length; ++i) {
            bAFlows.push(af[i]);
            _usePlace(bElements[af[i].source].scope, af[i].place);
        }
        BpmnModel.GatewaySequenceFlow[] memory gf =
            abi.decode(_records("gatewayFlows"), (BpmnModel.GatewaySequenceFlow[]));
        for (uint256 i; i < gf.length; ++i) {
            bGFlows.push(gf[i]);
            _usePlace(bElements[gf[i].gateway].scope, gf[i].place);
            if (bElements[gf[i].gateway].kind == EVENT_GW) bEventPlace[gf[i].gateway] = uint256(gf[i].place) + 1;
        }
        BpmnModel.EventTrigger[] memory tr = abi.decode(_records("triggers"), (BpmnModel.EventTrigger[]));
        for (uint256 i; i < tr.length; ++i) bTriggers.push(tr[i]);
        BpmnModel.Variable[] memory vars = abi.decode(_records("variables"), (BpmnModel.Variable[]));
        for (uint256 i; i < vars.length; ++i) bVars.push(vars[i]);
        BpmnModel.TaskVerification[] memory vs =
            abi.decode(_records("taskVerifications"), (BpmnModel.TaskVerification[]));
        for (uint256 i; i < vs.length; ++i) bVerifications.push(vs[i]);
    }

    /// @notice Index of the element with BPMN id `id` in the model loaded last.
    function elementOf(string memory id) internal view returns (uint16) {
        return uint16(_index("elements", id));
    }

    /// @notice Index of the scope (process or sub-process) with BPMN id `id`.
    function scopeOf(string memory id) internal view returns (uint8) {
        return uint8(_index("scopes", id));
    }

    /// @notice Index of the message flow with BPMN id `id`.
    function messageFlowOf(string memory id) internal view returns (uint16) {
        return uint16(_index("messageFlows", id));
    }

    /// @notice Index of the variable named `name`.
    function variableOf(string memory name) internal view returns (uint8) {
        return uint8(_index("variables", name));
    }

    /// @notice Index in `bAFlows` of the activity sequence flow with BPMN id `id`.
    function activityFlowOf(string memory id) internal view returns (uint256) {
        for (uint256 i; i < bAFlows.length; ++i) {
            if (keccak256(bytes(bAFlows[i].bpmnId)) == keccak256(bytes(id))) return i;
        }
        revert(string.concat(loadedName, ".bpmn has no activity flow ", id));
    }

    function _records(string memory table) private view returns (bytes memory) {
        return vm.parseJsonBytes(loaded, string.concat(".records.", table));
    }

    function _index(string memory table, string memory id) private view returns (uint256) {
        // bracket notation: BPMN ids may hold `:` (the compiler's `A:loop`), which dot notation splits
        string memory key = string.concat(".", table, "['", id, "']");
        require(vm.keyExistsJson(loaded, key), string.concat(loadedName, ".bpmn has no ", table, " entry ", id));
        return vm.parseJsonUint(loaded, key);
    }

    function _usePlace(uint8 scope, uint8 place) private {
        if (bNextPlace[scope] <= place) bNextPlace[scope] = uint256(place) + 1;
    }

    // ------------------------------------------------------------ builder

    function newModel() internal {
        for (uint256 s; s < bScopes.length; ++s) {
            delete bNextPlace[s];
        }
        for (uint256 e; e < bElements.length; ++e) {
            delete bEventPlace[e];
        }
        delete bPools;
        delete bLanes;
        delete bScopes;
        delete bElements;
        delete bAFlows;
        delete bGFlows;
        delete bTriggers;
        delete bVars;
        delete bVerifications;
    }

    /// @return index of the pool; its role is keccak256(name).
    function pool(string memory name, bool executable) internal returns (uint8) {
        bPools.push(BpmnModel.Pool({bpmnId: name, name: name, role: keccak256(bytes(name)), executable: executable}));
        return uint8(bPools.length - 1);
    }

    /// @return lane reference (index + 1) for `el`.
    function lane(uint8 poolIndex, string memory name) internal returns (uint16) {
        bLanes.push(BpmnModel.Swimlane({bpmnId: name, name: name, pool: poolIndex, role: keccak256(bytes(name))}));
        return uint16(bLanes.length);
    }

    /// @return index of the top-level scope of `poolIndex`.
    function process(uint8 poolIndex) internal returns (uint8) {
        bScopes.push(BpmnModel.Subprocess({bpmnId: "process", parentElement: 0, pool: poolIndex}));
        return uint8(bScopes.length - 1);
    }

    /// @return sp the SubProcess element; inner the scope it opens.
    function subProcess(uint8 scope, uint16 laneRef, string memory name) internal returns (uint16 sp, uint8 inner) {
        sp = el(SUB_PROCESS, scope, laneRef, name);
        bScopes.push(BpmnModel.Subprocess({bpmnId: name, parentElement: sp + 1, pool: bScopes[scope].pool}));
        inner = uint8(bScopes.length - 1);
        bElements[sp].childScope = inner;
    }

    function callActivity(uint8 scope, string memory calledKey) internal returns (uint16 ca) {
        ca = el(CALL_ACTIVITY, scope, 0, calledKey);
        bElements[ca].calledProcess = keccak256(bytes(calledKey));
    }

    function el(BpmCore.ElementKind kind, uint8 scope, uint16 laneRef, string memory name) internal returns (uint16) {
        bElements.push(
            BpmnModel.Element({
                bpmnId: name,
                name: name,
                kind: kind,
                scope: scope,
                lane: laneRef,
                messageIn: 0,
                messageOut: 0,
                childScope: 0,
                calledProcess: bytes32(0)
            })
        );
        return uint16(bElements.length - 1);
    }

    /// @notice A sequence flow; the next free place of the source's scope (event-based gateways share one).
    function flow(uint16 source, uint16 target) internal returns (uint8 place) {
        return _flow(source, target, "", false);
    }

    function condFlow(uint16 gateway, uint16 target, bytes memory condition) internal returns (uint8) {
        return _flow(gateway, target, condition, false);
    }

    function defaultFlow(uint16 gateway, uint16 target) internal returns (uint8) {
        return _flow(gateway, target, "", true);
    }

    function _flow(uint16 source, uint16 target, bytes memory condition, bool isDefault) private returns (uint8 place) {
        uint8 scope = bElements[source].scope;
        BpmCore.ElementKind k = bElements[source].kind;
        if (k == EVENT_GW && bEventPlace[source] != 0) {
            place = uint8(bEventPlace[source] - 1);
        } else {
            place = uint8(bNextPlace[scope]++);
            if (k == EVENT_GW) bEventPlace[source] = uint256(place) + 1;
        }
        string memory id = string.concat("flow", _str(bAFlows.length + bGFlows.length));
        if (k >= XOR) {
            bGFlows.push(
                BpmnModel.GatewaySequenceFlow({
                    bpmnId: id,
                    gateway: source,
                    target: target,
                    place: place,
                    condition: condition,
                    isDefault: isDefault
                })
            );
        } else {
            bAFlows.push(BpmnModel.ActivitySequenceFlow({bpmnId: id, source: source, target: target, place: place}));
        }
    }

    /// @notice A message flow from element `sender` (or from black-box pool `blackBox` when sender is none) to `target`.
    function message(uint16 sender, uint16 target) internal returns (uint16 t) {
        t = uint16(bTriggers.length);
        uint8 sourcePool = bScopes[bElements[sender].scope].pool;
        bTriggers.push(
            BpmnModel.EventTrigger({
                bpmnId: string.concat("msg", _str(t)),
                name: "message",
                sourceElement: sender + 1,
                sourcePool: sourcePool,
                target: target
            })
        );
        bElements[sender].messageOut |= uint256(1) << t;
        if (_receiving(bElements[target].kind)) bElements[target].messageIn = t + 1;
    }

    function externalMessage(uint8 blackBox, uint16 target) internal returns (uint16 t) {
        t = uint16(bTriggers.length);
        bTriggers.push(
            BpmnModel.EventTrigger({
                bpmnId: string.concat("msg", _str(t)),
                name: "message",
                sourceElement: 0,
                sourcePool: blackBox,
                target: target
            })
        );
        if (_receiving(bElements[target].kind)) bElements[target].messageIn = t + 1;
    }

    function variable(string memory name, BpmCore.VariableType varType) internal returns (uint8) {
        bVars.push(BpmnModel.Variable({name: name, varType: varType}));
        return uint8(bVars.length - 1);
    }

    /// @notice Sends the model under construction to the registry (batches as the CLI does) without publishing.
    function upload(string memory key) internal returns (uint256 id) {
        id = registry.createDefinition(keccak256(bytes(key)), key);
        registry.addPools(id, bPools);
        if (bLanes.length != 0) registry.addSwimlanes(id, bLanes);
        registry.addSubprocesses(id, bScopes);
        // elements: consecutive runs of one category, in index order
        uint256 i;
        while (i < bElements.length) {
            uint256 cat = _category(bElements[i].kind);
            uint256 j = i;
            while (j < bElements.length && _category(bElements[j].kind) == cat) ++j;
            BpmnModel.Element[] memory run = new BpmnModel.Element[](j - i);
            for (uint256 k; k < run.length; ++k) {
                run[k] = bElements[i + k];
            }
            if (cat == 0) registry.addActivities(id, run);
            else if (cat == 1) registry.addEvents(id, run);
            else registry.addGateways(id, run);
            i = j;
        }
        if (bAFlows.length != 0) registry.addActivitySequenceFlows(id, bAFlows);
        if (bGFlows.length != 0) registry.addGatewaySequenceFlows(id, bGFlows);
        if (bTriggers.length != 0) registry.addEventTriggers(id, bTriggers);
        if (bVars.length != 0) registry.addVariables(id, bVars);
        if (bVerifications.length != 0) registry.addTaskVerifications(id, bVerifications);
    }

    function deploy(string memory key) internal returns (uint256 id) {
        id = upload(key);
        registry.publish(id);
    }

    function _category(BpmCore.ElementKind k) private pure returns (uint256) {
        if (k <= CALL_ACTIVITY) return 0;
        if (k <= MSG_CATCH) return 1;
        return 2;
    }

    function _receiving(BpmCore.ElementKind k) private pure returns (bool) {
        return k == RECEIVE_TASK || k == MSG_START || k == MSG_CATCH;
    }

    function _str(uint256 v) internal pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory b;
        while (v != 0) {
            b = abi.encodePacked(bytes1(uint8(48 + (v % 10))), b);
            v /= 10;
        }
        return string(b);
    }

    // ------------------------------------------------------------ engine helpers

    function noVars() internal pure returns (BpmRuntime.VariableAssignment[] memory v) {}

    function noBindings() internal pure returns (BpmRuntime.RoleBinding[] memory b) {}

    function setVar(uint8 index, int256 value) internal pure returns (BpmRuntime.VariableAssignment[] memory v) {
        v = new BpmRuntime.VariableAssignment[](1);
        v[0] = BpmRuntime.VariableAssignment({index: index, value: value});
    }

    function bind(bytes32 role, address account) internal pure returns (BpmRuntime.RoleBinding[] memory b) {
        b = new BpmRuntime.RoleBinding[](1);
        b[0] = BpmRuntime.RoleBinding({role: role, account: account});
    }

    function bind2(bytes32 r1, address a1, bytes32 r2, address a2)
        internal
        pure
        returns (BpmRuntime.RoleBinding[] memory b)
    {
        b = new BpmRuntime.RoleBinding[](2);
        b[0] = BpmRuntime.RoleBinding({role: r1, account: a1});
        b[1] = BpmRuntime.RoleBinding({role: r2, account: a2});
    }

    function start(address starter, uint256 definitionId, BpmRuntime.RoleBinding[] memory b)
        internal
        returns (uint256 id)
    {
        vm.prank(starter);
        id = engine.startInstance(definitionId, b, noVars());
    }

    function complete(address actor, uint256 instanceId, uint16 element) internal {
        vm.prank(actor);
        engine.completeTask(instanceId, element, noVars());
    }

    function statusOf(uint256 instanceId) internal view returns (BpmRuntime.InstanceStatus) {
        return engine.instance(instanceId).status;
    }

    function assertStatus(uint256 instanceId, BpmRuntime.InstanceStatus s) internal view {
        assertEq(uint256(statusOf(instanceId)), uint256(s), "instance status");
    }

    // ------------------------------------------------------------ condition bytecode
    function cPush(int256 v) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(0x01), v);
    }

    function cLoad(uint8 index) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(0x04), index);
    }

    function cOp(uint8 op) internal pure returns (bytes memory) {
        return abi.encodePacked(op);
    }

    bytes internal constant C_TRUE = hex"02";
    bytes internal constant C_FALSE = hex"03";
}
