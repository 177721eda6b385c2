/**
 * POST /ncip: the NCIP responder. Whatever arrives is answered with NCIP XML and HTTP 200,
 * Problems included (an unreadable, oversize or hostile body too), as NCIP peers expect.
 *
 * Only our own failures are "Temporary Processing Failure" (the database unavailable, a bug),
 * in our words only; a message that can never succeed gets the Problem that says why.
 */
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { NcipProblem, buildProblemResponse, parseNcip } from '../../protocols/ncip';
import type { LifecycleDeps } from '../services/pipeline/pipeline';
import { answerNcip } from '../services/ncip/responder';
import { asDatabaseUnavailable } from '../store/unavailable';
import { UnreadableBody, decodedBody, protocolBody } from './protocol-body';

export const TEMPORARILY_UNAVAILABLE = 'the ILL server is temporarily unavailable; send the message again later';
export const INTERNAL_FAILURE = 'the ILL server failed to process the message because of an internal error, which has been logged';

export function ncipRouter(deps: LifecycleDeps, bodyLimit: number): Router {
  const router = Router();

  router.post('/ncip', protocolBody(bodyLimit), async (req, res) => {
    const body = decodedBody(req);
    const answer = await answerNcip(deps, body.ok ? body.text : body, { remote: req.ip ?? '' });
    send(req, res, answer.xml);
  });

  router.all('/ncip', (_req, res) => {
    res.set('Allow', 'POST').status(405).type('text/plain').send('NCIP messages are POSTed to this address\n');
  });

  // The one place where a failure on this endpoint becomes an answer.
  const failed: ErrorRequestHandler = async (err: unknown, req, res, next) => {
    if (req.path !== '/ncip' || req.method !== 'POST' || res.headersSent) return next(err);
    if (err instanceof UnreadableBody) {
      // Answered and recorded like any other message that cannot be read.
      try {
        const answer = await answerNcip(deps, '', { remote: req.ip ?? '', transportProblem: new NcipProblem('Invalid Message Syntax Error', err.problem) });
        return send(req, res, answer.xml);
      } catch (storeErr) {
        err = storeErr;
      }
    }
    const down = asDatabaseUnavailable(err);
    if (down) req.log?.warn({ reason: down.reason }, 'NCIP message not processed: the database is unavailable');
    else req.log?.error({ err }, 'NCIP message not processed');
    const problem = new NcipProblem('Temporary Processing Failure', down ? TEMPORARILY_UNAVAILABLE : INTERNAL_FAILURE);
    send(req, res, buildProblemResponse(problem, initiationService(req)));
  };
  router.use(failed);
  return router;
}

/** The service the message asked for, so that even a failure is answered inside its response. */
function initiationService(req: Request): string | undefined {
  const body = decodedBody(req);
  if (!body.ok) return undefined;
  try {
    const type = parseNcip(body.text).messageType;
    return type.endsWith('Response') || type === 'Problem' ? undefined : type;
  } catch {
    return undefined;
  }
}

/** Answer in the media type the caller used (Koha's tools want text/xml back). */
function send(req: Request, res: Response, xml: string): void {
  const type = req.is('text/xml') ? 'text/xml' : 'application/xml';
  res.status(200).type(`${type}; charset=utf-8`).send(xml);
}
