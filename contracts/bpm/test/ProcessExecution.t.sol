// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {ProcessExecution} from "../src/ProcessExecution.sol";
import {InstanceStore} from "../src/InstanceStore.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IParticipantRegistry} from "../src/IParticipantRegistry.sol";
import {IRollup} from "../src/IRollup.sol";
import {ProcessDefinitionRegistry} from "../src/ProcessDefinitionRegistry.sol";
import {RecordingRollup} from "./utils/RecordingRollup.sol";

contract ProcessExecutionTest is Models {
    event InstanceStarted(
        uint256 indexed instanceId, uint256 indexed definitionId, address indexed starter, uint256 parentInstance
    );
    event RoleBound(uint256 indexed instanceId, bytes32 indexed role, address indexed account);
    event ElementFired(
        uint256 indexed instanceId,
        uint16 indexed element,
        BpmCore.ElementKind kind,
        address indexed actor,
        uint256 consumed,
        uint256 produced
    );
    event MessageSent(uint256 indexed instanceId, uint16 indexed messageFlow);
    event MessageCorrelated(uint256 indexed instanceId, uint16 indexed messageFlow, address indexed actor);
    event VariableSet(uint256 indexed instanceId, uint8 indexed index, int256 value, address actor);
    event SubProcessCompleted(uint256 indexed instanceId, uint16 indexed element, uint8 scope);
    event CallActivityCompleted(uint256 indexed instanceId, uint16 indexed element, uint256 indexed childInstanceId);
    event InstanceCompleted(uint256 indexed instanceId);
    event InstanceTerminated(uint256 indexed instanceId, uint256 indexed byInstance);

    BpmRuntime.InstanceStatus internal constant ACTIVE = BpmRuntime.InstanceStatus.Active;
    BpmRuntime.InstanceStatus internal constant COMPLETED = BpmRuntime.InstanceStatus.Completed;
    BpmRuntime.InstanceStatus internal constant TERMINATED = BpmRuntime.InstanceStatus.Terminated;

    // ================================================================ construction

    function testConstructorRejectsZeroAddresses() public {
        vm.expectRevert(InstanceStore.ZeroAddress.selector);
        new ProcessExecution(
            IProcessDefinitionRegistry(address(0)), IParticipantRegistry(address(participants)), IRollup(address(0))
        );
        vm.expectRevert(InstanceStore.ZeroAddress.selector);
        new ProcessExecution(
            IProcessDefinitionRegistry(address(registry)), IParticipantRegistry(address(0)), IRollup(address(0))
        );
        assertEq(address(engine.registry()), address(registry));
        assertEq(address(engine.participants()), address(participants));
        assertEq(address(engine.rollup()), address(0));
    }

    // ================================================================ the rollup precompile

    /// @dev Registry and engine reporting to `rollup`, with the sequence model published.
    function _withRollup(RecordingRollup rollup) internal returns (uint256 def) {
        registry = new ProcessDefinitionRegistry(address(this), rollup);
        engine = new ProcessExecution(
            IProcessDefinitionRegistry(address(registry)), IParticipantRegistry(address(participants)), rollup
        );
        buildSequence();
        def = deploy("seq");
    }

    function testPublishRegistersTheDefinitionWithTheRollup() public {
        RecordingRollup rollup = new RecordingRollup();
        uint256 def = _withRollup(rollup);
        assertEq(rollup.registeredCount(), 1);
        assertEq(rollup.registered(0), def);
        assertEq(rollup.elementCount(def), registry.definition(def).elementCount);
        assertEq(address(registry.rollup()), address(rollup));
    }

    function testARollupRefusalRevertsTheWholeAction() public {
        RecordingRollup rollup = new RecordingRollup();
        uint256 def = _withRollup(rollup);
        uint256 id = start(alice, def, bind(MANAGER, bob));
        uint256 before = engine.marking(id, 0);
        rollup.refuse("rollup: FiringRefused: not enabled");
        vm.prank(alice);
        vm.expectRevert(bytes("rollup: FiringRefused: not enabled"));
        engine.completeTask(id, seqReview, new BpmRuntime.VariableAssignment[](0));
        // nothing changed: the task is still enabled, the marking as before
        assertEq(engine.marking(id, 0), before);
        assertTrue(engine.isEnabled(id, seqReview));
        // a start is refused the same way, and so is a publication
        vm.prank(alice);
        vm.expectRevert(bytes("rollup: FiringRefused: not enabled"));
        engine.startInstance(def, bind(MANAGER, bob), new BpmRuntime.VariableAssignment[](0));
        assertEq(engine.instanceCount(), 1);
        buildSequence();
        vm.expectRevert(bytes("rollup: FiringRefused: not enabled"));
        this.deployExternal("seq");
    }

    function deployExternal(string memory name) external returns (uint256) {
        return deploy(name);
    }

    // ================================================================ sequence

    function testSequenceRunsToCompletion() public {
        buildSequence();
        uint256 def = deploy("seq");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        assertEq(id, 1);
        assertEq(engine.instanceCount(), 1);
        BpmRuntime.InstanceInfo memory info = engine.instance(id);
        assertEq(info.definitionId, def);
        assertEq(info.starter, alice);
        assertEq(info.rootInstance, id);
        assertEq(info.parentInstance, 0);
        assertStatus(id, ACTIVE);
        assertEq(engine.marking(id, 0), 1 << 0); // start -> Review
        assertEq(engine.enabledTasks(id), u16(seqReview));
        assertTrue(engine.isEnabled(id, seqReview));
        assertFalse(engine.isEnabled(id, seqApprove));
        assertFalse(engine.isEnabled(id, seqStart));
        assertFalse(engine.isEnabled(id, 999));
        assertTrue(engine.hasRole(id, CLERK, alice));
        assertTrue(engine.hasRole(id, MANAGER, bob));
        assertFalse(engine.hasRole(id, MANAGER, alice));
        assertTrue(engine.isRoleBound(id, MANAGER));
        assertFalse(engine.isRoleBound(id, CUSTOMER));

        complete(alice, id, seqReview);
        assertEq(engine.marking(id, 0), 1 << 1);
        assertEq(engine.enabledTasks(id), u16(seqApprove));
        complete(bob, id, seqApprove);
        assertEq(engine.marking(id, 0), 0);
        assertStatus(id, COMPLETED);
        assertEq(engine.enabledTasks(id).length, 0);
        assertFalse(engine.isEnabled(id, seqApprove));
        assertEq(engine.activeScopes(id), 0);
    }

    function testSequenceEmitsAuditTrail() public {
        buildSequence();
        uint256 def = deploy("seq");
        uint256 startPost = registry.postset(def, seqStart);
        vm.expectEmit(address(engine));
        emit InstanceStarted(1, def, alice, 0);
        vm.expectEmit(address(engine));
        emit RoleBound(1, CLERK, alice);
        vm.expectEmit(address(engine));
        emit RoleBound(1, MANAGER, bob);
        vm.expectEmit(address(engine));
        emit ElementFired(1, seqStart, START, alice, 0, startPost);
        uint256 id = start(alice, def, bind(MANAGER, bob));

        complete(alice, id, seqReview);
        vm.recordLogs();
        complete(bob, id, seqApprove);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        // ElementFired(Approve) ElementFired(End) InstanceCompleted: a task completion is its
        // ElementFired alone, with the completer as indexed actor
        assertEq(logs.length, 3);
        assertEq(logs[0].topics[0], ElementFired.selector);
        assertEq(logs[0].topics[2], bytes32(uint256(seqApprove)));
        assertEq(logs[0].topics[3], bytes32(uint256(uint160(bob))));
        (BpmCore.ElementKind taskKind,,) = abi.decode(logs[0].data, (BpmCore.ElementKind, uint256, uint256));
        assertEq(uint256(taskKind), uint256(BpmCore.ElementKind.UserTask));
        assertEq(logs[1].topics[0], ElementFired.selector);
        assertEq(logs[1].topics[2], bytes32(uint256(seqEnd)));
        assertEq(logs[1].topics[3], bytes32(uint256(uint160(bob)))); // automatic firings name the transaction's caller
        (BpmCore.ElementKind kind,,) = abi.decode(logs[1].data, (BpmCore.ElementKind, uint256, uint256));
        assertEq(uint256(kind), uint256(END));
        assertEq(logs[2].topics[0], InstanceCompleted.selector);
        assertEq(logs[2].topics[1], bytes32(id));
    }

    function testStartRequiresPublishedDefinition() public {
        buildSequence();
        uint256 def = upload("seq");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DefinitionNotPublished.selector, def));
        engine.startInstance(def, noBindings(), noVars());
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DefinitionNotPublished.selector, 77));
        engine.startInstance(77, noBindings(), noVars());
    }

    function testStartRequiresStartRole() public {
        buildSequence();
        uint256 def = deploy("seq");
        vm.prank(bob); // Manager, the start role is Clerk
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.ParticipantLacksRole.selector, bob, CLERK));
        engine.startInstance(def, noBindings(), noVars());
        vm.prank(mallory); // not registered
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.ParticipantLacksRole.selector, mallory, CLERK));
        engine.startInstance(def, noBindings(), noVars());
    }

    function testStartBindingsMustHoldTheirRole() public {
        buildSequence();
        uint256 def = deploy("seq");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.ParticipantLacksRole.selector, carol, MANAGER));
        engine.startInstance(def, bind(MANAGER, carol), noVars());
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.ParticipantLacksRole.selector, mallory, MANAGER));
        engine.startInstance(def, bind(MANAGER, mallory), noVars());
        assertEq(engine.instanceCount(), 0);
    }

    function testStartWithSeveralAccountsPerRoleAndDuplicates() public {
        buildSequence();
        uint256 def = deploy("seq");
        // erin is a second clerk; alice's own binding repeated is a no-op
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](3);
        b[0] = BpmRuntime.RoleBinding({role: CLERK, account: erin});
        b[1] = BpmRuntime.RoleBinding({role: CLERK, account: alice});
        b[2] = BpmRuntime.RoleBinding({role: MANAGER, account: bob});
        uint256 id = start(alice, def, b);
        assertTrue(engine.hasRole(id, CLERK, erin));
        complete(erin, id, seqReview);
        assertEq(engine.enabledTasks(id), u16(seqApprove));
    }

    function testCompleteTaskErrors() public {
        buildSequence();
        uint256 def = deploy("seq");
        uint256 id = start(alice, def, bind(MANAGER, bob));

        // not a task: out of range, and an event
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.NotATask.selector, id, uint16(50)));
        engine.completeTask(id, 50, noVars());
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.NotATask.selector, id, seqEnd));
        engine.completeTask(id, seqEnd, noVars());

        // missing role: unbound account, and a bound account of another role
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CLERK, mallory));
        engine.completeTask(id, seqReview, noVars());
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CLERK, bob));
        engine.completeTask(id, seqReview, noVars());

        // not enabled yet
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.TaskNotEnabled.selector, id, seqApprove));
        engine.completeTask(id, seqApprove, noVars());

        // twice
        complete(alice, id, seqReview);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.TaskNotEnabled.selector, id, seqReview));
        engine.completeTask(id, seqReview, noVars());

        // nothing changed by the reverts
        assertEq(engine.marking(id, 0), 1 << 1);

        // not active: completed, and unknown
        complete(bob, id, seqApprove);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.InstanceNotActive.selector, id, COMPLETED));
        engine.completeTask(id, seqApprove, noVars());
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(InstanceStore.InstanceNotActive.selector, 42, BpmRuntime.InstanceStatus.None)
        );
        engine.completeTask(42, seqApprove, noVars());
    }

    function testRemovedParticipantLosesAccess() public {
        buildSequence();
        uint256 def = deploy("seq");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        complete(alice, id, seqReview);
        participants.removeParticipant(bob);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, MANAGER, bob));
        engine.completeTask(id, seqApprove, noVars());
    }

    function testBindRole() public {
        buildSequence();
        uint256 def = deploy("seq");
        uint256 id = start(alice, def, noBindings());
        complete(alice, id, seqReview);
        // nobody may approve yet
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, MANAGER, bob));
        engine.completeTask(id, seqApprove, noVars());

        // only the starter binds
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.NotInstanceStarter.selector, id, bob));
        engine.bindRole(id, MANAGER, bob);
        // the account must hold the role
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.ParticipantLacksRole.selector, carol, MANAGER));
        engine.bindRole(id, MANAGER, carol);

        vm.expectEmit(address(engine));
        emit RoleBound(id, MANAGER, bob);
        vm.prank(alice);
        engine.bindRole(id, MANAGER, bob);
        assertTrue(engine.hasRole(id, MANAGER, bob));

        // a bound role cannot be rebound
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.RoleAlreadyBound.selector, id, MANAGER));
        engine.bindRole(id, MANAGER, bob);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.RoleAlreadyBound.selector, id, CLERK));
        engine.bindRole(id, CLERK, erin);

        complete(bob, id, seqApprove);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.InstanceNotActive.selector, id, COMPLETED));
        engine.bindRole(id, CUSTOMER, carol);
    }

    // ================================================================ variables

    function testVariablesAtStartAndOnCompletion() public {
        buildExclusive(true);
        uint256 def = deploy("xor");
        BpmRuntime.VariableAssignment[] memory vars = new BpmRuntime.VariableAssignment[](2);
        vars[0] = BpmRuntime.VariableAssignment({index: xAmount, value: -5});
        vars[1] = BpmRuntime.VariableAssignment({index: xCountry, value: int256(uint256(keccak256("CH")))});
        vm.prank(alice);
        vm.expectEmit(address(engine));
        emit VariableSet(1, xAmount, -5, alice);
        uint256 id = engine.startInstance(def, bind(MANAGER, bob), vars);
        assertEq(engine.variable(id, xAmount), -5);
        assertEq(engine.variable(id, xCountry), int256(uint256(keccak256("CH"))));
        assertEq(engine.variable(id, xVipVar), 0);

        // errors: unknown index, bad bool
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.UnknownVariable.selector, id, uint8(3)));
        engine.completeTask(id, xEnter, setVar(3, 1));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.InvalidBoolValue.selector, id, xVipVar, int256(2)));
        engine.completeTask(id, xEnter, setVar(xVipVar, 2));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.UnknownVariable.selector, 2, uint8(9)));
        engine.startInstance(def, noBindings(), setVar(9, 0));
    }

    // ================================================================ exclusive gateway

    function testExclusiveFirstTrueConditionWins() public {
        buildExclusive(true);
        uint256 def = deploy("xor");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        // amount > 1000 and vip: the first flow in document order (Big) wins
        BpmRuntime.VariableAssignment[] memory out = new BpmRuntime.VariableAssignment[](2);
        out[0] = BpmRuntime.VariableAssignment({index: xAmount, value: 5000});
        out[1] = BpmRuntime.VariableAssignment({index: xVipVar, value: 1});
        vm.prank(alice);
        engine.completeTask(id, xEnter, out);
        assertEq(engine.enabledTasks(id), u16(xBig));
    }

    function testExclusiveSecondCondition() public {
        buildExclusive(true);
        uint256 def = deploy("xor");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        vm.prank(alice);
        engine.completeTask(id, xEnter, setVar(xVipVar, 1));
        assertEq(engine.enabledTasks(id), u16(xVip));
        complete(bob, id, xVip);
        assertStatus(id, COMPLETED);
    }

    function testExclusiveDefaultFlow() public {
        buildExclusive(true);
        uint256 def = deploy("xor");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        vm.prank(alice);
        engine.completeTask(id, xEnter, setVar(xAmount, 1000)); // not > 1000
        assertEq(engine.enabledTasks(id), u16(xSmall));
    }

    function testExclusiveWithoutDefaultReverts() public {
        buildExclusive(false);
        uint256 def = deploy("xor");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.NoOutgoingFlowEnabled.selector, id, xGateway));
        engine.completeTask(id, xEnter, noVars());
        // the whole completion was undone
        assertEq(engine.enabledTasks(id), u16(xEnter));
        vm.prank(alice);
        engine.completeTask(id, xEnter, setVar(xAmount, 1001));
        assertEq(engine.enabledTasks(id), u16(xBig));
    }

    function testExclusiveMergeLoop() public {
        // Start -> merge(XOR) -> Work (Clerk) -> split(XOR): [again] -> merge ; default -> End
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint8 again = variable("again", BpmCore.VariableType.Bool);
        uint16 st = el(START, s, clerk, "start");
        uint16 work = el(TASK, s, clerk, "Work");
        uint16 en = el(END, s, clerk, "end");
        uint16 merge = el(XOR, s, clerk, "merge");
        uint16 split = el(XOR, s, clerk, "split");
        flow(st, merge);
        flow(work, split);
        defaultFlow(merge, work);
        condFlow(split, merge, cLoad(again));
        defaultFlow(split, en);
        uint256 def = deploy("loop");
        uint256 id = start(alice, def, noBindings());
        for (uint256 i; i < 5; ++i) {
            vm.prank(alice);
            engine.completeTask(id, work, setVar(again, 1));
            assertEq(engine.enabledTasks(id), u16(work));
            assertEq(popcount(engine.marking(id, s)), 1);
        }
        vm.prank(alice);
        engine.completeTask(id, work, setVar(again, 0));
        assertStatus(id, COMPLETED);
    }

    function testAutomaticStepLimit() public {
        // Start -> merge -> split: [TRUE] -> merge (a loop without a task)
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        uint16 en = el(END, s, clerk, "end");
        uint16 merge = el(XOR, s, clerk, "merge");
        uint16 split = el(XOR, s, clerk, "split");
        flow(st, merge);
        defaultFlow(merge, split);
        condFlow(split, merge, C_TRUE);
        defaultFlow(split, en);
        uint256 def = deploy("spin");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.AutomaticStepLimitExceeded.selector, 512));
        engine.startInstance(def, noBindings(), noVars());
        assertEq(engine.instanceCount(), 0);
    }

    function testFullyAutomaticProcessCompletesAtStart() public {
        newModel();
        uint8 p = pool("Org", true);
        uint8 s = process(p);
        uint16 st = el(START, s, 0, "start");
        uint16 thr = el(THROW, s, 0, "milestone");
        uint16 en = el(END, s, 0, "end");
        flow(st, thr);
        flow(thr, en);
        uint256 def = deploy("auto");
        participants.grantParticipantRole(alice, ORG);
        vm.expectEmit(address(engine));
        emit InstanceCompleted(1);
        uint256 id = start(alice, def, noBindings());
        assertStatus(id, COMPLETED);
    }

    // ================================================================ parallel gateway

    function testParallelSplitAndJoin() public {
        buildParallel();
        uint256 def = deploy("par");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        assertEq(engine.enabledTasks(id), u16(pA, pB));
        complete(bob, id, pB);
        assertEq(engine.enabledTasks(id), u16(pA)); // join waits
        assertFalse(engine.isEnabled(id, pJoin));
        complete(alice, id, pA);
        assertEq(engine.enabledTasks(id), u16(pC));
        complete(alice, id, pC);
        assertStatus(id, COMPLETED);
    }

    function testImplicitSplitAfterTask() public {
        // a task with two outgoing flows produces both (implicit parallel split)
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        uint16 a = el(TASK, s, clerk, "A");
        uint16 b = el(TASK, s, clerk, "B");
        uint16 c = el(TASK, s, clerk, "C");
        uint16 e1 = el(END, s, clerk, "e1");
        uint16 e2 = el(END, s, clerk, "e2");
        flow(st, a);
        flow(a, b);
        flow(a, c);
        flow(b, e1);
        flow(c, e2);
        uint256 def = deploy("implicit");
        uint256 id = start(alice, def, noBindings());
        complete(alice, id, a);
        assertEq(engine.enabledTasks(id), u16(b, c));
        complete(alice, id, c);
        assertStatus(id, ACTIVE);
        complete(alice, id, b);
        assertStatus(id, COMPLETED);
    }

    // ================================================================ event-based gateway + messages

    function testEventBasedGatewayAccept() public {
        buildEventBased();
        uint256 def = deploy("offer");
        (uint256 catchPre, uint256 catchPost) = (registry.preset(def, eAcceptCatch), registry.postset(def, eAcceptCatch));
        uint256 id = start(alice, def, bind(CUSTOMER, carol));
        complete(alice, id, eOffer);
        // token waits on the shared place; no task enabled
        assertEq(engine.enabledTasks(id).length, 0);
        assertStatus(id, ACTIVE);

        vm.expectEmit(address(engine));
        emit VariableSet(id, eReason, 7, carol);
        vm.expectEmit(address(engine));
        emit MessageCorrelated(id, eAcceptMsg, carol);
        vm.expectEmit(address(engine));
        emit ElementFired(id, eAcceptCatch, MSG_CATCH, carol, catchPre, catchPost);
        vm.prank(carol);
        engine.correlateMessage(id, eAcceptMsg, setVar(eReason, 7));
        assertEq(engine.messages(id), 0);
        assertEq(engine.enabledTasks(id), u16(eShip));

        // the other branch is gone: its message now stays pending, nothing consumes it
        vm.prank(carol);
        engine.correlateMessage(id, eRejectMsg, noVars());
        assertEq(engine.messages(id), 1 << eRejectMsg);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MessageAlreadyPending.selector, id, eRejectMsg));
        engine.correlateMessage(id, eRejectMsg, noVars());
        assertEq(engine.enabledTasks(id), u16(eShip));
        complete(alice, id, eShip);
        assertStatus(id, COMPLETED); // pending messages do not keep an instance alive
    }

    function testEventBasedGatewayReject() public {
        buildEventBased();
        uint256 def = deploy("offer");
        uint256 id = start(alice, def, bind(CUSTOMER, carol));
        complete(alice, id, eOffer);
        vm.prank(carol);
        engine.correlateMessage(id, eRejectMsg, noVars());
        assertStatus(id, COMPLETED);
    }

    function testMessageBeforeTokenIsBuffered() public {
        buildEventBased();
        uint256 def = deploy("offer");
        uint256 id = start(alice, def, bind(CUSTOMER, carol));
        vm.prank(carol);
        engine.correlateMessage(id, eRejectMsg, noVars()); // early: the offer is not sent yet
        assertEq(engine.messages(id), 1 << eRejectMsg);
        complete(alice, id, eOffer);
        assertStatus(id, COMPLETED);
        assertEq(engine.messages(id), 0);
    }

    function testCorrelateMessageErrors() public {
        buildEventBased();
        uint256 def = deploy("offer");
        uint256 id = start(alice, def, noBindings());
        // Customer not bound yet: even a participant holding Customer may not deliver
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CUSTOMER, carol));
        engine.correlateMessage(id, eAcceptMsg, noVars());
        vm.prank(alice);
        engine.bindRole(id, CUSTOMER, carol);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.UnknownMessageFlow.selector, id, uint16(2)));
        engine.correlateMessage(id, 2, noVars());
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CUSTOMER, mallory));
        engine.correlateMessage(id, eAcceptMsg, noVars());
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.UnknownVariable.selector, id, uint8(4)));
        engine.correlateMessage(id, eAcceptMsg, setVar(4, 1));
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(InstanceStore.InstanceNotActive.selector, 9, BpmRuntime.InstanceStatus.None)
        );
        engine.correlateMessage(9, eAcceptMsg, noVars());
    }

    function testMessagesBetweenExecutablePools() public {
        buildCollaboration();
        uint256 def = deploy("collab");
        uint256 sellerStartPost = registry.postset(def, mSellerStart);
        (uint256 confirmPre, uint256 confirmPost) = (registry.preset(def, mConfirm), registry.postset(def, mConfirm));
        uint256 id = start(alice, def, bind(SUPPLIER, dave));
        assertEq(engine.enabledTasks(id), u16(mOrder));
        // messages sent by elements cannot be correlated from outside
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.NotExternalMessage.selector, id, mOrderMsg));
        engine.correlateMessage(id, mOrderMsg, noVars());

        vm.expectEmit(address(engine));
        emit MessageSent(id, mOrderMsg);
        vm.expectEmit(address(engine));
        emit ElementFired(id, mSellerStart, MSG_START, alice, 0, sellerStartPost);
        complete(alice, id, mOrder);
        // the seller's pool started from the message; the buyer waits in its ReceiveTask
        assertEq(engine.enabledTasks(id), u16(mAccept));
        assertEq(engine.marking(id, 0), 1 << 1); // Order -> Confirmation
        assertEq(engine.marking(id, 1), 1 << 0); // start -> Accept
        assertEq(engine.activeScopes(id), 3);
        assertEq(engine.messages(id), 0);

        vm.expectEmit(address(engine));
        emit MessageSent(id, mConfirmMsg);
        vm.expectEmit(address(engine));
        emit ElementFired(id, mConfirm, RECEIVE_TASK, dave, confirmPre, confirmPost);
        complete(dave, id, mAccept);
        assertStatus(id, COMPLETED);
    }

    function testMessagesNobodyWaitsForAreOnlyLogged() public {
        // Org: Start -> Notify (SendTask, to the Customer black box) -> Work (informed by the Customer) -> End
        newModel();
        uint8 p = pool("Org", true);
        uint8 customer = pool("Customer", false);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        uint16 notify = el(SEND_TASK, s, clerk, "Notify");
        uint16 work = el(TASK, s, clerk, "Work");
        flow(st, notify);
        flow(notify, work);
        flow(work, el(END, s, clerk, "end"));
        uint16 out = message(notify, notify); // as the compiler encodes a message to a black-box pool
        uint16 info = externalMessage(customer, work); // informative: Work does not wait for it
        uint256 id = start(alice, deploy("notify"), bind(CUSTOMER, carol));
        vm.expectEmit(address(engine));
        emit MessageSent(id, out);
        complete(alice, id, notify);
        assertEq(engine.messages(id), 0);
        for (uint256 i; i < 2; ++i) {
            vm.expectEmit(address(engine));
            emit MessageCorrelated(id, info, carol);
            vm.prank(carol);
            engine.correlateMessage(id, info, noVars()); // logged, never pending
        }
        assertEq(engine.messages(id), 0);
        assertEq(engine.enabledTasks(id), u16(work));
    }

    // ================================================================ sub-process

    function testEmbeddedSubProcess() public {
        buildSubProcess();
        uint256 def = deploy("sp");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        assertEq(engine.enabledTasks(id), u16(spCheck));
        assertEq(engine.marking(id, 0), 0); // the parent token was consumed by the sub-process
        assertEq(engine.marking(id, spScope), 1 << 0);
        assertEq(engine.activeScopes(id), (1 << 0) | (1 << spScope)); // scope 0 is busy with the sub-process

        vm.expectEmit(address(engine));
        emit SubProcessCompleted(id, spElement, spScope);
        complete(alice, id, spCheck);
        assertEq(engine.marking(id, spScope), 0);
        assertEq(engine.enabledTasks(id), u16(spSign));
        complete(bob, id, spSign);
        assertStatus(id, COMPLETED);
    }

    function testSubProcessReenteredInLoop() public {
        // Start -> merge -> SP[ start -> Check -> end ] -> split: [again] -> merge ; default -> End
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint8 again = variable("again", BpmCore.VariableType.Bool);
        uint16 st = el(START, s, clerk, "start");
        (uint16 sp, uint8 inner) = subProcess(s, clerk, "SP");
        uint16 ist = el(START, inner, clerk, "inner start");
        uint16 check = el(TASK, inner, clerk, "Check");
        flow(check, el(END, inner, clerk, "inner end"));
        flow(ist, check);
        uint16 merge = el(XOR, s, clerk, "merge");
        uint16 split = el(XOR, s, clerk, "split");
        flow(st, merge);
        defaultFlow(merge, sp);
        flow(sp, split);
        condFlow(split, merge, cLoad(again));
        defaultFlow(split, el(END, s, clerk, "end"));
        uint256 id = start(alice, deploy("sploop"), noBindings());
        vm.prank(alice);
        engine.completeTask(id, check, setVar(again, 1));
        assertEq(engine.enabledTasks(id), u16(check));
        vm.prank(alice);
        engine.completeTask(id, check, setVar(again, 0));
        assertStatus(id, COMPLETED);
    }

    uint16 internal nOuter;
    uint8 internal nSo;
    uint8 internal nSi;
    uint16 internal nAfter;
    uint16 internal nStop;
    uint16 internal nDeep;

    function _buildNested() internal {
        // Start -> Outer[ start -> AND -> Inner[ start -> Deep (Clerk) -> end ] -> end ; Stop (Manager) -> Terminate ]
        //       -> After -> End
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint16 manager = lane(p, "Manager");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        (nOuter, nSo) = subProcess(s, clerk, "Outer");
        nAfter = el(TASK, s, clerk, "After");
        flow(st, nOuter);
        flow(nOuter, nAfter);
        flow(nAfter, el(END, s, clerk, "end"));
        uint16 ost = el(START, nSo, clerk, "outer start");
        uint16 inner;
        (inner, nSi) = subProcess(nSo, clerk, "Inner");
        nStop = el(TASK, nSo, manager, "Stop");
        uint16 split = el(AND, nSo, clerk, "split");
        flow(ost, split);
        flow(split, inner);
        flow(split, nStop);
        flow(inner, el(END, nSo, clerk, "outer end"));
        flow(nStop, el(TERMINATE, nSo, manager, "terminate"));
        uint16 ist = el(START, nSi, clerk, "inner start");
        nDeep = el(TASK, nSi, clerk, "Deep");
        flow(ist, nDeep);
        flow(nDeep, el(END, nSi, clerk, "inner end"));
    }

    function testNestedSubProcessesAndTerminateInside() public {
        _buildNested();
        uint256 def = deploy("nested");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        assertEq(engine.enabledTasks(id), u16(nStop, nDeep));
        assertEq(engine.activeScopes(id), (1 << 0) | (1 << nSo) | (1 << nSi));
        // terminating the outer sub-process also clears the inner one, then the outer completes
        vm.expectEmit(address(engine));
        emit SubProcessCompleted(id, nOuter, nSo);
        complete(bob, id, nStop);
        assertEq(engine.enabledTasks(id), u16(nAfter));
        assertEq(engine.marking(id, nSi), 0);
        assertEq(engine.marking(id, nSo), 0);
        assertEq(engine.activeScopes(id), 1 << 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.TaskNotEnabled.selector, id, nDeep));
        engine.completeTask(id, nDeep, noVars());
        complete(alice, id, nAfter);
        assertStatus(id, COMPLETED);
    }

    function testNestedSubProcessesCompleteInnerFirst() public {
        _buildNested();
        uint256 def = deploy("nested");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        complete(alice, id, nDeep); // inner completes, outer still has Stop
        assertEq(engine.activeScopes(id), (1 << 0) | (1 << nSo));
        assertEq(engine.enabledTasks(id), u16(nStop));
        complete(bob, id, nStop);
        assertEq(engine.enabledTasks(id), u16(nAfter));
    }

    // ================================================================ call activity

    function testCallActivity() public {
        buildPayment();
        uint256 childDef = deploy("payment");
        buildOrder();
        uint256 parentDef = deploy("order");
        uint256 id = start(alice, parentDef, noBindings());
        uint256[] memory kids = engine.childInstances(id);
        assertEq(kids.length, 1);
        uint256 child = kids[0];
        BpmRuntime.InstanceInfo memory info = engine.instance(child);
        assertEq(info.definitionId, childDef);
        assertEq(info.parentInstance, id);
        assertEq(info.parentElement, caCall);
        assertEq(info.rootInstance, id);
        assertEq(info.starter, alice);
        assertEq(engine.enabledTasks(id).length, 0);
        assertEq(engine.enabledTasks(child), u16(caPay));
        assertEq(engine.activeScopes(id), 1);
        // the child shares the root's bindings
        assertTrue(engine.hasRole(child, CLERK, alice));
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, child, CLERK, mallory));
        engine.completeTask(child, caPay, noVars());

        vm.expectEmit(address(engine));
        emit InstanceCompleted(child);
        vm.expectEmit(address(engine));
        emit CallActivityCompleted(id, caCall, child);
        complete(alice, child, caPay);
        assertStatus(child, COMPLETED);
        assertEq(engine.enabledTasks(id), u16(caDeliver));
        complete(alice, id, caDeliver);
        assertStatus(id, COMPLETED);
    }

    function testCallActivityUsesLatestVersionAndCompletesSynchronously() public {
        buildPayment();
        deploy("payment");
        // version 2 of "payment" is fully automatic
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        uint16 en = el(END, s, clerk, "end");
        flow(st, en);
        uint256 v2 = deploy("payment");
        assertEq(registry.latestVersion(keccak256("payment")), 2);
        buildOrder();
        uint256 parentDef = deploy("order");
        uint256 id = start(alice, parentDef, noBindings());
        uint256 child = engine.childInstances(id)[0];
        assertEq(engine.instance(child).definitionId, v2);
        assertStatus(child, COMPLETED);
        assertEq(engine.enabledTasks(id), u16(caDeliver));
    }

    function testCalledProcessNotDeployed() public {
        buildOrder();
        uint256 parentDef = deploy("order");
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(InstanceStore.CalledProcessNotDeployed.selector, keccak256("payment"))
        );
        engine.startInstance(parentDef, noBindings(), noVars());
    }

    function _chain(uint256 levels) internal returns (uint256 topDef, uint16 leafTask) {
        // level{levels} has a task; level{i} calls level{i+1}
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        leafTask = el(TASK, s, clerk, "Leaf");
        uint16 en = el(END, s, clerk, "end");
        flow(st, leafTask);
        flow(leafTask, en);
        topDef = deploy(string.concat("level", _str(levels)));
        for (uint256 i = levels; i > 0; --i) {
            newModel();
            p = pool("Org", true);
            clerk = lane(p, "Clerk");
            s = process(p);
            st = el(START, s, clerk, "start");
            uint16 ca = callActivity(s, string.concat("level", _str(i)));
            en = el(END, s, clerk, "end");
            flow(st, ca);
            flow(ca, en);
            topDef = deploy(string.concat("level", _str(i - 1)));
        }
    }

    function testCallActivityChainAtMaxDepth() public {
        (uint256 top, uint16 leaf) = _chain(8);
        uint256 id = start(alice, top, noBindings());
        uint256 deepest = engine.instanceCount();
        assertEq(deepest, 9);
        assertEq(engine.instance(deepest).rootInstance, id);
        complete(alice, deepest, leaf);
        for (uint256 i = 1; i <= 9; ++i) {
            assertStatus(i, COMPLETED);
        }
    }

    function testCallDepthExceeded() public {
        (uint256 top,) = _chain(9);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.CallDepthExceeded.selector, 9, 9));
        engine.startInstance(top, noBindings(), noVars());
    }

    function testTerminateKillsCallActivityChildren() public {
        buildPayment();
        deploy("payment");
        // Start -> AND -> Call(payment) -> End ; Cancel (Manager) -> Terminate
        newModel();
        uint8 p = pool("Org", true);
        uint16 clerk = lane(p, "Clerk");
        uint16 manager = lane(p, "Manager");
        uint8 s = process(p);
        uint16 st = el(START, s, clerk, "start");
        uint16 ca = callActivity(s, "payment");
        uint16 cancel = el(TASK, s, manager, "Cancel");
        uint16 en = el(END, s, clerk, "end");
        uint16 term = el(TERMINATE, s, manager, "terminate");
        uint16 split = el(AND, s, clerk, "split");
        flow(st, split);
        flow(split, ca);
        flow(split, cancel);
        flow(ca, en);
        flow(cancel, term);
        uint256 def = deploy("cancellable");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        uint256 child = engine.childInstances(id)[0];
        assertStatus(child, ACTIVE);
        vm.expectEmit(address(engine));
        emit InstanceTerminated(child, id);
        vm.expectEmit(address(engine));
        emit InstanceCompleted(id);
        complete(bob, id, cancel);
        assertStatus(id, COMPLETED);
        assertStatus(child, TERMINATED);
        assertEq(engine.marking(child, 0), 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.InstanceNotActive.selector, child, TERMINATED));
        engine.completeTask(child, caPay, noVars());
    }

    // ================================================================ terminate

    function testTopLevelTerminateEndsInstance() public {
        buildTerminate();
        uint256 def = deploy("term");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        assertEq(engine.enabledTasks(id), u16(tA, tB));
        complete(bob, id, tB);
        assertStatus(id, COMPLETED);
        assertEq(engine.marking(id, 0), 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.InstanceNotActive.selector, id, COMPLETED));
        engine.completeTask(id, tA, noVars());
    }

    function testTerminateClearsOtherPoolsToo() public {
        // pool A: Start -> Stop (Clerk) -> Terminate ; pool B: Start -> Wait (Supplier) -> End
        newModel();
        uint8 a = pool("Org", true);
        uint8 b = pool("Supplier", true);
        uint16 clerk = lane(a, "Clerk");
        uint8 sa = process(a);
        uint8 sb = process(b);
        uint16 st = el(START, sa, clerk, "start");
        uint16 stop = el(TASK, sa, clerk, "Stop");
        uint16 term = el(TERMINATE, sa, clerk, "terminate");
        uint16 st2 = el(START, sb, 0, "start b");
        uint16 wait = el(TASK, sb, 0, "Wait");
        uint16 en = el(END, sb, 0, "end");
        flow(st, stop);
        flow(stop, term);
        flow(st2, wait);
        flow(wait, en);
        uint256 def = deploy("twopools");
        uint256 id = start(alice, def, bind(SUPPLIER, dave));
        assertEq(engine.enabledTasks(id), u16(stop, wait));
        complete(alice, id, stop);
        assertStatus(id, COMPLETED);
        assertEq(engine.marking(id, sb), 0);
    }

    // ================================================================ throw events, messages from throw/end

    function testIntermediateThrowSendsMessage() public {
        // pool A: Start -> ThrowMsg -> Task -> End ; pool B: Start -> catch -> Task2 -> End
        newModel();
        uint8 a = pool("Org", true);
        uint8 b = pool("Supplier", true);
        uint8 sa = process(a);
        uint8 sb = process(b);
        uint16 st = el(START, sa, 0, "start");
        uint16 thr = el(MSG_THROW, sa, 0, "notify");
        uint16 t1 = el(TASK, sa, 0, "T1");
        uint16 e1 = el(END, sa, 0, "e1");
        uint16 st2 = el(START, sb, 0, "start b");
        uint16 cat = el(MSG_CATCH, sb, 0, "notified");
        uint16 t2 = el(TASK, sb, 0, "T2");
        uint16 e2 = el(END, sb, 0, "e2");
        flow(st, thr);
        flow(thr, t1);
        flow(t1, e1);
        flow(st2, cat);
        flow(cat, t2);
        flow(t2, e2);
        message(thr, cat);
        uint256 def = deploy("throw");
        participants.grantParticipantRole(alice, ORG);
        uint256 id = start(alice, def, bind(SUPPLIER, dave));
        // the throw fired at start, the catch (later in element order) consumed its message
        assertEq(engine.enabledTasks(id), u16(t1, t2));
        assertEq(engine.messages(id), 0);
    }

    // ================================================================ views on unknown instances

    function testViewsOfUnknownInstance() public view {
        BpmRuntime.InstanceInfo memory info = engine.instance(5);
        assertEq(uint256(info.status), 0);
        assertEq(engine.enabledTasks(5).length, 0);
        assertFalse(engine.isEnabled(5, 0));
        assertEq(engine.marking(5, 0), 0);
        assertEq(engine.variable(5, 0), 0);
        assertEq(engine.messages(5), 0);
    }
}
