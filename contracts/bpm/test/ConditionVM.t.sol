// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {ConditionVM} from "../src/ConditionVM.sol";

/// @notice Exposes the library with a storage variable table.
contract ConditionHarness {
    mapping(uint256 => int256) internal vars;

    function set(uint256 index, int256 value) external {
        vars[index] = value;
    }

    function evaluate(bytes memory code) external view returns (bool) {
        return ConditionVM.evaluate(code, vars);
    }

    function validate(bytes memory code, uint256 variableCount) external pure returns (bool ok, uint256 pc) {
        return ConditionVM.validate(code, variableCount);
    }
}

contract ConditionVMTest is TestBase {
    ConditionHarness internal h;

    uint8 internal constant PUSH = 0x01;
    uint8 internal constant TRUE = 0x02;
    uint8 internal constant FALSE = 0x03;
    uint8 internal constant LOAD = 0x04;
    uint8 internal constant EQ = 0x10;
    uint8 internal constant NE = 0x11;
    uint8 internal constant LT = 0x12;
    uint8 internal constant LE = 0x13;
    uint8 internal constant GT = 0x14;
    uint8 internal constant GE = 0x15;
    uint8 internal constant AND = 0x20;
    uint8 internal constant OR = 0x21;
    uint8 internal constant NOT = 0x22;

    function setUp() public {
        h = new ConditionHarness();
    }

    function push(int256 v) internal pure returns (bytes memory) {
        return abi.encodePacked(PUSH, v);
    }

    function load(uint8 i) internal pure returns (bytes memory) {
        return abi.encodePacked(LOAD, i);
    }

    function op(uint8 o) internal pure returns (bytes memory) {
        return abi.encodePacked(o);
    }

    function bin(int256 a, int256 b, uint8 o) internal view returns (bool) {
        return h.evaluate(bytes.concat(push(a), push(b), op(o)));
    }

    function expectMalformed(bytes memory code, uint256 pc) internal {
        vm.expectRevert(abi.encodeWithSelector(ConditionVM.MalformedCondition.selector, pc));
        h.evaluate(code);
        (bool ok, uint256 vpc) = h.validate(code, 256);
        assertFalse(ok, "validate accepts malformed code");
        assertEq(vpc, pc, "validate reports another pc");
    }

    function testConstants() public view {
        assertTrue(h.evaluate(op(TRUE)));
        assertFalse(h.evaluate(op(FALSE)));
        assertTrue(h.evaluate(push(1)));
        assertTrue(h.evaluate(push(-1)));
        assertFalse(h.evaluate(push(0)));
        assertTrue(h.evaluate(push(type(int256).min)));
    }

    function testLoad() public {
        assertFalse(h.evaluate(load(7))); // never set reads 0
        h.set(7, 42);
        assertTrue(h.evaluate(bytes.concat(load(7), push(42), op(EQ))));
        h.set(255, -3);
        assertTrue(h.evaluate(bytes.concat(load(255), push(0), op(LT))));
    }

    function testComparisonsAreSigned() public view {
        assertTrue(bin(3, 3, EQ));
        assertFalse(bin(3, 4, EQ));
        assertTrue(bin(3, 4, NE));
        assertFalse(bin(-1, -1, NE));
        assertTrue(bin(-5, 2, LT));
        assertFalse(bin(2, -5, LT));
        assertFalse(bin(2, 2, LT));
        assertTrue(bin(2, 2, LE));
        assertTrue(bin(-7, -6, LE));
        assertFalse(bin(-6, -7, LE));
        assertTrue(bin(2, -5, GT));
        assertFalse(bin(2, 2, GT));
        assertTrue(bin(2, 2, GE));
        assertFalse(bin(type(int256).min, type(int256).max, GE));
        // operand order: pop b, pop a, push a op b
        assertTrue(bin(1, 2, LT));
        assertFalse(bin(2, 1, LT));
    }

    function testLogic() public view {
        assertTrue(bin(5, -1, AND));
        assertFalse(bin(5, 0, AND));
        assertFalse(bin(0, 0, OR));
        assertTrue(bin(0, 9, OR));
        assertTrue(h.evaluate(bytes.concat(push(0), op(NOT))));
        assertFalse(h.evaluate(bytes.concat(push(12), op(NOT))));
        assertTrue(h.evaluate(bytes.concat(op(FALSE), op(NOT), op(NOT), op(NOT))));
    }

    function testCompoundExpression() public {
        // amount > 1000 && (country == "CH" || !vip)
        h.set(0, 1500);
        h.set(1, int256(uint256(keccak256("CH"))));
        h.set(2, 1);
        bytes memory left = bytes.concat(load(0), push(1000), op(GT));
        bytes memory country = bytes.concat(load(1), push(int256(uint256(keccak256("CH")))), op(EQ));
        bytes memory code = bytes.concat(left, country, load(2), op(NOT), op(OR), op(AND));
        assertTrue(h.evaluate(code));
        h.set(1, int256(uint256(keccak256("DE"))));
        assertFalse(h.evaluate(code));
        h.set(2, 0);
        assertTrue(h.evaluate(code));
        (bool ok,) = h.validate(code, 3);
        assertTrue(ok);
    }

    function testStackOfSixteenIsFine() public view {
        bytes memory code;
        for (uint256 i; i < 16; ++i) {
            code = bytes.concat(code, op(TRUE));
        }
        for (uint256 i; i < 15; ++i) {
            code = bytes.concat(code, op(AND));
        }
        assertTrue(h.evaluate(code));
    }

    function testMalformedUnknownOpcode() public {
        expectMalformed(op(0x00), 0);
        expectMalformed(bytes.concat(op(TRUE), op(0x23)), 1);
        expectMalformed(bytes.concat(op(TRUE), op(0x16)), 1);
        expectMalformed(bytes.concat(op(TRUE), op(0x05)), 1);
        expectMalformed(bytes.concat(op(TRUE), op(0xff)), 1);
    }

    function testMalformedTruncatedOperands() public {
        expectMalformed(op(PUSH), 0);
        expectMalformed(bytes.concat(op(TRUE), op(PUSH), new bytes(31)), 1);
        expectMalformed(op(LOAD), 0);
        expectMalformed(bytes.concat(op(TRUE), op(LOAD)), 1);
    }

    function testMalformedUnderflow() public {
        expectMalformed(op(NOT), 0);
        expectMalformed(op(EQ), 0);
        expectMalformed(bytes.concat(op(TRUE), op(AND)), 1);
        expectMalformed(bytes.concat(op(TRUE), op(OR)), 1);
        expectMalformed(bytes.concat(push(1), op(GE)), 33);
    }

    function testMalformedOverflow() public {
        bytes memory code;
        for (uint256 i; i < 17; ++i) {
            code = bytes.concat(code, op(TRUE));
        }
        expectMalformed(code, 16);
        code = new bytes(0);
        for (uint256 i; i < 16; ++i) {
            code = bytes.concat(code, load(1));
        }
        expectMalformed(bytes.concat(code, push(3)), 32);
    }

    function testMalformedResultCount() public {
        expectMalformed("", 0);
        expectMalformed(bytes.concat(op(TRUE), op(FALSE)), 2);
        expectMalformed(bytes.concat(push(1), push(2), push(3), op(EQ)), 100);
    }

    function testValidateChecksLoadIndex() public view {
        (bool ok, uint256 pc) = h.validate(bytes.concat(op(TRUE), load(2), op(AND)), 2);
        assertFalse(ok);
        assertEq(pc, 1);
        (ok,) = h.validate(bytes.concat(op(TRUE), load(1), op(AND)), 2);
        assertTrue(ok);
    }

    /// @notice Whatever the bytes, evaluate and validate agree on well-formedness.
    function testFuzzValidateAgreesWithEvaluate(bytes memory code) public view {
        (bool ok, uint256 pc) = h.validate(code, 256);
        try h.evaluate(code) {
            assertTrue(ok, "evaluate ran code that validate refused");
        } catch (bytes memory reason) {
            assertFalse(ok, "validate accepted code that evaluate refused");
            assertEq(reason, abi.encodeWithSelector(ConditionVM.MalformedCondition.selector, pc));
        }
    }

    /// @notice Comparisons match Solidity's signed semantics.
    function testFuzzComparisons(int256 a, int256 b) public view {
        assertEq(bin(a, b, EQ), a == b);
        assertEq(bin(a, b, NE), a != b);
        assertEq(bin(a, b, LT), a < b);
        assertEq(bin(a, b, LE), a <= b);
        assertEq(bin(a, b, GT), a > b);
        assertEq(bin(a, b, GE), a >= b);
        assertEq(bin(a, b, AND), a != 0 && b != 0);
        assertEq(bin(a, b, OR), a != 0 || b != 0);
    }
}
