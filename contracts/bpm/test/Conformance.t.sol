// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {ConditionVM} from "../src/ConditionVM.sol";

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
/// `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen` writes (bpm-core/src/vectors.rs says
/// what each field means). A rule changed on one side only fails here.
contract ConformanceTest is TestBase {
    string internal constant CONDITIONS = "/test/vectors/conditions.json";

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
