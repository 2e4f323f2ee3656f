// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {ProcessExecution} from "../src/ProcessExecution.sol";
import {InstanceStore} from "../src/InstanceStore.sol";

/// @notice Fuzz properties: random completions by random accounts never corrupt a marking, and
/// callers not bound to a task's role always get `MissingRole`.
contract EnginePropertiesTest is Models {
    uint256 internal seqDef;
    uint256 internal parDef;
    uint256 internal constant SEQ_PLACES = (1 << 3) - 1;
    uint256 internal constant PAR_PLACES = (1 << 7) - 1;

    function setUp() public override {
        super.setUp();
        buildSequence();
        seqDef = deploy("seq");
        buildParallel();
        parDef = deploy("par");
    }

    function _actor(uint256 seed) internal view returns (address) {
        address[5] memory cast = [alice, bob, carol, erin, mallory];
        return cast[seed % 5];
    }

    /// @notice A sequential model holds at most one token, only on its own places; reverted calls
    /// change nothing; a completed instance never changes again.
    function testFuzzRandomCompletionsOnSequence(uint256 seed) public {
        uint256 id = start(alice, seqDef, bind(MANAGER, bob));
        bool completed;
        for (uint256 step; step < 16; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint16 element = uint16(r % 6); // 4 elements + out of range
            address actor = _actor(r >> 8);
            uint256 before = engine.marking(id, 0);
            vm.prank(actor);
            try engine.completeTask(id, element, noVars()) {
                assertFalse(completed, "a completed instance accepted a completion");
                assertTrue(before & registry.preset(seqDef, element) != 0, "completed a task without token");
            } catch {
                assertEq(engine.marking(id, 0), before, "a reverted call changed the marking");
            }
            uint256 m = engine.marking(id, 0);
            assertLe(popcount(m), 1, "more than one token in a sequence");
            assertEq(m & ~SEQ_PLACES, 0, "token outside the model's places");
            if (completed) {
                assertEq(m, 0);
                assertStatus(id, BpmRuntime.InstanceStatus.Completed);
            }
            completed = statusOf(id) == BpmRuntime.InstanceStatus.Completed;
            if (completed) assertEq(m, 0, "completed with tokens left");
        }
    }

    /// @notice The parallel model never holds more than two tokens, never outside its places,
    /// and never completes before C was completed.
    function testFuzzRandomCompletionsOnParallel(uint256 seed) public {
        uint256 id = start(alice, parDef, bind(MANAGER, bob));
        uint256 completions;
        for (uint256 step; step < 16; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint16 element = uint16(r % 9);
            vm.prank(_actor(r >> 8));
            try engine.completeTask(id, element, noVars()) {
                ++completions;
            } catch {}
            uint256 m = engine.marking(id, 0);
            assertLe(popcount(m), 2, "more than two tokens");
            assertEq(m & ~PAR_PLACES, 0, "token outside the model's places");
            if (statusOf(id) == BpmRuntime.InstanceStatus.Completed) {
                assertEq(m, 0);
                assertEq(completions, 3, "completed without A, B and C");
            }
        }
    }

    /// @notice Whoever is not bound to a task's role gets MissingRole, enabled task or not.
    function testFuzzUnauthorisedCallersGetMissingRole(address caller, uint256 pick, uint256 progress) public {
        vm.assume(caller != alice && caller != bob);
        uint256 id = start(alice, parDef, bind(MANAGER, bob));
        if (progress % 3 == 1) complete(alice, id, pA);
        if (progress % 3 == 2) complete(bob, id, pB);
        uint16[3] memory tasks = [pA, pB, pC];
        uint16 task = tasks[pick % 3];
        bytes32 role = task == pB ? MANAGER : CLERK;
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, role, caller));
        engine.completeTask(id, task, noVars());
    }

    /// @notice Decision gateways (test/models/decision.bpmn): random decision lists — any
    /// gateway, any branch, zero to three of them — either revert and change nothing, or leave
    /// exactly one token, on a flow of the gateway the completion reached: the one decided, or the
    /// default flow when none was; a decision is never taken for a branch that does not exist.
    function testFuzzRandomDecisions(uint256 seed) public {
        loadModel("decision");
        uint16 review = elementOf("Review");
        uint16 approved = elementOf("approved");
        uint16 ship = elementOf("Ship");
        uint16 reject = elementOf("Reject");
        uint256 def = deploy("decision");
        uint256 id = start(alice, def, bind(MANAGER, bob));
        uint256 n = seed % 4;
        BpmRuntime.Decision[] memory ds = new BpmRuntime.Decision[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            // mostly the gateway that follows Review, sometimes another element
            uint16 gateway = r % 4 == 0 ? uint16((r >> 8) % 9) : approved;
            ds[i] = BpmRuntime.Decision({gateway: gateway, branch: uint8((r >> 16) % 4)});
        }
        uint256 before = engine.marking(id, 0);
        vm.prank(alice);
        try engine.completeTaskWithDecisions(id, review, noVars(), ds) {
            uint256 m = engine.marking(id, 0);
            assertEq(popcount(m), 1, "one token after a decision");
            uint16[] memory next = engine.enabledTasks(id);
            assertEq(next.length, 1);
            // which flow: the first decision (the only one used) or the default (ask again)
            uint16[3] memory byBranch = [ship, reject, review];
            assertEq(next[0], n == 0 ? review : byBranch[ds[0].branch], "took the decided flow");
            assertTrue(n <= 1 && (n == 0 || (ds[0].gateway == approved && ds[0].branch < 3)), "accepted a bad decision list");
        } catch {
            assertEq(engine.marking(id, 0), before, "a refused decision changed the marking");
            assertTrue(n > 1 || (n == 1 && (ds[0].gateway != approved || ds[0].branch >= 3)), "refused a good decision");
        }
    }

    /// @notice Bound accounts of the wrong role are refused too.
    function testFuzzWrongRoleGetsMissingRole(uint256 pick) public {
        uint256 id = start(alice, seqDef, bind(MANAGER, bob));
        bool review = pick % 2 == 0;
        address caller = review ? bob : alice;
        uint16 task = review ? seqReview : seqApprove;
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, review ? CLERK : MANAGER, caller)
        );
        engine.completeTask(id, task, noVars());
    }
}

