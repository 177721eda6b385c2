/**
 * How both protocol endpoints (ISO 18626, NCIP) read a body: as raw bytes whatever the
 * Content-Type (peers send application/xml, text/xml, or nothing), decoded by the one decoder
 * (protocols/decode.ts), and with reading failures described in our words, not the body
 * parser's.
 */
import express, { type Request, type RequestHandler } from 'express';
import { decodeXmlBytes, type DecodedXml } from '../../protocols/decode';

/** The body could not even be received (too large, cut off, compressed in a way we do not read). */
export class UnreadableBody extends Error {
  constructor(
    /** What is wrong, fit to send to the peer. */
    readonly problem: string,
    readonly tooLarge: boolean,
    options?: { cause?: unknown },
  ) {
    super(problem, options);
    this.name = 'UnreadableBody';
  }
}

export function protocolBody(limit: number): RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    raw(req, res, (err?: unknown) => next(err === undefined ? undefined : unreadable(err, limit)));
  };
}

/** The body protocolBody read, as text or as the reason it is not text. */
export function decodedBody(req: Request): DecodedXml {
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return decodeXmlBytes(bytes, req.get('content-type'));
}

/** body-parser's errors carry a `type`; their messages are the library's and stay in our logs. */
function unreadable(err: unknown, limit: number): UnreadableBody {
  const e = (err ?? {}) as { type?: string; limit?: number };
  const cause = { cause: err };
  switch (e.type) {
    case 'entity.too.large':
      return new UnreadableBody(`the message is larger than the limit of ${e.limit ?? limit} bytes`, true, cause);
    case 'encoding.unsupported':
      return new UnreadableBody('the Content-Encoding is not one this server reads; send the body uncompressed, or as gzip, deflate or br', false, cause);
    case 'request.aborted':
      return new UnreadableBody('the body was not received completely: the connection closed first', false, cause);
    case 'request.size.invalid':
      return new UnreadableBody('the body is not as long as its Content-Length says', false, cause);
    default:
      // What is left is a compressed body that does not decompress, or a stream that broke.
      return new UnreadableBody('the body cannot be read (a compressed body that does not decompress, or a broken transfer)', false, cause);
  }
}
