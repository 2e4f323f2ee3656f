//! Task verification (AlstraNet specification 5.22, TaskVerification; docs/bpm-engine.md, "Task
//! verification"): the four-eyes principle on a task, as `ProcessExecution.sol` implements it.
//!
//! * [`Engine::submit_task`]: an account bound to the task's role submits its work while the
//!   task is enabled: the outputs and decisions its completion will use and an evidence hash
//!   (SHA-256 of a document; required, non-zero, when the model says so). The outputs are
//!   checked against the variable table now; nothing is written and no token moves. One
//!   submission per task at a time.
//! * [`Engine::approve_task`]: an account bound to the verifier role, other than the performer,
//!   approves: the task completes exactly as `completeTaskWithDecisions` by the performer would
//!   (the performer is the `actor` of its firing, its writes and decisions), after a
//!   `TaskApproved` event. The task must still be enabled.
//! * [`Engine::reject_task`]: the same verifier rule; the submission is dropped with a reason,
//!   the token still waits at the task, and the performer (or another holder of the role) may
//!   submit again.
//!
//! The marking changes only at approval, so the proven state machine (the rollup's firing
//! rules) sees an ordinary task completion; who verified it is in the trail (events), not in the
//! proof. A submission outlives a withdrawal of the task's token (a terminate end event in its
//! scope): approving it then fails with `TaskNotEnabled`, and a verifier rejects it.

use super::*;

/// Work submitted for verification (`ProcessExecution.submission`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Who submitted it (bound to the task's role).
    pub performer: Account,
    /// Evidence hash (zero: none).
    pub evidence: [u8; 32],
    /// The variable writes of the completion.
    pub outputs: Vec<Assignment>,
    /// The decisions of the completion's advance.
    pub decisions: Vec<Decision>,
}

impl Engine {
    /// The submission of task `element` of instance `id` waiting for its verifier, if any.
    pub fn submission(&self, id: u64, element: u16) -> Option<&Submission> {
        self.submissions.get(&(id, element))
    }

    /// `submitTask(instanceId, element, outputs, decisions, evidence)` sent by `sender`.
    /// Errors, in this order: `InstanceNotActive`, `NotATask`, `TaskNotVerified`, `MissingRole`
    /// (sender not bound to the task's role), `TaskNotEnabled`, `SubmissionPending`,
    /// `EvidenceRequired`, then `UnknownVariable`/`InvalidBoolValue` for an output.
    pub fn submit_task(
        &mut self,
        sender: Account,
        id: u64,
        element: u16,
        outputs: &[Assignment],
        decisions: &[Decision],
        evidence: [u8; 32],
    ) -> Result<Vec<EngineEvent>, EngineError> {
        self.atomic(sender, |e, t| {
            let rt = e.verified_task(id, element)?;
            e.require_bound(id, &rt.role, &sender)?;
            e.task_place(id, &rt)?;
            if let Some(s) = e.submissions.get(&(id, element)) {
                return Err(EngineError::SubmissionPending { instance: id, element, performer: s.performer });
            }
            if rt.evidence_required && evidence == [0; 32] {
                return Err(EngineError::EvidenceRequired { instance: id, element });
            }
            for a in outputs {
                e.check_assignment(id, a)?;
            }
            e.submissions.insert(
                (id, element),
                Submission { performer: sender, evidence, outputs: outputs.to_vec(), decisions: decisions.to_vec() },
            );
            t.events.push(EngineEvent::TaskSubmitted { instance: id, element, performer: sender, evidence });
            Ok(())
        })
        .map(|((), events)| events)
    }

    /// `approveTask(instanceId, element)` sent by `sender`: completes the submission. Errors, in
    /// this order: `InstanceNotActive`, `NotATask`, `TaskNotVerified`, `MissingRole` (sender not
    /// bound to the verifier role), `NoSubmission`, `VerifierIsPerformer`, `TaskNotEnabled`,
    /// then the completion's own (`DecisionNotUsed`, `DecisionRequired`, ...).
    pub fn approve_task(&mut self, sender: Account, id: u64, element: u16) -> Result<Vec<EngineEvent>, EngineError> {
        let performer = self.submissions.get(&(id, element)).map(|s| s.performer).unwrap_or_default();
        self.atomic(performer, |e, t| {
            let (rt, s) = e.verifier_check(sender, id, element)?;
            let place = e.task_place(id, &rt)?;
            t.decided = id;
            t.decisions = s.decisions.iter().map(|d| (*d, false)).collect();
            t.events.push(EngineEvent::TaskApproved {
                instance: id,
                element,
                verifier: sender,
                performer: s.performer,
                reward: rt.reward,
            });
            e.complete(t, id, &rt, place, &s.outputs)
        })
        .map(|((), events)| events)
    }

    /// `rejectTask(instanceId, element, reason)` sent by `sender`: drops the submission. Errors,
    /// in this order: `InstanceNotActive`, `NotATask`, `TaskNotVerified`, `MissingRole`,
    /// `NoSubmission`, `VerifierIsPerformer`.
    pub fn reject_task(&mut self, sender: Account, id: u64, element: u16, reason: &str) -> Result<Vec<EngineEvent>, EngineError> {
        self.atomic(sender, |e, t| {
            let (_, s) = e.verifier_check(sender, id, element)?;
            t.events.push(EngineEvent::TaskRejected {
                instance: id,
                element,
                verifier: sender,
                performer: s.performer,
                reason: reason.into(),
            });
            Ok(())
        })
        .map(|((), events)| events)
    }

    /// A person task of active instance `id` with a verifier role (`TaskNotVerified` otherwise).
    fn verified_task(&self, id: u64, element: u16) -> Result<RuntimeElement, EngineError> {
        let rt = self.person_task(id, element)?;
        if rt.verifier_role == [0; 32] {
            return Err(EngineError::TaskNotVerified { instance: id, element });
        }
        Ok(rt)
    }

    /// The checks shared by approval and rejection; removes and returns the submission.
    fn verifier_check(&mut self, sender: Account, id: u64, element: u16) -> Result<(RuntimeElement, Submission), EngineError> {
        let rt = self.verified_task(id, element)?;
        self.require_bound(id, &rt.verifier_role, &sender)?;
        let s = self.submissions.remove(&(id, element)).ok_or(EngineError::NoSubmission { instance: id, element })?;
        if s.performer == sender {
            return Err(EngineError::VerifierIsPerformer { instance: id, element, account: sender });
        }
        Ok((rt, s))
    }
}
