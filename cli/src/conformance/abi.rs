//! The engine's events and errors as `ProcessExecution` emits and reverts them (ABI-encoded with
//! the contract's own types), from the BPM core's [`EngineEvent`] and [`EngineError`].

use super::{addr, bitmap, i256, u, ExpectedLog};
use crate::contracts::execution::ProcessExecution as Pe;
use alloy::primitives::{keccak256, FixedBytes};
use alloy::sol_types::{SolError, SolEvent};
use alstra_bpm_core::engine::{EngineError, EngineEvent};

/// The engine log of an event, as `ProcessExecution` emits it.
pub(super) fn log_of(ev: &EngineEvent) -> ExpectedLog {
	let data = match ev {
		EngineEvent::InstanceStarted { instance, definition, starter, parent } => Pe::InstanceStarted {
			instanceId: u(*instance),
			definitionId: u(*definition),
			starter: addr(starter),
			parentInstance: u(*parent),
		}
		.encode_log_data(),
		EngineEvent::RoleBound { instance, role, account } => {
			Pe::RoleBound { instanceId: u(*instance), role: FixedBytes(*role), account: addr(account) }.encode_log_data()
		}
		EngineEvent::ElementFired { instance, element, kind, actor, consumed, produced } => Pe::ElementFired {
			instanceId: u(*instance),
			element: *element,
			kind: *kind as u8,
			actor: addr(actor),
			consumed: bitmap(consumed),
			produced: bitmap(produced),
		}
		.encode_log_data(),
		EngineEvent::MessageSent { instance, flow } => {
			Pe::MessageSent { instanceId: u(*instance), messageFlow: *flow }.encode_log_data()
		}
		EngineEvent::MessageCorrelated { instance, flow, actor } => {
			Pe::MessageCorrelated { instanceId: u(*instance), messageFlow: *flow, actor: addr(actor) }
				.encode_log_data()
		}
		EngineEvent::VariableSet { instance, index, value, actor } => Pe::VariableSet {
			instanceId: u(*instance),
			index: *index,
			value: i256(value),
			actor: addr(actor),
		}
		.encode_log_data(),
		EngineEvent::SubProcessCompleted { instance, element, scope } => {
			Pe::SubProcessCompleted { instanceId: u(*instance), element: *element, scope: *scope }
				.encode_log_data()
		}
		EngineEvent::CallActivityCompleted { instance, element, child } => Pe::CallActivityCompleted {
			instanceId: u(*instance),
			element: *element,
			childInstanceId: u(*child),
		}
		.encode_log_data(),
		EngineEvent::InstanceCompleted { instance } => {
			Pe::InstanceCompleted { instanceId: u(*instance) }.encode_log_data()
		}
		EngineEvent::InstanceTerminated { instance, by } => {
			Pe::InstanceTerminated { instanceId: u(*instance), byInstance: u(*by) }.encode_log_data()
		}
		EngineEvent::TaskSubmitted { instance, element, performer, evidence } => Pe::TaskSubmitted {
			instanceId: u(*instance),
			element: *element,
			performer: addr(performer),
			evidence: FixedBytes(*evidence),
		}
		.encode_log_data(),
		EngineEvent::TaskApproved { instance, element, verifier, performer, reward } => Pe::TaskApproved {
			instanceId: u(*instance),
			element: *element,
			verifier: addr(verifier),
			performer: addr(performer),
			reward: *reward,
		}
		.encode_log_data(),
		EngineEvent::TaskRejected { instance, element, verifier, performer, reason } => Pe::TaskRejected {
			instanceId: u(*instance),
			element: *element,
			verifier: addr(verifier),
			performer: addr(performer),
			reason: reason.clone(),
		}
		.encode_log_data(),
	};
	ExpectedLog { topics: data.topics().to_vec(), data: data.data.clone() }
}

