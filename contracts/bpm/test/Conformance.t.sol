// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {Vm} from "alstra-test/Vm.sol";
import {ConditionVM} from "../src/ConditionVM.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {ParticipantRegistry} from "../src/ParticipantRegistry.sol";
import {ProcessDefinitionRegistry} from "../src/ProcessDefinitionRegistry.sol";
import {ProcessExecution} from "../src/ProcessExecution.sol";
import {RewardUnits} from "../src/RewardUnits.sol";
import {InstanceStore} from "../src/InstanceStore.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IParticipantRegistry} from "../src/IParticipantRegistry.sol";
import {IRollup} from "../src/IRollup.sol";
import {RecordingRollup} from "./utils/RecordingRollup.sol";

/// @notice Runs the condition VM against an instance-like variable table, and reports a revert
/// as data so that one test can replay many vectors.
contract ConformanceConditionHarness {
    mapping(uint256 => int256) internal vars;

    /// @notice Sets variables 0..values.length-1 and clears `clearUpTo` more (a fresh table per case).
    function setVars(int256[] calldata values, uint256 clearUpTo) external {
        for (uint256 i; i < clearUpTo; ++i) {
            vars[i] = i < values.length ? values[i] : int256(0);
        }
    }

    function evaluate(bytes calldata code) external view returns (bool) {
        return ConditionVM.evaluate(code, vars);
    }

    function validate(bytes calldata code, uint256 variableCount) external pure returns (bool ok, uint256 pc) {
        return ConditionVM.validate(code, variableCount);
    }
}

