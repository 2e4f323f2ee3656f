// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {ProcessExecution} from "../src/ProcessExecution.sol";
import {ProcessDefinitionRegistry} from "../src/ProcessDefinitionRegistry.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IRollup} from "../src/IRollup.sol";
import {RewardUnits} from "../src/RewardUnits.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @notice Rewards (AlstraNet specification 5.13 Token, 5.15 Reward; docs/bpm-engine.md,
/// "Rewards") on `test/models/verification.bpmn`, whose Record invoice task rewards 5 units and
/// Approve payment 3: units are minted by the engine only at an approval, to the performer, and
/// never move.
contract RewardsTest is Models {
    bytes32 internal constant CONTROLLER = keccak256("Controller");
    address internal victor = address(0x71C7); // Controller
    bytes32 internal constant SCAN = keccak256("invoice-4711.pdf");
    uint256 internal def;
    uint16 internal record;
    uint8 internal amount;

    function setUp() public override {
        super.setUp();
        participants.registerParticipant(victor, "Victor", roles1(CONTROLLER));
        loadModel("verification");
        record = elementOf("RecordInvoice");
        amount = variableOf("amount");
        def = deploy("invoice");
    }

    function testUnitsAreAWholeNumberERC20() public view {
        assertEq(rewards.decimals(), 0);
        assertEq(rewards.symbol(), "ARU");
        assertEq(rewards.engine(), address(engine));
        assertEq(registry.rewardUnits(), address(rewards));
    }

    function testOnlyTheEngineMints() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardUnits.NotTheEngine.selector, alice));
        rewards.mint(alice, 100, 1, record);
        vm.expectRevert(abi.encodeWithSelector(RewardUnits.NotTheEngine.selector, address(this)));
        rewards.mint(address(this), 1, 1, record);
        assertEq(rewards.totalSupply(), 0);
        vm.expectRevert(RewardUnits.NoEngine.selector);
        new RewardUnits(address(0));
    }

    function testEarnedUnitsNeverMove() public {
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](1);
        b[0] = BpmRuntime.RoleBinding({role: CONTROLLER, account: victor});
        vm.prank(alice);
        uint256 id = engine.startInstance(def, b, noVars());
        vm.prank(alice);
        engine.submitTask(id, record, setVar(amount, 500), new BpmRuntime.Decision[](0), SCAN);
        vm.prank(victor);
        engine.approveTask(id, record);
        assertEq(rewards.balanceOf(alice), 5);
        // no transfer, not even to a registered participant; no allowance; no burn path
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardUnits.UnitsAreNotTransferable.selector, alice, erin));
        rewards.transfer(erin, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(RewardUnits.UnitsAreNotTransferable.selector, address(0), erin));
        rewards.approve(erin, 1);
        vm.prank(erin);
        vm.expectRevert(); // no allowance was ever granted
        rewards.transferFrom(alice, erin, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        rewards.transfer(address(0), 1);
        assertEq(rewards.balanceOf(alice), 5);
        assertEq(rewards.balanceOf(erin), 0);
    }

    function testARewardIsPublishedOnlyOnceRewardUnitsAreSet() public {
        ProcessDefinitionRegistry fresh = new ProcessDefinitionRegistry(address(this), IRollup(address(0)));
        assertEq(fresh.rewardUnits(), address(0));
        ProcessDefinitionRegistry saved = registry;
        registry = fresh;
        uint256 id = upload("no-units");
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.InvalidRecord.selector,
                BpmRuntime.RecordType.TaskVerification,
                0,
                BpmRuntime.Violation.RewardUnitsNotSet
            )
        );
        fresh.publish(id);
        // governance only (DEFAULT_ADMIN_ROLE), never the zero address
        bytes32 admin = fresh.DEFAULT_ADMIN_ROLE();
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, mallory, admin));
        fresh.setRewardUnits(address(rewards));
        vm.expectRevert(IProcessDefinitionRegistry.NoRewardUnits.selector);
        fresh.setRewardUnits(address(0));
        vm.expectEmit(address(fresh));
        emit ProcessDefinitionRegistry.RewardUnitsSet(address(rewards), address(this));
        fresh.setRewardUnits(address(rewards));
        fresh.publish(id);
        assertEq(uint256(fresh.definition(id).status), uint256(BpmRuntime.DefinitionStatus.Published));
        registry = saved;
    }
}

