// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @notice Minimal test base shared by contracts/bpm and contracts/l1: the cheatcode handle,
/// assertions, `log_named_uint` and a few fuzzing helpers (what the suites need from forge-std).
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Read by forge: this is a test contract.
    bool public IS_TEST = true;

    /// @dev forge prints these in verbose runs (`forge test -vv`), as forge-std's DSTest does.
    event log_named_uint(string key, uint256 val);

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetContracts;
    FuzzSelector[] private _targetSelectors;

    /// @dev forge reads these to choose the targets of invariant tests.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    function assertTrue(bool c) internal pure {
        vm.assertTrue(c);
    }

    function assertTrue(bool c, string memory err) internal pure {
        vm.assertTrue(c, err);
    }

    function assertFalse(bool c) internal pure {
        vm.assertFalse(c);
    }

    function assertFalse(bool c, string memory err) internal pure {
        vm.assertFalse(c, err);
    }

    function assertEq(bool a, bool b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(bool a, bool b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(bytes memory a, bytes memory b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(bytes32[] memory a, bytes32[] memory b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertGt(uint256 a, uint256 b) internal pure {
        vm.assertGt(a, b);
    }

    function assertEq(uint256 a, uint256 b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(int256 a, int256 b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(address a, address b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(bytes32 a, bytes32 b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(bytes32 a, bytes32 b, string memory err) internal pure {
        vm.assertEq(a, b, err);
    }

    function assertEq(string memory a, string memory b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(bytes memory a, bytes memory b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(address[] memory a, address[] memory b) internal pure {
        assertEq(keccak256(abi.encode(a)), keccak256(abi.encode(b)));
    }

    function assertEq(uint256[] memory a, uint256[] memory b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(bytes32[] memory a, bytes32[] memory b) internal pure {
        vm.assertEq(a, b);
    }

    function assertEq(uint16[] memory a, uint16[] memory b) internal pure {
        vm.assertEq(a.length, b.length, "uint16[] length");
        for (uint256 i; i < a.length; ++i) {
            vm.assertEq(uint256(a[i]), uint256(b[i]), "uint16[] item");
        }
    }

    function assertLe(uint256 a, uint256 b) internal pure {
        vm.assertLe(a, b);
    }

    function assertLe(uint256 a, uint256 b, string memory err) internal pure {
        vm.assertLe(a, b, err);
    }

    /// @dev Maps `x` into [min, max].
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        return min + (x % (max - min + 1));
    }

    function popcount(uint256 x) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }

    function u16(uint256 a) internal pure returns (uint16[] memory r) {
        r = new uint16[](1);
        r[0] = uint16(a);
    }

    function u16(uint256 a, uint256 b) internal pure returns (uint16[] memory r) {
        r = new uint16[](2);
        r[0] = uint16(a);
        r[1] = uint16(b);
    }

    function u16(uint256 a, uint256 b, uint256 c) internal pure returns (uint16[] memory r) {
        r = new uint16[](3);
        r[0] = uint16(a);
        r[1] = uint16(b);
        r[2] = uint16(c);
    }
}
