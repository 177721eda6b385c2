/**
 * The patron routes of the API (/api/v1/patron/…, tag "Patrons"), and nothing of the staff's:
 * these pages never ask for a staff session. Same origin, so the `ill_patron` cookie goes along.
 * An error is an ApiError whose problem may carry a `code` (wrong_card, blocked, limit_open…),
 * which the pages turn into their own words.
 */
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap, type Schemas } from '../api/client';

export type PatronLibrary = Schemas['PatronLibrary'];
export type PatronSession = Schemas['PatronSession'];
export type PatronRequest = Schemas['PatronRequest'];
export type NewPatronRequest = Schemas['PatronRequestInput'];
export type StatusView = Schemas['PatronStatusPage'];

export const patronApi = {
  library: async (library: string) => unwrap(await api.GET('/patron/libraries/{library}', { params: { path: { library } } })),
  session: async () => unwrap(await api.GET('/patron/session')),
  signIn: async (body: Schemas['PatronCardSignIn']) => unwrap(await api.POST('/patron/session', { body })),
  emailLink: async (body: Schemas['PatronEmailLinkRequest']) => unwrap(await api.POST('/patron/session/email-link', { body })),
  linkSignIn: async (token: string) => unwrap(await api.POST('/patron/session/link', { body: { token } })),
  signOut: async () => {
    unwrap(await api.DELETE('/patron/session'));
  },
  requests: async () => unwrap(await api.GET('/patron/requests')),
  createRequest: async (body: NewPatronRequest) => unwrap(await api.POST('/patron/requests', { body })),
  cancel: async (id: string) => unwrap(await api.POST('/patron/requests/{id}/cancel', { params: { path: { id } } })),
  renew: async (id: string) => unwrap(await api.POST('/patron/requests/{id}/renew', { params: { path: { id } } })),
  /** The OpenURL's own parameters, passed through as they came (the server reads 0.1 and 1.0 alike). */
  citation: async (openUrl: Record<string, string>) => unwrap(await api.GET('/patron/citation', { querySerializer: () => new URLSearchParams(openUrl).toString() })),
  status: async (token: string) => unwrap(await api.GET('/patron/status/{token}', { params: { path: { token } } })),
};

/** The `code` member of a refusal (problem+json), when the server gave one. */
export function problemCode(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.code;
}

export const SESSION_KEY = ['patron', 'session'] as const;
export const REQUESTS_KEY = ['patron', 'requests'] as const;
const sameLibrary = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

export function useLibrary(symbol: string) {
  return useQuery({ queryKey: ['patron', 'library', symbol.toUpperCase()], queryFn: () => patronApi.library(symbol), staleTime: 300_000 });
}

/** The patron signed in to this library, or null: a session for another library does not count here. */
export function useSession(symbol: string) {
  const query = useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      try {
        return await patronApi.session();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
  const session = query.data && sameLibrary(query.data.library.symbol, symbol) ? query.data : null;
  return { ...query, session };
}
