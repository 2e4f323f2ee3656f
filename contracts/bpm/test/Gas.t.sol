// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";

/// @notice Hot-path gas budgets, cold storage as in a real transaction (execution gas of the call:
/// the 21,000 base and the calldata are not in these numbers). Measured: start ~181k with one role
/// binding (the engine's first instance, so its counter slot is new), task -> task ~29k, through an
/// AND join ~42k, through a conditional XOR with a variable write ~77k, to the end event ~50k, a
/// 4-element model deploy ~1.9M (docs/bpm-engine.md, "Gas"). They guard against regressions twice:
/// each measure is below its budget, and equal to the value committed in
/// `snapshots/bpm-engine-gas.json` (CI runs forge with `FORGE_SNAPSHOT_CHECK=true`, so any change
/// of the engine's gas, up or down, fails until the snapshot is re-recorded: run
/// `../tools/forge test --match-contract GasTest` and commit the file). `../tools/forge test
/// --gas-report` gives the full per-function picture.
contract GasTest is Models {
    uint256 internal constant SEQUENCE_STEP_BUDGET = 35_000;
    uint256 internal constant START_BUDGET = 200_000;
    uint256 internal constant JOIN_STEP_BUDGET = 50_000;
    uint256 internal constant XOR_STEP_BUDGET = 90_000;
    uint256 internal constant END_STEP_BUDGET = 60_000;
    uint256 internal constant DEPLOY_BUDGET = 2_200_000;
    /// The snapshot file: `snapshots/bpm-engine-gas.json`.
    string internal constant GROUP = "bpm-engine-gas";

    /// @dev Makes the contracts and the runtime images of the first definitions cold, as they are
    /// at the start of a real transaction (a test runs in one transaction, where everything it
    /// deployed is warm).
    function _cool() internal {
        vm.cool(address(engine));
        vm.cool(address(registry));
        vm.cool(address(participants));
        for (uint256 d = 1; d <= registry.definitionCount(); ++d) {
            address image = registry.runtimeImage(d);
            if (image != address(0)) vm.cool(image);
        }
    }

    function _measureComplete(address actor, uint256 id, uint16 element) internal returns (uint256 used) {
        _cool();
        vm.prank(actor);
        uint256 g = gasleft();
        engine.completeTask(id, element, noVars());
        used = g - gasleft();
    }

    function testGasStartInstance() public {
        buildSequence();
        uint256 def = deploy("seq");
        _cool();
        vm.prank(alice);
        uint256 g = gasleft();
        engine.startInstance(def, bind(MANAGER, bob), noVars());
        uint256 used = g - gasleft();
        vm.snapshotValue(GROUP, "startInstance (1 role binding)", used);
        assertLe(used, START_BUDGET, "startInstance over budget");
    }

    function testGasCompleteTaskInSequence() public {
        buildSequence();
        uint256 id = start(alice, deploy("seq"), bind(MANAGER, bob));
        uint256 used = _measureComplete(alice, id, seqReview); // Task -> Task: no automatic step
        vm.snapshotValue(GROUP, "completeTask (task -> task)", used);
        assertLe(used, SEQUENCE_STEP_BUDGET, "completeTask (task -> task) over budget");
    }

    function testGasCompleteTaskThroughJoin() public {
        buildParallel();
        uint256 id = start(alice, deploy("par"), bind(MANAGER, bob));
        complete(bob, id, pB);
        uint256 used = _measureComplete(alice, id, pA); // fires the AND join automatically
        vm.snapshotValue(GROUP, "completeTask (task -> AND join -> task)", used);
        assertLe(used, JOIN_STEP_BUDGET, "completeTask through a join over budget");
    }

    function testGasCompleteTaskThroughConditionalXor() public {
        buildExclusive(true);
        uint256 id = start(alice, deploy("xor"), bind(MANAGER, bob));
        _cool();
        vm.prank(alice);
        uint256 g = gasleft();
        engine.completeTask(id, xEnter, setVar(xAmount, 5000)); // writes amount, XOR takes [amount > 1000]
        uint256 used = g - gasleft();
        assertEq(engine.enabledTasks(id), u16(xBig));
        vm.snapshotValue(GROUP, "completeTask (task writes 1 variable -> conditional XOR -> task)", used);
        assertLe(used, XOR_STEP_BUDGET, "completeTask through a conditional XOR over budget");
    }

    function testGasCompleteLastTask() public {
        buildSequence();
        uint256 id = start(alice, deploy("seq"), bind(MANAGER, bob));
        complete(alice, id, seqReview);
        uint256 used = _measureComplete(bob, id, seqApprove); // Task -> end event: instance completed
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
        vm.snapshotValue(GROUP, "completeTask (task -> end event, instance completed)", used);
        assertLe(used, END_STEP_BUDGET, "completeTask to the end event over budget");
    }

    function testGasDeployModel() public {
        buildSequence();
        uint256 g = gasleft();
        deploy("seq"); // upload (definition, elements, flows) + publish: every transaction of a deploy
        uint256 used = g - gasleft();
        vm.snapshotValue(GROUP, "deploy the sequence model (upload + publish, 4 elements)", used);
        assertLe(used, DEPLOY_BUDGET, "deploying a 4-element model over budget");
    }
}
