/**
 * The directory routing chooses from: the partners, and every other member library served here.
 * Member libraries lend to each other without partner entries; a member library's lending
 * policies are its `settings.lending` (the schema of a partner's `policies`, domain/policies.ts).
 *
 * A partner entry with a member library's symbol wins: its status and policies are the ones
 * routing reads (and its iso18626Url, if it has one, is where delivery sends: delivery.ts).
 */
import type { DirectoryEntry } from '../../domain/routing';
import type { LibraryRow } from '../../store/libraries';
import type { PartnerRow } from '../../store/partners';

/** Ordered by symbol, as the partner list is: "position in the directory" means the same for both. */
export function routingDirectory(partners: readonly PartnerRow[], members: readonly LibraryRow[], routingFor: LibraryRow): DirectoryEntry[] {
  const entries: DirectoryEntry[] = partners.map((p) => ({ symbol: p.symbol, name: p.name, status: p.status, policies: p.policies }));
  const listed = new Set(entries.map((e) => e.symbol));
  // By id as well as symbol: a broker hub routes under its requester's symbol (services/broker/hub.ts), never to itself.
  for (const member of members) {
    if (member.id === routingFor.id || listed.has(member.symbol)) continue;
    entries.push({ symbol: member.symbol, name: member.name, status: 'active', policies: memberLendingPolicies(member) });
  }
  return entries.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/**
 * As stored, less the loan periods per requester (lending/due-date.ts), which are no policy:
 * routing reads it with lendingPolicies(), which treats a block that does not validate as "lends nothing".
 */
function memberLendingPolicies(member: LibraryRow): unknown {
  const lending = (member.settings as { lending?: unknown }).lending ?? {};
  if (typeof lending !== 'object' || lending === null || Array.isArray(lending)) return lending;
  const { partners: _periods, ...policies } = lending as Record<string, unknown>;
  return policies;
}
