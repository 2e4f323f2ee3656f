//! Conformance vectors: cases computed by the core and replayed against the Solidity engine by
//! `forge` (`contracts/bpm/test/Conformance.t.sol`), so that the engine is held to the core's
//! rules. [`condition_vectors`] writes `contracts/bpm/test/vectors/conditions.json`;
//! `cargo test -p alstra-bpm-core` fails when the committed file differs from it, and
//! `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen` rewrites it.
//!
//! ## `conditions.json`
//! `{"count": n, "conditions": [case, ...]}` (`count` = number of cases), each case:
//!
//! | field | JSON | meaning |
//! |---|---|---|
//! | `name` | string | what the case exercises |
//! | `code` | `"0x…"` | the program (never empty: an empty condition is an unconditional flow, which neither side evaluates) |
//! | `vars` | array of decimal strings | instance variables 0.. (an index past the end reads 0) |
//! | `variables` | number | the definition's variable count, for static validation |
//! | `evalOk`, `result`, `evalPc` | bool, bool, number | [`eval_condition`]: the result, or `MalformedCondition(evalPc)` |
//! | `validOk`, `validPc` | bool, number | [`validate_condition`] with `variables`: valid, or invalid at `validPc` (0 when valid) |
//!
//! Cases: hand-written edge cases (every opcode, signed comparison at the int256 extremes `min`
//! and `max`, each
//! kind of malformed program), then pseudo-random programs from a fixed seed (splitmix64),
//! biased towards well-formed ones.

use crate::condition::*;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde_json::{json, Value};

/// Path of the condition vectors, relative to the repository root.
pub const CONDITIONS_PATH: &str = "contracts/bpm/test/vectors/conditions.json";

/// Number of pseudo-random programs after the hand-written cases.
pub const RANDOM_CONDITIONS: usize = 240;

/// splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA
/// 2014): a fixed, portable sequence for the random cases of every conformance vector file (the
/// same seed gives the same files on any machine, so drift means a rule changed).
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64-bit value.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A value in `0..n` (`n > 0`; modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn int(v: i128) -> Int256 {
    Int256::from(v)
}

fn int_max() -> Int256 {
    let mut w = [0xffu8; 32];
    w[0] = 0x7f;
    Int256(w)
}

fn int_min() -> Int256 {
    let mut w = [0u8; 32];
    w[0] = 0x80;
    Int256(w)
}

fn push(code: &mut Vec<u8>, v: Int256) {
    code.push(OP_PUSH);
    code.extend_from_slice(&v.0);
}

/// One case: the core's verdicts on `code` with `vars` and `variables`.
fn case(name: &str, code: Vec<u8>, vars: &[Int256], variables: usize) -> Value {
    assert!(!code.is_empty(), "an empty condition is unconditional: not a VM case");
    let eval = eval_condition(&code, vars);
    let valid = validate_condition(&code, variables);
    json!({
        "name": name,
        "code": crate::model::to_hex(&code),
        "vars": vars.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        "variables": variables,
        "evalOk": eval.is_ok(),
        "result": eval.clone().unwrap_or(false),
        "evalPc": eval.err().map(|e| e.pc()).unwrap_or(0),
        "validOk": valid.is_ok(),
        "validPc": valid.err().map(|e| e.pc()).unwrap_or(0),
    })
}

fn hand_written() -> Vec<Value> {
    let mut out = Vec::new();
    let extremes = [
        ("min", int_min()),
        ("-2", int(-2)),
        ("-1", int(-1)),
        ("0", int(0)),
        ("1", int(1)),
        ("2", int(2)),
        ("max", int_max()),
    ];
    for (op, name, _) in OPCODES {
        if matches!(op, OP_EQ | OP_NE | OP_LT | OP_LE | OP_GT | OP_GE | OP_AND | OP_OR) {
            for (a_label, a) in extremes {
                for (b_label, b) in extremes.iter().filter(|(l, _)| !matches!(*l, "-2" | "2")) {
                    let mut code = Vec::new();
                    push(&mut code, a);
                    push(&mut code, *b);
                    code.push(op);
                    out.push(case(&format!("{name}({a_label}, {b_label})"), code, &[], 0));
                }
            }
        }
    }
    for (label, v) in extremes {
        let mut code = Vec::new();
        push(&mut code, v);
        code.push(OP_NOT);
        out.push(case(&format!("OP_NOT({label})"), code, &[], 0));
    }
    out.push(case("OP_TRUE", vec![OP_TRUE], &[], 0));
    out.push(case("OP_FALSE", vec![OP_FALSE], &[], 0));
    let vars = [int(7), int(-3), Int256::from_string("approved")];
    out.push(case("LOAD of a set variable", vec![OP_LOAD, 0], &vars, 3));
    out.push(case("LOAD of a variable never set reads 0", vec![OP_LOAD, 9, OP_NOT], &vars, 10));
    out.push(case("LOAD past the definition's variables (invalid statically)", vec![OP_LOAD, 3], &vars, 3));
    let mut eq_string = vec![OP_LOAD, 2];
    push(&mut eq_string, Int256::from_string("approved"));
    eq_string.push(OP_EQ);
    out.push(case("string variable equals a constant (keccak256)", eq_string, &vars, 3));
    let mut range = vec![OP_LOAD, 0];
    push(&mut range, int(5));
    range.extend_from_slice(&[OP_GT, OP_LOAD, 1]);
    push(&mut range, int(0));
    range.extend_from_slice(&[OP_LT, OP_AND]);
    out.push(case("x > 5 && y < 0", range, &vars, 3));
    out.push(case("unknown opcode", vec![OP_TRUE, 0x99], &[], 0));
    out.push(case("unknown opcode 0x00", vec![0x00], &[], 0));
    out.push(case("truncated PUSH", vec![OP_PUSH, 1, 2, 3], &[], 0));
    out.push(case("truncated LOAD", vec![OP_TRUE, OP_LOAD], &[], 0));
    out.push(case("binary operator on one value", vec![OP_TRUE, OP_AND], &[], 0));
    out.push(case("NOT on an empty stack", vec![OP_NOT], &[], 0));
    out.push(case("two values left", vec![OP_TRUE, OP_TRUE], &[], 0));
    let mut full = vec![OP_TRUE; MAX_STACK];
    full.extend(vec![OP_AND; MAX_STACK - 1]);
    out.push(case("stack of exactly MAX_STACK values", full, &[], 0));
    let mut over = vec![OP_TRUE; MAX_STACK + 1];
    over.extend(vec![OP_AND; MAX_STACK]);
    out.push(case("stack overflow at MAX_STACK + 1 values", over, &[], 0));
    let mut over_push = vec![OP_TRUE; MAX_STACK];
    push(&mut over_push, int(1));
    out.push(case("PUSH onto a full stack", over_push, &[], 0));
    out
}

fn random_program(rng: &mut SplitMix) -> Vec<u8> {
    let mut code = Vec::new();
    let len = 1 + rng.below(12);
    let mut depth = 0i64;
    for _ in 0..len {
        // mostly ops that keep the program well formed, sometimes anything
        let wild = rng.below(10) == 0;
        let op = if wild {
            match rng.below(4) {
                0 => rng.below(256) as u8,
                1 => OP_NOT,
                2 => OP_EQ,
                _ => OP_TRUE,
            }
        } else if depth >= 2 && rng.below(2) == 0 {
            [OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_AND, OP_OR][rng.below(8) as usize]
        } else if depth >= 1 && rng.below(5) == 0 {
            OP_NOT
        } else {
            [OP_PUSH, OP_TRUE, OP_FALSE, OP_LOAD][rng.below(4) as usize]
        };
        code.push(op);
        match op {
            OP_PUSH => {
                let v = match rng.below(5) {
                    0 => int_min(),
                    1 => int_max(),
                    2 => int(rng.below(7) as i128 - 3),
                    _ => {
                        let mut w = [0u8; 32];
                        for chunk in w.chunks_mut(8) {
                            chunk.copy_from_slice(&rng.next().to_be_bytes());
                        }
                        Int256(w)
                    }
                };
                code.extend_from_slice(&v.0);
                depth += 1;
            }
            OP_LOAD => {
                code.push(rng.below(5) as u8);
                depth += 1;
            }
            OP_TRUE | OP_FALSE => depth += 1,
            OP_NOT => {}
            _ => depth -= 1,
        }
    }
    // now and then cut the program short (a truncated operand)
    if rng.below(12) == 0 && code.len() > 2 {
        let cut = 1 + rng.below(code.len() as u64 - 1) as usize;
        code.truncate(cut);
    }
    code
}

/// The condition vectors (see the module docs), as pretty-printed JSON with a final newline.
pub fn condition_vectors() -> String {
    let mut cases = hand_written();
    let mut rng = SplitMix(0x0a15_74a0_c0de_0001);
    for i in 0..RANDOM_CONDITIONS {
        let code = random_program(&mut rng);
        let n_vars = rng.below(5) as usize;
        let vars: Vec<Int256> = (0..n_vars)
            .map(|_| match rng.below(3) {
                0 => int(rng.below(11) as i128 - 5),
                1 => Int256::from(rng.below(2) == 1),
                _ => Int256::from_string(["yes", "no", "approved"][rng.below(3) as usize]),
            })
            .collect();
        let variables = rng.below(6) as usize;
        cases.push(case(&format!("random program {i}"), code, &vars, variables));
    }
    let mut text = serde_json::to_string_pretty(&json!({ "count": cases.len(), "conditions": cases })).expect("JSON of plain values");
    text.push('\n');
    text
}
