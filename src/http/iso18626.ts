/**
 * POST /iso18626: partners' messages in, synchronous confirmations out. Business outcomes are
 * confirmations with HTTP 200; only a body that is not an ISO 18626 message gets 400 (or 413),
 * as CrossLink and ReShare answer, still with an ERROR confirmation as the body.
 *
 * A failure of ours is never the message's fault, so it is never a 4xx (a sender treats those
 * as final): 503 while the database is unavailable, 500 for anything else, each with an ERROR
 * confirmation in our words only (no exception text reaches a partner).
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { Iso18626Error, buildIso18626, confirmInbound, confirmReceiverFailure, tryParseIso18626, type ParseOutcome, type ProtocolVersion } from '../../protocols/iso18626';
import { receiveIso18626 } from '../services/iso18626/inbound';
import type { LifecycleDeps } from '../services/pipeline/pipeline';
import { asDatabaseUnavailable } from '../store/unavailable';
import { RETRY_AFTER_SECONDS } from './problem';
import { UnreadableBody, decodedBody, protocolBody } from './protocol-body';

export const TEMPORARILY_UNAVAILABLE = 'the ILL server is temporarily unavailable; send the message again later';
export const INTERNAL_FAILURE = 'the ILL server failed to process the message because of an internal error, which has been logged; send it again later';

export function iso18626Router(deps: LifecycleDeps, bodyLimit: number): Router {
  const router = Router();

  router.post('/iso18626', protocolBody(bodyLimit), async (req, res) => {
    const body = decodedBody(req);
    const answer = await receiveIso18626(deps, body.ok ? body.text : body, { remote: req.ip ?? '' });
    send(res, answer.httpStatus, answer.xml);
  });

  router.all('/iso18626', (_req, res) => {
    res.set('Allow', 'POST').status(405).type('text/plain').send('ISO 18626 messages are POSTed to this address\n');
  });

  // The one place where a failure on this endpoint becomes an answer.
  const failed: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (req.path !== '/iso18626' || req.method !== 'POST' || res.headersSent) return next(err);
    const now = deps.now();
    if (err instanceof UnreadableBody) {
      const failure = new Iso18626Error({ errorType: 'BadlyFormedMessage', element: 'ISO18626Message', problem: err.problem, xmlFailure: err.tooLarge ? 'too-large' : 'malformed' });
      const reply = confirmInbound(failure, now);
      return send(res, reply.httpStatus, buildIso18626(reply.message));
    }
    const down = asDatabaseUnavailable(err);
    if (down) {
      req.log?.warn({ reason: down.reason }, 'ISO 18626 message not processed: the database is unavailable');
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      const outcome = echoable(req);
      return send(res, 503, buildIso18626(confirmReceiverFailure(outcome, now, TEMPORARILY_UNAVAILABLE), { version: revisionOf(outcome) }));
    }
    req.log?.error({ err }, 'ISO 18626 message not processed');
    const outcome = echoable(req);
    return send(res, 500, buildIso18626(confirmReceiverFailure(outcome, now, INTERNAL_FAILURE), { version: revisionOf(outcome) }));
  };
  router.use(failed);
  return router;
}

/** The message as far as it can be read, so that even a failure's confirmation echoes its header. */
function echoable(req: Request): ParseOutcome | undefined {
  const body = decodedBody(req);
  return body.ok ? tryParseIso18626(body.text) : undefined;
}

/** A confirmation answers in the schema its message was written in; v1.2 when that could not be read. */
function revisionOf(outcome: ParseOutcome | undefined): ProtocolVersion {
  return outcome?.ok ? outcome.result.revision : '1.2';
}

function send(res: Response, status: number, xml: string): void {
  res.status(status).type('application/xml; charset=utf-8').send(xml);
}
