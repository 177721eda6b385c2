/**
 * POST /iso18626: partners' messages in, synchronous confirmations out. Business outcomes are
 * confirmations with HTTP 200; only a body that is not an ISO 18626 message gets 400 (or 413),
 * as CrossLink and ReShare answer, still with an ERROR confirmation as the body.
 */
import express, { Router, type ErrorRequestHandler } from 'express';
import { Iso18626Error, buildIso18626, confirmInbound } from '../../protocols/iso18626';
import { receiveIso18626 } from '../services/iso18626-inbound';
import type { LifecycleDeps } from '../services/lifecycle';

export function iso18626Router(deps: LifecycleDeps, bodyLimit: number): Router {
  const router = Router();
  // Peers send application/xml or text/xml, and some nothing at all: read any body as text.
  const body = express.text({ type: () => true, limit: bodyLimit });

  router.post('/iso18626', body, async (req, res) => {
    const answer = await receiveIso18626(deps, typeof req.body === 'string' ? req.body : '', { remote: req.ip ?? '' });
    res.status(answer.httpStatus).type('application/xml; charset=utf-8').send(answer.xml);
  });

  router.all('/iso18626', (_req, res) => {
    res.set('Allow', 'POST').status(405).type('text/plain').send('ISO 18626 messages are POSTed to this address\n');
  });

  const unreadable: ErrorRequestHandler = (err: { type?: string; limit?: number; message?: string }, req, res, next) => {
    if (req.path !== '/iso18626' || req.method !== 'POST') return next(err);
    const tooLarge = err.type === 'entity.too.large';
    const failure = new Iso18626Error({
      errorType: 'BadlyFormedMessage',
      element: 'ISO18626Message',
      problem: tooLarge ? `the message is larger than the limit of ${err.limit ?? bodyLimit} bytes` : `the body cannot be read (${err.message ?? 'unknown error'})`,
      xmlFailure: tooLarge ? 'too-large' : 'malformed',
    });
    const reply = confirmInbound(failure, deps.now());
    res.status(reply.httpStatus).type('application/xml; charset=utf-8').send(buildIso18626(reply.message));
  };
  router.use(unreadable);
  return router;
}
