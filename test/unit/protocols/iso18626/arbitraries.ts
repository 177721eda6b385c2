/**
 * fast-check arbitraries for valid messages of all six kinds, in the model's normal form:
 * what build writes and parse reads back unchanged (optional text non-empty and trimmed, optional
 * groups and arrays non-empty; the codec treats an empty optional element as absent).
 */
import fc from 'fast-check';
import {
  ACTIONS,
  ERROR_TYPES,
  MESSAGE_STATUSES,
  REASONS_FOR_MESSAGE,
  REQUEST_SUB_TYPES,
  REQUEST_TYPES,
  SERVICE_TYPES,
  STATUSES,
  YES_NO,
} from '../../../../protocols/iso18626';
import type { Iso18626Message } from '../../../../protocols/iso18626';

type Model = Record<string, fc.Arbitrary<unknown>>;

/** An object with every key optional except `required`; never a null prototype (toStrictEqual). */
function rec(model: Model, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(model, { requiredKeys: required, noNullPrototype: true }) as fc.Arbitrary<Record<string, unknown>>;
}
const nonEmpty = <T extends object>(arb: fc.Arbitrary<T>) => arb.filter((o) => Object.keys(o).length > 0);
const list = <T>(arb: fc.Arbitrary<T>, max = 3) => fc.array(arb, { minLength: 1, maxLength: max });

// Markup characters, non-Latin letters and an astral-plane character, to exercise escaping.
const CHARS = Array.from('abcXYZ 019-_.,&<>"\'/:;#=éøß中文🙂');
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 14 }).map((a) => a.join('').trim());
const optText = text.filter((s) => s !== '');
const scheme = fc.oneof(fc.constantFrom('http://illtransactions.org/opencode/2017/', 'urn:iso:std:iso:4217', 'RESHARE'), fc.stringMatching(/^https?:\/\/[a-z]{1,8}\.org\/[a-z0-9]{0,6}$/));
const svp = rec({ value: text, scheme }, ['value']);
/** An optional schemeValuePair is absent when empty, so generate it with a value. */
const optSvp = rec({ value: optText, scheme }, ['value']);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateTime = fc
  .record({
    year: fc.integer({ min: 1, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
    zone: fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 59 })).map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`)),
  })
  .map((d) => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}${d.fraction ? `.${d.fraction}` : ''}${d.zone}`);
const decimal = fc.stringMatching(/^-?[0-9]{1,6}(\.[0-9]{1,2})?$/);
const integer = fc.integer({ min: -1000, max: 100000 });
/** 2021 allows no negative sortOrder. */
const sortOrder2021 = fc.integer({ min: 0, max: 100000 });

const agencyId = rec({ agencyIdType: svp, agencyIdValue: text }, ['agencyIdType', 'agencyIdValue']);
const costs = rec({ currencyCode: svp, monetaryValue: decimal }, ['currencyCode', 'monetaryValue']);
const physicalAddress = rec({ line1: optText, line2: optText, locality: optText, postalCode: optText, region: optSvp, country: optSvp });
const address = fc.oneof(
  rec({ electronicAddress: rec({ electronicAddressType: svp, electronicAddressData: text }, ['electronicAddressType', 'electronicAddressData']) }, ['electronicAddress']),
  rec({ physicalAddress }, ['physicalAddress']),
);

const header = rec(
  {
    supplyingAgencyId: agencyId,
    requestingAgencyId: agencyId,
    multipleItemRequestId: optText,
    timestamp: dateTime,
    requestingAgencyRequestId: text,
    supplyingAgencyRequestId: optText,
    requestingAgencyAuthentication: nonEmpty(rec({ accountId: optText, securityCode: optText })),
  },
  ['supplyingAgencyId', 'requestingAgencyId', 'timestamp', 'requestingAgencyRequestId'],
);
const confirmationHeader = rec(
  {
    supplyingAgencyId: agencyId,
    requestingAgencyId: agencyId,
    timestamp: dateTime,
    requestingAgencyRequestId: optText,
    multipleItemRequestId: optText,
    timestampReceived: dateTime,
    messageStatus: fc.constantFrom(...MESSAGE_STATUSES),
  },
  ['timestamp', 'timestampReceived', 'messageStatus'],
);
const errorData = rec({ errorType: fc.constantFrom(...ERROR_TYPES), errorValue: optText }, ['errorType']);
const bibliographicRecordId = rec({ bibliographicRecordIdentifierCode: svp, bibliographicRecordIdentifier: text }, ['bibliographicRecordIdentifierCode', 'bibliographicRecordIdentifier']);

const bibliographicInfo = rec({
  supplierUniqueRecordId: optText,
  title: optText,
  author: optText,
  subtitle: optText,
  seriesTitle: optText,
  edition: optText,
  titleOfComponent: optText,
  authorOfComponent: optText,
  volume: optText,
  issue: optText,
  pagesRequested: optText,
  estimatedNoPages: optText,
  bibliographicItemId: list(rec({ bibliographicItemIdentifier: text, bibliographicItemIdentifierCode: svp }, ['bibliographicItemIdentifier', 'bibliographicItemIdentifierCode'])),
  sponsor: optText,
  informationSource: optText,
  bibliographicRecordId: list(bibliographicRecordId),
});

interface Revision {
  readonly sortOrder: fc.Arbitrary<number>;
  /** serviceInfo is required in a 2021 request. */
  readonly requestRequired: string[];
  /** The 2021 parts of a SAM (retryInfo, shippingInfo), which v1.2 cannot carry. */
  readonly samParts: Model;
}

