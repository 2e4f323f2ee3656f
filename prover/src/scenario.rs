//! Batches walked on **real** BPMN models compiled by `alstra-bpmn` (Caterpillar's
//! `invoicing.bpmn`, the OMG MIWG reference model `A.1.0.bpmn` and a few more of the
//! compiler's test data), for tests, benchmarks and the CLI demo.
//!
//! A walk is deterministic for a seed: at each step it either starts a new instance (the
//! definition's `create` rule) or fires one of the enabled rules of a running instance, chosen
//! with `ChaCha20Rng::seed_from_u64(seed)`. Every firing goes through [`State::fire`], so each
//! step is a valid engine-level firing (start, task completion, gateway, event...).

use crate::state::{Batch, BatchBuilder, Params, Registry, State};
use alstra_bpmn::CompiledModel;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The embedded models: `(file name, BPMN XML)`.
pub const MODELS: &[(&str, &str)] = &[
    ("caterpillar/invoicing.bpmn", include_str!("../../bpmn-compiler/tests/data/caterpillar/invoicing.bpmn")),
    ("miwg-reference/A.1.0.bpmn", include_str!("../../bpmn-compiler/tests/data/miwg-reference/A.1.0.bpmn")),
    ("miwg-reference/A.4.0.bpmn", include_str!("../../bpmn-compiler/tests/data/miwg-reference/A.4.0.bpmn")),
    ("caterpillar/shipment.bpmn", include_str!("../../bpmn-compiler/tests/data/caterpillar/shipment.bpmn")),
    ("chorpiler/supply-chain.bpmn", include_str!("../../bpmn-compiler/tests/data/chorpiler/supply-chain.bpmn")),
    ("caterpillar/running_example.bpmn", include_str!("../../bpmn-compiler/tests/data/caterpillar/running_example.bpmn")),
];

/// Compiles the embedded model `name` (panics on a compile error: the files are fixtures).
pub fn model(name: &str) -> CompiledModel {
    let (_, xml) = MODELS.iter().find(|(n, _)| *n == name).expect("known model");
    alstra_bpmn::compile(xml).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A registry with every embedded model that compiles and that the prover's encoding accepts (in [`MODELS`] order),
/// and the definition ids.
pub fn registry(defs_depth: usize) -> (Registry, Vec<u32>) {
    let mut reg = Registry::new(defs_depth);
    let mut ids = vec![];
    for (name, _) in MODELS {
        let Ok(m) = alstra_bpmn::compile(MODELS.iter().find(|(n, _)| n == name).expect("listed").1) else { continue };
        if let Ok(id) = reg.register(&m) {
            ids.push(id);
        }
    }
    (reg, ids)
}

/// The rules of `reg` enabled on instance `id` of `state` (non-create rules of its definition).
pub fn enabled_rules(state: &State, reg: &Registry, id: u64) -> Vec<usize> {
    let Some(inst) = state.instance(id) else { return vec![] };
    if inst.status != crate::encoding::status::RUNNING {
        return vec![];
    }
    reg.rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.def_id == inst.def_id && !r.create)
        .filter(|(i, _)| state.clone().fire(reg, id, *i).is_ok())
        .map(|(i, _)| i)
        .collect()
}

/// A deterministic walk over the registered definitions.
pub struct Walk {
    /// The definitions.
    pub reg: Registry,
    /// The current state.
    pub state: State,
    rng: ChaCha20Rng,
    running: Vec<u64>,
    batches: u64,
}

impl Walk {
    /// A walk over [`registry`] for `params`, seeded with `seed`.
    pub fn new(params: Params, seed: u64) -> Self {
        let (reg, _) = registry(params.defs_depth);
        Walk { reg, state: State::new(params.state_depth), rng: ChaCha20Rng::seed_from_u64(seed), running: vec![], batches: 0 }
    }

    /// Picks and performs one firing: returns `(instance id, rule index)`.
    pub fn step(&mut self, b: &mut BatchBuilder) -> anyhow::Result<(u64, usize)> {
        loop {
            self.running.retain(|id| self.state.instance(*id).is_some_and(|i| i.status == crate::encoding::status::RUNNING));
            let start = self.running.is_empty() || self.rng.next_u32() % 5 == 0;
            if start {
                let creates: Vec<usize> = self.reg.rules.iter().enumerate().filter(|(_, r)| r.create).map(|(i, _)| i).collect();
                let rule = creates[self.rng.next_u32() as usize % creates.len()];
                let id = self.state.next_id();
                b.fire(&mut self.state, &self.reg, id, rule)?;
                self.running.push(id);
                return Ok((id, rule));
            }
            let id = self.running[self.rng.next_u32() as usize % self.running.len()];
            let en = enabled_rules(&self.state, &self.reg, id);
            if en.is_empty() {
                // stuck (e.g. waiting for a message no one sends): leave it
                self.running.retain(|x| *x != id);
                continue;
            }
            let rule = en[self.rng.next_u32() as usize % en.len()];
            b.fire(&mut self.state, &self.reg, id, rule)?;
            return Ok((id, rule));
        }
    }

    /// The next batch of `n <= params.batch_size` firings (numbered from 1).
    pub fn batch(&mut self, params: Params, n: usize) -> anyhow::Result<Batch> {
        self.batches += 1;
        let mut b = BatchBuilder::new(params, &self.state, self.batches);
        for _ in 0..n {
            self.step(&mut b)?;
        }
        Ok(b.finish(&self.state, &self.reg))
    }
}
