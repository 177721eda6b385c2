/** /conformance and /partners/{symbol}/conformance, /partners/{symbol}/self-test: how partners keep to ISO 18626. */
import { z } from 'zod';
import { DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, conformanceList, partnerConformance } from '../../services/conformance/report';
import { MAX_WAIT_SECONDS, runSelfTest, selfTestBodySchema, type SelfTestDeps } from '../../services/conformance/self-test';
import { apiRoute, type ApiRoute } from './route';
import { symbolParams } from './schemas';

const tag = 'Conformance';
const instant = z.iso.datetime({ offset: true });
const symbol = z.string().meta({ example: 'ISIL:DK-100' });

const given = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (2026-12-31) or a date and time (2026-12-31T12:00:00Z)' })
  .transform((s) => new Date(s));
const windowQuery = z
  .object({
    since: given.optional().meta({ description: `Start of the window (inclusive); default ${DEFAULT_WINDOW_DAYS} days before until` }),
    until: given.optional().meta({ description: 'End of the window (exclusive); default now' }),
  })
  .strict();

const warningSchema = z.object({ code: z.string(), path: z.string(), detail: z.string() });

const deviationSchema = z
  .object({
    kind: z.enum(['warning', 'unknown-element', 'refused']).meta({ description: 'A reader warning, an element the schema does not define, or a refused message' }),
    code: z.string().meta({ description: 'The warning code, `unknown-element`, or the errorType of the refusal', example: 'compact-offset' }),
    description: z.string().meta({ description: 'What it means, in plain words' }),
    messages: z.number().int().meta({ description: 'Messages showing it' }),
    occurrences: z.number().int().meta({ description: 'Times seen (one message can show a warning at several paths)' }),
    latest: z.object({
      messageId: z.string(),
      at: instant,
      path: z.string().nullable().meta({ description: 'The element, as the reader names it: `supplyingAgencyMessage.header.timestamp`' }),
      detail: z.string().nullable(),
      requestId: z.string().nullable().meta({ description: 'The request it belongs to, if it got that far (see GET /requests/{id})' }),
      httpStatus: z.number().int().nullable().meta({ description: 'The HTTP status we answered it with' }),
      rawXml: z.string().optional().meta({ description: 'The message as received (secrets masked), at most 16 KiB' }),
      rawXmlTruncated: z.boolean().optional(),
      answerXml: z.string().nullable().optional().meta({ description: 'Our confirmation of it' }),
      rawXmlWithheld: z.boolean().optional().meta({ description: 'True for a key of one library: the message may be another library’s, so its text is not shown' }),
    }),
  })
  .meta({ id: 'Deviation' });

const partnerRef = z.object({ symbol, name: z.string() });
const totals = {
  received: z.number().int().meta({ description: 'ISO 18626 messages received from the partner in the window' }),
  refused: z.number().int().meta({ description: 'Of them, refused with an ERROR confirmation' }),
  deviating: z.number().int().meta({ description: 'Of them, with at least one deviation (refused ones included)' }),
  summary: z.string().meta({ example: 'unqualified-attribute ×312, compact-offset ×12, empty-status ×3' }),
};

const partnerConformanceSchema = z.object({ partner: partnerRef, since: instant, until: instant, ...totals, deviations: z.array(deviationSchema) }).meta({ id: 'PartnerConformance' });
const conformanceListSchema = z.object({ since: instant, until: instant, partners: z.array(z.object({ partner: partnerRef, ...totals })) }).meta({ id: 'ConformanceList' });

const checkSchema = z.object({
  message: z.enum(['request', 'cancel']),
  outcome: z.enum(['confirmed', 'error', 'no-answer', 'http-error', 'not-a-confirmation']),
  inTime: z.boolean(),
  elapsedMs: z.number().int(),
  httpStatus: z.number().int().nullable(),
  messageStatus: z.enum(['OK', 'ERROR']).nullable(),
  errorData: z.object({ errorType: z.string(), errorValue: z.string().optional() }).nullable(),
  schemaValid: z.boolean().nullable().meta({ description: 'Read as ISO 18626 v1.2 with no reader warning and no unknown element (no XSD validator runs in the server); null when nothing readable came back' }),
  warnings: z.array(warningSchema),
  unknownElements: z.array(z.object({ path: z.string(), ns: z.string() })),
  problem: z.string().optional(),
  answerXml: z.string().nullable(),
});

const selfTestSchema = z
  .object({
    partner: symbol,
    endpoint: z.string(),
    fromLibrary: symbol,
    requestingAgencyRequestId: z.string().meta({ example: 'SELFTEST-4f1c…' }),
    startedAt: instant,
    finishedAt: instant,
    waitSeconds: z.number().int(),
    timeoutMs: z.number().int().meta({ description: 'How long each confirmation could take' }),
    request: checkSchema,
    cancel: checkSchema,
    messages: z.array(
      z.object({
        messageId: z.string(),
        at: instant,
        reasonForMessage: z.string().nullable(),
        status: z.string().nullable(),
        answerYesNo: z.string().nullable(),
        schemaValid: z.boolean(),
        warnings: z.array(warningSchema),
      }),
    ),
    statusOrder: z.object({ allowed: z.boolean(), problems: z.array(z.string()) }),
    cancelAnswered: z.boolean(),
    passed: z.boolean(),
    findings: z.array(z.string()).meta({ description: 'The report in plain words, one finding a line' }),
  })
  .meta({ id: 'SelfTestReport' });

export function conformanceRoutes(deps: SelfTestDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/conformance',
      operationId: 'listConformance',
      summary: 'Compare partners’ conformance to ISO 18626',
      description: `Every partner in the directory with its message counts over the window (default the last ${DEFAULT_WINDOW_DAYS} days, at most ${MAX_WINDOW_DAYS}), those with the most deviating messages first. Counted from stored messages, so a past window can be asked for again.`,
      tag,
      role: 'staff',
      query: windowQuery,
      success: { status: 200, description: 'The partners, most deviating first', schema: conformanceListSchema },
      handle: ({ query }) => conformanceList(deps, query),
    }),
    apiRoute({
      method: 'get',
      path: '/partners/{symbol}/conformance',
      operationId: 'getPartnerConformance',
      summary: 'Read how a partner’s messages deviate from ISO 18626',
      description: `Over the window (default the last ${DEFAULT_WINDOW_DAYS} days): the messages received from the partner, and for each kind of deviation (a reader warning, unknown elements, refusals by errorType) its count, what it means and the latest example with its raw XML (not shown to a key of one library).`,
      tag,
      role: 'staff',
      params: symbolParams,
      query: windowQuery,
      success: { status: 200, description: 'The partner’s deviations, most frequent first', schema: partnerConformanceSchema },
      handle: ({ principal, params, query }) => partnerConformance(deps, principal, params.symbol!, query),
    }),
    apiRoute({
      method: 'post',
      path: '/partners/{symbol}/self-test',
      operationId: 'selfTestPartner',
      summary: 'Send a partner a test request and a cancel, and report what came back',
      description: `Sends a request marked as a test (title and note say so, its id starts SELFTEST-), then a Cancel of it, and waits up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for the partner's messages about it. Reports whether each confirmation came in time, OK or ERROR and schema-valid, which messages arrived, and whether their statuses came in an order the standard allows. No request is created.`,
      tag,
      role: 'admin',
      params: symbolParams,
      body: selfTestBodySchema,
      success: { status: 200, description: 'What the partner did with the test', schema: selfTestSchema },
      handle: ({ principal, params, body }) => runSelfTest(deps, principal, params.symbol!, body),
    }),
  ];
}
