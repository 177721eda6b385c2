/**
 * The patron pages speak the library's language (PatronLibrary.language): one catalogue per
 * language, the same keys, chosen once per page and passed down. `<html lang>` follows, so screen
 * readers pronounce the words right.
 */
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { de } from './messages/de';
import { en, type PatronMessageKey } from './messages/en';

export type PatronLanguage = 'en' | 'de';

const catalogues: Readonly<Record<PatronLanguage, Readonly<Record<PatronMessageKey, string>>>> = { en, de };
const locales: Readonly<Record<PatronLanguage, string>> = { en: 'en-GB', de: 'de-DE' };

export type Translate = (key: PatronMessageKey, vars?: Readonly<Record<string, string | number>>) => string;

export interface PatronWords {
  readonly language: PatronLanguage;
  readonly t: Translate;
  /** A calendar day: "2026-12-24" is that day wherever the reader is; a moment is the reader's own day. */
  readonly date: (value: string | null | undefined) => string;
}

export function languageOf(value: string | null | undefined): PatronLanguage {
  return value === 'de' ? 'de' : 'en';
}

export function wordsFor(language: PatronLanguage): PatronWords {
  const catalogue = catalogues[language];
  const t: Translate = (key, vars = {}) => catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  const day = new Intl.DateTimeFormat(locales[language], { dateStyle: 'long' });
  const calendarDay = new Intl.DateTimeFormat(locales[language], { dateStyle: 'long', timeZone: 'UTC' });
  const date = (value: string | null | undefined) => {
    if (!value) return '';
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return calendarDay.format(new Date(`${value}T00:00:00Z`));
    return day.format(new Date(value));
  };
  return { language, t, date };
}

const Words = createContext<PatronWords>(wordsFor('en'));

export function PatronLanguageProvider({ language, children }: { readonly language: PatronLanguage; readonly children: ReactNode }) {
  const words = useMemo(() => wordsFor(language), [language]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <Words.Provider value={words}>{children}</Words.Provider>;
}

export function useWords(): PatronWords {
  return useContext(Words);
}
