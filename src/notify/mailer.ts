/**
 * Where patron mail goes: an SMTP server (`SMTP_URL`), or, in the embedded default, `.eml` files
 * under `DATA_DIR/mail`, one per message, so a new installation shows what it would send.
 * Created once at start; the notify worker sends through it.
 *
 * A refusal is classified once, here: a 5xx answer is final for that message (no retry can make
 * a rejected mailbox exist); anything else (no connection, timeouts, 4xx "try later", a failed
 * login) is transient and the job retries.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

export interface OutgoingMail {
  readonly to: string;
  readonly from: { readonly address: string; readonly name?: string };
  readonly replyTo?: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Stable per notice, so a copy sent twice (see services/notices.ts) is recognisable downstream. */
  readonly messageId: string;
}

export interface SentMail {
  readonly messageId: string;
  /** The SMTP server's answer, or the file written. */
  readonly response: string;
}

export interface MailSender {
  readonly kind: 'smtp' | 'files';
  /** For the start-up log: the SMTP host, or the mail folder. Never credentials. */
  readonly target: string;
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

/** The server refused this message for good (5xx): retrying cannot help. */
export class MailRefused extends Error {
  override readonly name = 'MailRefused';
  constructor(
    message: string,
    /** `recipient`: the patron's address was refused; `message`: the sender or content was. */
    readonly refused: 'recipient' | 'message',
    readonly responseCode: number,
  ) {
    super(message);
  }
}

/** The mail could not be handed over now (no connection, 4xx, timeout): try again later. */
export class MailUnavailable extends Error {
  override readonly name = 'MailUnavailable';
}

export interface MailerOptions {
  readonly smtpUrl?: string;
  readonly dataDir: string;
}

export function createMailSender(options: MailerOptions): MailSender {
  return options.smtpUrl ? smtpSender(options.smtpUrl) : fileSender(join(options.dataDir, 'mail'));
}

function envelopeOf(mail: OutgoingMail) {
  return {
    to: mail.to,
    from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
  };
}

function smtpSender(smtpUrl: string): MailSender {
  const url = new URL(smtpUrl);
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as SMTPTransport.Options);
  return {
    kind: 'smtp',
    target: `${url.protocol}//${url.host}`,
    async send(mail) {
      try {
        const info = (await transport.sendMail(envelopeOf(mail))) as { messageId: string; response?: string };
        return { messageId: info.messageId, response: info.response ?? '' };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close: () => transport.close(),
  };
}

/** nodemailer's errors carry the SMTP reply code and the command it answered. */
export function classifySmtpError(err: unknown): MailRefused | MailUnavailable {
  const e = err as { message?: string; code?: string; responseCode?: number; command?: string; response?: string };
  const detail = (e.response ?? e.message ?? String(err)).trim();
  const code = e.responseCode;
  // A failed login is the installation's problem, not the message's: retry until it is fixed.
  if (code !== undefined && code >= 500 && code < 600 && e.code !== 'EAUTH') {
    const recipient = e.command === 'RCPT TO' || e.code === 'EENVELOPE';
    return new MailRefused(detail, recipient ? 'recipient' : 'message', code);
  }
  return new MailUnavailable(`${e.code ? `${e.code}: ` : ''}${detail}`);
}

function fileSender(folder: string): MailSender {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | undefined;
  return {
    kind: 'files',
    target: folder,
    async send(mail) {
      ready ??= mkdir(folder, { recursive: true });
      await ready;
      const info = (await transport.sendMail(envelopeOf(mail))) as { messageId: string; message: Buffer };
      // Named by the Message-ID alone (one per notice): a notice sent again because its "sent"
      // record was lost (the database went away just after the write) replaces its own file
      // instead of becoming a second mail. The Date header inside says when it was written.
      const name = `${mail.messageId.replace(/@.*$/, '').replace(/[^A-Za-z0-9.-]/g, '')}.eml`;
      const path = join(folder, name);
      // Written under a temporary name and renamed, so a reader never sees half a message.
      await writeFile(`${path}.tmp`, info.message);
      await rename(`${path}.tmp`, path);
      return { messageId: info.messageId, response: `written to ${path}` };
    },
    close: () => undefined,
  };
}
