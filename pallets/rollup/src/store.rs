//! The BPM core's proven state and definitions over this pallet's storage: the same code
//! (`alstra_bpm_core::proof`) computes the roots here and in the prover.

use crate::{
	pallet::{
		Config, DefinitionNodes, DefinitionRules, InstanceRecords, NextInstanceId, RuleRecords,
		StateNodes,
	},
	InstanceRecord, RuleRecord,
};
use alstra_bpm_core::proof::{
	encoding::TransitionRule,
	smt::{self, NodeStore},
	state::{fr_from_bytes, fr_to_bytes, Definitions, Instance, StateStore},
	Fr,
};
use core::marker::PhantomData;

/// Reads a stored node (a stored value is always canonical: it was written by `fr_to_bytes`).
fn read(bytes: Option<[u8; 32]>) -> Option<Fr> {
	bytes.and_then(|b| fr_from_bytes(&b))
}

/// The instance tree, the instances and the instance counter in storage.
pub struct StorageState<T>(PhantomData<T>);

impl<T> Default for StorageState<T> {
	fn default() -> Self {
		StorageState(PhantomData)
	}
}

impl<T: Config> NodeStore for StorageState<T> {
	fn node(&self, level: usize, index: u64) -> Option<Fr> {
		read(StateNodes::<T>::get(level as u8, index))
	}
	fn set_node(&mut self, level: usize, index: u64, value: Fr) {
		StateNodes::<T>::insert(level as u8, index, fr_to_bytes(&value));
	}
}

impl<T: Config> StateStore for StorageState<T> {
	fn instance(&self, id: u64) -> Option<Instance> {
		InstanceRecords::<T>::get(id).map(Into::into)
	}
	fn set_instance(&mut self, id: u64, instance: Instance) {
		InstanceRecords::<T>::insert(id, InstanceRecord::from(instance));
	}
	fn next_id(&self) -> u64 {
		NextInstanceId::<T>::get()
	}
	fn set_next_id(&mut self, next: u64) {
		NextInstanceId::<T>::put(next);
	}
}

/// The definitions tree and its rules in storage.
pub struct StorageDefinitions<T>(PhantomData<T>);

impl<T> Default for StorageDefinitions<T> {
	fn default() -> Self {
		StorageDefinitions(PhantomData)
	}
}

impl<T: Config> NodeStore for StorageDefinitions<T> {
	fn node(&self, level: usize, index: u64) -> Option<Fr> {
		read(DefinitionNodes::<T>::get(level as u8, index))
	}
	fn set_node(&mut self, level: usize, index: u64, value: Fr) {
		DefinitionNodes::<T>::insert(level as u8, index, fr_to_bytes(&value));
	}
}

impl<T: Config> Definitions for StorageDefinitions<T> {
	fn rule(&self, index: u64) -> Option<TransitionRule> {
		RuleRecords::<T>::get(index).map(|r: RuleRecord| r.into())
	}
	fn rule_path(&self, index: u64) -> alloc::vec::Vec<Fr> {
		smt::path(self, &smt::zero_hashes(T::DefinitionsDepth::get() as usize), index)
	}
	fn rules_of(&self, def: u32) -> core::ops::Range<u64> {
		DefinitionRules::<T>::get(def).map(|(first, count)| first..first + count).unwrap_or(0..0)
	}
	fn defs_root(&self) -> Fr {
		smt::root(self, &smt::zero_hashes(T::DefinitionsDepth::get() as usize))
	}
}

use polkadot_sdk::frame_support::traits::Get;