/// The revert data of an engine error, as `ProcessExecution` reverts.
pub(super) fn revert_of(e: &EngineError) -> Vec<u8> {
	match e {
		EngineError::DefinitionNotPublished { definition } => {
			Pe::DefinitionNotPublished { definitionId: u(*definition) }.abi_encode()
		}
		EngineError::ParticipantLacksRole { account, role } => {
			Pe::ParticipantLacksRole { account: addr(account), role: FixedBytes(*role) }.abi_encode()
		}
		EngineError::InstanceNotActive { instance, status } => {
			Pe::InstanceNotActive { instanceId: u(*instance), status: *status as u8 }.abi_encode()
		}
		EngineError::NotATask { instance, element } => {
			Pe::NotATask { instanceId: u(*instance), element: *element }.abi_encode()
		}
		EngineError::TaskNotEnabled { instance, element } => {
			Pe::TaskNotEnabled { instanceId: u(*instance), element: *element }.abi_encode()
		}
		EngineError::MissingRole { instance, role, account } => Pe::MissingRole {
			instanceId: u(*instance),
			role: FixedBytes(*role),
			account: addr(account),
		}
		.abi_encode(),
		EngineError::UnknownVariable { instance, index } => {
			Pe::UnknownVariable { instanceId: u(*instance), index: *index }.abi_encode()
		}
		EngineError::InvalidBoolValue { instance, index, value } => {
			Pe::InvalidBoolValue { instanceId: u(*instance), index: *index, value: i256(value) }.abi_encode()
		}
		EngineError::UnknownMessageFlow { instance, flow } => {
			Pe::UnknownMessageFlow { instanceId: u(*instance), messageFlow: *flow }.abi_encode()
		}
		EngineError::NotExternalMessage { instance, flow } => {
			Pe::NotExternalMessage { instanceId: u(*instance), messageFlow: *flow }.abi_encode()
		}
		EngineError::MessageAlreadyPending { instance, flow } => {
			Pe::MessageAlreadyPending { instanceId: u(*instance), messageFlow: *flow }.abi_encode()
		}
		EngineError::CalledProcessNotDeployed { process_key } => {
			Pe::CalledProcessNotDeployed { processKey: FixedBytes(*process_key) }.abi_encode()
		}
		EngineError::CallDepthExceeded { instance, depth } => {
			Pe::CallDepthExceeded { instanceId: u(*instance), depth: u(*depth) }.abi_encode()
		}
		EngineError::NoOutgoingFlowEnabled { instance, gateway } => {
			Pe::NoOutgoingFlowEnabled { instanceId: u(*instance), gateway: *gateway }.abi_encode()
		}
		EngineError::DecisionRequired { instance, gateway } => {
			Pe::DecisionRequired { instanceId: u(*instance), gateway: *gateway }.abi_encode()
		}
		EngineError::InvalidDecision { instance, gateway, branch } => {
			Pe::InvalidDecision { instanceId: u(*instance), gateway: *gateway, branch: *branch }.abi_encode()
		}
		EngineError::DecisionNotUsed { instance, gateway } => {
			Pe::DecisionNotUsed { instanceId: u(*instance), gateway: *gateway }.abi_encode()
		}
		EngineError::AutomaticStepLimitExceeded { limit } => {
			Pe::AutomaticStepLimitExceeded { limit: u(*limit) }.abi_encode()
		}
		EngineError::DefinitionIsDeprecated { definition } => {
			// the registry's error, bubbled up by the engine: encoded by hand
			let mut out = keccak256("DefinitionIsDeprecated(uint256)")[..4].to_vec();
			out.extend_from_slice(&u(*definition).to_be_bytes::<32>());
			out
		}
		EngineError::VerificationRequired { instance, element, verifier_role } => Pe::VerificationRequired {
			instanceId: u(*instance),
			element: *element,
			verifierRole: FixedBytes(*verifier_role),
		}
		.abi_encode(),
		EngineError::TaskNotVerified { instance, element } => {
			Pe::TaskNotVerified { instanceId: u(*instance), element: *element }.abi_encode()
		}
		EngineError::SubmissionPending { instance, element, performer } => {
			Pe::SubmissionPending { instanceId: u(*instance), element: *element, performer: addr(performer) }.abi_encode()
		}
		EngineError::NoSubmission { instance, element } => {
			Pe::NoSubmission { instanceId: u(*instance), element: *element }.abi_encode()
		}
		EngineError::EvidenceRequired { instance, element } => {
			Pe::EvidenceRequired { instanceId: u(*instance), element: *element }.abi_encode()
		}
		EngineError::VerifierIsPerformer { instance, element, account } => {
			Pe::VerifierIsPerformer { instanceId: u(*instance), element: *element, account: addr(account) }.abi_encode()
		}
		EngineError::MalformedCondition { pc } => {
			// ConditionVM.MalformedCondition(uint256): a library error, encoded by hand
			let mut out = keccak256("MalformedCondition(uint256)")[..4].to_vec();
			out.extend_from_slice(&u(*pc).to_be_bytes::<32>());
			out
		}
	}
}

