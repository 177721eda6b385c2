/** The requests a print page covers, loaded once: live updates do not reshuffle sheets being printed. */
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { fetchByIds, fetchQueue } from './fetch';
import { printSource } from './source';

export function usePrintRequests() {
  const [search] = useSearchParams();
  const source = printSource(search);
  const query = useQuery({
    queryKey: ['print', source],
    queryFn: ({ signal }) => (source!.kind === 'ids' ? fetchByIds(source!.ids, signal) : fetchQueue(source!.queue, signal)),
    enabled: source !== undefined,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  return { source, query };
}
