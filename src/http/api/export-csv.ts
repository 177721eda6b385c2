/** Writing the CSV export to the response as it is read, at the pace the client downloads it. */
import { once } from 'node:events';
import type { Response } from 'express';
import type { Principal } from '../../services/access/api-keys';
import type { ServiceDeps } from '../../services/deps';
import { exportFileName, requestsCsv, type RequestExportQuery } from '../../services/staff/export-csv';

export async function sendRequestsCsv(deps: ServiceDeps, query: RequestExportQuery, principal: Principal, res: Response): Promise<void> {
  const chunks = requestsCsv(deps, query, principal);
  // The first chunk (the header) comes after the first page is read: a failure there is still a problem answer.
  let next = await chunks.next();
  res.writeHead(200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${exportFileName(deps.now())}"`,
    'Cache-Control': 'no-store',
  });
  try {
    while (!next.done) {
      if (res.destroyed) return;
      // A full buffer waits for the client: the next page is not read before this one has gone out.
      if (!res.write(next.value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      next = await chunks.next();
    }
    res.end();
  } catch (err) {
    // The header went out: the only way left to say the file is incomplete is to cut it.
    res.destroy(err as Error);
  } finally {
    await chunks.return(undefined);
  }
}
