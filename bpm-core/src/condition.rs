//! The condition VM: the bytecode of exclusive-gateway conditions (docs/bpm-engine.md,
//! "Variables and conditions"), its evaluator and its static validator.
//!
//! This is the rule; `contracts/bpm/src/ConditionVM.sol` is held to it by the opcodes generated
//! from [`OPCODES`] into `contracts/bpm/src/generated/BpmCore.sol` and by the conformance vectors
//! of [`crate::vectors`] (`contracts/bpm/test/vectors/conditions.json`), replayed on both sides.
//! Errors are reported as the Solidity engine reports them: [`VmError::pc`] is the byte offset of
//! `MalformedCondition(pc)`.

use crate::model::keccak256;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt::Write as _;

/// `PUSH` + 32-byte big-endian two's-complement int256.
pub const OP_PUSH: u8 = 0x01;
/// Push 1.
pub const OP_TRUE: u8 = 0x02;
/// Push 0.
pub const OP_FALSE: u8 = 0x03;
/// `LOAD` + 1-byte variable index: push the variable (0 if never set).
pub const OP_LOAD: u8 = 0x04;
/// Pop b, pop a, push a == b.
pub const OP_EQ: u8 = 0x10;
/// Pop b, pop a, push a != b.
pub const OP_NE: u8 = 0x11;
/// Pop b, pop a, push a < b (signed).
pub const OP_LT: u8 = 0x12;
/// Pop b, pop a, push a <= b (signed).
pub const OP_LE: u8 = 0x13;
/// Pop b, pop a, push a > b (signed).
pub const OP_GT: u8 = 0x14;
/// Pop b, pop a, push a >= b (signed).
pub const OP_GE: u8 = 0x15;
/// Pop b, pop a, push (a != 0) && (b != 0).
pub const OP_AND: u8 = 0x20;
/// Pop b, pop a, push (a != 0) || (b != 0).
pub const OP_OR: u8 = 0x21;
/// Pop a, push a == 0.
pub const OP_NOT: u8 = 0x22;
/// Maximum stack depth of a condition program.
pub const MAX_STACK: usize = 16;

/// Every opcode with its Solidity constant name and meaning, in byte order (the generated
/// Solidity constants and the documentation are made from this table).
pub const OPCODES: [(u8, &str, &str); 13] = [
    (OP_PUSH, "OP_PUSH", "push the 32-byte big-endian two's-complement int256 operand"),
    (OP_TRUE, "OP_TRUE", "push 1"),
    (OP_FALSE, "OP_FALSE", "push 0"),
    (OP_LOAD, "OP_LOAD", "push the variable of the 1-byte index operand (0 if never set)"),
    (OP_EQ, "OP_EQ", "pop b, pop a, push a == b"),
    (OP_NE, "OP_NE", "pop b, pop a, push a != b"),
    (OP_LT, "OP_LT", "pop b, pop a, push a < b (signed)"),
    (OP_LE, "OP_LE", "pop b, pop a, push a <= b (signed)"),
    (OP_GT, "OP_GT", "pop b, pop a, push a > b (signed)"),
    (OP_GE, "OP_GE", "pop b, pop a, push a >= b (signed)"),
    (OP_AND, "OP_AND", "pop b, pop a, push (a != 0) && (b != 0)"),
    (OP_OR, "OP_OR", "pop b, pop a, push (a != 0) || (b != 0)"),
    (OP_NOT, "OP_NOT", "pop a, push a == 0"),
];

/// A Solidity `int256` value: 32 bytes, big-endian two's complement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Int256(pub [u8; 32]);

impl Int256 {
    /// 0.
    pub const ZERO: Int256 = Int256([0; 32]);

    /// 1.
    pub fn one() -> Int256 {
        Int256::from(1i128)
    }

    /// How a `String` variable or constant is stored: `int256(keccak256(bytes(s)))`.
    pub fn from_string(s: &str) -> Int256 {
        Int256(keccak256(s.as_bytes()))
    }

    /// True when the value is 0.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }

    /// True when the value is negative.
    pub fn is_negative(&self) -> bool {
        self.0[0] & 0x80 != 0
    }

    /// Signed comparison (as Solidity's `<` on int256).
    pub fn cmp_signed(&self, other: &Int256) -> Ordering {
        let mut a = self.0;
        let mut b = other.0;
        a[0] ^= 0x80;
        b[0] ^= 0x80;
        a.cmp(&b)
    }

