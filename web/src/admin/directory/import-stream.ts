/**
 * POST /directory-file/import read as NDJSON: the server's progress lines as they come, then the
 * plan. The same request as the typed client sends (same origin, the session cookie, a JSON
 * body; the browser's own Sec-Fetch-Site passes the CSRF check), only asking for the stream.
 */
import { ApiError, type Problem } from '../../api/client';
import type { paths } from '../../api/schema';
import { t } from '../../i18n/t';

export type Plan = paths['/directory-file/import']['post']['responses'][200]['content']['application/json'];

export interface ImportProgress {
  readonly phase: 'checking' | 'writing';
  readonly done: number;
  readonly total: number;
}

type Line = { readonly progress: ImportProgress } | { readonly plan: Plan } | { readonly problem: Problem };

async function problemOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as Partial<Problem>;
  return new ApiError({ title: body.title ?? response.statusText, status: response.status, ...body } as Problem);
}

export async function importWithProgress(file: { readonly format: 'yaml' | 'json'; readonly content: string }, dryRun: boolean, onProgress: (progress: ImportProgress) => void): Promise<Plan> {
  const response = await fetch(`/api/v1/directory-file/import?dryRun=${dryRun ? 'true' : 'false'}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
    body: JSON.stringify({ format: file.format, content: file.content }),
  });
  if (!response.ok || !response.body) throw await problemOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    pending += value ?? '';
    const lines = pending.split('\n');
    pending = done ? '' : lines.pop()!;
    for (const text of lines) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as Line;
      if ('progress' in line) onProgress(line.progress);
      else if ('plan' in line) return line.plan;
      else throw new ApiError(line.problem);
    }
    if (done) break;
  }
  // The connection ended before the last line: the server or the network went away.
  throw new ApiError({ title: t('dirfile.cutOff'), status: 502 });
}