/// @notice The Solidity engine held to the Rust BPM core: replays the conformance vectors that
/// the core writes — condition programs (`cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen`,
/// fields in bpm-core/src/vectors.rs) and firing traces of real BPMN models walked by the core's
/// engine (`ALSTRA_WRITE_VECTORS=1 cargo test -p alstra-cli conformance`, fields in
/// cli/src/conformance.rs). A rule changed on one side only fails here.
contract ConformanceTest is TestBase {
    string internal constant CONDITIONS = "/test/vectors/conditions.json";
    string internal constant TRACES = "/test/vectors/traces/";

    /// @dev Mirrors `Step` of cli/src/conformance.rs (ABI-encoded there).
    struct ExpectedLog {
        bytes32[] topics;
        bytes data;
    }

    struct InstanceView {
        uint256 id;
        uint8 status;
        uint256[] marking;
        uint256 messages;
    }

    struct Step {
        // 0 startInstance, 1 completeTask, 2 correlateMessage, 3 completeTaskWithDecisions,
        // 4 submitTask, 5 approveTask, 6 rejectTask
        uint8 action;
        address sender;
        uint256 instance;
        uint16 element;
        uint16 flow;
        bytes input;
        bytes revertData;
        ExpectedLog[] logs;
        InstanceView[] state;
    }

    /// @notice Every trace of every model: each action reverts with the core's error data, or
    /// emits exactly the core's events (the engine's logs, in order) and leaves every instance
    /// of the walk with the core's status, markings and pending messages.
    function testFiringTraces() public {
        string memory root = string.concat(vm.projectRoot(), TRACES);
        string memory index = vm.readFile(string.concat(root, "index.json"));
        uint256 count = vm.parseJsonUint(index, ".count");
        assertGt(count, 5);
        for (uint256 i; i < count; ++i) {
            string memory file = vm.parseJsonString(index, string.concat(".files[", vm.toString(i), "]"));
            _replayModel(vm.readFile(string.concat(root, file)), file);
        }
    }

    function _replayModel(string memory json, string memory file) internal {
        ParticipantRegistry participants = new ParticipantRegistry(address(this));
        RecordingRollup rollup = new RecordingRollup();
        ProcessDefinitionRegistry registry = new ProcessDefinitionRegistry(address(this), rollup);
        ProcessExecution engine = new ProcessExecution(
            IProcessDefinitionRegistry(address(registry)), IParticipantRegistry(address(participants)), rollup
        );
        registry.setRewardUnits(address(new RewardUnits(address(engine))));
        (address[] memory accounts, bytes32[][] memory roles) =
            abi.decode(vm.parseJsonBytes(json, ".participants"), (address[], bytes32[][]));
        for (uint256 i; i < accounts.length; ++i) {
            participants.registerParticipant(accounts[i], "conformance", roles[i]);
        }
        uint256 definitions = vm.parseJsonUint(json, ".definitionCount");
        for (uint256 d; d < definitions; ++d) {
            _deploy(registry, json, string.concat(".definitions[", vm.toString(d), "]"));
        }
        // every published definition was registered with the rollup, in order, whole
        assertEq(rollup.registeredCount(), definitions, string.concat(file, ": definitions registered"));
        for (uint256 d; d < definitions; ++d) {
            uint256 id = rollup.registered(d);
            assertEq(id, d + 1, string.concat(file, ": registered id"));
            assertEq(rollup.elementCount(id), registry.definition(id).elementCount, string.concat(file, ": elements"));
        }
        uint256 walks = vm.parseJsonUint(json, ".walkCount");
        for (uint256 w; w < walks; ++w) {
            _replayWalk(engine, json, w, string.concat(file, " walk ", vm.toString(w)));
        }
    }

    function _replayWalk(ProcessExecution engine, string memory json, uint256 w, string memory where) internal {
        uint256 startDefinition = vm.parseJsonUint(json, ".startDefinition");
        Step[] memory steps =
            abi.decode(vm.parseJsonBytes(json, string.concat(".walks[", vm.toString(w), "].steps")), (Step[]));
        for (uint256 k; k < steps.length; ++k) {
            _replayStep(engine, startDefinition, steps[k], string.concat(where, " step ", vm.toString(k)));
        }
    }

    /// @dev Creates, fills and publishes the definition at JSON path `at` (its id is the next one).
    function _deploy(ProcessDefinitionRegistry registry, string memory json, string memory at) internal {
        uint256 id = registry.createDefinition(
            vm.parseJsonBytes32(json, string.concat(at, ".processKey")),
            vm.parseJsonString(json, string.concat(at, ".name"))
        );
        string memory r = string.concat(at, ".records.");
        registry.addPools(id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "pools")), (BpmnModel.Pool[])));
        registry.addSwimlanes(
            id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "swimlanes")), (BpmnModel.Swimlane[]))
        );
        registry.addSubprocesses(
            id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "subprocesses")), (BpmnModel.Subprocess[]))
        );
        registry.addActivities(
            id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "activities")), (BpmnModel.Element[]))
        );
        registry.addEvents(id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "events")), (BpmnModel.Element[])));
        registry.addGateways(
            id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "gateways")), (BpmnModel.Element[]))
        );
        registry.addActivitySequenceFlows(
            id,
            abi.decode(vm.parseJsonBytes(json, string.concat(r, "activityFlows")), (BpmnModel.ActivitySequenceFlow[]))
        );
        registry.addGatewaySequenceFlows(
            id,
            abi.decode(vm.parseJsonBytes(json, string.concat(r, "gatewayFlows")), (BpmnModel.GatewaySequenceFlow[]))
        );
        registry.addEventTriggers(
            id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "triggers")), (BpmnModel.EventTrigger[]))
        );
        registry.addVariables(
            id, abi.decode(vm.parseJsonBytes(json, string.concat(r, "variables")), (BpmnModel.Variable[]))
        );
        registry.addTaskVerifications(
            id,
            abi.decode(vm.parseJsonBytes(json, string.concat(r, "taskVerifications")), (BpmnModel.TaskVerification[]))
        );
        registry.publish(id);
    }

    function _replayStep(ProcessExecution engine, uint256 startDefinition, Step memory step, string memory where)
        internal
    {
        bytes memory call;
        if (step.action == 0) {
            (BpmRuntime.RoleBinding[] memory bindings, BpmRuntime.VariableAssignment[] memory vars) =
                abi.decode(step.input, (BpmRuntime.RoleBinding[], BpmRuntime.VariableAssignment[]));
            call = abi.encodeCall(ProcessExecution.startInstance, (startDefinition, bindings, vars));
        } else if (step.action == 1) {
            BpmRuntime.VariableAssignment[] memory vars = abi.decode(step.input, (BpmRuntime.VariableAssignment[]));
            call = abi.encodeCall(ProcessExecution.completeTask, (step.instance, step.element, vars));
        } else if (step.action == 3) {
            (BpmRuntime.VariableAssignment[] memory vars, BpmRuntime.Decision[] memory decisions) =
                abi.decode(step.input, (BpmRuntime.VariableAssignment[], BpmRuntime.Decision[]));
            call = abi.encodeCall(ProcessExecution.completeTaskWithDecisions, (step.instance, step.element, vars, decisions));
        } else if (step.action == 4) {
            (BpmRuntime.VariableAssignment[] memory vars, BpmRuntime.Decision[] memory decisions, bytes32 evidence) =
                abi.decode(step.input, (BpmRuntime.VariableAssignment[], BpmRuntime.Decision[], bytes32));
            call = abi.encodeCall(ProcessExecution.submitTask, (step.instance, step.element, vars, decisions, evidence));
        } else if (step.action == 5) {
            call = abi.encodeCall(ProcessExecution.approveTask, (step.instance, step.element));
        } else if (step.action == 6) {
            call = abi.encodeCall(ProcessExecution.rejectTask, (step.instance, step.element, abi.decode(step.input, (string))));
        } else {
            BpmRuntime.VariableAssignment[] memory vars = abi.decode(step.input, (BpmRuntime.VariableAssignment[]));
            call = abi.encodeCall(ProcessExecution.correlateMessage, (step.instance, step.flow, vars));
        }
        vm.recordLogs();
        vm.prank(step.sender);
        (bool ok, bytes memory ret) = address(engine).call(call);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (step.revertData.length != 0) {
            assertTrue(!ok, string.concat(where, ": succeeded, the core refuses it"));
            assertEq(ret, step.revertData, string.concat(where, ": revert data"));
        } else {
            assertTrue(ok, string.concat(where, ": reverted, the core accepts it"));
            uint256 n;
            for (uint256 i; i < logs.length; ++i) {
                if (logs[i].emitter != address(engine)) continue;
                assertTrue(n < step.logs.length, string.concat(where, ": more events than the core"));
                assertEq(logs[i].topics, step.logs[n].topics, string.concat(where, ": event topics ", vm.toString(n)));
                assertEq(logs[i].data, step.logs[n].data, string.concat(where, ": event data ", vm.toString(n)));
                ++n;
            }
            assertEq(n, step.logs.length, string.concat(where, ": number of events"));
            _checkReports(logs, address(engine), address(engine.rollup()), where);
        }
        for (uint256 i; i < step.state.length; ++i) {
            InstanceView memory v = step.state[i];
            string memory inst = string.concat(where, ": instance ", vm.toString(v.id));
            assertEq(uint256(engine.instance(v.id).status), v.status, string.concat(inst, " status"));
            for (uint256 s; s < v.marking.length; ++s) {
                assertEq(engine.marking(v.id, s), v.marking[s], string.concat(inst, " marking of scope ", vm.toString(s)));
            }
            assertEq(engine.messages(v.id), v.messages, string.concat(inst, " pending messages"));
        }
    }

    /// @dev Each engine event the rollup proves (`InstanceStarted`, `ElementFired`,
    /// `SubProcessCompleted`, `CallActivityCompleted`, `MessageCorrelated`) is followed at once
    /// by its report to the rollup with the same fields, and there is no other report.
    function _checkReports(Vm.Log[] memory logs, address engine, address rollup, string memory where) internal pure {
        bytes32 reported = RecordingRollup.Reported.selector;
        uint256 expected;
        uint256 seen;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == rollup && logs[i].topics[0] == reported) ++seen;
            if (logs[i].emitter != engine) continue;
            bytes memory report = _reportOf(logs[i]);
            if (report.length == 0) continue;
            ++expected;
            string memory at = string.concat(where, ": report after event ", vm.toString(i));
            assertTrue(i + 1 < logs.length && logs[i + 1].emitter == rollup, string.concat(at, " missing"));
            assertEq(abi.decode(logs[i + 1].data, (bytes)), report, at);
        }
        assertEq(seen, expected, string.concat(where, ": number of reports"));
    }

    /// @dev The report the engine owes for event `l` (empty: none).
    function _reportOf(Vm.Log memory l) internal pure returns (bytes memory) {
        bytes32 t = l.topics[0];
        if (t == InstanceStore.InstanceStarted.selector) {
            return abi.encodeCall(
                IRollup.instanceStarted, (uint256(l.topics[1]), uint256(l.topics[2]), abi.decode(l.data, (uint256)))
            );
        }
        if (t == InstanceStore.ElementFired.selector) {
            (uint8 kind, uint256 consumed, uint256 produced) = abi.decode(l.data, (uint8, uint256, uint256));
            return abi.encodeCall(
                IRollup.elementFired, (uint256(l.topics[1]), uint16(uint256(l.topics[2])), kind, consumed, produced)
            );
        }
        if (t == InstanceStore.SubProcessCompleted.selector) {
            return abi.encodeCall(IRollup.subProcessCompleted, (uint256(l.topics[1]), uint16(uint256(l.topics[2]))));
        }
        if (t == InstanceStore.CallActivityCompleted.selector) {
            return abi.encodeCall(
                IRollup.callActivityCompleted,
                (uint256(l.topics[1]), uint16(uint256(l.topics[2])), uint256(l.topics[3]))
            );
        }
        if (t == InstanceStore.MessageCorrelated.selector) {
            return abi.encodeCall(IRollup.messageCorrelated, (uint256(l.topics[1]), uint16(uint256(l.topics[2]))));
        }
        return "";
    }

    /// @notice Every condition case: `evaluate` gives the core's result or reverts
    /// `MalformedCondition` at the core's offset; `validate` gives the core's verdict and offset.
    function testConditionVectors() public {
        ConformanceConditionHarness h = new ConformanceConditionHarness();
        string memory json = vm.readFile(string.concat(vm.projectRoot(), CONDITIONS));
        uint256 count = vm.parseJsonUint(json, ".count");
        assertGt(count, 200);
        for (uint256 i; i < count; ++i) {
            string memory at = string.concat(".conditions[", vm.toString(i), "]");
            bytes memory code = vm.parseJsonBytes(json, string.concat(at, ".code"));
            string memory name = vm.parseJsonString(json, string.concat(at, ".name"));
            h.setVars(vm.parseJsonIntArray(json, string.concat(at, ".vars")), 8);
            bool evalOk = vm.parseJsonBool(json, string.concat(at, ".evalOk"));
            try h.evaluate(code) returns (bool result) {
                assertTrue(evalOk, string.concat(name, ": evaluated, the core says malformed"));
                assertEq(result, vm.parseJsonBool(json, string.concat(at, ".result")), name);
            } catch (bytes memory reason) {
                assertTrue(!evalOk, string.concat(name, ": reverted, the core evaluates it"));
                assertEq(
                    reason,
                    abi.encodeWithSelector(
                        ConditionVM.MalformedCondition.selector, vm.parseJsonUint(json, string.concat(at, ".evalPc"))
                    ),
                    name
                );
            }
            (bool ok, uint256 pc) = h.validate(code, vm.parseJsonUint(json, string.concat(at, ".variables")));
            assertEq(ok, vm.parseJsonBool(json, string.concat(at, ".validOk")), name);
            assertEq(pc, vm.parseJsonUint(json, string.concat(at, ".validPc")), name);
        }
    }
}
