/**
 * POST /ncip: the NCIP responder. Whatever arrives is answered with NCIP XML and HTTP 200,
 * Problems included (an unreadable, oversize or hostile body too), as NCIP peers expect.
 */
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { NcipProblem, buildProblemResponse } from '../../protocols/ncip';
import type { LifecycleDeps } from '../services/lifecycle';
import { answerNcip } from '../services/ncip-responder';

export function ncipRouter(deps: LifecycleDeps, bodyLimit: number): Router {
  const router = Router();
  // Any content type: ILS send application/xml, text/xml, and sometimes nothing at all.
  const body = express.text({ type: () => true, limit: bodyLimit });

  router.post('/ncip', body, async (req, res) => {
    try {
      const answer = await answerNcip(deps, typeof req.body === 'string' ? req.body : '', { remote: req.ip ?? '' });
      send(req, res, answer.xml);
    } catch (err) {
      // The store failed (database down): still an NCIP answer, one the caller may retry.
      req.log?.error({ err }, 'NCIP message could not be processed');
      send(req, res, buildProblemResponse(new NcipProblem('Temporary Processing Failure', 'the ILL server could not process the message now; try again later')));
    }
  });

  router.all('/ncip', (_req, res) => {
    res.set('Allow', 'POST').status(405).type('text/plain').send('NCIP messages are POSTed to this address\n');
  });

  // Body-reading failures (too large, unknown charset) become NCIP Problems as well.
  const unreadable: ErrorRequestHandler = async (err: { type?: string; limit?: number; message?: string }, req, res, next) => {
    if (req.path !== '/ncip' || req.method !== 'POST') return next(err);
    const detail = err.type === 'entity.too.large' ? `the message is larger than the limit of ${err.limit ?? bodyLimit} bytes` : `the message body cannot be read: ${err.message ?? 'unknown error'}`;
    try {
      const answer = await answerNcip(deps, '', { remote: req.ip ?? '', transportProblem: new NcipProblem('Invalid Message Syntax Error', detail) });
      send(req, res, answer.xml);
    } catch (storeErr) {
      next(storeErr);
    }
  };
  router.use(unreadable);
  return router;
}

/** Answer in the media type the caller used (Koha's tools want text/xml back). */
function send(req: Request, res: Response, xml: string): void {
  const type = req.is('text/xml') ? 'text/xml' : 'application/xml';
  res.status(200).type(`${type}; charset=utf-8`).send(xml);
}
