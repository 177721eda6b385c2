/**
 * Everything a patron mail says, for one language: the notices' Handlebars sources (see
 * ../templates.ts for how they are assembled) and the few phrases the view writes itself (the
 * item as one phrase, the reasons a request ended). One file per language, so a translation is
 * one file to write and the compiler says what it lacks.
 */
import type { PatronNotice } from '../../domain/types';

export interface NoticeWording {
  readonly subject: string;
  /** The letter's body between greeting and signature, one Handlebars source per paragraph. */
  readonly paragraphs: readonly string[];
}

export interface MailWording {
  /** Handlebars: the salutation, by name only under `{{#if patronName}}`. */
  readonly greeting: string;
  /** The closing formula, punctuated as the language writes it ("Kind regards," / "Mit freundlichen Grüßen"). */
  readonly closing: string;
  /** Who signs below the library's name. */
  readonly department: string;
  /** Before the request number. */
  readonly referenceLabel: string;
  /** The words of the status link. */
  readonly statusLink: string;
  readonly notices: Readonly<Record<PatronNotice, NoticeWording>>;
  /** The sign-in link mail (../sign-in-link.ts): `{{libraryName}}`, `{{url}}`, and `{{expiry}}`, the duration in words. */
  readonly signInLink: {
    readonly subject: string;
    readonly greeting: string;
    readonly intro: string;
    readonly button: string;
    readonly validity: string;
    readonly unasked: string;
  };
  /** The item as one phrase (view.ts `item`), placed where the notices name it. */
  readonly item: {
    readonly titleByAuthor: (title: string, author: string) => string;
    readonly articleInJournal: (article: string, journal: string) => string;
    readonly article: (article: string) => string;
    readonly byNumber: (kind: 'ISBN' | 'ISSN' | 'DOI', number: string) => string;
    readonly unknown: string;
  };
  /** Why a request ended, as the `reason` variable: a clause that reads after "Reason:" or in brackets. */
  readonly reasons: {
    /** By ISO 18626 ReasonUnfilled, lower-cased (an open list: these are the values peers send). */
    readonly unfilled: Readonly<Record<string, string>>;
    readonly unfilledOther: string;
    readonly cancelledBySupplier: string;
  };
}