/// @notice Drives random starts and completions for the invariant test.
contract EngineHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    ProcessExecution public immutable engine;
    uint256 public immutable seqDef;
    uint256 public immutable parDef;
    address[5] internal cast;
    address internal immutable starter;
    bytes32 internal immutable manager;

    uint256[] public instances;
    mapping(uint256 => bool) public isParallel;
    mapping(uint256 => bool) public seenCompleted;
    uint256 public completedChanged; // ghost: completions accepted by an already completed instance
    uint256 public revertsWithEffects; // ghost: reverted calls after which the marking differs
    uint256 public unauthorisedSuccesses; // ghost: completions by an account not bound to the role
    uint256 public successes;
    uint16[3] internal parTasks;
    uint16[2] internal seqTasks;

    constructor(
        ProcessExecution e,
        uint256 seq,
        uint256 par,
        address[5] memory accounts,
        bytes32 managerRole,
        uint16[2] memory seqTaskIndexes,
        uint16[3] memory parTaskIndexes
    ) {
        seqTasks = seqTaskIndexes;
        parTasks = parTaskIndexes;
        engine = e;
        seqDef = seq;
        parDef = par;
        cast = accounts;
        starter = accounts[0];
        manager = managerRole;
    }

    function instanceCount() external view returns (uint256) {
        return instances.length;
    }

    function startOne(bool parallel) external {
        if (instances.length >= 6) return; // keep most calls for completions
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](1);
        b[0] = BpmRuntime.RoleBinding({role: manager, account: cast[1]});
        vm.prank(starter);
        uint256 id = engine.startInstance(parallel ? parDef : seqDef, b, new BpmRuntime.VariableAssignment[](0));
        instances.push(id);
        isParallel[id] = parallel;
    }

    function _isManagerTask(uint256 id, uint16 element) internal view returns (bool) {
        return isParallel[id] ? element == parTasks[1] : element == seqTasks[1];
    }

    function completeOne(uint256 instanceSeed, uint16 element, uint256 actorSeed) external {
        if (instances.length == 0) return;
        uint256 id = instances[instanceSeed % instances.length];
        // half of the calls: an enabled task by its bound account; else mostly the model's tasks,
        // sometimes anything, by mostly the bound accounts, sometimes others
        uint16[] memory enabled = engine.enabledTasks(id);
        if (actorSeed % 2 == 0 && enabled.length != 0) {
            element = enabled[element % enabled.length];
            actorSeed = _isManagerTask(id, element) ? 1 : 0;
        } else if (element % 4 == 0) {
            element = uint16(element % 10);
        } else if (isParallel[id]) {
            element = parTasks[element % 3];
        } else {
            element = seqTasks[element % 2];
        }
        address actor = actorSeed % 3 == 0 ? cast[actorSeed % 5] : cast[actorSeed % 2];
        uint256 markingBefore = engine.marking(id, 0);
        vm.prank(actor);
        try engine.completeTask(id, element, new BpmRuntime.VariableAssignment[](0)) {
            // only alice (Clerk) and bob (Manager) are bound in these instances
            if (actor != cast[0] && actor != cast[1]) ++unauthorisedSuccesses;
            if (seenCompleted[id]) ++completedChanged;
            ++successes;
        } catch {
            if (engine.marking(id, 0) != markingBefore) ++revertsWithEffects;
        }
        if (engine.instance(id).status == BpmRuntime.InstanceStatus.Completed) seenCompleted[id] = true;
    }
}