/// @notice Drives random submissions, approvals, rejections, completions, mints and transfers
/// on instances of the verification model, and counts what the rules allow.
contract RewardHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    ProcessExecution public immutable engine;
    RewardUnits public immutable rewards;
    uint256 internal immutable def;
    uint16 internal immutable record;
    uint16 internal immutable approval;
    uint16 internal immutable decision;
    uint8 internal immutable amount;
    bytes32 internal immutable controller;
    bytes32 internal immutable manager;
    address[6] public cast; // alice, erin (Clerks), bob (Manager), victor, quinn (Controllers), mallory

    uint256[] public instances;
    mapping(address => uint256) public earned; // ghost: units of the approvals this handler saw succeed
    uint256 public earnedTotal;
    uint256 public movedUnits; // ghost: transfers that succeeded
    uint256 public foreignMints; // ghost: mints not by the engine that succeeded

    constructor(
        ProcessExecution e,
        RewardUnits r,
        uint256 definition,
        uint16[3] memory elements, // record, approval, decision
        uint8 amountVariable,
        address[6] memory accounts,
        bytes32[2] memory roles // controller, manager
    ) {
        engine = e;
        rewards = r;
        def = definition;
        (record, approval, decision) = (elements[0], elements[1], elements[2]);
        amount = amountVariable;
        cast = accounts;
        (controller, manager) = (roles[0], roles[1]);
    }

    function instanceCount() external view returns (uint256) {
        return instances.length;
    }

    function start() external {
        if (instances.length >= 4) return;
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](5);
        b[0] = BpmRuntime.RoleBinding({role: keccak256("Clerk"), account: cast[1]});
        b[1] = BpmRuntime.RoleBinding({role: manager, account: cast[2]});
        b[2] = BpmRuntime.RoleBinding({role: controller, account: cast[3]});
        b[3] = BpmRuntime.RoleBinding({role: controller, account: cast[4]});
        b[4] = BpmRuntime.RoleBinding({role: keccak256("Clerk"), account: cast[4]});
        vm.prank(cast[0]);
        instances.push(engine.startInstance(def, b, new BpmRuntime.VariableAssignment[](0)));
    }

    function _pick(uint256 seed) internal view returns (uint256 id, uint16 task, address who) {
        id = instances[seed % instances.length];
        task = (seed >> 8) % 2 == 0 ? record : approval;
        who = cast[(seed >> 16) % 6];
    }

    function submit(uint256 seed, bool big, bool decide) external {
        if (instances.length == 0) return;
        (uint256 id, uint16 task, address who) = _pick(seed);
        BpmRuntime.VariableAssignment[] memory outputs = new BpmRuntime.VariableAssignment[](1);
        outputs[0] = BpmRuntime.VariableAssignment({index: amount, value: big ? int256(25_000) : int256(500)});
        BpmRuntime.Decision[] memory decisions = new BpmRuntime.Decision[](decide ? 1 : 0);
        if (decide) decisions[0] = BpmRuntime.Decision({gateway: decision, branch: uint8(seed % 2)});
        vm.prank(who);
        try engine.submitTask(id, task, task == record ? outputs : new BpmRuntime.VariableAssignment[](0), decisions, keccak256(abi.encode(seed))) {} catch {}
    }

    function approve(uint256 seed) external {
        if (instances.length == 0) return;
        (uint256 id, uint16 task, address who) = _pick(seed);
        address performer = engine.submission(id, task).performer;
        vm.prank(who);
        try engine.approveTask(id, task) {
            uint256 units = task == record ? 5 : 3;
            earned[performer] += units;
            earnedTotal += units;
        } catch {}
    }

    function reject(uint256 seed) external {
        if (instances.length == 0) return;
        (uint256 id, uint16 task, address who) = _pick(seed);
        vm.prank(who);
        try engine.rejectTask(id, task, "invariant") {} catch {}
    }

    function complete(uint256 seed) external {
        if (instances.length == 0) return;
        (uint256 id, uint16 task, address who) = _pick(seed);
        vm.prank(who);
        try engine.completeTask(id, task, new BpmRuntime.VariableAssignment[](0)) {} catch {}
    }

    function mint(uint256 seed, uint64 units) external {
        vm.prank(cast[seed % 6]);
        try rewards.mint(cast[(seed >> 8) % 6], units, 1, record) {
            ++foreignMints;
        } catch {}
    }

    function transfer(uint256 seed, uint256 value) external {
        address from = cast[seed % 6];
        value = value % (rewards.balanceOf(from) + 1);
        vm.prank(from);
        try rewards.transfer(cast[(seed >> 8) % 6], value) {
            ++movedUnits;
        } catch {}
    }
}

/// @notice Invariants: rewards are never minted for unverified or rejected work, only the
/// engine mints, and no unit ever moves.
contract RewardInvariantTest is Models {
    RewardHandler internal handler;

    function setUp() public override {
        super.setUp();
        bytes32 controller = keccak256("Controller");
        address victor = address(0x71C7);
        address quinn = address(0x9019);
        participants.registerParticipant(victor, "Victor", roles1(controller));
        participants.registerParticipant(quinn, "Quinn", roles2(CLERK, controller));
        loadModel("verification");
        uint16[3] memory elements = [elementOf("RecordInvoice"), elementOf("ApprovePayment"), elementOf("Approved")];
        uint8 amount = variableOf("amount");
        uint256 def = deploy("invoice");
        handler = new RewardHandler(
            engine, rewards, def, elements, amount, [alice, erin, bob, victor, quinn, mallory], [controller, MANAGER]
        );
        targetContract(address(handler));
    }

    /// Every balance is exactly the units of the approvals its account performed.
    function invariant_balancesAreTheApprovedWork() public view {
        uint256 sum;
        for (uint256 i; i < 6; ++i) {
            address a = handler.cast(i);
            assertEq(rewards.balanceOf(a), handler.earned(a), "balance != units of approved work");
            sum += rewards.balanceOf(a);
        }
        assertEq(rewards.totalSupply(), handler.earnedTotal(), "units minted outside an approval");
        assertEq(sum, rewards.totalSupply(), "units held by an account that performed nothing");
    }

    function invariant_nothingMovesAndOnlyTheEngineMints() public view {
        assertEq(handler.movedUnits(), 0);
        assertEq(handler.foreignMints(), 0);
    }
}