const V1_2: Revision = { sortOrder: integer, requestRequired: ['kind', 'header', 'bibliographicInfo'], samParts: {} };
const V2021: Revision = {
  sortOrder: sortOrder2021,
  requestRequired: ['kind', 'header', 'bibliographicInfo', 'serviceInfo'],
  samParts: {
    retryInfo: nonEmpty(
      rec({
        loanCondition: list(optSvp),
        edition: list(optText),
        itemFormat: list(optSvp),
        volume: list(optText),
        serviceType: fc.constantFrom(...SERVICE_TYPES),
        serviceLevel: list(optSvp),
        deliveryMethod: list(optSvp),
        courierName: list(optSvp),
        paymentMethod: list(optSvp),
      }),
    ),
    shippingInfo: nonEmpty(
      rec({
        courierName: optSvp,
        trackingId: list(optText),
        insurance: fc.constantFrom(...YES_NO),
        insuranceThirdParty: fc.constantFrom(...YES_NO),
        thirdPartyName: optText,
        insuranceCosts: list(costs),
      }),
    ),
  },
};

const request = (r: Revision) => rec(
  {
    kind: fc.constant('request'),
    header,
    bibliographicInfo,
    publicationInfo: nonEmpty(rec({ publisher: optText, publicationType: optSvp, publicationDate: optText, placeOfPublication: optText })),
    serviceInfo: rec(
      {
        requestType: fc.constantFrom(...REQUEST_TYPES),
        requestSubType: list(fc.constantFrom(...REQUEST_SUB_TYPES)),
        requestingAgencyPreviousRequestId: optText,
        serviceType: fc.constantFrom(...SERVICE_TYPES),
        serviceLevel: optSvp,
        preferredFormat: optSvp,
        needBeforeDate: dateTime,
        copyrightCompliance: optSvp,
        anyEdition: fc.constantFrom(...YES_NO),
        startDate: dateTime,
        endDate: dateTime,
        note: optText,
      },
      ['serviceType'],
    ),
    supplierInfo: list(
      nonEmpty(
        rec({
          sortOrder: r.sortOrder,
          supplierCode: agencyId,
          supplierDescription: optText,
          bibliographicRecordId,
          callNumber: optText,
          summaryHoldings: optText,
          availabilityNote: optText,
        }),
      ),
    ),
    requestedDeliveryInfo: list(nonEmpty(rec({ sortOrder: r.sortOrder, address }))),
    requestingAgencyInfo: nonEmpty(rec({ name: optText, contactName: optText, address: list(address) })),
    patronInfo: nonEmpty(rec({ patronId: optText, surname: optText, givenName: optText, patronType: optSvp, sendToPatron: fc.constantFrom(...YES_NO), address: list(address) })),
    billingInfo: nonEmpty(rec({ paymentMethod: optSvp, maximumCosts: costs, billingMethod: optSvp, billingName: optText, address })),
  },
  r.requestRequired,
);

const supplyingAgencyMessage = (r: Revision) => rec(
  {
    kind: fc.constant('supplyingAgencyMessage'),
    header,
    messageInfo: rec(
      {
        reasonForMessage: fc.constantFrom(...REASONS_FOR_MESSAGE),
        answerYesNo: fc.constantFrom(...YES_NO),
        note: optText,
        reasonUnfilled: optSvp,
        reasonRetry: optSvp,
        offeredCosts: costs,
        retryAfter: dateTime,
        retryBefore: dateTime,
      },
      ['reasonForMessage'],
    ),
    statusInfo: rec(
      { status: fc.constantFrom(...STATUSES), expectedDeliveryDate: dateTime, dueDate: dateTime, lastChange: dateTime },
      ['status', 'lastChange'],
    ),
    deliveryInfo: rec(
      { dateSent: dateTime, itemId: optText, sentVia: optSvp, sentToPatron: fc.boolean(), loanCondition: optSvp, deliveredFormat: optSvp, deliveryCosts: costs },
      ['dateSent'],
    ),
    returnInfo: nonEmpty(rec({ returnAgencyId: agencyId, name: optText, physicalAddress: nonEmpty(physicalAddress) })),
    ...r.samParts,
  },
  ['kind', 'header', 'messageInfo', 'statusInfo'],
);

const arbitraries = (r: Revision) => ({
  request: request(r),
  requestConfirmation: rec({ kind: fc.constant('requestConfirmation'), confirmationHeader, errorData }, ['kind', 'confirmationHeader']),
  supplyingAgencyMessage: supplyingAgencyMessage(r),
  supplyingAgencyMessageConfirmation: rec(
    { kind: fc.constant('supplyingAgencyMessageConfirmation'), confirmationHeader, reasonForMessage: fc.constantFrom(...REASONS_FOR_MESSAGE), errorData },
    ['kind', 'confirmationHeader'],
  ),
  requestingAgencyMessage: rec({ kind: fc.constant('requestingAgencyMessage'), header, action: fc.constantFrom(...ACTIONS), note: optText }, ['kind', 'header', 'action']),
  requestingAgencyMessageConfirmation: rec(
    { kind: fc.constant('requestingAgencyMessageConfirmation'), confirmationHeader, action: fc.constantFrom(...ACTIONS), errorData },
    ['kind', 'confirmationHeader'],
  ),
});

type Arbitraries = Record<keyof ReturnType<typeof arbitraries>, fc.Arbitrary<Iso18626Message>>;
export const messageArbitraries = arbitraries(V1_2) as unknown as Arbitraries;
export const anyMessage: fc.Arbitrary<Iso18626Message> = fc.oneof(...Object.values(messageArbitraries));
/** Messages as a 2021 sender may write them: with retryInfo and shippingInfo, serviceInfo always, sortOrder never negative. */
export const messageArbitraries2021 = arbitraries(V2021) as unknown as Arbitraries;
export const anyMessage2021: fc.Arbitrary<Iso18626Message> = fc.oneof(...Object.values(messageArbitraries2021));
