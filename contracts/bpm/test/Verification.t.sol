// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {BpmLimits} from "../src/generated/BpmCore.sol";
import {InstanceStore} from "../src/InstanceStore.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {RewardUnits} from "../src/RewardUnits.sol";

/// @notice Task verification (AlstraNet specification 5.22; docs/bpm-engine.md, "Task
/// verification") on `test/models/verification.bpmn`: a clerk records an invoice with evidence,
/// a controller verifies it; above 10000 a manager's approval, itself verified, decides yes/no.
/// Unit tests of each rule, the publish-time checks, and a fuzzed property: a verified task's
/// token never moves but by an approval of an account other than the performer.
contract VerificationTest is Models {
    bytes32 internal constant CONTROLLER = keccak256("Controller");
    address internal victor = address(0x71C7); // Controller
    address internal quinn = address(0x9019); // Clerk and Controller

    uint16 internal record;
    uint16 internal approve;
    uint16 internal decision;
    uint16 internal pay;
    uint8 internal amount;
    uint256 internal def;

    /// The evidence hash submitted (a literal: `sha256` here would be a precompile call that
    /// `vm.prank`/`vm.expectRevert` take for the next call).
    bytes32 internal constant SCAN = keccak256("invoice-4711.pdf");

    function setUp() public override {
        super.setUp();
        participants.registerParticipant(victor, "Victor", roles1(CONTROLLER));
        participants.registerParticipant(quinn, "Quinn", roles2(CLERK, CONTROLLER));
        loadModel("verification");
        record = elementOf("RecordInvoice");
        approve = elementOf("ApprovePayment");
        decision = elementOf("Approved");
        pay = elementOf("PayInvoice");
        amount = variableOf("amount");
        def = deploy("invoice");
    }

    /// alice starts (Clerk); erin and quinn also Clerks, bob Manager, victor and quinn Controllers.
    function _start() internal returns (uint256 id) {
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](5);
        b[0] = BpmRuntime.RoleBinding({role: CLERK, account: erin});
        b[1] = BpmRuntime.RoleBinding({role: MANAGER, account: bob});
        b[2] = BpmRuntime.RoleBinding({role: CONTROLLER, account: victor});
        b[3] = BpmRuntime.RoleBinding({role: CONTROLLER, account: quinn});
        b[4] = BpmRuntime.RoleBinding({role: CLERK, account: quinn});
        vm.prank(alice);
        id = engine.startInstance(def, b, noVars());
    }

    function _submit(address who, uint256 id, uint16 task, int256 value, bytes32 evidence) internal {
        vm.prank(who);
        engine.submitTask(id, task, setVar(amount, value), noDecisions(), evidence);
    }

    function noDecisions() internal pure returns (BpmRuntime.Decision[] memory d) {}

    function testTheRuntimeImageCarriesTheVerifications() public view {
        BpmnModel.TaskVerification[] memory vs = registry.taskVerifications(def);
        assertEq(vs.length, 2);
        assertEq(vs[0].element, record);
        assertEq(vs[0].verifierName, "Controller");
        assertEq(vs[0].verifierRole, CONTROLLER);
        assertTrue(vs[0].evidenceRequired);
        assertEq(vs[0].reward, 5);
        assertEq(vs[1].element, approve);
        assertFalse(vs[1].evidenceRequired);
        assertEq(vs[1].reward, 3);
    }

    function testASubmissionCompletesOnlyWhenAVerifierApprovesIt() public {
        uint256 id = _start();
        uint256 before = engine.marking(id, 0);
        // completeTask is refused: the task needs verification
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.VerificationRequired.selector, id, record, CONTROLLER));
        engine.completeTask(id, record, setVar(amount, 500));
        // evidence is required by the model
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.EvidenceRequired.selector, id, record));
        engine.submitTask(id, record, setVar(amount, 500), noDecisions(), bytes32(0));
        // a submission is logged and moves nothing
        vm.expectEmit(address(engine));
        emit InstanceStore.TaskSubmitted(id, record, alice, SCAN);
        _submit(alice, id, record, 500, SCAN);
        assertEq(engine.marking(id, 0), before);
        assertEq(engine.variable(id, amount), 0);
        BpmRuntime.Submission memory s = engine.submission(id, record);
        assertEq(s.performer, alice);
        assertEq(s.evidence, SCAN);
        assertEq(s.outputs.length, 1);
        assertEq(s.outputs[0].value, 500);
        // one submission at a time
        vm.prank(erin);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.SubmissionPending.selector, id, record, alice));
        engine.submitTask(id, record, noVars(), noDecisions(), SCAN);
        // only the verifier role approves
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CONTROLLER, bob));
        engine.approveTask(id, record);
        // rejected: dropped with its reason, the token waits at the task
        vm.expectEmit(address(engine));
        emit InstanceStore.TaskRejected(id, record, victor, alice, "amount differs from the scan");
        vm.prank(victor);
        engine.rejectTask(id, record, "amount differs from the scan");
        assertEq(engine.submission(id, record).performer, address(0));
        assertEq(engine.marking(id, 0), before);
        assertTrue(engine.isEnabled(id, record));
        vm.prank(victor);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.NoSubmission.selector, id, record));
        engine.approveTask(id, record);
        // resubmitted by the other clerk and approved: the completion is the performer's
        _submit(erin, id, record, 800, SCAN);
        vm.expectEmit(address(engine));
        emit InstanceStore.TaskApproved(id, record, victor, erin, 5);
        vm.expectEmit(address(engine));
        emit InstanceStore.VariableSet(id, amount, 800, erin);
        vm.expectEmit(address(rewards));
        emit RewardUnits.Rewarded(erin, id, record, 5);
        vm.prank(victor);
        engine.approveTask(id, record);
        assertEq(engine.variable(id, amount), 800);
        assertEq(rewards.balanceOf(erin), 5, "the performer earned the task's reward");
        assertEq(rewards.balanceOf(alice), 0, "the rejected submission earned nothing");
        assertEq(rewards.balanceOf(victor), 0, "the verifier earns nothing");
        assertEq(engine.submission(id, record).performer, address(0));
        uint16[] memory open = engine.enabledTasks(id);
        assertEq(open.length, 1);
        assertEq(open[0], pay, "800 <= 10000: straight to payment");
        // a task without verification is not submitted
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.TaskNotVerified.selector, id, pay));
        engine.submitTask(id, pay, noVars(), noDecisions(), SCAN);
        complete(alice, id, pay);
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
    }

    function testThePerformerNeverVerifiesItsOwnWork() public {
        uint256 id = _start();
        _submit(quinn, id, record, 500, SCAN); // quinn is bound to both roles
        assertEq(engine.submission(id, record).performer, quinn);
        vm.prank(quinn);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.VerifierIsPerformer.selector, id, record, quinn));
        engine.approveTask(id, record);
        vm.prank(quinn);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.VerifierIsPerformer.selector, id, record, quinn));
        engine.rejectTask(id, record, "mine");
        vm.prank(victor);
        engine.approveTask(id, record);
        assertFalse(engine.isEnabled(id, record));
    }

    function testADecisionIsSubmittedWithTheWorkAndTakenAtApproval() public {
        uint256 id = _start();
        _submit(alice, id, record, 25_000, SCAN);
        vm.prank(victor);
        engine.approveTask(id, record);
        assertTrue(engine.isEnabled(id, approve), "above 10000: the manager approves");
        // a submission without the decision fails at approval, changes nothing, is rejected
        vm.prank(bob);
        engine.submitTask(id, approve, noVars(), noDecisions(), bytes32(0));
        vm.prank(victor);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.DecisionRequired.selector, id, decision));
        engine.approveTask(id, approve);
        assertEq(engine.submission(id, approve).performer, bob);
        vm.prank(victor);
        engine.rejectTask(id, approve, "decide yes or no");
        // "no" (branch 1: the flows Yes, No in model order) ends the process
        BpmRuntime.Decision[] memory no = new BpmRuntime.Decision[](1);
        no[0] = BpmRuntime.Decision({gateway: decision, branch: 1});
        vm.prank(bob);
        engine.submitTask(id, approve, noVars(), no, bytes32(0));
        vm.prank(quinn);
        engine.approveTask(id, approve);
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
        assertEq(rewards.balanceOf(alice), 5);
        assertEq(rewards.balanceOf(bob), 3, "one approval rewarded, not the rejected submission");
        assertEq(rewards.totalSupply(), 8);
    }

    function testOutputsAreCheckedAtSubmission() public {
        uint256 id = _start();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.UnknownVariable.selector, id, uint8(7)));
        engine.submitTask(id, record, setVar(7, 1), noDecisions(), SCAN);
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CLERK, mallory));
        engine.submitTask(id, record, noVars(), noDecisions(), SCAN);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.TaskNotEnabled.selector, id, pay));
        engine.completeTask(id, pay, noVars());
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.TaskNotEnabled.selector, id, approve));
        engine.submitTask(id, approve, noVars(), noDecisions(), bytes32(0));
    }

    /// Publish-time checks of the records (a compiler would not emit them; a hand-made draft may).
    function testPublishRefusesVerificationsThatBreakTheRules() public {
        _expectRefused(_one(decision, CONTROLLER), 0, BpmRuntime.Violation.VerifiedElementNotAPersonTask);
        _expectRefused(_one(record, CLERK), 0, BpmRuntime.Violation.VerifierIsTheTaskRole);
        _expectRefused(_one(record, bytes32(0)), 0, BpmRuntime.Violation.VerifierIsTheTaskRole);
        _expectRefused(_one(uint16(bElements.length), CONTROLLER), 0, BpmRuntime.Violation.ElementOutOfRange);
        BpmnModel.TaskVerification[] memory two = new BpmnModel.TaskVerification[](2);
        two[0] = _one(record, CONTROLLER)[0];
        two[1] = _one(record, MANAGER)[0];
        _expectRefused(two, 1, BpmRuntime.Violation.SecondVerification);
        BpmnModel.TaskVerification[] memory rich = _one(record, CONTROLLER);
        rich[0].reward = uint64(BpmLimits.MAX_REWARD_UNITS) + 1;
        _expectRefused(rich, 0, BpmRuntime.Violation.RewardTooLarge);
        // only the draft's owner adds them
        uint256 id = registry.createDefinition(keccak256("x"), "x");
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.NotDefinitionOwner.selector, id, mallory));
        registry.addTaskVerifications(id, _one(record, CONTROLLER));
    }

    function _one(uint16 element, bytes32 role) internal pure returns (BpmnModel.TaskVerification[] memory v) {
        v = new BpmnModel.TaskVerification[](1);
        v[0] = BpmnModel.TaskVerification({
            element: element, verifierName: "r", verifierRole: role, evidenceRequired: false, reward: 0
        });
    }

    function _expectRefused(BpmnModel.TaskVerification[] memory vs, uint256 index, BpmRuntime.Violation why) internal {
        delete bVerifications;
        for (uint256 i; i < vs.length; ++i) bVerifications.push(vs[i]);
        uint256 id = upload("refused");
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.InvalidRecord.selector, BpmRuntime.RecordType.TaskVerification, index, why
            )
        );
        registry.publish(id);
    }

    /// Fuzzed sequences of submit / approve / reject / complete by any of the accounts: the
    /// recorded invoice's token leaves the task only in an approval, by a Controller who is not
    /// the submission's performer, with the submitted amount.
    function testFuzzOnlyAnApprovalByAnotherAccountCompletesTheTask(uint256 seed) public {
        uint256 id = _start();
        address[6] memory who = [alice, erin, bob, victor, quinn, mallory];
        for (uint256 k; k < 12; ++k) {
            uint256 r = uint256(keccak256(abi.encode(seed, k)));
            address sender = who[r % 6];
            uint256 action = (r >> 8) % 4;
            address performer = engine.submission(id, record).performer;
            int256 submitted = performer == address(0) ? int256(0) : engine.submission(id, record).outputs[0].value;
            vm.prank(sender);
            bool ok;
            if (action == 0) {
                (ok,) = address(engine).call(
                    abi.encodeCall(engine.submitTask, (id, record, setVar(amount, int256(r >> 16) % 9000), noDecisions(), SCAN))
                );
            } else if (action == 1) {
                (ok,) = address(engine).call(abi.encodeCall(engine.approveTask, (id, record)));
            } else if (action == 2) {
                (ok,) = address(engine).call(abi.encodeCall(engine.rejectTask, (id, record, "fuzz")));
            } else {
                (ok,) = address(engine).call(abi.encodeCall(engine.completeTask, (id, record, setVar(amount, 1))));
            }
            if (!engine.isEnabled(id, record)) {
                assertTrue(ok && action == 1, "the token left the task in an approval only");
                assertTrue(sender == victor || sender == quinn, "by a Controller");
                assertTrue(sender != performer, "who is not the performer");
                assertTrue(engine.variable(id, amount) == submitted, "with the submitted amount");
                return;
            }
            assertFalse(ok && action == 3, "completeTask never succeeds on a verified task");
        }
    }
}
