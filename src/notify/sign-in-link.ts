/**
 * The mail that carries a patron's one-time sign-in link (e-mail sign-in), in the library's
 * patron language (wording in ./templates/{en,de}.ts). Pure: the caller makes the link and sends
 * the mail.
 *
 * Not a notice, so libraries do not reword it: it is about signing in, and a mail patrons learn
 * to trust should not change shape from one library to the next. It says how long the link
 * works and that an unasked-for mail can be ignored, since whoever types an address can send one.
 */
import type { PatronLanguage } from '../services/patrons/settings';
import { renderMail, type RenderedMail } from './render';
import { SIGN_IN_LINK_TEMPLATES } from './templates';

export interface SignInLinkMail {
  readonly libraryName: string;
  /** The page that signs the patron in: `${PUBLIC_URL}/patron/{library}/sign-in/{token}`. */
  readonly url: string;
  /** How long the link works, in whole minutes. */
  readonly expiresMinutes: number;
}

export function renderSignInLinkMail(language: PatronLanguage, mail: SignInLinkMail): RenderedMail {
  // From Intl, so one minute is singular: `15 minutes`, `1 Minute`.
  const expiry = new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(mail.expiresMinutes);
  return renderMail(SIGN_IN_LINK_TEMPLATES[language], { libraryName: mail.libraryName, url: mail.url, expiry });
}
