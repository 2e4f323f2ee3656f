//! Storage migrations of the validator-set pallet.
//!
//! Listed in the runtime's `frame_system::Config::SingleBlockMigrations`; each is a
//! [`VersionedMigration`], so it runs only on a chain at its `FROM` storage version, bumps the
//! version and is a no-op afterwards (and on chains built from a genesis that already has the
//! new version).

use crate::{Config, LivenessFrom, Pallet, LOG_TARGET};
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade, ValidatorSet as SessionValidators},
	weights::Weight,
};
use polkadot_sdk::{frame_support, frame_system};

/// Version 0 → 1: liveness (see the [crate documentation](crate#liveness)).
pub mod v1 {
	use super::*;

	/// Sets [`LivenessFrom`] to the session after the current one: the session of the upgrade
	/// is only partly counted in [`AuthoredBlocks`](crate::AuthoredBlocks) (its blocks before the
	/// upgrade were not), so judging it would flag validators that did author. The other
	/// storage items of version 1 start empty, which is their correct value.
	///
	/// Weight: one read (the session index) and one write.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let from = T::Sessions::session_index().saturating_add(1);
			LivenessFrom::<T>::put(from);
			log::info!(
				target: LOG_TARGET,
				"migrated to storage version 1: liveness judged from session {}",
				from,
			);
			<T as frame_system::Config>::DbWeight::get().reads_writes(1, 1)
		}
	}

	/// [`InnerMigrateV0ToV1`], run only at storage version 0 (then sets version 1).
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
