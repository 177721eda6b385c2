/**
 * The bytes of a protocol message (ISO 18626 or NCIP) as text, or the reason they cannot be.
 * Pure. Both endpoints read their bodies as raw bytes and decode them here, so that what no
 * retry can fix (a wrong charset, invalid UTF-8, UTF-16 nobody declared, a NUL) is refused as
 * the message's fault, and can still be kept exactly as it came.
 *
 * Which encoding, first match wins: a byte order mark (XML 1.0 section 4.3.3; WHATWG "BOM
 * sniffing"), the Content-Type charset (RFC 7303 section 3: external information is
 * authoritative), the XML declaration's encoding (XML 1.0 appendix F), UTF-8.
 */

export type DecodedXml = { readonly ok: true; readonly text: string; readonly encoding: string } | Undecodable;

export interface Undecodable {
  readonly ok: false;
  /** Why, in words the sender can act on (it goes into errorValue / ProblemDetail). */
  readonly reason: string;
  readonly bytes: Uint8Array;
  /** The bytes as text for people: what cannot be read, and control characters, shown as U+FFFD. */
  readonly printable: string;
}

export function decodeXmlBytes(bytes: Uint8Array, contentType?: string): DecodedXml {
  const bom = byteOrderMark(bytes);
  const charset = charsetOf(contentType);
  let encoding: string;
  if (bom) encoding = bom;
  else if (charset !== undefined) {
    const resolved = resolve(charset);
    if (!resolved) return undecodable(bytes, `the Content-Type charset "${shown(charset)}" is not one this server reads; send UTF-8`);
    encoding = resolved === 'utf-16le' && charset.trim().toLowerCase() !== 'utf-16le' ? utf16Order(bytes) : resolved;
  } else if (utf16Order(bytes, true)) {
    return undecodable(bytes, 'the body looks like UTF-16 (NUL bytes between ASCII characters), but neither a byte order mark nor a Content-Type charset says so; send UTF-8 or declare the charset', utf16Order(bytes));
  } else {
    const declared = declaredEncoding(bytes);
    const resolved = declared === undefined ? 'utf-8' : resolve(declared);
    if (!resolved) return undecodable(bytes, `the encoding "${shown(declared!)}" of the XML declaration is not one this server reads; send UTF-8`);
    if (resolved.startsWith('utf-16')) return undecodable(bytes, `the XML declaration says ${shown(declared!)}, but the body is not UTF-16 (it has no byte order mark)`);
    encoding = resolved;
  }
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    const utf16 = looksLikeUtf16Instead(bytes, encoding);
    if (utf16) return undecodable(bytes, `the body looks like UTF-16 (NUL bytes between ASCII characters), but its charset says ${encodingName(encoding)}`, utf16);
    const at = encoding === 'utf-8' ? firstInvalidUtf8(bytes) : -1;
    return undecodable(bytes, `the body is not valid ${encodingName(encoding)}${at >= 0 ? ` (byte ${at})` : ''}${charset === undefined && !bom ? '; declare its charset if it is not UTF-8' : ''}`, encoding);
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const utf16 = looksLikeUtf16Instead(bytes, encoding);
    if (utf16) return undecodable(bytes, `the body looks like UTF-16 (NUL bytes between ASCII characters), but its charset says ${encodingName(encoding)}`, utf16);
    return undecodable(bytes, `the body contains a NUL character (U+0000) at character ${nul}, which XML does not allow`, encoding);
  }
  return { ok: true, text, encoding };
}

function undecodable(bytes: Uint8Array, reason: string, encoding = 'utf-8'): Undecodable {
  return { ok: false, reason, bytes, printable: printable(bytes, encoding) };
}

/** Readable whatever the bytes are: decoding never fails here, and no control character survives (PostgreSQL text cannot hold U+0000). */
function printable(bytes: Uint8Array, encoding: string): string {
  let text: string;
  try {
    text = new TextDecoder(encoding).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8').decode(bytes);
  }
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD');
}

function byteOrderMark(b: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  if (!match) return undefined;
  const value = (match[1] ?? match[2] ?? '').trim();
  return value === '' ? undefined : value;
}

/** The WHATWG name of an encoding label this runtime can decode; undefined for anything else. */
function resolve(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

/**
 * UTF-16 without a BOM shows as NUL bytes on one side of each ASCII character. Without `strict`,
 * the byte order to assume (big-endian when unclear, RFC 2781 section 4.3); with it, whether the
 * first characters look like UTF-16 at all.
 */
function utf16Order(b: Uint8Array): 'utf-16le' | 'utf-16be';
function utf16Order(b: Uint8Array, strict: true): 'utf-16le' | 'utf-16be' | undefined;
function utf16Order(b: Uint8Array, strict = false): 'utf-16le' | 'utf-16be' | undefined {
  let le = 0;
  let be = 0;
  const pairs = Math.min(32, Math.floor(b.length / 2));
  for (let i = 0; i < pairs; i++) {
    const [first, second] = [b[2 * i]!, b[2 * i + 1]!];
    if (second === 0 && first > 0 && first < 0x80) le++;
    else if (first === 0 && second > 0 && second < 0x80) be++;
  }
  if (strict) return pairs > 0 && Math.max(le, be) >= Math.ceil(pairs * 0.75) ? (le > be ? 'utf-16le' : 'utf-16be') : undefined;
  return le > be ? 'utf-16le' : 'utf-16be';
}

function looksLikeUtf16Instead(bytes: Uint8Array, encoding: string): 'utf-16le' | 'utf-16be' | undefined {
  return encoding.startsWith('utf-16') ? undefined : utf16Order(bytes, true);
}

/** `encoding="..."` of a declaration readable as ASCII, which is how every encoding it may name starts. */
function declaredEncoding(b: Uint8Array): string | undefined {
  const head = Buffer.from(b.subarray(0, 256)).toString('latin1');
  const declaration = /^\s*<\?xml\s[^?]*\?>/.exec(head);
  if (!declaration) return undefined;
  return /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(declaration[0])?.slice(1).find((v) => v !== undefined);
}

function encodingName(encoding: string): string {
  return ({ 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' } as Record<string, string>)[encoding] ?? encoding;
}

/** Sender-supplied labels go back into answers: printable ASCII, and short. */
function shown(label: string): string {
  const clean = label.replace(/[^\x20-\x7E]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}...` : clean;
}

/** Where UTF-8 decoding first fails (RFC 3629 section 4), for a reason that points at it. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > b.length) return i;
    const second = b[i + 1]!;
    // Overlong forms, surrogates and code points above U+10FFFF are ruled out by the second byte.
    const [low, high] = c === 0xe0 ? [0xa0, 0xbf] : c === 0xed ? [0x80, 0x9f] : c === 0xf0 ? [0x90, 0xbf] : c === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}
