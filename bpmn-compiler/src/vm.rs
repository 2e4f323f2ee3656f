//! Reference evaluator of the condition bytecode (mirrors `ConditionVM.sol`, see
//! docs/bpm-engine.md "Variables and conditions").

use crate::model::keccak256;
use std::cmp::Ordering;

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
/// `MalformedCondition`). `at` is the byte offset of the offending opcode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VmError {
    /// An opcode that is not in the table.
    #[error("malformed condition: unknown opcode 0x{op:02x} at {at}")]
    UnknownOpcode {
        /// The byte.
        op: u8,
        /// Its offset.
        at: usize,
    },
    /// `PUSH` or `LOAD` whose operand runs past the end of the program.
    #[error("malformed condition: truncated operand at {at}")]
    Truncated {
        /// Offset of the opcode.
        at: usize,
    },
    /// More than [`MAX_STACK`] values.
    #[error("malformed condition: stack overflow at {at}")]
    StackOverflow {
        /// Offset of the opcode.
        at: usize,
    },
    /// An operator without enough operands.
    #[error("malformed condition: stack underflow at {at}")]
    StackUnderflow {
        /// Offset of the opcode.
        at: usize,
    },
    /// The program did not leave exactly one value.
    #[error("malformed condition: {depth} values left on the stack (expected 1)")]
    BadFinalStack {
        /// Values left.
        depth: usize,
    },
}

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
        return Err(VmError::BadFinalStack { depth: stack.len() });
    }
    Ok(!stack[0].is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(Int256::parse_decimal("1".repeat(100).as_str()), None);
        assert_eq!(Int256::parse_decimal("-"), None);
        assert_eq!(Int256::parse_decimal("1a"), None);
        assert_eq!(mn.cmp_signed(&mx), Ordering::Less);
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
            Err(VmError::BadFinalStack { depth: 2 })
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
    fn load_defaults_to_zero() {
        assert_eq!(eval_condition(&[OP_LOAD, 3], &[Int256::one()]), Ok(false));
        assert_eq!(eval_condition(&[OP_LOAD, 0], &[Int256::one()]), Ok(true));
    }
}
