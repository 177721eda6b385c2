/**
 * What an NCIP RequestItem says about the wanted item, as the bibliographic data of a
 * borrowing request. Discovery layers send identifiers (BibliographicId), a description
 * (ItemOptionalFields/BibliographicDescription), or both.
 */
import type { BibliographicItemId, BibliographicRecordId, NcipMessageOf } from '../../../protocols/ncip';
import type { NewBorrowingRequest } from '../borrowing/borrowing';

type Bibliographic = NewBorrowingRequest['bibliographic'];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function bibliographicFromNcip(message: NcipMessageOf<'RequestItem'>): Bibliographic {
  const description = message.itemOptionalFields?.bibliographicDescription;
  const bib: Mutable<Bibliographic> = {};
  const text = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
  const set = <K extends keyof Bibliographic>(key: K, value: string | undefined) => {
    const v = text(value);
    if (v !== undefined && bib[key] === undefined) bib[key] = v as Bibliographic[K];
  };

  set('title', description?.title);
  set('author', description?.author);
  set('titleOfComponent', description?.titleOfComponent);
  set('authorOfComponent', description?.authorOfComponent);
  set('edition', description?.edition);
  set('publisher', description?.publisher);
  set('publicationDate', description?.publicationDate);
  set('placeOfPublication', description?.placeOfPublication);
  set('pagesRequested', description?.pagination);

  const itemIds: BibliographicItemId[] = [];
  const recordIds: BibliographicRecordId[] = [];
  for (const id of message.bibliographicIds ?? []) {
    if (id.bibliographicItemId) itemIds.push(id.bibliographicItemId);
    if (id.bibliographicRecordId) recordIds.push(id.bibliographicRecordId);
  }
  if (description?.bibliographicItemId) itemIds.push(description.bibliographicItemId);
  recordIds.push(...(description?.bibliographicRecordIds ?? []));

  for (const id of itemIds) {
    const code = id.bibliographicItemIdentifierCode?.value.trim().toUpperCase();
    if (code === 'ISBN') set('isbn', id.bibliographicItemIdentifier);
    else if (code === 'ISSN') set('issn', id.bibliographicItemIdentifier);
    else if (code === 'DOI') set('doi', id.bibliographicItemIdentifier);
  }
  for (const id of recordIds) {
    const code = id.bibliographicRecordIdentifierCode?.value.trim().toUpperCase();
    if (code === 'OCLC') set('oclcNumber', id.bibliographicRecordIdentifier);
    else set('supplierUniqueRecordId', id.bibliographicRecordIdentifier);
  }
  // An ItemId names a copy in the caller's catalogue: the best record id there is, if nothing else.
  set('supplierUniqueRecordId', message.itemIds?.[0]?.itemIdentifierValue);
  return bib;
}