    /// Parses an optionally `-`-prefixed decimal integer; `None` when it is malformed or
    /// outside the int256 range.
    pub fn parse_decimal(text: &str) -> Option<Int256> {
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let mut mag = [0u8; 32];
        for c in digits.bytes() {
            let mut carry = (c - b'0') as u32;
            for byte in mag.iter_mut().rev() {
                let v = (*byte as u32) * 10 + carry;
                *byte = (v & 0xff) as u8;
                carry = v >> 8;
            }
            if carry != 0 {
                return None;
            }
        }
        if neg {
            // magnitude may be at most 2^255
            let is_min = mag[0] == 0x80 && mag[1..].iter().all(|b| *b == 0);
            if mag[0] & 0x80 != 0 && !is_min {
                return None;
            }
            Some(Int256(negate(mag)))
        } else if mag[0] & 0x80 != 0 {
            None
        } else {
            Some(Int256(mag))
        }
    }
}

impl core::fmt::Display for Int256 {
    /// Signed decimal, as Solidity's `vm.toString(int256)` prints it.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut mag = if self.is_negative() { negate(self.0) } else { self.0 };
        // int256.min negates to itself: as an unsigned magnitude it is 2^255, which is right.
        let mut digits = [0u8; 80];
        let mut n = 0;
        loop {
            let mut rem = 0u32;
            for byte in mag.iter_mut() {
                let v = (rem << 8) | *byte as u32;
                *byte = (v / 10) as u8;
                rem = v % 10;
            }
            digits[n] = b'0' + rem as u8;
            n += 1;
            if mag.iter().all(|b| *b == 0) {
                break;
            }
        }
        if self.is_negative() {
            f.write_str("-")?;
        }
        for d in digits[..n].iter().rev() {
            f.write_char(*d as char)?;
        }
        Ok(())
    }
}

fn negate(mut v: [u8; 32]) -> [u8; 32] {
    for b in v.iter_mut() {
        *b = !*b;
    }
    let mut carry = 1u16;
    for b in v.iter_mut().rev() {
        let s = *b as u16 + carry;
        *b = (s & 0xff) as u8;
        carry = s >> 8;
    }
    v
}

impl From<i128> for Int256 {
    fn from(v: i128) -> Int256 {
        let mut out = if v < 0 { [0xffu8; 32] } else { [0u8; 32] };
        out[16..].copy_from_slice(&v.to_be_bytes());
        Int256(out)
    }
}

impl From<bool> for Int256 {
    /// How a `Bool` variable is stored: 0 or 1.
    fn from(v: bool) -> Int256 {
        Int256::from(v as i128)
    }
}

/// Why a program is malformed (all of them make `ConditionVM.sol` revert with
/// `MalformedCondition(pc)`, see [`VmError::pc`]). `at` is the byte offset of the offending opcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmError {
    /// An opcode that is not in the table.
    UnknownOpcode {
        /// The byte.
        op: u8,
        /// Its offset.
        at: usize,
    },
    /// `PUSH` or `LOAD` whose operand runs past the end of the program.
    Truncated {
        /// Offset of the opcode.
        at: usize,
    },
    /// More than [`MAX_STACK`] values.
    StackOverflow {
        /// Offset of the opcode.
        at: usize,
    },
    /// An operator without enough operands.
    StackUnderflow {
        /// Offset of the opcode.
        at: usize,
    },
    /// The program did not leave exactly one value.
    BadFinalStack {
        /// Values left.
        depth: usize,
        /// Length of the program (the offset `MalformedCondition` reports).
        len: usize,
    },
    /// `LOAD` of a variable index the definition does not have (static validation only:
    /// [`validate_condition`]; at run time a missing variable reads 0).
    UnknownVariable {
        /// Offset of the `LOAD`.
        at: usize,
        /// The index operand.
        index: u8,
        /// Number of variables of the definition.
        variables: usize,
    },
}

impl VmError {
    /// The byte offset `ConditionVM.sol` reports in `MalformedCondition(pc)`: the offending
    /// opcode, or the program length when the final stack is wrong.
    pub fn pc(&self) -> usize {
        match *self {
            VmError::UnknownOpcode { at, .. }
            | VmError::Truncated { at }
            | VmError::StackOverflow { at }
            | VmError::StackUnderflow { at }
            | VmError::UnknownVariable { at, .. } => at,
            VmError::BadFinalStack { len, .. } => len,
        }
    }
}