/// @notice Invariants over many random starts and completions.
contract EngineInvariantTest is Models {
    EngineHandler internal handler;
    uint256 internal constant SEQ_PLACES = (1 << 3) - 1;
    uint256 internal constant PAR_PLACES = (1 << 7) - 1;

    function setUp() public override {
        super.setUp();
        buildSequence();
        uint256 seq = deploy("seq");
        buildParallel();
        uint256 par = deploy("par");
        handler = new EngineHandler(
            engine, seq, par, [alice, bob, carol, erin, mallory], MANAGER, [seqReview, seqApprove], [pA, pB, pC]
        );
        targetContract(address(handler));
    }

    function invariant_markingsStayInsideTheModel() public view {
        uint256 n = handler.instanceCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.instances(i);
            uint256 m = engine.marking(id, 0);
            if (handler.isParallel(id)) {
                assertEq(m & ~PAR_PLACES, 0, "token outside the parallel model");
                assertLe(popcount(m), 2, "more than two tokens");
            } else {
                assertEq(m & ~SEQ_PLACES, 0, "token outside the sequence model");
                assertLe(popcount(m), 1, "more than one token in a sequence");
            }
            assertEq(engine.marking(id, 1), 0, "token in a scope the model does not have");
            BpmRuntime.InstanceStatus s = engine.instance(id).status;
            if (s == BpmRuntime.InstanceStatus.Completed) assertEq(m, 0, "completed with tokens");
            else assertEq(uint256(s), uint256(BpmRuntime.InstanceStatus.Active));
        }
    }

    function invariant_completedInstancesNeverChange() public view {
        assertEq(handler.completedChanged(), 0);
        assertEq(handler.revertsWithEffects(), 0);
    }

    function invariant_onlyBoundAccountsComplete() public view {
        assertEq(handler.unauthorisedSuccesses(), 0);
    }
}
