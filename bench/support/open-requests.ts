/**
 * Many open requests for one member library, spread over the borrowing and lending states the
 * work queues show (weighted as a busy desk sees them: most waiting on a partner, fewer at each
 * desk step), with realistic titles, patrons, partners, need-before dates and ages. Inserted in
 * batches straight into the store: the staff interface's benchmark and screenshots read them,
 * no lifecycle runs on them.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/store/db';
import { requests } from '../../src/store/schema';

const BORROWING: readonly (readonly [string, number])[] = [
  ['sent_to_supplier', 30], ['expect_to_supply', 6], ['will_supply', 10], ['conditional', 2], ['shipped', 10], ['received', 4],
  ['checked_out', 20], ['overdue', 2], ['returned_by_patron', 3], ['renew_pending', 1], ['error', 1], ['validated', 1],
];
const LENDING: readonly (readonly [string, number])[] = [
  ['validated', 12], ['will_supply', 6], ['awaiting_shipping', 5], ['conditional', 2], ['cancel_requested', 1], ['shipped', 25],
  ['renew_requested', 1], ['overdue', 2], ['returned_by_borrower', 4],
];

const TITLES = [
  'The Dispossessed', 'A Wizard of Earthsea', 'Gödel, Escher, Bach', 'The Structure of Scientific Revolutions', 'Silent Spring', 'The Left Hand of Darkness',
  'Middlemarch', 'Things Fall Apart', 'Den store djævlekrig', 'Pippi Långstrump', 'Naturens historie', 'Kongens fald', 'The Name of the Rose',
  'Invisible Cities', 'One Hundred Years of Solitude', 'The Master and Margarita', 'Beloved', 'Ficciones', 'Mrs Dalloway', 'The Tale of Genji',
];
const AUTHORS = ['Le Guin, Ursula K.', 'Hofstadter, Douglas', 'Kuhn, Thomas S.', 'Carson, Rachel', 'Eliot, George', 'Achebe, Chinua', 'Jensen, Johannes V.', 'Lindgren, Astrid', 'Eco, Umberto', 'Calvino, Italo', 'Morrison, Toni', 'Borges, Jorge Luis', 'Woolf, Virginia', 'Murasaki Shikibu'];
const GIVEN = ['Karen', 'Mads', 'Sofie', 'Jonas', 'Ida', 'Lars', 'Freja', 'Oskar', 'Amina', 'Yusuf'];
const SURNAMES = ['Nielsen', 'Jensen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Larsen', 'Sørensen', 'Rasmussen', 'Madsen'];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(states: readonly (readonly [string, number])[], r: number): string {
  const total = states.reduce((sum, [, w]) => sum + w, 0);
  let at = r * total;
  for (const [state, w] of states) if ((at -= w) < 0) return state;
  return states[states.length - 1]![0];
}

export interface OpenRequestsSeed {
  readonly libraryId: string;
  /** The library's own symbol (requester of its borrowing requests, supplier of its lending ones). */
  readonly symbol: string;
  /** Partners to spread the requests over. */
  readonly partners: readonly string[];
  readonly count: number;
  readonly now?: Date;
}

export async function seedOpenRequests(db: Db, seed: OpenRequestsSeed): Promise<void> {
  const next = random(18_626);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const now = (seed.now ?? new Date()).getTime();
  for (let start = 0; start < seed.count; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(seed.count, start + 1000); i++) {
      const borrowing = next() < 0.55;
      const state = weighted(borrowing ? BORROWING : LENDING, next());
      const partner = pick(seed.partners);
      const createdAt = new Date(now - Math.floor(next() * 40 * 24 * 3600_000));
      const neededBy = new Date(createdAt.getTime() + (14 + Math.floor(next() * 60)) * 24 * 3600_000).toISOString().slice(0, 10);
      const title = pick(TITLES);
      const copy = next() < 0.15;
      rows.push({
        id: randomUUID(),
        libraryId: seed.libraryId,
        role: borrowing ? ('requester' as const) : ('supplier' as const),
        state,
        serviceType: copy ? ('Copy' as const) : ('Loan' as const),
        requestingAgencyId: borrowing ? seed.symbol : partner,
        requestingAgencyRequestId: borrowing ? `B-${i}` : `${partner.split(':').pop()}-${i}`,
        supplyingAgencyId: borrowing ? partner : seed.symbol,
        supplyingAgencyRequestId: borrowing && state !== 'sent_to_supplier' ? `L-${i}` : null,
        needsAttention: state === 'error' || next() < 0.01,
        data: {
          bibliographic: { title, author: pick(AUTHORS), isbn: `978-87-${String(10000 + i).padStart(6, '0')}-${i % 10}` },
          ...(borrowing ? { patron: { id: `P${1000 + (i % 800)}`, name: `${pick(GIVEN)} ${pick(SURNAMES)}` }, pickupLocation: 'Main desk' } : { requestingAgencyName: `Library ${partner}` }),
          neededBy,
          lifecycle: { serviceType: copy ? 'Copy' : 'Loan', ...(borrowing ? { rota: [{ symbol: partner }], rotaIndex: 0 } : {}) },
        },
        createdAt,
        updatedAt: createdAt,
      });
    }
    await db.insert(requests).values(rows);
  }
}
