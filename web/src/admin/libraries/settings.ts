/** Saving one settings part of a library (PATCH with that part only) and the server's field errors by path. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, unwrap } from '../../api/client';

export type Settings = Record<string, unknown>;

export function useSavePart(symbol: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (part: Settings) => unwrap(await api.PATCH('/libraries/{symbol}', { params: { path: { symbol } }, body: { settings: part } as never })),
    onSuccess: (library) => queryClient.setQueryData(['library', symbol], library),
  });
}

/** The server's message for a field (`settings.pickupLocations.0.code`), joined when there are several. */
export function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages = (error.problem.errors ?? []).filter((e) => e.path === path).map((e) => e.message);
  return messages.length ? messages.join('; ') : undefined;
}

/** Plain text to an HTML body: paragraphs at blank lines, line breaks kept; {{…}} stay (Handlebars escapes them). */
export function htmlFromText(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n\s*\n/)
    .map((p) => `<p>${escape(p.trim()).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
