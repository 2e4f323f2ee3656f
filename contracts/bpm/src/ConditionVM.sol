// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ConditionOps, CONDITION_MAX_STACK} from "./generated/BpmCore.sol";

/// @title ConditionVM
/// @notice Evaluates the condition bytecode of exclusive-gateway flows (docs/bpm-engine.md,
/// "Variables and conditions") against an instance's variables.
/// @dev The rule is the Rust BPM core's (bpm-core/src/condition.rs): the opcodes and the stack
/// limit are generated from it (`ConditionOps`), and `test/Conformance.t.sol` replays its vectors
/// (`test/vectors/conditions.json`) through `evaluate` and `validate`. Opcodes: PUSH 0x01
/// <32-byte int256>, TRUE 0x02, FALSE 0x03, LOAD 0x04 <1-byte index>, EQ..GE 0x10-0x15 (signed),
/// AND 0x20, OR 0x21, NOT 0x22. At most 16 stack values; a program must leave exactly one value
/// (the result, true when != 0).
library ConditionVM {
    /// @notice The condition bytecode is malformed at byte `pc` (unknown opcode, stack under- or
    /// overflow, truncated operand); `pc == code.length` when the program does not leave exactly
    /// one value.
    error MalformedCondition(uint256 pc);

    uint8 internal constant OP_PUSH = ConditionOps.OP_PUSH;
    uint8 internal constant OP_TRUE = ConditionOps.OP_TRUE;
    uint8 internal constant OP_FALSE = ConditionOps.OP_FALSE;
    uint8 internal constant OP_LOAD = ConditionOps.OP_LOAD;
    uint8 internal constant OP_EQ = ConditionOps.OP_EQ;
    uint8 internal constant OP_NE = ConditionOps.OP_NE;
    uint8 internal constant OP_LT = ConditionOps.OP_LT;
    uint8 internal constant OP_LE = ConditionOps.OP_LE;
    uint8 internal constant OP_GT = ConditionOps.OP_GT;
    uint8 internal constant OP_GE = ConditionOps.OP_GE;
    uint8 internal constant OP_AND = ConditionOps.OP_AND;
    uint8 internal constant OP_OR = ConditionOps.OP_OR;
    uint8 internal constant OP_NOT = ConditionOps.OP_NOT;

    /// @notice Maximum number of values on the stack.
    uint256 internal constant MAX_STACK = CONDITION_MAX_STACK;

    /// @notice Runs `code` and returns its result (`!= 0`).
    /// @param code condition bytecode.
    /// @param vars the instance's variables (a never-set variable reads 0).
    /// @return result the truth value left on the stack.
    function evaluate(bytes memory code, mapping(uint256 => int256) storage vars) internal view returns (bool result) {
        int256[CONDITION_MAX_STACK] memory stack;
        uint256 sp;
        uint256 len = code.length;
        uint256 pc;
        while (pc < len) {
            uint8 op = uint8(code[pc]);
            if (op == OP_PUSH) {
                if (pc + 33 > len || sp == MAX_STACK) revert MalformedCondition(pc);
                int256 value;
                uint256 at = pc;
                assembly ("memory-safe") {
                    value := mload(add(add(code, 33), at))
                }
                stack[sp++] = value;
                pc += 33;
            } else if (op == OP_TRUE || op == OP_FALSE) {
                if (sp == MAX_STACK) revert MalformedCondition(pc);
                stack[sp++] = op == OP_TRUE ? int256(1) : int256(0);
                pc += 1;
            } else if (op == OP_LOAD) {
                if (pc + 2 > len || sp == MAX_STACK) revert MalformedCondition(pc);
                stack[sp++] = vars[uint8(code[pc + 1])];
                pc += 2;
            } else if (op == OP_NOT) {
                if (sp == 0) revert MalformedCondition(pc);
                stack[sp - 1] = stack[sp - 1] == 0 ? int256(1) : int256(0);
                pc += 1;
            } else if ((op >= OP_EQ && op <= OP_GE) || op == OP_AND || op == OP_OR) {
                if (sp < 2) revert MalformedCondition(pc);
                int256 b = stack[--sp];
                int256 a = stack[sp - 1];
                bool r;
                if (op == OP_EQ) r = a == b;
                else if (op == OP_NE) r = a != b;
                else if (op == OP_LT) r = a < b;
                else if (op == OP_LE) r = a <= b;
                else if (op == OP_GT) r = a > b;
                else if (op == OP_GE) r = a >= b;
                else if (op == OP_AND) r = a != 0 && b != 0;
                else r = a != 0 || b != 0;
                stack[sp - 1] = r ? int256(1) : int256(0);
                pc += 1;
            } else {
                revert MalformedCondition(pc);
            }
        }
        if (sp != 1) revert MalformedCondition(len);
        return stack[0] != 0;
    }

    /// @notice Statically checks `code` without running it: every opcode known, operands complete,
    /// stack never under- or overflowing, exactly one result, every LOAD index < `variableCount`.
    /// @return ok true when well formed.
    /// @return pc where it is malformed (as `evaluate` would report it; a bad LOAD index reports the LOAD).
    function validate(bytes memory code, uint256 variableCount) internal pure returns (bool ok, uint256 pc) {
        uint256 sp;
        uint256 len = code.length;
        while (pc < len) {
            uint8 op = uint8(code[pc]);
            if (op == OP_PUSH) {
                if (pc + 33 > len || sp == MAX_STACK) return (false, pc);
                ++sp;
                pc += 33;
            } else if (op == OP_TRUE || op == OP_FALSE) {
                if (sp == MAX_STACK) return (false, pc);
                ++sp;
                pc += 1;
            } else if (op == OP_LOAD) {
                if (pc + 2 > len || sp == MAX_STACK || uint8(code[pc + 1]) >= variableCount) return (false, pc);
                ++sp;
                pc += 2;
            } else if (op == OP_NOT) {
                if (sp == 0) return (false, pc);
                pc += 1;
            } else if ((op >= OP_EQ && op <= OP_GE) || op == OP_AND || op == OP_OR) {
                if (sp < 2) return (false, pc);
                --sp;
                pc += 1;
            } else {
                return (false, pc);
            }
        }
        if (sp != 1) return (false, len);
        return (true, 0);
    }
}
