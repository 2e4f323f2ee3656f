// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {InstanceStore} from "../src/InstanceStore.sol";

/// @notice Decision gateways (docs/bpm-engine.md, "Decisions at exclusive gateways"): the
/// completer of the task before an exclusive gateway without conditions chooses its flow.
/// Model test/models/decision.bpmn: Review (Clerk) -> approved? [yes -> Ship, no -> Reject,
/// default "ask again" -> Review]; Ship (Manager) -> delivered? [done -> end, retry -> Ship].
contract DecisionsTest is Models {
    uint16 internal review;
    uint16 internal approved;
    uint16 internal ship;
    uint16 internal reject;
    uint16 internal delivered;
    uint256 internal def;

    // branches of `approved?` and `delivered?`, in model order
    uint8 internal constant YES = 0;
    uint8 internal constant NO = 1;
    uint8 internal constant LATER = 2;
    uint8 internal constant DONE = 0;
    uint8 internal constant RETRY = 1;

    function setUp() public override {
        super.setUp();
        loadModel("decision");
        review = elementOf("Review");
        approved = elementOf("approved");
        ship = elementOf("Ship");
        reject = elementOf("Reject");
        delivered = elementOf("delivered");
        def = deploy("decision");
    }

    function decide(uint16 gateway, uint8 branch) internal pure returns (BpmRuntime.Decision[] memory d) {
        d = new BpmRuntime.Decision[](1);
        d[0] = BpmRuntime.Decision({gateway: gateway, branch: branch});
    }

    function completeDeciding(address actor, uint256 id, uint16 task, BpmRuntime.Decision[] memory d) internal {
        vm.prank(actor);
        engine.completeTaskWithDecisions(id, task, noVars(), d);
    }

    function testTheCompleterChoosesTheFlowAndTheTrailSaysSo() public {
        uint256 id = start(alice, def, bind(MANAGER, bob));
        vm.recordLogs();
        completeDeciding(alice, id, review, decide(approved, YES));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(engine.enabledTasks(id), u16(ship));
        // ElementFired(Review) ElementFired(approved?): actor alice, produced the place of `yes`
        assertEq(logs.length, 2);
        assertEq(logs[1].topics[2], bytes32(uint256(approved)));
        assertEq(logs[1].topics[3], bytes32(uint256(uint160(alice))));
        (BpmCore.ElementKind kind, uint256 consumed, uint256 produced) =
            abi.decode(logs[1].data, (BpmCore.ElementKind, uint256, uint256));
        assertEq(uint256(kind), uint256(BpmCore.ElementKind.ExclusiveGateway));
        assertEq(consumed, registry.preset(def, approved));
        assertEq(produced, registry.preset(def, ship) & registry.postset(def, approved));

        // the second gateway has no default: Bob must decide it
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DecisionRequired.selector, id, delivered));
        engine.completeTask(id, ship, noVars());
        completeDeciding(bob, id, ship, decide(delivered, RETRY)); // lost: ship again
        assertEq(engine.enabledTasks(id), u16(ship));
        completeDeciding(bob, id, ship, decide(delivered, DONE));
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
    }

    function testWithoutADecisionTheDefaultFlowIsTakenAndNoChoiceIsRemembered() public {
        uint256 id = start(alice, def, bind(MANAGER, bob));
        complete(alice, id, review); // default: ask again
        assertEq(engine.enabledTasks(id), u16(review));
        completeDeciding(alice, id, review, decide(approved, NO));
        assertEq(engine.enabledTasks(id), u16(reject));
        // a second instance: the first one's choice is not remembered
        uint256 other = start(alice, def, bind(MANAGER, bob));
        complete(alice, other, review);
        assertEq(engine.enabledTasks(other), u16(review));
        // the default flow may be chosen explicitly too
        completeDeciding(alice, other, review, decide(approved, LATER));
        assertEq(engine.enabledTasks(other), u16(review));
    }

    function testRefusedDecisionsChangeNothing() public {
        uint256 id = start(alice, def, bind(MANAGER, bob));
        // a branch the gateway does not have
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.InvalidDecision.selector, id, approved, uint8(3)));
        engine.completeTaskWithDecisions(id, review, noVars(), decide(approved, 3));
        // a gateway the advance does not reach (the next one, after Ship)
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DecisionNotUsed.selector, id, delivered));
        engine.completeTaskWithDecisions(id, review, noVars(), decide(delivered, DONE));
        // two decisions for one firing: the second is not used
        BpmRuntime.Decision[] memory twice = new BpmRuntime.Decision[](2);
        twice[0] = BpmRuntime.Decision({gateway: approved, branch: YES});
        twice[1] = BpmRuntime.Decision({gateway: approved, branch: NO});
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DecisionNotUsed.selector, id, approved));
        engine.completeTaskWithDecisions(id, review, noVars(), twice);
        assertEq(engine.enabledTasks(id), u16(review));
        assertEq(engine.marking(id, 0), registry.preset(def, review) & registry.postset(def, elementOf("start")));
        // only the task's role holder decides: Bob is not the Clerk
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CLERK, bob));
        engine.completeTaskWithDecisions(id, review, noVars(), decide(approved, YES));
    }

    /// A standard loop without loopCondition (test/models/loop.bpmn): the completer of Draft
    /// decides to draft again (branch 1 of `Draft:loop`, the flow back); by default the loop ends.
    function testALoopActivityRepeatsWhileItsCompleterDecidesSo() public {
        loadModel("loop");
        uint16 draft = elementOf("Draft");
        uint16 loopGateway = elementOf("Draft:loop");
        uint256 id = start(alice, deploy("loop"), noBindings());
        for (uint256 i; i < 3; ++i) {
            completeDeciding(alice, id, draft, decide(loopGateway, 1)); // again
            assertEq(engine.enabledTasks(id), u16(draft));
        }
        complete(alice, id, draft); // no decision: the default flow leaves the loop
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
    }

    /// A gateway with conditions is not decided by a participant: a decision for it is not used.
    function testAConditionalGatewayTakesNoDecision() public {
        buildExclusive(true);
        uint256 x = deploy("xor");
        uint256 id = start(alice, x, bind(MANAGER, bob));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DecisionNotUsed.selector, id, xGateway));
        engine.completeTaskWithDecisions(id, xEnter, setVar(xVipVar, 1), decide(xGateway, 2));
    }
}
