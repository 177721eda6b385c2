/**
 * E-mail sign-in, for libraries without NCIP: a one-time link mailed to an address at one of the
 * library's domains. Weaker than the card (whoever reads the mailbox is the patron, and no ILS
 * tells of blocks), which the settings say. The link works once, for 15 minutes; the table keeps
 * only its SHA-256.
 *
 * The mail goes out while the patron waits rather than through the outbox: a link that lives a
 * quarter of an hour is no use after hours of retries, and the patron learns at once that it
 * could not be sent. The link's address is always PUBLIC_URL (or the server's configured own
 * URL), never the request's Host header, which whoever asks for a link could set to their own
 * site and so receive a victim's token.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MailRefused, type MailSender } from '../../notify/mailer';
import { mailSettingsOf } from '../../notify/settings';
import { deleteExpiredSignInLinks, findSignInLink, insertSignInLink, useSignInLink } from '../../store/patron-sign-in-links';
import { hashToken } from '../access/sessions';
import type { ServiceDeps } from '../deps';
import { ServiceUnavailable, TooManyAttempts, Unauthenticated, ValidationFailed } from '../errors';
import { patronLibraryRow, requireSignIn } from './library-info';
import { openPatronSession, type OpenedPatronSession, type PatronSessionLifetimes } from './sessions';
import { renderSignInLinkMail } from '../../notify/sign-in-link';
import { limitKey } from './sign-in-limits';
import type { SignInGuard } from './sign-in';

export const SIGN_IN_LINK_MINUTES = 15;
const MINUTE = 60_000;
/** Expired links are kept this long, so that a late click is told "expired" rather than "unknown". */
const KEEP_EXPIRED_MS = 24 * 60 * MINUTE;
const MAIL_RETRY_AFTER_SECONDS = 60;

export const emailLinkRequestSchema = z
  .object({
    library: z.string().trim().min(1).max(100).meta({ description: 'The library’s symbol', example: 'ISIL:DE-1' }),
    email: z.email('must be an e-mail address').max(254).meta({ description: 'An address at one of the library’s e-mail domains', example: 'ada@uni.example.org' }),
  })
  .strict()
  .meta({ id: 'PatronEmailLinkRequest' });

export const linkSignInSchema = z
  .object({ token: z.string().trim().min(1).max(200).meta({ description: 'The token from the mailed link (the last part of its path)' }) })
  .strict()
  .meta({ id: 'PatronLinkSignIn' });

export interface EmailLinkDeps extends ServiceDeps {
  readonly mail?: MailSender;
  /** The server's default sender (MAIL_FROM), for libraries that set none. */
  readonly mailFrom?: string;
  /** Where patron pages are (PUBLIC_URL); the link points there. */
  readonly publicUrl?: string;
}

export interface SentSignInLink {
  readonly sentTo: string;
  readonly expiresAt: Date;
}

/** The domain of an address, lower-cased (the part after the last @). Pure. */
export function mailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}


export async function sendSignInLink(deps: EmailLinkDeps, guard: SignInGuard, input: z.output<typeof emailLinkRequestSchema>, client: { readonly address: string }): Promise<SentSignInLink> {
  const library = await patronLibraryRow(deps, input.library);
  const settings = requireSignIn(library, 'email');
  const email = input.email.trim();
  if (!settings.emailDomains.includes(mailDomainOf(email))) {
    throw new ValidationFailed([{ path: 'email', message: `must be an address at ${settings.emailDomains.join(', ')}` }], `${library.name} sends sign-in links only to addresses at ${settings.emailDomains.join(', ')}`, 'not_allowed_domain');
  }
  const mailbox = limitKey(library.id, email.toLowerCase());
  const address = limitKey(client.address);
  const wait = (await guard.mailboxes.refusedFor(mailbox)) ?? (await guard.linkAddresses.refusedFor(address));
  if (wait !== undefined) throw new TooManyAttempts(`enough sign-in links were sent for now; try again in ${wait} s`, wait);
  if (!deps.mail || !deps.publicUrl) throw new ServiceUnavailable('this server sends no sign-in links: it has no mail or no PUBLIC_URL set up', MAIL_RETRY_AFTER_SECONDS, 'sign_in_unavailable');
  await guard.mailboxes.count(mailbox);
  await guard.linkAddresses.count(address);

  const now = deps.now();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * MINUTE);
  await deleteExpiredSignInLinks(deps.db, new Date(now.getTime() - KEEP_EXPIRED_MS));
  await insertSignInLink(deps.db, { tokenHash: hashToken(token), libraryId: library.id, email, createdAt: now, expiresAt });

  const url = `${deps.publicUrl.replace(/\/+$/, '')}/patron/${encodeURIComponent(library.symbol)}/sign-in/${token}`;
  const rendered = renderSignInLinkMail(settings.language, { libraryName: library.name, url, expiresMinutes: SIGN_IN_LINK_MINUTES });
  // Not a notice: sent even where the library switched its notices off, since it chose e-mail sign-in.
  const mailSettings = mailSettingsOf(library.settings);
  const own = mailSettings.ok ? mailSettings.value : undefined;
  const fromAddress = own?.fromAddress ?? deps.mailFrom ?? 'ill@localhost';
  try {
    await deps.mail.send({
      to: email,
      from: { address: fromAddress, name: own?.fromName ?? library.name },
      ...(own?.replyTo ? { replyTo: own.replyTo } : {}),
      ...rendered,
      messageId: `<sign-in.${randomUUID()}@${mailDomainOf(fromAddress)}>`,
    });
  } catch (err) {
    if (err instanceof MailRefused && err.refused === 'recipient') throw new ValidationFailed([{ path: 'email', message: 'the mail server does not accept this address' }], `no mail can be delivered to ${email}`);
    throw new ServiceUnavailable('the sign-in link could not be sent now; try again shortly', MAIL_RETRY_AFTER_SECONDS, 'sign_in_unavailable');
  }
  return { sentTo: email, expiresAt };
}

export async function signInWithLink(deps: ServiceDeps, token: string, lifetimes?: PatronSessionLifetimes): Promise<OpenedPatronSession> {
  const tokenHash = hashToken(token);
  const link = await findSignInLink(deps.db, tokenHash);
  if (!link || link.usedAt !== null) throw new Unauthenticated('this sign-in link is not valid (each link signs in once); ask for a new one', false, 'link_invalid');
  const now = deps.now();
  if (link.expiresAt <= now) throw new Unauthenticated(`this sign-in link has expired (links work for ${SIGN_IN_LINK_MINUTES} minutes); ask for a new one`, false, 'link_expired');
  // Of two uses at once, only one marks it used.
  if (!(await useSignInLink(deps.db, tokenHash, now))) throw new Unauthenticated('this sign-in link is not valid (each link signs in once); ask for a new one', false, 'link_invalid');
  const library = await deps.directory.libraryById(link.libraryId);
  if (!library) throw new Unauthenticated('this sign-in link is not valid (each link signs in once); ask for a new one', false, 'link_invalid');
  requireSignIn(library, 'email');
  // The address is the patron's id here: there is no ILS to give another.
  const email = link.email.toLowerCase();
  return openPatronSession(deps, { libraryId: library.id, patronId: email, method: 'email', details: { email: link.email, blockReasons: [] } }, lifetimes);
}