impl core::fmt::Display for VmError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            VmError::UnknownOpcode { op, at } => write!(f, "malformed condition: unknown opcode 0x{op:02x} at {at}"),
            VmError::Truncated { at } => write!(f, "malformed condition: truncated operand at {at}"),
            VmError::StackOverflow { at } => {
                write!(f, "malformed condition: stack overflow at {at} (at most {MAX_STACK} values)")
            }
            VmError::StackUnderflow { at } => write!(f, "malformed condition: stack underflow at {at}"),
            VmError::BadFinalStack { depth, .. } => {
                write!(f, "malformed condition: {depth} values left on the stack (expected 1)")
            }
            VmError::UnknownVariable { at, index, variables } => write!(
                f,
                "malformed condition: LOAD of variable {index} at {at}, the definition has {variables} variables"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VmError {}

/// Evaluates condition bytecode against instance variables, exactly like `ConditionVM.sol`.
///
/// * `code`: the program (see the opcode constants). An empty program is an unconditional
///   flow and evaluates to `true` (the engine does not run the VM for it).
/// * `vars`: variable values by index (`Bool` as 0/1, `Int` as int256, `String` as
///   [`Int256::from_string`]); an index past the end reads 0 (a variable never set).
///
/// Returns the result (`!= 0`), or a [`VmError`] when the program is malformed (unknown
/// opcode, truncated operand, stack over/underflow — at most [`MAX_STACK`] values — or not
/// exactly one value left at the end).
pub fn eval_condition(code: &[u8], vars: &[Int256]) -> Result<bool, VmError> {
    if code.is_empty() {
        return Ok(true);
    }
    let mut stack: Vec<Int256> = Vec::with_capacity(MAX_STACK);
    let mut pc = 0usize;
    while pc < code.len() {
        let at = pc;
        let op = code[pc];
        pc += 1;
        let push = |stack: &mut Vec<Int256>, v: Int256| -> Result<(), VmError> {
            if stack.len() >= MAX_STACK {
                return Err(VmError::StackOverflow { at });
            }
            stack.push(v);
            Ok(())
        };
        match op {
            OP_PUSH => {
                let bytes = code.get(pc..pc + 32).ok_or(VmError::Truncated { at })?;
                let mut w = [0u8; 32];
                w.copy_from_slice(bytes);
                pc += 32;
                push(&mut stack, Int256(w))?;
            }
            OP_TRUE => push(&mut stack, Int256::one())?,
            OP_FALSE => push(&mut stack, Int256::ZERO)?,
            OP_LOAD => {
                let idx = *code.get(pc).ok_or(VmError::Truncated { at })? as usize;
                pc += 1;
                let v = vars.get(idx).copied().unwrap_or(Int256::ZERO);
                push(&mut stack, v)?;
            }
            OP_EQ | OP_NE | OP_LT | OP_LE | OP_GT | OP_GE | OP_AND | OP_OR => {
                let b = stack.pop().ok_or(VmError::StackUnderflow { at })?;
                let a = stack.pop().ok_or(VmError::StackUnderflow { at })?;
                let ord = a.cmp_signed(&b);
                let r = match op {
                    OP_EQ => a == b,
                    OP_NE => a != b,
                    OP_LT => ord == Ordering::Less,
                    OP_LE => ord != Ordering::Greater,
                    OP_GT => ord == Ordering::Greater,
                    OP_GE => ord != Ordering::Less,
                    OP_AND => !a.is_zero() && !b.is_zero(),
                    _ => !a.is_zero() || !b.is_zero(),
                };
                stack.push(Int256::from(r));
            }
            OP_NOT => {
                let a = stack.pop().ok_or(VmError::StackUnderflow { at })?;
                stack.push(Int256::from(a.is_zero()));
            }
            _ => return Err(VmError::UnknownOpcode { op, at }),
        }
    }
    if stack.len() != 1 {
        return Err(VmError::BadFinalStack { depth: stack.len(), len: code.len() });
    }
    Ok(!stack[0].is_zero())
}

/// Checks `code` without running it, as the registry does at deployment
/// (`ConditionVM.validate`): every opcode known, operands complete, the stack never under- or
/// overflowing, exactly one value left, and every `LOAD` index below `variables` (the number
/// of variables of the definition). An empty program is valid (unconditional flow).
///
/// Errors: the first defect in byte order, with the same offset [`VmError::pc`] as the
/// Solidity validator returns.
pub fn validate_condition(code: &[u8], variables: usize) -> Result<(), VmError> {
    if code.is_empty() {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut pc = 0usize;
    while pc < code.len() {
        let at = pc;
        let op = code[pc];
        match op {
            OP_PUSH | OP_TRUE | OP_FALSE | OP_LOAD => {
                let width = match op {
                    OP_PUSH => 33,
                    OP_LOAD => 2,
                    _ => 1,
                };
                if pc + width > code.len() {
                    return Err(VmError::Truncated { at });
                }
                if depth == MAX_STACK {
                    return Err(VmError::StackOverflow { at });
                }
                if op == OP_LOAD && code[pc + 1] as usize >= variables {
                    return Err(VmError::UnknownVariable { at, index: code[pc + 1], variables });
                }
                depth += 1;
                pc += width;
            }
            OP_NOT => {
                if depth == 0 {
                    return Err(VmError::StackUnderflow { at });
                }
                pc += 1;
            }
            OP_EQ | OP_NE | OP_LT | OP_LE | OP_GT | OP_GE | OP_AND | OP_OR => {
                if depth < 2 {
                    return Err(VmError::StackUnderflow { at });
                }
                depth -= 1;
                pc += 1;
            }
            _ => return Err(VmError::UnknownOpcode { op, at }),
        }
    }
    if depth != 1 {
        return Err(VmError::BadFinalStack { depth, len: code.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn int256_parse_and_compare() {
        assert_eq!(Int256::parse_decimal("0"), Some(Int256::ZERO));
        assert_eq!(Int256::parse_decimal("42"), Some(Int256::from(42i128)));
        assert_eq!(Int256::parse_decimal("-42"), Some(Int256::from(-42i128)));
        let max = "57896044618658097711785492504343953926634992332820282019728792003956564819967";
        let min = "-57896044618658097711785492504343953926634992332820282019728792003956564819968";
        let too_big =
            "57896044618658097711785492504343953926634992332820282019728792003956564819968";
        let too_small =
            "-57896044618658097711785492504343953926634992332820282019728792003956564819969";
        let mx = Int256::parse_decimal(max).unwrap();
        let mn = Int256::parse_decimal(min).unwrap();
        assert_eq!(mx.0[0], 0x7f);
        assert_eq!(mn.0[0], 0x80);
        assert!(mn.0[1..].iter().all(|b| *b == 0));
        assert_eq!(Int256::parse_decimal(too_big), None);
        assert_eq!(Int256::parse_decimal(too_small), None);
        assert_eq!(Int256::parse_decimal(&"1".repeat(100)), None);
        assert_eq!(Int256::parse_decimal("-"), None);
        assert_eq!(Int256::parse_decimal("1a"), None);
        assert_eq!(mn.cmp_signed(&mx), Ordering::Less);
        for text in [max, min, "0", "-1", "42", "-42"] {
            assert_eq!(Int256::parse_decimal(text).unwrap().to_string(), text);
        }
        assert_eq!(
            Int256::from(-1i128).cmp_signed(&Int256::ZERO),
            Ordering::Less
        );
        assert_eq!(
            Int256::from(5i128).cmp_signed(&Int256::from(3i128)),
            Ordering::Greater
        );
    }

    #[test]
    fn malformed_programs() {
        assert_eq!(eval_condition(&[], &[]), Ok(true));
        assert_eq!(eval_condition(&[OP_TRUE], &[]), Ok(true));
        assert_eq!(eval_condition(&[OP_FALSE], &[]), Ok(false));
        assert_eq!(
            eval_condition(&[0x99], &[]),
            Err(VmError::UnknownOpcode { op: 0x99, at: 0 })
        );
        assert_eq!(
            eval_condition(&[OP_PUSH, 1, 2], &[]),
            Err(VmError::Truncated { at: 0 })
        );
        assert_eq!(
            eval_condition(&[OP_TRUE, OP_LOAD], &[]),
            Err(VmError::Truncated { at: 1 })
        );
        assert_eq!(
            eval_condition(&[OP_TRUE, OP_EQ], &[]),
            Err(VmError::StackUnderflow { at: 1 })
        );
        assert_eq!(
            eval_condition(&[OP_NOT], &[]),
            Err(VmError::StackUnderflow { at: 0 })
        );
        assert_eq!(
            eval_condition(&[OP_TRUE, OP_TRUE], &[]),
            Err(VmError::BadFinalStack { depth: 2, len: 2 })
        );
        let mut deep = vec![OP_TRUE; 17];
        deep.extend(vec![OP_AND; 16]);
        assert_eq!(
            eval_condition(&deep, &[]),
            Err(VmError::StackOverflow { at: 16 })
        );
        let mut ok = vec![OP_TRUE; 16];
        ok.extend(vec![OP_AND; 15]);
        assert_eq!(eval_condition(&ok, &[]), Ok(true));
    }

    #[test]
    fn validation_reports_what_evaluation_reports() {
        let programs: [&[u8]; 7] = [
            &[OP_TRUE],
            &[0x99],
            &[OP_PUSH, 1, 2],
            &[OP_TRUE, OP_EQ],
            &[OP_TRUE, OP_TRUE],
            &[OP_LOAD, 0, OP_NOT],
            &[OP_TRUE, OP_LOAD],
        ];
        for code in programs {
            let run = eval_condition(code, &[]).map(|_| ()).map_err(|e| e.pc());
            assert_eq!(validate_condition(code, 1).map_err(|e| e.pc()), run, "{code:?}");
        }
        assert_eq!(
            validate_condition(&[OP_LOAD, 2], 2),
            Err(VmError::UnknownVariable { at: 0, index: 2, variables: 2 })
        );
        assert_eq!(validate_condition(&[], 0), Ok(()));
    }

    #[test]
    fn load_defaults_to_zero() {
        assert_eq!(eval_condition(&[OP_LOAD, 3], &[Int256::one()]), Ok(false));
        assert_eq!(eval_condition(&[OP_LOAD, 0], &[Int256::one()]), Ok(true));
    }
}
