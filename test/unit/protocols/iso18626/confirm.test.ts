import { RECEIVER_FAILURE_ERROR_TYPE, buildIso18626, confirmationFor, confirmInbound, confirmReceiverFailure, parseIso18626, rejection, tryParseIso18626 } from '../../../../protocols/iso18626';
import type { ConfirmationMessage } from '../../../../protocols/iso18626';
import { validateAgainst } from '../../../helpers/xsd';
import { envelope, fullRequest, fullRequestConfirmation, fullRequestingAgencyMessage, fullSupplyingAgencyMessage, ram, sam } from './messages';

const NOW = new Date('2025-01-02T03:04:05.678Z');

async function expectSendable(message: ConfirmationMessage): Promise<void> {
  expect(await validateAgainst('iso18626', buildIso18626(message))).toEqual({ valid: true, errors: [] });
}

const echoedHeader = {
  supplyingAgencyId: fullRequest.header.supplyingAgencyId,
  requestingAgencyId: fullRequest.header.requestingAgencyId,
  timestamp: '2025-01-02T03:04:05.678Z',
  requestingAgencyRequestId: fullRequest.header.requestingAgencyRequestId,
  multipleItemRequestId: fullRequest.header.multipleItemRequestId,
  timestampReceived: fullRequest.header.timestamp,
};

