// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IOracleEngine, OracleGateway} from "../src/OracleGateway.sol";
import {InstanceCertificates} from "../src/InstanceCertificates.sol";

/// @notice Hot-path gas budgets, cold as in a real transaction: the models are deployed and the
/// instances brought to the measured step in `setUp`, which forge runs as a transaction of its
/// own, so every account, image and slot the measured call touches is cold (EIP-2929). Execution
/// gas of the call (its cold account access included, which a transaction's own target does not
/// pay): the 21,000 base and the calldata are not in these numbers. Measured: start ~145k with one
/// role binding, task -> task ~35k, through an AND join ~45k, through a conditional XOR with a
/// variable write ~78k, through a decision gateway ~53k, to the end event ~50k, a
/// 4-element model deploy ~1.9M, a verified task's submission (one variable, evidence) ~124k and
/// its approval (the completion through a conditional XOR) ~108k, a service task completed through the OracleGateway (a signed
/// result with one variable, to the end event) ~140k: the engine's step with a new variable
/// slot, the nonce's new slot (22,100), the element's kind from the registry and the signature check,
/// a certificate claim ~100k (ERC-721 mint to the starter of a completed instance)
/// (docs/bpm-engine.md, "Runtime image and gas"). They guard against regressions twice: each measure is below its
/// budget, and equal to the value committed in `snapshots/bpm-engine-gas.json` (CI runs forge with
/// `FORGE_SNAPSHOT_CHECK=true`, so any change of the engine's gas, up or down, fails until the
/// snapshot is re-recorded: run `../tools/forge test --match-contract GasTest` and commit the
/// file). `../tools/forge test --gas-report` gives the full per-function picture.
contract GasTest is Models {
    uint256 internal constant SEQUENCE_STEP_BUDGET = 40_000;
    uint256 internal constant START_BUDGET = 160_000;
    uint256 internal constant JOIN_STEP_BUDGET = 50_000;
    uint256 internal constant XOR_STEP_BUDGET = 90_000;
    uint256 internal constant DECISION_STEP_BUDGET = 60_000;
    uint256 internal constant END_STEP_BUDGET = 60_000;
    uint256 internal constant DEPLOY_BUDGET = 2_200_000;
    uint256 internal constant GATEWAY_STEP_BUDGET = 150_000;
    uint256 internal constant SUBMIT_BUDGET = 150_000;
    /// An approval with a reward rule: the completion, then the first mint of `RewardUnits` (cold
    /// token, two zero-to-non-zero stores: the performer's balance and the total supply).
    uint256 internal constant APPROVE_BUDGET = 175_000;
    /// Claiming an instance's certificate: the engine's and the registry's views, the participant
    /// check, the ERC-721 mint (owner, balance: new slots) and the definition record.
    uint256 internal constant CLAIM_BUDGET = 115_000;
    /// The snapshot file: `snapshots/bpm-engine-gas.json`.
    string internal constant GROUP = "bpm-engine-gas";

    uint256 internal seqDef;
    uint256 internal seqAtReview; // an instance waiting at Review
    uint256 internal seqAtApprove; // an instance waiting at Approve (the last task)
    uint256 internal parAtA; // parallel: B completed, A waits (A fires the join)
    uint256 internal xorAtEnter; // exclusive: waiting at Enter
    uint256 internal decisionAtReview; // decision: waiting at Review, before the decision gateway
    uint16 internal decisionReview;
    uint16 internal decisionGateway;
    uint16 internal decisionShip;
    OracleGateway internal gateway;
    uint256 internal servedAtPay; // payment with Pay a service task, bound to the gateway
    uint8 internal paidAmount;
    bytes internal paySignature; // the oracle's signature of the result measured below
    uint256 internal constant ORACLE_KEY = 0x0A11CE5EC2E7;
    uint64 internal constant DEADLINE = type(uint64).max;
    uint256 internal verifyAtRecord; // verification: RecordInvoice enabled, nothing submitted
    uint256 internal verifySubmitted; // verification: RecordInvoice submitted by alice
    uint16 internal vRecord;
    uint8 internal vAmount;
    address internal victor = address(0x71C7); // Controller
    InstanceCertificates internal certs;
    uint256 internal certifiedDone; // a completed instance of a definition that asks for certificates

    function setUp() public override {
        super.setUp();
        buildSequence();
        seqDef = deploy("seq");
        seqAtReview = start(alice, seqDef, bind(MANAGER, bob));
        seqAtApprove = start(alice, seqDef, bind(MANAGER, bob));
        complete(alice, seqAtApprove, seqReview);
        buildParallel();
        parAtA = start(alice, deploy("par"), bind(MANAGER, bob));
        complete(bob, parAtA, pB);
        buildExclusive(true);
        xorAtEnter = start(alice, deploy("xor"), bind(MANAGER, bob));
        loadModel("decision");
        decisionReview = elementOf("Review");
        decisionGateway = elementOf("approved");
        decisionShip = elementOf("Ship");
        decisionAtReview = start(alice, deploy("decision"), bind(MANAGER, bob));
        gateway = new OracleGateway(address(this), IOracleEngine(address(engine)), IProcessDefinitionRegistry(address(registry)));
        gateway.registerOracle(vm.addr(ORACLE_KEY));
        participants.registerParticipant(address(gateway), "Payment service", roles1(CLERK));
        buildPayment();
        bElements[caPay].kind = BpmCore.ElementKind.ServiceTask;
        paidAmount = uint8(bVars.length);
        bVars.push(BpmnModel.Variable({name: "paidAmount", varType: BpmCore.VariableType.Int}));
        servedAtPay = start(alice, deploy("payment-service"), bind(CLERK, address(gateway)));
        (uint8 v, bytes32 r, bytes32 sg) = vm.sign(ORACLE_KEY, gateway.serviceResultDigest(_payResult()));
        paySignature = abi.encodePacked(r, sg, v);
        bytes32 controller = keccak256("Controller");
        participants.registerParticipant(victor, "Victor", roles1(controller));
        loadModel("verification");
        vRecord = elementOf("RecordInvoice");
        vAmount = variableOf("amount");
        uint256 vDef = deploy("verification");
        verifyAtRecord = start(alice, vDef, bind(controller, victor));
        verifySubmitted = start(alice, vDef, bind(controller, victor));
        vm.prank(alice);
        engine.submitTask(verifySubmitted, vRecord, setVar(vAmount, 500), new BpmRuntime.Decision[](0), keccak256("scan"));
        certs = newCertificates();
        uint256 certified = deployCertifiedSequence("certified");
        certifiedDone = start(alice, certified, bind(MANAGER, bob));
        complete(alice, certifiedDone, seqReview);
        complete(bob, certifiedDone, seqApprove);
    }

    function testGasClaimACertificate() public {
        vm.prank(mallory); // anyone may claim; the certificate goes to the starter
        uint256 g = gasleft();
        certs.claim(certifiedDone);
        uint256 used = g - gasleft();
        assertEq(certs.ownerOf(certifiedDone), alice);
        vm.snapshotValue(GROUP, "claim a certificate (InstanceCertificates: ERC-721 mint to the starter)", used);
        assertLe(used, CLAIM_BUDGET, "claiming a certificate over budget");
    }

    function testGasSubmitAVerifiedTask() public {
        BpmRuntime.VariableAssignment[] memory out = setVar(vAmount, 500);
        BpmRuntime.Decision[] memory none = new BpmRuntime.Decision[](0);
        vm.prank(alice);
        uint256 g = gasleft();
        engine.submitTask(verifyAtRecord, vRecord, out, none, keccak256("scan"));
        uint256 submit = g - gasleft();
        vm.snapshotValue(GROUP, "submitTask (1 variable, evidence)", submit);
        assertLe(submit, SUBMIT_BUDGET, "submitTask over budget");
    }

    function testGasApproveAVerifiedTask() public {
        vm.prank(victor);
        uint256 g = gasleft();
        engine.approveTask(verifySubmitted, vRecord);
        uint256 approve = g - gasleft();
        assertFalse(engine.isEnabled(verifySubmitted, vRecord));
        assertEq(rewards.balanceOf(alice), 5, "the task's reward minted to its performer");
        vm.snapshotValue(GROUP, "approveTask (writes 1 variable -> conditional XOR -> task; mints 5 reward units, the first)", approve);
        assertLe(approve, APPROVE_BUDGET, "approveTask over budget");
    }

    function _payResult() internal view returns (OracleGateway.ServiceResult memory) {
        return OracleGateway.ServiceResult({
            instanceId: servedAtPay, element: caPay, outputs: setVar(paidAmount, 1250), nonce: 1, deadline: DEADLINE
        });
    }

    function _measureComplete(address actor, uint256 id, uint16 element, int256 amount)
        internal
        returns (uint256 used)
    {
        BpmRuntime.VariableAssignment[] memory vars = amount == 0 ? noVars() : setVar(xAmount, amount);
        vm.prank(actor);
        uint256 g = gasleft();
        engine.completeTask(id, element, vars);
        used = g - gasleft();
    }

    function testGasStartInstance() public {
        vm.prank(alice);
        uint256 g = gasleft();
        engine.startInstance(seqDef, bind(MANAGER, bob), noVars());
        uint256 used = g - gasleft();
        vm.snapshotValue(GROUP, "startInstance (1 role binding)", used);
        assertLe(used, START_BUDGET, "startInstance over budget");
    }

    function testGasCompleteTaskInSequence() public {
        uint256 used = _measureComplete(alice, seqAtReview, seqReview, 0); // Task -> Task: no automatic step
        vm.snapshotValue(GROUP, "completeTask (task -> task)", used);
        assertLe(used, SEQUENCE_STEP_BUDGET, "completeTask (task -> task) over budget");
    }

    function testGasCompleteTaskThroughJoin() public {
        uint256 used = _measureComplete(alice, parAtA, pA, 0); // fires the AND join automatically
        vm.snapshotValue(GROUP, "completeTask (task -> AND join -> task)", used);
        assertLe(used, JOIN_STEP_BUDGET, "completeTask through a join over budget");
    }

    function testGasCompleteTaskThroughConditionalXor() public {
        uint256 used = _measureComplete(alice, xorAtEnter, xEnter, 5000); // writes amount, XOR takes [amount > 1000]
        assertEq(engine.enabledTasks(xorAtEnter), u16(xBig));
        vm.snapshotValue(GROUP, "completeTask (task writes 1 variable -> conditional XOR -> task)", used);
        assertLe(used, XOR_STEP_BUDGET, "completeTask through a conditional XOR over budget");
    }

    function testGasCompleteTaskDecidingAGateway() public {
        BpmRuntime.Decision[] memory d = new BpmRuntime.Decision[](1);
        d[0] = BpmRuntime.Decision({gateway: decisionGateway, branch: 0}); // yes -> Ship
        vm.prank(alice);
        uint256 g = gasleft();
        engine.completeTaskWithDecisions(decisionAtReview, decisionReview, noVars(), d);
        uint256 used = g - gasleft();
        assertEq(engine.enabledTasks(decisionAtReview), u16(decisionShip));
        vm.snapshotValue(GROUP, "completeTaskWithDecisions (task -> decision gateway -> task)", used);
        assertLe(used, DECISION_STEP_BUDGET, "completeTaskWithDecisions through a decision gateway over budget");
    }

    function testGasCompleteLastTask() public {
        uint256 used = _measureComplete(bob, seqAtApprove, seqApprove, 0); // Task -> end event: instance completed
        assertStatus(seqAtApprove, BpmRuntime.InstanceStatus.Completed);
        vm.snapshotValue(GROUP, "completeTask (task -> end event, instance completed)", used);
        assertLe(used, END_STEP_BUDGET, "completeTask to the end event over budget");
    }

    function testGasCompleteServiceTaskThroughTheOracleGateway() public {
        OracleGateway.ServiceResult memory r = _payResult();
        bytes memory sig = paySignature;
        vm.prank(mallory); // a relayer: anyone may send a signed result
        uint256 g = gasleft();
        gateway.completeServiceTask(r, sig);
        uint256 used = g - gasleft();
        assertStatus(servedAtPay, BpmRuntime.InstanceStatus.Completed);
        vm.snapshotValue(GROUP, "completeServiceTask (OracleGateway: EIP-712 result, 1 variable, task -> end event)", used);
        assertLe(used, GATEWAY_STEP_BUDGET, "a service task through the oracle gateway over budget");
    }

    function testGasDeployModel() public {
        buildSequence();
        uint256 g = gasleft();
        deploy("seq"); // upload (definition, elements, flows) + publish: every transaction of a deploy
        uint256 used = g - gasleft();
        vm.snapshotValue(GROUP, "deploy the sequence model (upload + publish, 4 elements)", used);
        assertLe(used, DEPLOY_BUDGET, "deploying a 4-element model over budget");
    }
}
