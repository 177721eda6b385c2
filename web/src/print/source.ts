/** What a print page prints, from its URL (pure). */

export type PrintSource = { readonly kind: 'ids'; readonly ids: string[] } | { readonly kind: 'queue'; readonly queue: string };

/** `?queue=` or `?ids=a,b` (ids win when both are given). */
export function printSource(search: URLSearchParams): PrintSource | undefined {
  const ids = (search.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length > 0) return { kind: 'ids', ids: [...new Set(ids)] };
  const queue = search.get('queue')?.trim();
  return queue ? { kind: 'queue', queue } : undefined;
}
