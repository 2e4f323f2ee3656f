// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmFixture} from "./utils/BpmFixture.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {IParticipantRegistry} from "../src/IParticipantRegistry.sol";
import {InstanceCertificates, ICertifiedEngine, ICertifyingRegistry} from "../src/InstanceCertificates.sol";

/// @notice Hand-encoded models shared by the engine tests. Each `build*` leaves the model in the
/// builder and stores the interesting element indexes in storage.
abstract contract Models is BpmFixture {
    // ---- sequence: Start -> Review (Clerk) -> Approve (Manager) -> End
    uint16 internal seqStart;
    uint16 internal seqReview;
    uint16 internal seqApprove;
    uint16 internal seqEnd;

    function buildSequence() internal {
        loadModel("sequence");
        seqStart = elementOf("start");
        seqReview = elementOf("Review");
        seqApprove = elementOf("Approve");
        seqEnd = elementOf("end");
    }

    /// An `InstanceCertificates` of the fixture's engine, registry and participants.
    function newCertificates() internal returns (InstanceCertificates) {
        return new InstanceCertificates(
            ICertifiedEngine(address(engine)), ICertifyingRegistry(address(registry)), IParticipantRegistry(address(participants))
        );
    }

    /// Uploads the sequence model as `name`, asks for certificates, publishes it.
    function deployCertifiedSequence(string memory name) internal returns (uint256 definitionId) {
        buildSequence();
        definitionId = upload(name);
        registry.requestCertificates(definitionId);
        registry.publish(definitionId);
    }

    // Every model is the compiler's output for test/models/<name>.bpmn (loadModel); the element,
    // scope, message flow and variable indices are looked up by BPMN id.

    // ---- exclusive: Start -> Enter (Clerk, writes amount/vip) -> XOR
    //      [amount > 1000] -> Big;  [vip] -> Vip;  default -> Small;  all -> End each
    uint16 internal xEnter;
    uint16 internal xGateway;
    uint16 internal xBig;
    uint16 internal xVip;
    uint16 internal xSmall;
    uint8 internal xAmount;
    uint8 internal xVipVar;
    uint8 internal xCountry;

    function buildExclusive(bool withDefault) internal {
        // without a default, Small's flow has the condition `false` (never taken)
        loadModel(withDefault ? "exclusive" : "exclusive-no-default");
        xEnter = elementOf("Enter");
        xGateway = elementOf("split");
        xBig = elementOf("Big");
        xVip = elementOf("Vip");
        xSmall = elementOf("Small");
        xAmount = variableOf("amount");
        xVipVar = variableOf("vip");
        xCountry = variableOf("country");
    }

    // ---- parallel: Start -> AND split -> A (Clerk), B (Manager) -> AND join -> C (Clerk) -> End
    uint16 internal pSplit;
    uint16 internal pA;
    uint16 internal pB;
    uint16 internal pJoin;
    uint16 internal pC;

    function buildParallel() internal {
        loadModel("parallel");
        pSplit = elementOf("split");
        pA = elementOf("A");
        pB = elementOf("B");
        pJoin = elementOf("join");
        pC = elementOf("C");
    }

    // ---- event-based: Start -> Offer (Clerk) -> EBG -> catch Accept | catch Reject (from Customer black box)
    //      Accept -> Ship (Clerk) -> End ; Reject -> End
    uint16 internal eOffer;
    uint16 internal eGateway;
    uint16 internal eAcceptCatch;
    uint16 internal eRejectCatch;
    uint16 internal eShip;
    uint16 internal eAcceptMsg;
    uint16 internal eRejectMsg;
    uint8 internal eReason;

    function buildEventBased() internal {
        loadModel("event-based");
        eOffer = elementOf("Offer");
        eGateway = elementOf("wait");
        eAcceptCatch = elementOf("accepted");
        eRejectCatch = elementOf("rejected");
        eShip = elementOf("Ship");
        eAcceptMsg = messageFlowOf("acceptFlow");
        eRejectMsg = messageFlowOf("rejectFlow");
        eReason = variableOf("reason");
    }

    // ---- embedded sub-process: Start -> SP[ start -> Check (Clerk) -> end ] -> Sign (Manager) -> End
    uint16 internal spElement;
    uint8 internal spScope;
    uint16 internal spCheck;
    uint16 internal spSign;

    function buildSubProcess() internal {
        loadModel("sub-process");
        spElement = elementOf("Checks");
        spScope = scopeOf("Checks");
        spCheck = elementOf("Check");
        spSign = elementOf("Sign");
    }

    // ---- call activity: parent "order": Start -> Call(child "payment") -> Deliver (Clerk) -> End
    //      child "payment": Start -> Pay (Clerk) -> End
    uint16 internal caCall;
    uint16 internal caDeliver;
    uint16 internal caPay;

    function buildPayment() internal {
        loadModel("payment");
        caPay = elementOf("Pay");
    }

    function buildOrder() internal {
        loadModel("order");
        caCall = elementOf("Call");
        caDeliver = elementOf("Deliver");
    }

    // ---- two executable pools: Buyer: Start -> Order (SendTask, Clerk) -> ReceiveTask Confirm -> End
    //      Seller: MessageStart(order) -> Accept (Supplier) -> MessageEnd(confirmation)
    uint16 internal mOrder;
    uint16 internal mConfirm;
    uint16 internal mSellerStart;
    uint16 internal mAccept;
    uint16 internal mSellerEnd;
    uint16 internal mOrderMsg;
    uint16 internal mConfirmMsg;

    function buildCollaboration() internal {
        loadModel("collaboration");
        mOrder = elementOf("Order");
        mConfirm = elementOf("Confirmation");
        mSellerStart = elementOf("orderReceived");
        mAccept = elementOf("Accept");
        mSellerEnd = elementOf("confirmed");
        mOrderMsg = messageFlowOf("m1");
        mConfirmMsg = messageFlowOf("m2");
    }

    // ---- terminate: Start -> AND -> A (Clerk) -> End ; B (Manager) -> Terminate
    uint16 internal tA;
    uint16 internal tB;

    function buildTerminate() internal {
        loadModel("terminate");
        tA = elementOf("A");
        tB = elementOf("B");
    }
}