describe('confirming inbound messages', () => {
  it('confirms a request OK, echoing the header ids and the inbound timestamp', async () => {
    const reply = confirmInbound(parseIso18626(buildIso18626(fullRequest)), NOW);
    expect(reply).toEqual({
      answersKind: 'request',
      httpStatus: 200,
      message: { kind: 'requestConfirmation', confirmationHeader: { ...echoedHeader, messageStatus: 'OK' } },
    });
    await expectSendable(reply.message);
  });

  it('confirms a supplying agency message OK, echoing reasonForMessage', async () => {
    const reply = confirmInbound(tryParseIso18626(buildIso18626(fullSupplyingAgencyMessage)), NOW);
    expect(reply.message).toEqual({
      kind: 'supplyingAgencyMessageConfirmation',
      confirmationHeader: { ...echoedHeader, messageStatus: 'OK' },
      reasonForMessage: 'StatusChange',
    });
    await expectSendable(reply.message);
  });

  it('confirms a requesting agency message OK, echoing the action', async () => {
    const reply = confirmInbound(parseIso18626(buildIso18626(fullRequestingAgencyMessage)), NOW);
    expect(reply.message).toEqual({
      kind: 'requestingAgencyMessageConfirmation',
      confirmationHeader: { ...echoedHeader, messageStatus: 'OK' },
      action: 'ShippedReturn',
    });
    await expectSendable(reply.message);
  });

  it('answers a request the lifecycle refuses with ERROR and the business reason', async () => {
    const message = rejection(fullRequest, 'UnrecognisedDataValue', 'header.requestingAgencyRequestId: request with a given ID already exists', NOW);
    expect(message).toEqual({
      kind: 'requestConfirmation',
      confirmationHeader: { ...echoedHeader, messageStatus: 'ERROR' },
      errorData: { errorType: 'UnrecognisedDataValue', errorValue: 'header.requestingAgencyRequestId: request with a given ID already exists' },
    });
    await expectSendable(message);
  });

  it('answers a supplying agency message for an unknown request with ERROR, still echoing the reason', async () => {
    const message = confirmationFor(fullSupplyingAgencyMessage, NOW, { errorType: 'UnrecognisedDataValue', errorValue: 'header.requestingAgencyRequestId: no such request' });
    expect(message).toMatchObject({ kind: 'supplyingAgencyMessageConfirmation', reasonForMessage: 'StatusChange', confirmationHeader: { messageStatus: 'ERROR' } });
    await expectSendable(message);
  });

  it('answers a requesting agency message with ERROR without an errorValue when none is given', async () => {
    const message = confirmationFor(fullRequestingAgencyMessage, NOW, { errorType: 'UnsupportedActionType' });
    expect(message).toMatchObject({ action: 'ShippedReturn', errorData: { errorType: 'UnsupportedActionType' } });
    expect(message).not.toHaveProperty('errorData.errorValue');
    await expectSendable(message);
  });

  it('answers an unknown action with a RAM confirmation ERROR/UnsupportedActionType echoing what it could read', async () => {
    const reply = confirmInbound(tryParseIso18626(ram('Foo')), NOW);
    expect(reply).toMatchObject({ answersKind: 'requestingAgencyMessage', httpStatus: 200 });
    expect(reply.message).toEqual({
      kind: 'requestingAgencyMessageConfirmation',
      confirmationHeader: {
        supplyingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'SUP' },
        requestingAgencyId: { agencyIdType: { value: 'ISIL' }, agencyIdValue: 'REQ' },
        timestamp: '2025-01-02T03:04:05.678Z',
        requestingAgencyRequestId: 'req-1',
        timestampReceived: '2024-12-12T20:12:00.62959771Z',
        messageStatus: 'ERROR',
      },
      errorData: { errorType: 'UnsupportedActionType', errorValue: expect.stringMatching(/^requestingAgencyMessage\.action: unknown value "Foo"/) },
    });
    await expectSendable(reply.message);
  });

  it('answers an unknown reason with a SAM confirmation ERROR/UnsupportedReasonForMessageType', async () => {
    const outcome = tryParseIso18626(sam('Loaned', 'Whatever'));
    const reply = confirmInbound(outcome.ok ? outcome.result : outcome.error, NOW);
    expect(reply.message).toMatchObject({ kind: 'supplyingAgencyMessageConfirmation', errorData: { errorType: 'UnsupportedReasonForMessageType' } });
    expect(reply.message).not.toHaveProperty('reasonForMessage');
    await expectSendable(reply.message);
  });

  it('uses the clock for timestampReceived when the inbound timestamp could not be read', async () => {
    const reply = confirmInbound(tryParseIso18626(ram('Cancel').replace('2024-12-12T20:12:00.62959771Z', 'soon')), NOW);
    expect(reply.message.confirmationHeader.timestampReceived).toBe('2025-01-02T03:04:05.678Z');
    expect(reply.message).toMatchObject({ errorData: { errorType: 'UnrecognisedDataValue' } });
    await expectSendable(reply.message);
  });

  it('tells the HTTP layer to answer 400 for an unparseable body, with a BadlyFormedMessage fallback confirmation', async () => {
    const reply = confirmInbound(tryParseIso18626('<<not xml'), NOW);
    expect(reply).toMatchObject({ answersKind: undefined, httpStatus: 400 });
    expect(reply.message).toMatchObject({
      kind: 'requestConfirmation',
      confirmationHeader: { messageStatus: 'ERROR', timestamp: NOW.toISOString(), timestampReceived: NOW.toISOString() },
      errorData: { errorType: 'BadlyFormedMessage' },
    });
    await expectSendable(reply.message);
  });

  it('tells the HTTP layer to answer 413 for a body over the size limit', () => {
    expect(confirmInbound(tryParseIso18626(ram('Cancel'), { maxBytes: 100 }), NOW).httpStatus).toBe(413);
  });

  it('treats an envelope without a message as unanswerable', () => {
    expect(confirmInbound(tryParseIso18626(envelope('<nothing/>')), NOW)).toMatchObject({ answersKind: undefined, httpStatus: 400 });
  });

  it('does not confirm a confirmation: it is unanswerable as an inbound message', async () => {
    const reply = confirmInbound(parseIso18626(buildIso18626(fullRequestConfirmation)), NOW);
    expect(reply).toMatchObject({ answersKind: undefined, httpStatus: 400, message: { errorData: { errorType: 'BadlyFormedMessage' } } });
    await expectSendable(reply.message);
  });

  describe('when the receiver itself failed (answered with a 5xx)', () => {
    const failure = { errorType: RECEIVER_FAILURE_ERROR_TYPE, errorValue: 'the ILL server is temporarily unavailable' };

    it('answers a message that was read in its own kind, echoing its header', async () => {
      const message = confirmReceiverFailure(tryParseIso18626(buildIso18626(fullRequestingAgencyMessage)), NOW, failure.errorValue);
      expect(message).toEqual({ kind: 'requestingAgencyMessageConfirmation', confirmationHeader: { ...echoedHeader, messageStatus: 'ERROR' }, action: 'ShippedReturn', errorData: failure });
      await expectSendable(message);
    });

    it('echoes what could be read of a message that failed to parse', async () => {
      const broken = buildIso18626(fullSupplyingAgencyMessage).replace('<ill:reasonForMessage>StatusChange</ill:reasonForMessage>', '<ill:reasonForMessage>Nonsense</ill:reasonForMessage>');
      const message = confirmReceiverFailure(tryParseIso18626(broken), NOW, failure.errorValue);
      expect(message).toMatchObject({ kind: 'supplyingAgencyMessageConfirmation', confirmationHeader: { requestingAgencyRequestId: fullRequest.header.requestingAgencyRequestId, messageStatus: 'ERROR' }, errorData: failure });
      await expectSendable(message);
    });

    it('answers a body that could not be read at all with a requestConfirmation', async () => {
      const message = confirmReceiverFailure(undefined, NOW, failure.errorValue);
      expect(message).toEqual({ kind: 'requestConfirmation', confirmationHeader: { timestamp: '2025-01-02T03:04:05.678Z', timestampReceived: '2025-01-02T03:04:05.678Z', messageStatus: 'ERROR' }, errorData: failure });
      await expectSendable(message);
    });
  });
});
